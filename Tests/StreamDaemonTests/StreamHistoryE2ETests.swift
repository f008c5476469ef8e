import Foundation
import StreamTestSupport
import Testing

/// A stream's 24-hour history (issue 19, second part) through the real binary: what the
/// stream did is served at `/v1/streams/{station}/{stream}/history` and counted in
/// `/metrics`, survives a clean stop and a start, and a history file that is not one is kept
/// aside while the daemon starts anyway.
@Suite("Stream history: minute by minute, kept across restarts", .serialized, .timeLimit(.minutes(2)))
struct StreamHistoryE2ETests {
    static let route = "/v1/streams/test-fm/main/history"

    static func history(_ daemon: DaemonProcess) async throws -> [String: Any] {
        let answer = try await daemon.get(route)
        guard answer.status == 200 else { throw TestFailure("\(route) answered \(answer.status): \(answer.text)") }
        return try answer.object()
    }

    static func seconds(_ history: [String: Any], _ condition: String) -> Int {
        (history["seconds"] as? [String: Any])?[condition] as? Int ?? -1
    }

    @Test("up, silent, down: each in the history and the counters; stopped and started, the history is still there")
    func survivesRestart() async throws {
        let tone = try await DeadAirTests.mp3("0.5*sin(2*PI*440*t)"), silence = try await DeadAirTests.mp3("0")
        let playing = Locked(tone)
        let server = try await LoopbackServer.start()
        server.route("/live.mp3", DeadAirTests.looped(playing, contentType: "audio/mpeg"))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live.mp3"), extra: """
              silence = { threshold = "-40dB", after = "2s" }
            """))
        let first = try await DaemonProcess.start(sandbox)
        defer { Task { await first.terminate() } }
        try await eventually("up for 3 s in the history", timeout: .seconds(20)) {
            Self.seconds(try await Self.history(first), "up") >= 3
        }
        playing.withLock { $0 = silence }
        try await eventually("silent seconds counted", timeout: .seconds(20)) {
            Self.seconds(try await Self.history(first), "silent") >= 2
        }
        // The encoder goes: the response ends, and the server refuses the stream from now on.
        server.route("/live.mp3", .status(503, "no source on this mount"))
        playing.withLock { $0 = [] }
        let last = Locked("")
        let before = try await eventually("down seconds counted", timeout: .seconds(20), detail: { "\(last.value)" }) { () -> [String: Any]? in
            let h = try await Self.history(first)
            let state = (try? await first.get("/v1/state").text) ?? ""
            last.withLock { $0 = state }
            return Self.seconds(h, "down") >= 2 ? h : nil
        }
        #expect(before["condition"] as? String == "down")
        let minutes = try #require(before["minutes"] as? String)
        #expect(minutes.count == 1440)
        // The minutes of this test: a stream up, then silent, then down, oldest first; the worst
        // in each minute wins, so the last minute is down and none before the test is known.
        let recent = String(minutes.drop { $0 == "-" })
        #expect(!recent.isEmpty && recent.count <= 3, "\(recent)")
        #expect(recent.last == "d", "\(recent)")
        #expect(recent.allSatisfy { "usd".contains($0) }, "\(recent)")
        let uptime = try #require(before["uptime"] as? Double)
        #expect(uptime > 0 && uptime < 1)
        let metrics = try await first.get("/metrics").text
        for condition in ["up", "silent", "down"] {
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("streamd_stream_seconds_total{station=\"test-fm\",stream=\"main\",status=\"\(condition)\"}") }
            let value = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            #expect(value > 1, "streamd_stream_seconds_total for \(condition): \(line.map(String.init) ?? "missing")")
        }

        let (status, _) = await first.stop()
        await server.shutdown()
        #expect(status == 0)
        let file = sandbox.directory + "/state.history.json"
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        let streams = try #require(saved?["streams"] as? [[String: Any]], "\(file): \(String(describing: saved))")
        #expect(streams.first?["station"] as? String == "test-fm" && streams.first?["stream"] as? String == "main")

        // Started again (the stream's server still gone): what was counted is still there, and
        // the counters since this start begin at nothing up.
        let second = try await DaemonProcess.start(sandbox)
        defer { Task { await second.terminate() } }
        let after = try await Self.history(second)
        for condition in ["up", "silent"] {
            #expect(Self.seconds(after, condition) == Self.seconds(before, condition),
                    "\(condition): \(Self.seconds(before, condition)) s before the restart, \(Self.seconds(after, condition)) s after")
        }
        #expect(Self.seconds(after, "down") >= Self.seconds(before, "down"))
        let afterMinutes = try #require(after["minutes"] as? String)
        let afterRecent = String(afterMinutes.drop { $0 == "-" })
        #expect(afterRecent.hasPrefix(recent) || afterRecent.first == recent.first,
                "the minutes before the restart, \(recent), then \(afterRecent)")
        #expect(second.stderr.contains("loaded the history of 1 stream(s) from \(file)"), "\(second.stderr.suffix(2000))")
        let metrics2 = try await second.get("/metrics").text
        #expect(metrics2.contains("streamd_stream_seconds_total{station=\"test-fm\",stream=\"main\",status=\"up\"} 0"), "\(metrics2)")
        #expect(await second.stop().status == 0)
    }

    @Test("a history file that is not one is kept aside with a warning; the daemon starts, its history empty; unknown streams answer 404")
    func badFileSetAside() async throws {
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/live.mp3", DeadAirTests.looped(Locked(try await DeadAirTests.mp3("0.5*sin(2*PI*440*t)")), contentType: "audio/mpeg"))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live.mp3")))
        let file = sandbox.directory + "/state.history.json"
        try Data(#"{"schema":1,"savedAt":"2026-12-04T10:00:00Z","streams":[{"station":"test-fm","stream":"main","lastMinute":"2026-12-04T10:00:00Z","runs":[[1,70000,0,0,0]]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let daemon = try await DaemonProcess.start(sandbox)
        defer { Task { await daemon.terminate() } }
        #expect(await daemon.waitForLog("history file \(file): test-fm/main run 1: [70000, 0, 0, 0] ms is not a minute"), "\(daemon.stderr.suffix(2000))")
        #expect(await daemon.waitForLog("kept aside as \(file).bad-"))
        #expect(sandbox.files().contains { $0.hasPrefix("state.history.json.bad-") }, "\(sandbox.files())")
        // 404 until the stream's first condition is known (pending is no condition): a loaded
        // machine may ask before that, so a 404 here is "not yet", not a failure.
        try await eventually("up in the new history", timeout: .seconds(20)) {
            let answer = try await daemon.get(Self.route)
            guard answer.status == 200 else { return false }
            return Self.seconds(try answer.object(), "up") >= 1
        }
        let unknownStream = try await daemon.get("/v1/streams/test-fm/backup/history")
        #expect(unknownStream.status == 404 && unknownStream.text.contains("station test-fm has no stream backup; its streams: main"), "\(unknownStream.text)")
        let unknownStation = try await daemon.get("/v1/streams/nope/main/history")
        #expect(unknownStation.status == 404, "\(unknownStation.text)")
        let post = try await daemon.post(Self.route)
        #expect(post.status == 405)
        #expect(await daemon.stop().status == 0)
        #expect(FileManager.default.fileExists(atPath: file), "the history is written again at stop")
    }
}
