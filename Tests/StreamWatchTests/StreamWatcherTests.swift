import Foundation
import StreamTestSupport
import Testing
@testable import StreamWatch
@testable import StreamFormats

@Suite("Watching streams through the engine", .timeLimit(.minutes(2)))
struct StreamWatcherTests {
    @Test("a followed ICY stream: up, its name and type, and every title change")
    func followTitles() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 800, bytesPerSecond: 16_000))
        server.setTitle("Nina Simone - Feeling Good", for: "/live")
        try await withSupervisor([streamStation(server.url("/live"))]) { _, store in
            let first = try await waitFor(store, station: "test-fm", "first title") { $0.now.song?.title == "Feeling Good" }
            #expect(first.now.song?.artist == "Nina Simone")
            #expect(first.now.song?.source == "icy")
            #expect(first.onAir)
            #expect(first.streams.first?.status == .up)
            #expect(first.streams.first?.name == "Loopback FM")
            #expect(first.streams.first?.contentType == "audio/mpeg")
            server.setTitle("Miles Davis - So What", for: "/live")
            let second = try await waitFor(store, station: "test-fm", "second title") { $0.now.song?.title == "So What" }
            #expect(second.recent.first?.title == "Feeling Good")
            #expect(second.now.text == "Miles Davis – So What")
            // Back to a title seen before (the blocks repeat each title until it changes;
            // a repeat is skipped, a return is news).
            server.setTitle("Nina Simone - Feeling Good", for: "/live")
            let third = try await waitFor(store, station: "test-fm", "the first title again") { $0.now.song?.title == "Feeling Good" }
            #expect(third.recent.first?.title == "So What")
        }
        await server.shutdown()
    }

    @Test("the bitrate is measured from the bytes that arrive")
    func measuredBitrate() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 16000, bytesPerSecond: 8000, extraHeaders: [("icy-br", "128")]))
        try await withSupervisor([streamStation(server.url("/live"))]) { _, store in
            // announced 128, but only 8000 B/s (64 kbit/s) arrive: the measurement wins
            let state = try await waitFor(store, station: "test-fm", "a measured bitrate", timeout: .seconds(15)) {
                ($0.streams.first?.bitrate).map { (56...72).contains($0) } ?? false
            }
            #expect(state.streams.first?.status == .up)
        }
        await server.shutdown()
    }

    @Test("a stream that dies goes down with the reason, and comes back up by itself")
    func diesAndReturns() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 800))
        server.setTitle("A - Before", for: "/live")
        try await withSupervisor([streamStation(server.url("/live"))]) { _, store in
            try await waitFor(store, station: "test-fm", "up") { $0.streams.first?.status == .up }
            server.route("/live", .status(503, "source gone"))
            let down = try await waitFor(store, station: "test-fm", "down") { $0.streams.first?.status == .down }
            #expect(down.streams.first?.error?.kind == "http" || down.streams.first?.error?.kind == "eof")
            #expect(!down.onAir)
            #expect(down.now.song == nil, "a down stream's title is not current")
            let refused = try await waitFor(store, station: "test-fm", "the 503") { $0.streams.first?.error?.httpStatus == 503 }
            #expect(refused.streams.first?.error?.message.contains("503") == true)
            server.route("/live", .icyStream(metaint: 800))
            server.setTitle("B - After", for: "/live")
            let back = try await waitFor(store, station: "test-fm", "up again") { $0.streams.first?.status == .up && $0.now.song?.title == "After" }
            #expect(back.onAir)
            #expect(back.streams.first?.error == nil)
        }
        await server.shutdown()
    }

    @Test("a slow dribble is stalled, not up and not hung")
    func stalled() async throws {
        let server = try await LoopbackServer.start()
        var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "audio/mpeg")],
                                  body: .generated { _ in [UInt8](repeating: 0xAA, count: 50) })
        route.dribble = (50, .milliseconds(200))  // 250 B/s, under the 1000 B/s limit
        server.route("/slow", route)
        try await withSupervisor([streamStation(server.url("/slow"))]) { _, store in
            let state = try await waitFor(store, station: "test-fm", "stalled") { $0.streams.first?.status == .stalled }
            #expect(state.streams.first?.error?.kind == "stalled")
            #expect(!state.onAir)
        }
        await server.shutdown()
    }

    @Test("a redirect to a stream is followed")
    func redirect() async throws {
        let server = try await LoopbackServer.start()
        server.route("/listen", .redirect(to: "/live"))
        server.route("/live", .icyStream(metaint: 800))
        server.setTitle("Redirected - Song", for: "/live")
        try await withSupervisor([streamStation(server.url("/listen"))]) { _, store in
            try await waitFor(store, station: "test-fm", "title via redirect") { $0.now.song?.title == "Song" }
        }
        await server.shutdown()
    }

    @Test("an Ogg stream's chained titles arrive in order")
    func oggChained() async throws {
        let link1 = try Fixture.bytes("ogg/vorbis_chained_link1_header_pages.ogg")
        var reader = OggPageReader()
        let packets = reader.feed(link1).compactMap { if case .packet(let p) = $0 { return p.bytes } else { return nil } }
        let serial1 = firstSerial(link1)
        let eos = OggBuilder.page(serial: serial1, sequence: 2, flags: 0x04, granule: 1, table: [3], body: [0, 1, 2])
        let link2 = OggBuilder.pages(serial: 77, packets: [packets[0], OggBuilder.vorbisComments(["TITLE=Second Song", "ARTIST=Ogg Band"]), packets[2]])
        let audio: @Sendable (Int) -> [UInt8] = { n in OggBuilder.page(serial: 77, sequence: UInt32(100 + n), table: [255, 255, 255, 255, 100], body: [UInt8](repeating: 1, count: 1120)) }
        var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "application/ogg")],
                                  body: .generated { i in
                                      switch i {
                                      case 0: link1
                                      case 30: eos + link2  // after the stream is confirmed up
                                      default: audio(i)
                                      }
                                  })
        route.dribble = (0, .milliseconds(100))
        let server = try await LoopbackServer.start()
        server.route("/live.ogg", route)
        try await withSupervisor([streamStation(server.url("/live.ogg"))]) { _, store in
            let first = try await waitFor(store, station: "test-fm", "first Ogg title") { $0.now.song?.title == "The Fisherman and his Soul" }
            #expect(first.now.song?.source == "ogg")
            let second = try await waitFor(store, station: "test-fm", "second Ogg title") { $0.now.song?.title == "Second Song" }
            #expect(second.now.song?.artist == "Ogg Band")
        }
        await server.shutdown()
    }

    @Test("probe mode: connects, reads the first title, hangs up, and reports up")
    func probe() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 800))
        server.setTitle("Probe - Title", for: "/live")
        try await withSupervisor([streamStation(server.url("/live"), mode: .probe, probeInterval: .seconds(30))]) { _, store in
            let state = try await waitFor(store, station: "test-fm", "probed title") { $0.now.song?.title == "Title" }
            #expect(state.streams.first?.status == .up)
            #expect(state.streams.first?.mode == "probe")
            try await Task.sleep(for: .milliseconds(500))
            #expect(server.requests(to: "/live").count == 1, "one probe per interval")
        }
        await server.shutdown()
    }

    @Test("an HLS playlist whose media sequence stops is stalled; titles come from EXTINF")
    func hlsStall() async throws {
        let server = try await LoopbackServer.start()
        let started = Date()
        server.route("/live.m3u8") { _ in
            let elapsed = Date().timeIntervalSince(started)
            let sequence = elapsed < 2 ? Int(elapsed * 2) : 4  // advances for 2 s, then stops
            let ad = sequence >= 4
            let title = ad ? #"title="Spot",artist="Sponsor",url="song_spot=\"T\" length=\"00:00:30\"""#
                           : #"title="Song \#(sequence)",artist="HLS Artist",url="song_spot=\"M\"""#
            return .ok("""
                #EXTM3U
                #EXT-X-TARGETDURATION:1
                #EXT-X-MEDIA-SEQUENCE:\(sequence)
                #EXTINF:1,\(title)
                seg\(sequence).aac

                """, contentType: "application/vnd.apple.mpegurl")
        }
        try await withSupervisor([streamStation(server.url("/live.m3u8"))]) { _, store in
            let up = try await waitFor(store, station: "test-fm", "HLS up with a title") { $0.streams.first?.status == .up && $0.now.song?.artist == "HLS Artist" }
            #expect(up.now.song?.source == "hls")
            let stalled = try await waitFor(store, station: "test-fm", "HLS stalled") { $0.streams.first?.status == .stalled }
            #expect(stalled.now.song == nil, "the ad at the end is not shown as the song")
        }
        await server.shutdown()
    }

    private func firstSerial(_ bytes: [UInt8]) -> UInt32 {
        bytes.count >= 18 ? UInt32(bytes[14]) | UInt32(bytes[15]) << 8 | UInt32(bytes[16]) << 16 | UInt32(bytes[17]) << 24 : 0
    }
}
