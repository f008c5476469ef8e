import Foundation
import StreamTestSupport
import Testing


// MARK: The station the tests watch

/// A station served by the in-process loopback server: an ICY stream with a settable title,
/// a Triton now-playing XML route and a Composer `now` (and `day`) route whose program runs
/// from 5 minutes ago to 20 minutes from now (so `elapsed`/`remaining` print as m:ss).
final class LoopbackStation: Sendable {
    let server: LoopbackServer
    let id: String
    let name: String
    let programStart: Date
    let programEnd: Date
    static let programName = "Morning Edition"
    static let nextName = "Here and Now"
    /// How often the daemon polls the station's sources unless a test says otherwise.
    static let interval = "2s"

    var streamPath: String { "/\(id)/live" }
    var tritonPath: String { "/\(id)/triton" }
    var composerPath: String { "/\(id)/composer/now" }
    var composerDayPath: String { "/\(id)/composer/day" }

    /// Sets up the routes. `metaint` small makes titles arrive fast.
    init(server: LoopbackServer, id: String = "loop-fm", name: String = "Loopback FM", metaint: Int = 1000,
         bytesPerSecond: Int = 16000, title: String = "Bonobo - Kerala") throws {
        self.server = server
        self.id = id
        self.name = name
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        programStart = Date(timeIntervalSince1970: minute - 5 * 60)
        programEnd = Date(timeIntervalSince1970: minute + 20 * 60)
        server.route(streamPath, .icyStream(metaint: metaint, bytesPerSecond: bytesPerSecond,
                                            extraHeaders: [("icy-name", name), ("icy-br", "128")]))
        server.setTitle(title, for: streamPath)
        server.route(tritonPath, .ok(try Fixture.text("triton/triton_nowplaying_WBOSFMAAC_1item.xml"), contentType: "text/xml"))
        server.route(composerPath, .ok(composerNow(), contentType: "application/json"))
        server.route(composerDayPath, .ok(#"{"onToday":[]}"#, contentType: "application/json"))
    }

    /// Sets the ICY title the stream sends from its next metadata block on.
    func setTitle(_ title: String) { server.setTitle(title, for: streamPath) }

    /// Makes every route of the station wait `delay` before answering (the stream included),
    /// so a daemon started now has nothing fresh to report for that long.
    func answerAfter(_ delay: Duration, metaint: Int = 1000) throws {
        var stream = LoopbackRoute.icyStream(metaint: metaint, extraHeaders: [("icy-name", name), ("icy-br", "128")])
        stream.headDelay = delay
        server.route(streamPath, stream)
        var triton = LoopbackRoute.ok(try Fixture.text("triton/triton_nowplaying_WBOSFMAAC_1item.xml"), contentType: "text/xml")
        triton.headDelay = delay
        server.route(tritonPath, triton)
        var composer = LoopbackRoute.ok(composerNow(), contentType: "application/json")
        composer.headDelay = delay
        server.route(composerPath, composer)
    }

    /// Requests the loopback server got for the stream (one per connection).
    var streamConnections: Int { server.requests(to: streamPath).count }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    private func composerNow() -> String {
        let nextEnd = programEnd.addingTimeInterval(3600)
        return """
            {"onNow":{"program":{"name":"\(Self.programName)","hosts":[{"name":"Steve Inskeep"}]},\
            "start_time":"\(Self.clock(programStart))","end_time":"\(Self.clock(programEnd))"},\
            "nextUp":[{"program":{"name":"\(Self.nextName)","hosts":[]},\
            "start_time":"\(Self.clock(programEnd))","end_time":"\(Self.clock(nextEnd))"}]}
            """
    }

    /// The `[[station]]` table for this station. The sources poll every 2 s, so one goes
    /// `stale` (no good answer for 3 intervals) only after 6 s: at 1 s, a 2-core machine running
    /// a whole suite's daemons at once held a poll back over 3 s now and then, the source read
    /// stale and "the station to settle" timed out (CI of 726e817, three tests).
    func toml(interval: String = LoopbackStation.interval, tagline: String? = "99.9 Loopback") -> String {
        """

        [[station]]
        id = "\(id)"
        name = "\(name)"
        \(tagline.map { "tagline = \"\($0)\"" } ?? "")
        timezone = "UTC"

          [[station.stream]]
          id = "main"
          url = "\(server.url(streamPath))"
          mode = "follow"

          [[station.source]]
          kind = "triton"
          url = "\(server.url(tritonPath))"
          interval = "\(interval)"

          [[station.source]]
          kind = "composer"
          url = "\(server.url(composerPath))"
          interval = "\(interval)"

        """
    }

    /// A whole configuration: `[daemon]` with the sandbox's socket and state file, then `stations`.
    static func config(_ sandbox: DaemonSandbox, _ stations: [LoopbackStation], interval: String = LoopbackStation.interval,
                       live: String? = nil) -> String {
        var text = """
            [daemon]
            socket = "\(sandbox.socketPath)"
            state_file = "\(sandbox.stateFilePath)"
            log_level = "info"

            """
        if let live { text += "live = \"\(live)\"\n" }
        for station in stations { text += station.toml(interval: interval) }
        return text
    }
}

/// Changes a station's ICY title every `every` until cancelled: heavy change for the tests.
final class TitleChanger: Sendable {
    private let task: Task<Void, Never>
    private let count = Locked(0)

    init(_ station: LoopbackStation, every: Duration = .milliseconds(50), prefix: String = "Artist") {
        let count = self.count
        task = Task {
            var i = 0
            while !Task.isCancelled {
                i += 1
                station.setTitle("\(prefix) \(i) - Song number \(i)")
                count.withLock { $0 = i }
                try? await Task.sleep(for: every)
            }
        }
    }

    /// How many titles were set.
    var titles: Int { count.withLock { $0 } }

    func stop() async {
        task.cancel()
        await task.value
    }
}

// MARK: JSON helpers

extension Dictionary where Key == String, Value == Any {
    /// `sequence` as an integer.
    var sequence: Int? { (self["sequence"] as? NSNumber)?.intValue }

    /// The station object with `id` in a state document.
    func station(_ id: String) -> [String: Any]? {
        (self["stations"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// `now.song.title` of a station object.
    var songTitle: String? { ((self["now"] as? [String: Any])?["song"] as? [String: Any])?["title"] as? String }
    /// `now.song.artist` of a station object.
    var songArtist: String? { ((self["now"] as? [String: Any])?["song"] as? [String: Any])?["artist"] as? String }
    /// `now.program.name` of a station object.
    var programName: String? { ((self["now"] as? [String: Any])?["program"] as? [String: Any])?["name"] as? String }

    /// The first stream's status of a station object.
    var streamStatus: String? { (self["streams"] as? [[String: Any]])?.first?["status"] as? String }

    /// True when every source of a station object is `ok`.
    var sourcesOK: Bool {
        guard let sources = self["sources"] as? [[String: Any]], !sources.isEmpty else { return false }
        return sources.allSatisfy { $0["status"] as? String == "ok" }
    }

    /// `now.song.source` of a station object.
    var songSource: String? { ((self["now"] as? [String: Any])?["song"] as? [String: Any])?["source"] as? String }

    /// The station is fully up: stream up, sources ok, program known, and the song from the
    /// stream's own metadata (not the Triton fixture's older item).
    var settled: Bool {
        streamStatus == "up" && sourcesOK && programName != nil && songSource == "icy"
    }
}

// MARK: The schema check

enum StateSchema {
    /// Validates the JSON file at `path` against docs/state.schema.json with
    /// scripts/validate-state.py; returns the validator's complaints (empty when valid).
    static func problems(_ path: String) async throws -> String? {
        let result = try await runTool("/usr/bin/env", ["python3", Fixture.path("scripts/validate-state.py"),
                                                        Fixture.path("docs/state.schema.json"), path],
                                       directory: Fixture.packageRoot.path)
        if result.status == 0 { return nil }
        if result.stderr.contains("jsonschema") && result.stderr.contains("missing") || result.status == 127 {
            throw TestFailure("the schema check needs python3 with the 'jsonschema' package (apt-get install python3 python3-jsonschema; make test installs it): \(result.stderr)")
        }
        return result.stdout + result.stderr
    }

    /// Validates a document given as bytes (written to a temporary file first).
    static func problems(bytes: [UInt8]) async throws -> String? {
        let path = NSTemporaryDirectory() + "sde2e-doc-\(UUID().uuidString).json"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await problems(path)
    }
}

// MARK: Running streamd's client commands

/// Runs `streamd ARGS` to completion (the client commands, check-config).
func runStreamd(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> ToolResult {
    try await StreamdProcess.run(arguments, timeout: timeout)
}

/// A long-running `streamd` client (e.g. `watch`): started, its output collected, stopped.
final class StreamdClientProcess: Sendable {
    private let child: ChildProcess

    init(_ arguments: [String]) async throws {
        child = try await StreamdProcess.start(arguments)
    }

    var stdout: String { child.stdout }
    var stderr: String { child.stderr }
    var exitStatus: Int32? { child.exitStatus }

    /// The complete lines printed so far.
    var lines: [String] {
        var lines = stdout.components(separatedBy: "\n")
        lines.removeLast()  // the unfinished rest (empty after a final newline)
        return lines
    }

    /// Waits until the printed lines satisfy `condition`.
    @discardableResult
    func wait(timeout: Duration, until condition: ([String]) -> Bool) async -> Bool {
        (try? await eventually("lines", timeout: timeout, every: .milliseconds(20)) { condition(lines) }) != nil
    }

    /// Waits for the exit; its status, or nil on timeout.
    func waitForExit(timeout: Duration) async -> Int32? { await child.waitForExit(timeout: timeout) }

    /// SIGTERM, then SIGKILL if it lingers; waits for the exit.
    func stop() async {
        await child.stop(grace: .seconds(3))
    }
}
