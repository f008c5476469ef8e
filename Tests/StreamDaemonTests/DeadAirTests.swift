import Foundation
import StreamTestSupport
import Testing

/// Dead air (issue 19, first part): a followed MP3 stream with `silence` set is decoded and
/// measured. The loopback server plays real MP3 (made by ffmpeg/libmp3lame) in real time, 16 kB/s,
/// switching between a tone, digital silence and quiet music (−30 dBFS RMS) when the test says;
/// AAC (ADTS) and Ogg Opus streams the same way.
@Suite("Dead air: a silent stream is degraded, quiet music is not", .serialized, .timeLimit(.minutes(3)))
struct DeadAirTests {
    /// 10 s of stereo MP3 at 128 kbit/s of `expression` (an aevalsrc expression per channel).
    static func mp3(_ expression: String) async throws -> [UInt8] {
        try await encode(expression, codec: ["-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3"])
    }

    /// The same as AAC-LC in ADTS frames.
    static func aac(_ expression: String) async throws -> [UInt8] {
        try await encode(expression, codec: ["-c:a", "aac", "-b:a", "128k", "-f", "adts"])
    }

    /// Ogg Opus at a constant 128 kbit/s (so the real-time route plays it at its pace), `seconds` long.
    static func opus(_ expression: String, seconds: Int) async throws -> [UInt8] {
        try await encode(expression, seconds: seconds, codec: ["-c:a", "libopus", "-b:a", "128k", "-vbr", "off", "-f", "ogg"])
    }

    /// What ffmpeg made so far, by expression, length and codec: the same tone is made once per run.
    private static let encoded = Locked<[String: [UInt8]]>([:])

