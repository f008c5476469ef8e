import Metrics
import Prometheus
import Synchronization

/// Points swift-metrics (which the watchers count through) at the daemon's Prometheus
/// registry, so their counters appear in `GET /metrics`. Once per process.
enum DaemonMetrics {
    private static let done = Mutex(false)

    static func bootstrap(_ registry: PrometheusCollectorRegistry) {
        let first = done.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }
    }
}
