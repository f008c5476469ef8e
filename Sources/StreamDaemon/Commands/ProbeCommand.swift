import ArgumentParser
import Foundation
import StreamFormats
import StreamHTTP
import StreamState
import StreamWatch

/// `streamd probe KIND URL`: fetch one stream or source once and print what streamd makes
/// of it, as JSON. Exit 0 on success, 1 with the error as JSON on failure.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Fetch one stream or source once and print what streamd makes of it (JSON).",
        discussion: """
            Streams (icy, ogg, hls) are read until the first title or the time limit; sources \
            (triton, composer, cadence, icecast, shoutcast, azuracast, spinitron) are fetched and \
            parsed once; http prints status, headers, size and timings. file:// URLs work.
            """)

    static let streamKinds = ["icy": StreamFormat.icy, "ogg": .ogg, "hls": .hls, "stream": .auto]

    @Argument(help: "What to fetch: http, icy, ogg, hls, stream (auto), or a source kind.") var kind: String
    @Argument(help: "The URL (http, https or file).") var url: String
    @Option(help: "Give up after this many seconds.") var timeout: Double = 15
    @Option(help: "The station's IANA time zone, for schedule times.") var timezone: String = "America/New_York"
    @Option(help: "Icecast mount or AzuraCast station shortcode to read.") var mount: String?
    @Option(help: "Title charset: utf-8, iso-8859-1 or windows-1252 (default: detect).") var charset: String?
    @Option(help: "Spinitron API token.") var token: String?
    @Option(help: "Second URL: a Composer/Cadence day schedule, or Spinitron playlists.") var secondaryURL: String?

    func run() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let limit = Duration.milliseconds(Int(max(0.1, timeout) * 1000))
        if kind == "http" {
            do {
                let response = try await engine.fetch(HTTPRequest(url: url, totalTimeout: limit))
                try printJSON(HTTPProbeReport(response, url: url))
            } catch {
                try printJSON(ErrorReport(error))
                throw ExitStatus.failure
            }
        } else if let format = Self.streamKinds[kind] {
            let textCharset = try parseCharset()
            var tuning = MonitorTuning()
            tuning.probeTimeout = limit
            let report = await Probe.stream(url: url, format: format, charset: textCharset, engine: engine, tuning: tuning)
            try printJSON(StreamProbeOutput(kind: kind, url: url, report: report))
            if report.status != "up" { throw ExitStatus.failure }
        } else if let source = NowPlayingKind(rawValue: kind) {
            guard let zone = TimeZone(identifier: timezone) else {
                printError("streamd probe: unknown time zone '\(timezone)'")
                throw ExitStatus.usage
            }
            let event = await Probe.source(source, url: url, secondaryURL: secondaryURL, selector: mount, token: token,
                                           timeZone: zone, engine: engine, timeout: limit)
            switch event {
            case .ok(let snapshot, let schedule, _):
                try printJSON(SourceProbeOutput(kind: kind, url: url, snapshot: snapshot, schedule: schedule))
            case .failed(let error):
                try printJSON(["error": error])
                throw ExitStatus.failure
            }
        } else {
            let known = (["http"] + Self.streamKinds.keys.sorted() + NowPlayingKind.allCases.map(\.rawValue)).joined(separator: ", ")
            printError("streamd probe: unknown kind '\(kind)' (known: \(known))")
            throw ExitStatus.usage
        }
    }

    private func parseCharset() throws -> TextCharset? {
        guard let charset else { return nil }
        guard let parsed = TextCharset(ianaName: charset) else {
            printError("streamd probe: unknown charset '\(charset)' (utf-8, iso-8859-1, windows-1252)")
            throw ExitStatus.usage
        }
        return parsed
    }
}

/// What `probe icy|ogg|hls|stream` prints.
struct StreamProbeOutput: Encodable {
    let kind: String
    let url: String
    let report: Probe.StreamReport

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case kind, url, stream }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(url, forKey: .url)
        try c.encode(report, forKey: .stream)
    }
}

/// What `probe <source kind>` prints: the normalized snapshot.
struct SourceProbeOutput: Encodable {
    let kind: String
    let url: String
    let snapshot: SourceSnapshot
    let schedule: [ProgramSlot]?
    /// Programs of the day schedule that claim the same time (an edited entry the source
    /// did not shorten its neighbour for); absent without a schedule.
    let overlaps: [ScheduleOverlap]?

    init(kind: String, url: String, snapshot: SourceSnapshot, schedule: [ProgramSlot]?) {
        self.kind = kind
        self.url = url
        self.snapshot = snapshot
        self.schedule = schedule
        self.overlaps = schedule.map(ComposerDay.overlaps(in:))
    }
}