    /// Runs ffmpeg without holding a thread of the concurrency pool (the suites run in
    /// parallel on 2 cores: a pool thread blocked in `waitUntilExit` for each encode starved the
    /// loopback servers and polls of every other test in the process).
    static func encode(_ expression: String, seconds: Int = 10, codec: [String]) async throws -> [UInt8] {
        let key = expression + " \(seconds) " + codec.joined(separator: " ")
        if let bytes = encoded.value[key] { return bytes }
        let path = NSTemporaryDirectory() + "streamd-deadair-\(UUID().uuidString).audio"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requireTool("ffmpeg"))
        process.arguments = ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "aevalsrc=\(expression)|\(expression):s=44100:d=\(seconds)",
                            ] + codec + [path]
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { process.terminationHandler = nil; continuation.resume(throwing: error) }
        }
        guard status == 0 else { throw TestFailure("ffmpeg exited \(status)") }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        encoded.withLock { $0[key] = bytes }
        return bytes
    }

    /// `playing` (whatever it holds at each moment) looped in real time for 128 kbit/s: 800 bytes
    /// every 50 ms. Set to nothing, the response ends.
    static func looped(_ playing: Locked<[UInt8]>, contentType: String) -> LoopbackRoute {
        LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", contentType)], body: .generated { index in
            let bytes = playing.value
            guard !bytes.isEmpty else { return nil }
            let start = (index * 800) % bytes.count
            return Array(bytes[start..<min(bytes.count, start + 800)])
        })
    }

    /// `playing` in real time as Icecast sends an Ogg mount: 800 bytes every 50 ms, each file
    /// whole from its first page. A new file (the test switching) starts from its beginning, a
    /// new logical stream, as at a title change; at its end the same file begins again (its
    /// pages again, the same serial number), so the decoder sees chained and looped links.
    static func chained(_ playing: Locked<[UInt8]>, contentType: String) -> LoopbackRoute {
        let cursor = Locked<(bytes: [UInt8], offset: Int)>(([], 0))
        return LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", contentType)], body: .generated { _ in
            let bytes = playing.value
            guard !bytes.isEmpty else { return nil }
            return cursor.withLock { cursor in
                if cursor.bytes != bytes || cursor.offset >= bytes.count { cursor = (bytes, 0) }
                let end = min(bytes.count, cursor.offset + 800)
                defer { cursor.offset = end }
                return Array(bytes[cursor.offset..<end])
            }
        })
    }

    /// The first stream of the first station in `/v1/state`.
    static func firstStream(_ daemon: DaemonProcess) async throws -> [String: Any] {
        let station = (try await daemon.get("/v1/state").object()["stations"] as? [[String: Any]])?.first
        return (station?["streams"] as? [[String: Any]])?.first ?? [:]
    }

    @Test("tone: up with its level; silence: degraded (kind silence) once it lasted `after`; back: up; −30 dBFS music: never silent")
    func silenceDetected() async throws {
        let tone = try await Self.mp3("0.5*sin(2*PI*440*t)"), silence = try await Self.mp3("0"), quiet = try await Self.mp3("0.04472*sin(2*PI*440*t)")
        let playing = Locked(tone)
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/live.mp3", Self.looped(playing, contentType: "audio/mpeg"))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live.mp3"), extra: """
              silence = { threshold = "-40dB", after = "3s" }
            """))
        let daemon = try await DaemonProcess.start(sandbox)
        defer { Task { await daemon.terminate() } }
        func stream() async throws -> [String: Any] { try await Self.firstStream(daemon) }
        func level(_ s: [String: Any]) -> Double? { (s["audio"] as? [String: Any])?["levelDb"] as? Double }
        try await eventually("up, with the tone's level (about -9 dBFS)", timeout: .seconds(20), detail: { "" }) {
            let s = try await stream()
            return s["status"] as? String == "up" && level(s).map { abs($0 - -9) < 1.5 } == true
        }
        playing.withLock { $0 = silence }
        let quietAt = Date()
        let degraded = try await eventually("degraded for silence", timeout: .seconds(15)) { () -> [String: Any]? in
            let s = try await stream()
            return s["status"] as? String == "degraded" ? s : nil
        }
        let error = try #require(degraded["error"] as? [String: Any])
        #expect(error["kind"] as? String == "silence")
        #expect((error["message"] as? String)?.hasPrefix("silent (below -40 dBFS) since ") == true, "\(error)")
        #expect(Date().timeIntervalSince(quietAt) >= 3, "not before its `after`")
        #expect(((degraded["audio"] as? [String: Any])?["silentSince"] as? String) != nil)
        #expect(level(degraded).map { $0 < -90 } == true)
        playing.withLock { $0 = tone }
        try await eventually("up again when the audio is back", timeout: .seconds(10)) {
            let s = try await stream()
            return s["status"] as? String == "up" && s["error"] is NSNull
        }
        playing.withLock { $0 = quiet }
        // /metrics has each second's level (the store's newest reading), well before the document.
        func metricLevel() async throws -> Double? {
            let prefix = "streamd_stream_audio_level_dbfs{station=\"test-fm\",stream=\"main\"} "
            let metrics = try await daemon.get("/metrics").text
            return metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
        }
        try await eventually("quiet music's level in /metrics", timeout: .seconds(15)) {
            try await metricLevel().map { abs($0 - -30) < 1.5 } == true
        }
        // The level alone is bookkeeping: it reaches the document with the station's next change,
        // or a minute after its last version (the up above), whichever comes first.
        try await eventually("quiet music measured", timeout: .seconds(75)) { level(try await stream()).map { abs($0 - -30) < 1.5 } == true }
        try await Task.sleep(for: .seconds(5))   // past `after`
        let still = try await stream()
        #expect(still["status"] as? String == "up", "quiet music is no dead air: \(still)")
        // `streamd status` says it too.
        playing.withLock { $0 = silence }
        try await eventually("degraded again", timeout: .seconds(15)) { try await stream()["status"] as? String == "degraded" }
        let metrics = try await daemon.get("/metrics").text
        #expect(metrics.contains("streamd_stream_silent{station=\"test-fm\",stream=\"main\"} 1"), "\(metrics)")
        #expect(metrics.contains("streamd_stream_audio_level_dbfs{station=\"test-fm\",stream=\"main\"} -1"), "\(metrics)")
        let status = try await StreamdProcess.run(["status", "--socket", sandbox.socketPath])
        #expect(status.stdout.contains("degraded") && status.stdout.contains("silence: silent (below -40 dBFS)"), "\(status.stdout)")
    }

    @Test("an AAC stream (audio/aacp, ADTS) of silence: degraded for silence; its tone before: up with its level")
    func aacSilence() async throws {
        let tone = try await Self.aac("0.5*sin(2*PI*440*t)"), silence = try await Self.aac("0")
        let playing = Locked(tone)
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/live.aac", Self.looped(playing, contentType: "audio/aacp"))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live.aac"), extra: """
              silence = { threshold = "-40dB", after = "2s" }
            """))
        let daemon = try await DaemonProcess.start(sandbox)
        defer { Task { await daemon.terminate() } }
        func stream() async throws -> [String: Any] { try await Self.firstStream(daemon) }
        try await eventually("up, with the tone's level", timeout: .seconds(20)) {
            let s = try await stream()
            return s["status"] as? String == "up" && ((s["audio"] as? [String: Any])?["levelDb"] as? Double).map { abs($0 - -9) < 1.5 } == true
        }
        playing.withLock { $0 = silence }
        try await eventually("degraded for silence", timeout: .seconds(15)) {
            let s = try await stream()
            return s["status"] as? String == "degraded" && (s["error"] as? [String: Any])?["kind"] as? String == "silence"
        }
    }

    @Test("an Ogg Opus stream (application/ogg, a 3 s file looped): up with its tone's level; a new link of silence: degraded for silence")
    func oggSilence() async throws {
        // The tone is short so that it loops (the same serial number again) several times before
        // the stream is up; silence, and the tone again, come as new links from their first page.
        let tone = try await Self.opus("0.5*sin(2*PI*440*t)", seconds: 3), silence = try await Self.opus("0", seconds: 10)
        let playing = Locked(tone)
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/live.ogg", Self.chained(playing, contentType: "application/ogg"))
        let sandbox = try DaemonSandbox()
        defer { sandbox.cleanup() }
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: server.url("/live.ogg"), extra: """
              silence = { threshold = "-40dB", after = "2s" }
            """))
        let daemon = try await DaemonProcess.start(sandbox)
        defer { Task { await daemon.terminate() } }
        func stream() async throws -> [String: Any] { try await Self.firstStream(daemon) }
        func level(_ s: [String: Any]) -> Double? { (s["audio"] as? [String: Any])?["levelDb"] as? Double }
        var seen: [Double] = []
        try await eventually("up, with the tone's level", timeout: .seconds(20), detail: { "levels seen: \(seen)" }) {
            let s = try await stream()
            if let level = level(s) { seen = Array((seen + [level]).suffix(10)) }
            return s["status"] as? String == "up" && level(s).map { abs($0 - -9) < 1.5 } == true
        }
        playing.withLock { $0 = silence }
        let degraded = try await eventually("degraded for silence", timeout: .seconds(15)) { () -> [String: Any]? in
            let s = try await stream()
            return s["status"] as? String == "degraded" && (s["error"] as? [String: Any])?["kind"] as? String == "silence" ? s : nil
        }
        #expect(level(degraded).map { $0 < -90 } == true, "\(degraded)")
        playing.withLock { $0 = tone }
        try await eventually("up again with the tone's level", timeout: .seconds(10)) {
            let s = try await stream()
            return s["status"] as? String == "up" && level(s).map { abs($0 - -9) < 1.5 } == true
        }
    }
}
