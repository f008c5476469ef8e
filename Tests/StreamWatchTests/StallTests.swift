import Foundation
import StreamTestSupport
import Testing
@testable import StreamState
@testable import StreamWatch

/// A server that accepts, sends its headers and 1,000 bytes, then nothing while holding the
/// connection open: an encoder gone behind a relay that still runs.
private func tricklingStream() -> LoopbackRoute {
    var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK",
                              headers: [("Content-Type", "audio/mpeg"), ("icy-name", "Relay FM")],
                              body: .fixed([UInt8](repeating: 0xAA, count: 2000)))  // binary, as audio is
    route.dribble = (1000, .seconds(3600))
    return route
}

@Suite("A stream that stalls is not up", .timeLimit(.minutes(3)))
struct StallTests {
    @Test("default tuning: a server that sends its head and 1,000 bytes then nothing is stalled within 11 s and never up again over 60 s of reconnections, which are counted")
    func tricklingServerStaysStalled() async throws {
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/live", tricklingStream())
        let started = ContinuousClock.now
        try await withSupervisor([streamStation(server.url("/live"))], tuning: MonitorTuning()) { _, store in
            var statuses: [StreamStatus.Status] = []
            var stalledAt: Duration?
            var lastReconnects = 0
            while ContinuousClock.now - started < .seconds(72) {
                let stream = try #require(await store.current.station("test-fm")?.streams.first)
                statuses.append(stream.status)
                lastReconnects = stream.reconnects
                if stream.status == .stalled, stalledAt == nil { stalledAt = ContinuousClock.now - started }
                try await Task.sleep(for: .milliseconds(250))
            }
            let when = try #require(stalledAt, "the stream never showed stalled: \(statuses)")
            // The engine's idle limit: 8 s after the last byte, at the engine's next turn (it sleeps
            // until its earliest timer), plus this loop's 250 ms. libcurl's low-speed limit alone
            // (its 5-second average falls to 0, then 8 s under 1 byte a second) took about 13.5 s.
            #expect(when <= .seconds(11), "stalled after \(when)")
            #expect(!statuses.contains(.up), "up while the server trickles: \(statuses)")
            let afterStall = statuses.drop { $0 != .stalled }
            #expect(afterStall.allSatisfy { $0 == .stalled }, "once stalled, stalled through every reconnection: \(statuses)")
            #expect(server.requests(to: "/live").count >= 3, "it kept reconnecting")
            #expect(lastReconnects >= 2, "the state counts the reconnections: \(lastReconnects)")
            print("trickle: stalled after \(when); \(server.requests(to: "/live").count) connections; reconnects \(lastReconnects)")
        }
    }

    @Test("a stalled stream that recovers for real is up within 5 s of sustained audio, and its reconnections go back to 0")
    func recoversWithSustainedAudio() async throws {
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/live", tricklingStream())
        var tuning = fastTuning
        tuning.upAfterSeconds = 3
        try await withSupervisor([streamStation(server.url("/live"))], tuning: tuning) { _, store in
            try await waitFor(store, station: "test-fm", "stalled with a reconnection", timeout: .seconds(15)) {
                $0.streams.first?.status == .stalled && ($0.streams.first?.reconnects ?? 0) >= 1
            }
            let connections = server.requests(to: "/live").count
            server.route("/live", .icyStream(metaint: 1000, bytesPerSecond: 16000))
            // The audio comes back with the next connection (after the trickling one stalls).
            let deadline = ContinuousClock.now + .seconds(15)
            while server.requests(to: "/live").count == connections && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let audioBack = ContinuousClock.now
            let up = try await waitFor(store, station: "test-fm", "up again", timeout: .seconds(15)) { $0.streams.first?.status == .up }
            let took = ContinuousClock.now - audioBack
            // The half-second connect burst plus 3 s of sustained audio.
            #expect(took < .seconds(5), "up \(took) after the audio came back")
            print("recovery: up \(took) after sustained audio began")
            #expect(up.streams.first?.reconnects == 0)
        }
    }

