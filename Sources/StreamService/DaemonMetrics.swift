import Metrics
import Prometheus
import NIOConcurrencyHelpers

/// Points swift-metrics (which the watchers count through) at the daemon's Prometheus
/// registry, so their counters appear in `GET /metrics`. Once per process.
enum DaemonMetrics {
    private static let done = NIOLockedValueBox(false)

    static func bootstrap(_ registry: PrometheusCollectorRegistry) {
        let first = done.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }
    }
}
