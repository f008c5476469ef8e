import Foundation
import Logging
import StreamHTTP
import StreamState
import StreamFormats
import NIOConcurrencyHelpers

/// One-shot checks behind `streamd probe KIND URL`: fetch a stream or a source once and say
/// what streamd makes of it, with the same code the daemon watches with.
public enum Probe {
    /// What probing a stream found.
    public struct StreamReport: Sendable, Encodable {
        /// `up`, `degraded`, `stalled` or `down`.
        public var status: String
        /// The container the title came from: `icy`, `ogg`, `hls`.
        public var container: String?
        /// What the head said.
        public var contentType: String?
        /// The stream's own name.
        public var name: String?
        /// Announced bitrate, kbit/s.
        public var announcedBitrate: Int?
        /// The first title, cleaned (nil when none arrived in time).
        public var track: Track?
        /// Why it is not up.
        public var error: ErrorValue?
    }

    /// Connects to a stream, reads the head and the first title (or audio for a while), and
    /// hangs up. HLS playlists are read once.
    public static func stream(url: String, format: StreamFormat = .auto, charset: TextCharset? = nil,
                              engine: CurlEngine, tuning: MonitorTuning = MonitorTuning()) async -> StreamReport {
        let spec = StreamSpec(id: "probe", url: url, mode: .probe, format: format, charset: charset)
        let station = StationSpec(id: "probe", name: "probe", timeZone: .current, streams: [spec])
        let events = NIOLockedValueBox<[StreamEvent]>([])
        let reporter = WatchReporter(station: station.id, generation: .initial) { observation in
            if case .stream(_, let event) = observation.event { events.withLockedValue { $0.append(event) } }
        }
        let logger = Logger(label: "probe")
        let hls = HLSWatcher(station: station, index: 0, engine: engine, wakeup: Wakeup(), logger: logger,
                             clock: Date.init, reporter: reporter)
        if format == .hls || (format == .auto && StreamFormatDetection.isPlaylist(contentType: nil, url: url)) {
            var state = HLSWatcher.State()
            _ = await hls.poll(&state)
        } else {
            let health = MetadataHealth(station: station.id, stream: spec.id, logger: logger)
            let session = StreamSession(spec: spec, charset: charset, probe: true, tuning: tuning, metadataHealth: health,
                                        clock: Date.init) { event in
                events.withLockedValue { $0.append(event) }
            }
            let request = HTTPRequest(url: url, headers: [("Icy-MetaData", "1")], connectTimeout: tuning.connectTimeout,
                                      totalTimeout: tuning.probeTimeout,
                                      lowSpeed: LowSpeedLimit(bytesPerSecond: tuning.stallBytesPerSecond, window: tuning.stallWindow),
                                      maxBodyBytes: nil, acceptCompressed: false)
            let outcome = await session.run(request, on: engine)
            if outcome.isPlaylist {
                var state = HLSWatcher.State()
                _ = await hls.poll(&state)
            } else {
                events.withLockedValue { $0 += judge(outcome) }
            }
        }
        return report(events.withLockedValue { $0 })
    }

    /// Fetches a now-playing source once and parses it as the daemon would.
    public static func source(_ kind: NowPlayingKind, url: String, secondaryURL: String? = nil, selector: String? = nil,
                              token: String? = nil, timeZone: TimeZone, engine: CurlEngine,
                              timeout: Duration = .seconds(15)) async -> SourceEvent {
        let spec = SourceSpec(kind: kind, url: url, secondaryURL: secondaryURL, timeout: timeout, selector: selector, token: token)
        let station = StationSpec(id: "probe", name: "probe", timeZone: timeZone, sources: [spec])
        let poller = SourcePoller(station: station, index: 0, engine: engine, wakeup: Wakeup(), logger: .init(label: "probe"),
                                  reporter: WatchReporter(station: station.id, generation: .initial) { _ in })
        var state = SourcePoller.PollState()
        return await poller.poll(&state)
    }

    private static func judge(_ outcome: StreamSession.Outcome) -> [StreamEvent] {
        let now = Date()
        if let refusal = outcome.refusal { return [.down(refusal)] }
        switch outcome.result {
        case .success:
            return outcome.receivedAudio ? [] : [.down(ErrorValue(kind: "eof", message: "the server ended the stream", at: now))]
        case .failure(let error):
            if outcome.probeSatisfied { return [] }
            if outcome.receivedAudio && error.kind == .timeout {
                return [.stalled(ErrorValue(kind: "stalled", message: "only a trickle of audio before the probe's time ran out (no title, under \(MonitorTuning().probeAudioBytes) bytes)", at: now))]
            }
            return [error.kind == .stalled ? .stalled(ErrorValue(error, at: now)) : .down(ErrorValue(error, at: now))]
        }
    }

    private static func report(_ events: [StreamEvent]) -> StreamReport {
        var report = StreamReport(status: "down")
        for event in events {
            switch event {
            case .up(let head, _):
                report.status = "up"
                report.contentType = head.contentType
                report.name = head.name
                report.announcedBitrate = head.announcedBitrate
            case .metadata(let track, let container, _):
                if report.track == nil { report.track = track }
                report.container = container
            case .degraded(let error):
                report.status = "degraded"
                report.error = error
            case .stalled(let error):
                report.status = "stalled"
                report.error = error
            case .down(let error):
                report.status = "down"
                report.error = error
            case .connecting, .connected, .bitrate, .audio:
                break
            }
        }
        return report
    }
}
