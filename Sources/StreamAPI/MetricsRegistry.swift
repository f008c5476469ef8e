import NIOConcurrencyHelpers
import Prometheus
import StreamState

/// The numbers behind `GET /metrics`, in the Prometheus text format.
///
/// Request counters live in a long-lived registry; the gauges that describe the document
/// (sequence, stations on air, streams up, sources ok) and the event-stream numbers are built
/// fresh at each scrape, so a station removed by a reload disappears from the output.
public final class MetricsRegistry: Sendable {
    /// The long-lived registry; the daemon may register its own metrics here too.
    public let registry: PrometheusCollectorRegistry

    /// Creates a registry (a new Prometheus registry unless one is given).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The request counters made so far, by route and code: made once each, as asking the
    /// registry for a counter checks its name and labels and takes the registry's lock (a
    /// visible part of each request's CPU in a profile).
    private let counters = NIOLockedValueBox<[RouteCode: Counter]>([:])

    private struct RouteCode: Hashable {
        var route: String
        var code: Int
    }

    /// Counts one answered request: `streamd_api_requests_total{route,code}`.
    public func countRequest(route: String, code: Int) {
        let key = RouteCode(route: route, code: code)
        let counter = counters.withLockedValue { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("code", String(code))])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// The exposition text for `document`, `hub` and the streams' `history`; a metered
    /// stream's level and silence come from `audio` (station → stream → its last measured
    /// second) when it has the stream, else from the document.
    public func render(document: StateDocument, hub: EventHub, history: HistoryRecorder? = nil,
                       audio live: [String: [String: AudioStatus]] = [:]) -> [UInt8] {
        let scrape = PrometheusCollectorRegistry()
        scrape.makeGauge(descriptor: .init(namespace: "streamd", metricName: "state_sequence", unitName: "",
                                           helpText: "The sequence number of the state document"))
            .set(to: Double(document.sequence))
        scrape.makeGauge(descriptor: .init(namespace: "streamd", metricName: "state_stale", unitName: "",
                                           helpText: "1 while the document is stale (loaded at start, not refreshed)"))
            .set(to: document.stale ? 1 : 0)
        let onAir = MetricNameDescriptor(namespace: "streamd", metricName: "station_on_air", unitName: "",
                                         helpText: "1 while the station is on the air")
        let streamUp = MetricNameDescriptor(namespace: "streamd", metricName: "stream_up", unitName: "",
                                            helpText: "1 while the stream is up")
        let sourceOK = MetricNameDescriptor(namespace: "streamd", metricName: "source_ok", unitName: "",
                                            helpText: "1 while every source of this kind answers (not error, stale or pending)")
        let level = MetricNameDescriptor(namespace: "streamd", metricName: "stream_audio_level", unitName: "dbfs",
                                         helpText: "A metered stream's RMS level (loudest channel) over its last measured second")
        let silent = MetricNameDescriptor(namespace: "streamd", metricName: "stream_silent", unitName: "",
                                          helpText: "1 while a metered stream is dead air (silent for its after)")
        for station in document.stations {
            scrape.makeGauge(descriptor: onAir, labels: [("station", station.id)]).set(to: station.onAir ? 1 : 0)
            for stream in station.streams {
                let labels = [("station", station.id), ("stream", stream.id)]
                scrape.makeGauge(descriptor: streamUp, labels: labels).set(to: stream.status == .up ? 1 : 0)
                if let audio = live[station.id]?[stream.id] ?? stream.audio {
                    scrape.makeGauge(descriptor: level, labels: labels).set(to: audio.levelDb)
                    scrape.makeGauge(descriptor: silent, labels: labels).set(to: audio.silentSince == nil ? 0 : 1)
                }
            }
            var kinds: [(String, Bool)] = []
            for source in station.sources {
                if let i = kinds.firstIndex(where: { $0.0 == source.kind }) {
                    kinds[i].1 = kinds[i].1 && source.status == .ok
                } else {
                    kinds.append((source.kind, source.status == .ok))
                }
            }
            for (kind, ok) in kinds {
                scrape.makeGauge(descriptor: sourceOK, labels: [("station", station.id), ("kind", kind)]).set(to: ok ? 1 : 0)
            }
        }
        if let history {
            let seconds = MetricNameDescriptor(namespace: "streamd", metricName: "stream_seconds", unitName: "total",
                                               helpText: "Seconds each stream spent up, silent, stalled or down since the daemon started")
            for (key, counted) in history.secondsSinceStart() {
                for condition in StreamCondition.allCases {
                    scrape.makeCounter(descriptor: seconds, labels: [("station", key.station), ("stream", key.stream),
                                                                     ("status", condition.name)])
                        .increment(by: counted[condition] ?? 0)
                }
            }
        }
        scrape.makeGauge(descriptor: .init(namespace: "streamd", metricName: "sse_subscribers", unitName: "",
                                           helpText: "Event-stream subscribers attached now"))
            .set(to: Double(hub.subscriberCount))
        scrape.makeCounter(descriptor: .init(namespace: "streamd", metricName: "sse_dropped", unitName: "total",
                                             helpText: "Event-stream subscribers dropped for not reading"))
            .increment(by: Int64(clamping: hub.droppedCount))
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        scrape.emit(into: &out)
        registry.emit(into: &out)
        return out
    }

    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "streamd", metricName: "api_requests", unitName: "total",
                                                       helpText: "Socket API requests answered, by route and status code")
    }
}
