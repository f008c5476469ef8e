import Foundation
import Logging
import StreamHTTP
import StreamState

/// Watches one stream of a station, in follow or probe mode, and reports what it sees.
///
/// Follow keeps the connection open and reconnects with exponential backoff and jitter
/// (reset after a connection stayed healthy). Probe connects every interval, reads the head
/// and the first title (or some audio), and hangs up. A response that turns out to be an HLS
/// playlist is handed to ``HLSWatcher``.
public struct StreamWatcher: Sendable {
    let station: StationSpec
    let index: Int
    let engine: CurlEngine
    let wakeup: Wakeup
    let tuning: MonitorTuning
    let logger: Logger
    let clock: @Sendable () -> Date
    let reporter: WatchReporter
    let metadataHealth: MetadataHealth

    /// Creates a watcher for `station.streams[index]`.
    public init(station: StationSpec, index: Int, engine: CurlEngine, wakeup: Wakeup, tuning: MonitorTuning,
                logger: Logger, clock: @escaping @Sendable () -> Date = Date.init, reporter: WatchReporter) {
        self.station = station
        self.index = index
        self.engine = engine
        self.wakeup = wakeup
        self.tuning = tuning
        self.logger = logger
        self.clock = clock
        self.reporter = reporter
        self.metadataHealth = MetadataHealth(station: station.id, stream: station.streams[index].id, logger: logger)
    }

    var spec: StreamSpec { station.streams[index] }

    /// Watches until the task is cancelled.
    public func run() async {
        defer { metadataHealth.close() }
        if spec.format == .hls || (spec.format == .auto && StreamFormatDetection.isPlaylist(contentType: nil, url: spec.url)) {
            await hls.run()
            return
        }
        var backoff = Backoff(initial: tuning.reconnectInitial, maximum: tuning.reconnectMaximum)
        while !Task.isCancelled {
            report(.connecting(at: clock()))
            let outcome = await makeSession().run(request(), on: engine)
            if Task.isCancelled { return }
            if outcome.isPlaylist {
                await hls.run()
                return
            }
            let healthy = outcome.upSince.map { clock().timeIntervalSince($0) >= tuning.healthyAfter.seconds } ?? false
            let failed = judge(outcome)
            let delay: Duration
            if spec.mode == .probe {
                delay = failed ? min(backoff.nextDelay(), spec.probeInterval) : spec.probeInterval
                if !failed { backoff.reset() }
            } else {
                if healthy { backoff.reset() }
                delay = backoff.nextDelay()
            }
            await wakeup.wait(for: delay)
        }
    }

    private var hls: HLSWatcher {
        HLSWatcher(station: station, index: index, engine: engine, wakeup: wakeup, logger: logger, clock: clock, reporter: reporter)
    }

    private func makeSession() -> StreamSession {
        StreamSession(spec: spec, charset: station.charset, probe: spec.mode == .probe, tuning: tuning,
                      metadataHealth: metadataHealth, clock: clock) { [reporter, index] event in reporter.stream(index, event) }
    }

    private func request() -> HTTPRequest {
        HTTPRequest(url: spec.url, headers: [("Icy-MetaData", "1")], connectTimeout: tuning.connectTimeout,
                    totalTimeout: spec.mode == .probe ? tuning.probeTimeout : nil,
                    lowSpeed: LowSpeedLimit(bytesPerSecond: tuning.stallBytesPerSecond, window: tuning.stallWindow),
                    maxBodyBytes: nil, acceptCompressed: false)
    }

    /// Reports how the session ended; returns true when it counts as a failure.
    private func judge(_ outcome: StreamSession.Outcome) -> Bool {
        let now = clock()
        if let refusal = outcome.refusal {
            report(.down(refusal))
            return true
        }
        switch outcome.result {
        case .success:
            if spec.mode == .probe && outcome.receivedAudio { return false }
            report(.down(ErrorValue(kind: "eof", message: "the server ended the stream", at: now)))
            return true
        case .failure(let error):
            if spec.mode == .probe, outcome.probeSatisfied {
                return false  // the probe got its title or its audio and hung up on purpose
            }
            if spec.mode == .probe, outcome.receivedAudio, error.kind == .timeout {
                report(.stalled(ErrorValue(kind: "stalled", message: "only a trickle of audio in \(tuning.probeTimeout) (no title, under \(tuning.probeAudioBytes) bytes)", at: now)))
                return true
            }
            if error.kind == .stalled {
                report(.stalled(ErrorValue(error, at: now)))
            } else {
                report(.down(ErrorValue(error, at: now)))
            }
            logger.notice("stream \(station.id)/\(spec.id): \(error.kind.rawValue): \(error.message)")
            return true
        }
    }

    private func report(_ event: StreamEvent) {
        reporter.stream(index, event)
    }
}