    @Test("a low-bitrate stream announcing it (icy-br 8, 800 bytes/s) is up and stays up; the same bytes unannounced are under the 1000 bytes/s limit: stalled")
    func lowBitrateAnnounced() async throws {
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/low", .icyStream(metaint: 800, bytesPerSecond: 800, extraHeaders: [("icy-name", "Low FM"), ("icy-br", "8")]))
        server.route("/unannounced", .icyStream(metaint: 800, bytesPerSecond: 800))
        let low = streamStation(server.url("/low"))
        var unannounced = streamStation(server.url("/unannounced"))
        unannounced.id = "other-fm"
        try await withSupervisor([low, unannounced]) { _, store in
            _ = try await waitFor(store, station: "test-fm", "the announced stream up") { $0.streams.first?.status == .up }
            var statuses: [StreamStatus.Status] = []
            let end = ContinuousClock.now + .seconds(6)
            while ContinuousClock.now < end {
                if let status = await store.current.station("test-fm")?.streams.first?.status { statuses.append(status) }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(statuses.allSatisfy { $0 == .up }, "held to half of 8 kbit/s (500 bytes/s), not 1000: \(statuses)")
            let other = try await waitFor(store, station: "other-fm", "the unannounced stream stalled") { $0.streams.first?.status == .stalled }
            #expect(other.streams.first?.error?.message.contains("under 1000 bytes/s") == true, "\(String(describing: other.streams.first?.error))")
        }
    }

    @Test("AAC dead air (ffmpeg's encoder: about 565 bytes/s, sent at its real pace): metered, silent; metered or not, never stalled (its frames are the clock); the same bytes at 0.4 of their pace: stalled")
    func aacSilenceByItsClock() async throws {
        let ffmpeg = try requireTool("ffmpeg")
        let path = NSTemporaryDirectory() + "streamd-silent-\(UUID().uuidString).aac"
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Awaited, not waitUntilExit(): a blocked thread of the 2-thread pool stalls every test.
        let encoded = try await runTool(ffmpeg, ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "aevalsrc=0|0:s=44100:d=10",
                                                 "-c:a", "aac", "-b:a", "128k", "-f", "adts", path])
        #expect(encoded.status == 0, "ffmpeg: \(encoded.stderr)")
        let aac = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(aac.count < 10 * 1000, "digital silence under 1000 bytes/s (the limit here): \(aac.count / 10) bytes/s")
        let tenth = max(1, aac.count / 100)   // 10 s of audio in 100 ms pieces: its real pace, looped
        var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "audio/aac"), ("icy-name", "Quiet FM")],
                                  body: .generated { i in (0..<tenth).map { aac[(i * tenth + $0) % aac.count] } })
        route.dribble = (tenth, .milliseconds(100))
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/metered.aac", route)
        server.route("/plain.aac", route)
        var slow = route
        slow.dribble = (tenth, .milliseconds(250))   // 0.4 s of audio a second: under half real time
        server.route("/slow.aac", slow)
        let metered = StationSpec(id: "test-fm", name: "Test FM", timeZone: TimeZone(identifier: "America/New_York")!,
                                  streams: [StreamSpec(id: "main", url: server.url("/metered.aac"),
                                                       silence: SilenceSpec(thresholdDb: -40, after: .seconds(1)))])
        var plain = streamStation(server.url("/plain.aac"))
        plain.id = "other-fm"
        var starved = streamStation(server.url("/slow.aac"))
        starved.id = "slow-fm"
        var tuning = fastTuning
        tuning.stallWindow = .seconds(2)
        try await withSupervisor([metered, plain, starved], tuning: tuning) { _, store in
            let silent = try await waitFor(store, station: "test-fm", "the metered stream degraded for silence") {
                $0.streams.first?.status == .degraded
            }
            #expect(silent.streams.first?.error?.kind == "silence")
            _ = try await waitFor(store, station: "other-fm", "the unmetered stream up") { $0.streams.first?.status == .up }
            var statuses: [StreamStatus.Status] = []
            var others: [StreamStatus.Status] = []
            let end = ContinuousClock.now + .seconds(8)
            while ContinuousClock.now < end {
                if let status = await store.current.station("test-fm")?.streams.first?.status { statuses.append(status) }
                if let status = await store.current.station("other-fm")?.streams.first?.status { others.append(status) }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(statuses.allSatisfy { $0 == .degraded }, "metered: silent, not stalled: \(statuses)")
            #expect(others.allSatisfy { $0 == .up }, "unmetered: up, not stalled, by its frames' time: \(others)")
            let slowFM = try await waitFor(store, station: "slow-fm", "the starved stream stalled") { $0.streams.first?.status == .stalled }
            let message = slowFM.streams.first?.error?.message ?? ""
            #expect(message.contains("under 1000 bytes/s and under half real time"), "\(message)")
        }
    }

    @Test("the sustained-rate check: the connect burst does not count; a trickle never gets there; steady audio does after the window")
    func sustainedRate() {
        let t0 = Date(timeIntervalSince1970: 0)
        var trickle = SustainedRate(bytesPerSecond: 2000, seconds: 3, from: t0)
        let burst = trickle.add(64_000, at: t0.addingTimeInterval(0.01))
        #expect(!burst, "a 64 KiB connect burst alone")
        let later = trickle.add(1000, at: t0.addingTimeInterval(6))
        #expect(!later, "1000 bytes in 5.5 s")
        var steady = SustainedRate(bytesPerSecond: 2000, seconds: 3, from: t0)
        var confirmedAt: Double?
        for tenth in 1...60 where confirmedAt == nil {
            if steady.add(400, at: t0.addingTimeInterval(Double(tenth) / 10)) { confirmedAt = Double(tenth) / 10 }
        }
        #expect(confirmedAt == 3.5, "4 kB/s: up once 3 s have been measured after the burst")
        var pages = SustainedRate(bytesPerSecond: 2000, seconds: 3, from: t0)
        var pagesAt: Double?
        for second in stride(from: 1.5, through: 12, by: 1.5) where pagesAt == nil {
            if pages.add(4500, at: t0.addingTimeInterval(second)) { pagesAt = second }
        }
        #expect(pagesAt == 4.5, "Ogg-like 4.5 kB pages every 1.5 s (3 kB/s) count as sustained")
    }

    @Test("Ogg silence (300 B/s, a second of audio a second) is sustained by its audio time; its bytes alone would not be")
    func sustainedByAudioTime() {
        let t0 = Date(timeIntervalSince1970: 0)
        var silent = SustainedRate(bytesPerSecond: 2000, seconds: 3, from: t0)
        var bytesOnly = SustainedRate(bytesPerSecond: 2000, seconds: 3, from: t0)
        var confirmedAt: Double?
        for second in 1...10 where confirmedAt == nil {
            let at = t0.addingTimeInterval(Double(second))
            if silent.add(300, audioSeconds: Double(second - 1), at: at) { confirmedAt = Double(second) }
            let byBytes = bytesOnly.add(300, at: at)
            #expect(!byBytes)
        }
        #expect(confirmedAt == 4, "3 s of audio in the 3.5 s after the burst")
        var lagging = SustainedRate(bytesPerSecond: 2000, seconds: 3, from: t0)
        for second in 1...20 {
            let sustained = lagging.add(300, audioSeconds: Double(second) / 2, at: t0.addingTimeInterval(Double(second)))
            #expect(!sustained, "half real time is not sustained")
        }
    }

    @Test("the stall watch: a window under the byte rate is a stall, unless its audio time kept up; the message says what arrived")
    func stallWatch() throws {
        let t0 = Date(timeIntervalSince1970: 0)
        var steady = StallWatch(bytesPerSecond: 2000, window: .seconds(8), from: t0)
        for tenth in 1...300 {
            let stall = steady.add(400, audioSeconds: nil, at: t0.addingTimeInterval(Double(tenth) / 10))
            #expect(stall == nil)
        }
        // A 64 KiB burst, then 100 B/s: the first window passes on the burst, the second is a stall.
        var trickle = StallWatch(bytesPerSecond: 2000, window: .seconds(8), from: t0)
        let burst = trickle.add(65_536, audioSeconds: nil, at: t0.addingTimeInterval(0.1))
        #expect(burst == nil)
        var stall: (at: Int, why: String)?
        for second in 1...20 where stall == nil {
            if let why = trickle.add(100, audioSeconds: nil, at: t0.addingTimeInterval(Double(second))) { stall = (second, why) }
        }
        let found = try #require(stall)
        #expect(found.at == 16, "the window from 8 s to 16 s")
        #expect(found.why == "only 100 bytes/s in 8 s (under 2000 bytes/s)")
        // Vorbis dead air: 300 B/s, a second of audio every second; then the audio clock stops too.
        var silence = StallWatch(bytesPerSecond: 2000, window: .seconds(8), from: t0)
        var silentStall: (at: Int, why: String)?
        for second in 1...40 where silentStall == nil {
            let audio = Double(min(second, 24))
            if let why = silence.add(300, audioSeconds: audio, at: t0.addingTimeInterval(Double(second))) { silentStall = (second, why) }
        }
        let stopped = try #require(silentStall, "the audio clock stopped at 24 s")
        #expect(stopped.at == 32)
        #expect(stopped.why == "only 300 bytes/s and 0.0 s of audio in 8 s (under 2000 bytes/s and under half real time)")
    }
}
