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
    /// The outages this watcher logs: the first failure, a summary of repeats, the recovery.
    let failures: FailureLogger

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
        self.failures = FailureLogger(subject: "stream \(station.id)/\(station.streams[index].id)", logger: logger)
    }

    var spec: StreamSpec { station.streams[index] }

    /// Watches until the task is cancelled. (The daemon steps a probed stream from a
    /// ``StepScheduler`` instead; see ``stepped()``.)
    public func run() async {
        defer { metadataHealth.close() }
        if watchesPlaylist {
            await hls.run()
            return
        }
        var backoff = Backoff(initial: tuning.reconnectInitial, maximum: tuning.reconnectMaximum)
        while let delay = await connectOnce(&backoff) {
            await wakeup.wait(for: delay)
        }
    }

    /// Whether the configuration says this is an HLS playlist (watched by ``HLSWatcher``).
    var watchesPlaylist: Bool {
        spec.format == .hls || (spec.format == .auto && StreamFormatDetection.isPlaylist(contentType: nil, url: spec.url))
    }

    /// Whether the watcher works in steps (a probed stream that is not a playlist), so that
    /// no task of its own waits between the probes.
    var isStepped: Bool { spec.mode == .probe && !watchesPlaylist }

    /// One connection (one probe, or one followed session until it ends), reported and
    /// judged; returns the wait before the next, or nil when cancelled. A response that turns
    /// out to be a playlist is watched as HLS until cancelled.
    func connectOnce(_ backoff: inout Backoff) async -> Duration? {
        if Task.isCancelled { return nil }
        report(.connecting(at: clock()))
        let outcome = await makeSession().run(request(), on: engine)
        if Task.isCancelled { return nil }
        if outcome.isPlaylist {
            await hls.run()
            return nil
        }
        let healthy = outcome.upSince.map { clock().timeIntervalSince($0) >= tuning.healthyAfter.seconds } ?? false
        let failure = judge(outcome)
        let failed = failure != nil
        let delay: Duration
        if spec.mode == .probe {
            delay = failed ? min(backoff.nextDelay(), spec.probeInterval) : spec.probeInterval
            if !failed { backoff.reset() }
        } else {
            if healthy { backoff.reset() }
            delay = backoff.nextDelay()
        }
        if let failure {
            failures.failed(failure, at: clock(), retry: delay)
        } else if spec.mode == .probe {
            failures.recovered(at: clock())
        }
        return delay
    }

    /// This watcher as a ``SteppedWatcher`` (one probe a step), its backoff kept between steps.
    func stepped() -> any SteppedWatcher {
        LoopedWatcher(Backoff(initial: tuning.reconnectInitial, maximum: tuning.reconnectMaximum),
                      onClose: { [metadataHealth] in metadataHealth.close() }) { [self] backoff in await connectOnce(&backoff) }
    }

    private var hls: HLSWatcher {
        HLSWatcher(station: station, index: index, engine: engine, wakeup: wakeup, logger: logger, clock: clock, reporter: reporter,
                   failures: failures)
    }

    private func makeSession() -> StreamSession {
        StreamSession(spec: spec, charset: station.charset, probe: spec.mode == .probe, tuning: tuning,
                      metadataHealth: metadataHealth, clock: clock) { [reporter, index, failures, clock, tuning] event in
            if case .up(_, let time) = event { failures.up(at: time) }
            failures.confirm(at: clock(), healthyAfter: tuning.healthyAfter.seconds)
            reporter.stream(index, event)
        }
    }

    private func request() -> HTTPRequest {
        HTTPRequest(url: spec.url, headers: [("Icy-MetaData", "1")], connectTimeout: tuning.connectTimeout,
                    totalTimeout: spec.mode == .probe ? tuning.probeTimeout : nil,
                    lowSpeed: spec.mode == .probe ? LowSpeedLimit(bytesPerSecond: tuning.stallBytesPerSecond, window: tuning.stallWindow)
                                                  : Self.nothingFlows(tuning.stallWindow),
                    idleLimit: spec.mode == .probe ? nil : tuning.stallWindow,
                    maxBodyBytes: nil, acceptCompressed: false)
    }

    /// libcurl's part in a followed stream's stall: ending a transfer whose server never
    /// answers (or answers its head and never a body byte) after `window`. Bytes that stop
    /// once the body flows are the engine's idle limit (`HTTPRequest.idleLimit`, the same
    /// window, noticed within the engine's turn: about 8 s after the last byte); libcurl
    /// averages its speed over the last 5 seconds, so it alone took 5 s + `window` (13 s).
    /// A trickle is the session's to judge, by its bytes or its audio time: see `StallWatch`.
    static func nothingFlows(_ window: Duration) -> LowSpeedLimit {
        LowSpeedLimit(bytesPerSecond: 1, window: window)
    }

    /// Reports how the session ended; returns what failed (`kind: message`, for the log), or
    /// nil when it did not count as a failure.
    private func judge(_ outcome: StreamSession.Outcome) -> String? {
        let now = clock()
        let value: ErrorValue
        if let refusal = outcome.refusal {
            value = refusal
            report(.down(value))
            return "\(value.kind): \(value.message)"
        }
        if let stall = outcome.stall {
            report(.stalled(stall))
            return "\(stall.kind): \(stall.message)"
        }
        switch outcome.result {
        case .success:
            if spec.mode == .probe && outcome.receivedAudio { return nil }
            value = ErrorValue(kind: "eof", message: "the server ended the stream", at: now)
            report(.down(value))
        case .failure(let error):
            if spec.mode == .probe, outcome.probeSatisfied {
                return nil  // the probe got its title or its audio and hung up on purpose
            }
            if spec.mode == .probe, outcome.receivedAudio, error.kind == .timeout {
                value = ErrorValue(kind: "stalled", message: "only a trickle of audio in \(FailureLog.text(tuning.probeTimeout)) (no title, under \(tuning.probeAudioBytes) bytes)", at: now)
                report(.stalled(value))
            } else if error.kind == .stalled {
                value = spec.mode == .probe ? ErrorValue(error, at: now)
                    : ErrorValue(kind: "stalled", message: "the stream stopped: nothing arrived for \(FailureLog.text(tuning.stallWindow))", at: now)
                report(.stalled(value))
            } else {
                value = ErrorValue(error, at: now)
                report(.down(value))
            }
        }
        return "\(value.kind): \(value.message)"
    }

    private func report(_ event: StreamEvent) {
        reporter.stream(index, event)
    }
}
