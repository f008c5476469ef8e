import Foundation
import StreamTestSupport
import Testing

@Suite("streamd probe http, run as a process", .timeLimit(.minutes(2)))
struct ProbeCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("prints status, headers, size and timings as JSON")
    func probeOK() async throws {
        let server = try await LoopbackServer.start()
        server.route("/np", .ok("<nowplaying-info-list/>", contentType: "text/xml"))
        let result = try await StreamdProcess.run(["probe", "http", server.url("/np")])
        await server.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect(report["status"] as? Int == 200)
        #expect(report["size"] as? Int == 23)
        let headers = try #require(report["headers"] as? [[String: String]])
        #expect(headers.contains { $0["name"] == "Content-Type" && $0["value"] == "text/xml" })
        let timings = try #require(report["timings"] as? [String: Double])
        #expect(timings["totalMs"].map { $0 > 0 } == true)
    }

    @Test("a failure prints the error as JSON and exits 1")
    func probeFailure() async throws {
        let port = try await LoopbackServer.closedPort()
        let result = try await StreamdProcess.run(["probe", "http", "http://127.0.0.1:\(port)/"])
        #expect(result.status == 1)
        let error = try #require(try json(result.stdout)["error"] as? [String: Any])
        #expect(error["kind"] as? String == "connect")
        #expect((error["message"] as? String)?.isEmpty == false)
    }

    @Test("a stream server that accepts and never answers is a timeout ('no answer'), not a stall")
    func neverAnswers() async throws {
        let server = try await LoopbackServer.start()
        var silent = LoopbackRoute.icyStream(metaint: 1000)
        silent.headDelay = .seconds(60)
        server.route("/live", silent)
        let result = try await StreamdProcess.run(["probe", "icy", server.url("/live")], timeout: .seconds(40))
        await server.shutdown()
        let stream = try #require(try json(result.stdout)["stream"] as? [String: Any], "\(result.stdout)")
        let error = try #require(stream["error"] as? [String: Any], "\(result.stdout)")
        #expect(stream["status"] as? String == "down", "\(result.stdout)")
        #expect(error["kind"] as? String == "timeout", "\(result.stdout)")
        #expect((error["message"] as? String)?.contains("no answer") == true, "\(result.stdout)")
    }

    @Test("probe spinitron --token: the key is sent, and never printed, on success or on a refusal")
    func probeTokenNeverPrinted() async throws {
        let secret = "probe-secret-7e21c9"
        let server = try await LoopbackServer.start()
        server.route("/api/spins", .ok(try Fixture.text("spinitron/synthetic_spins.json"), contentType: "application/json"))
        server.route("/api/playlists", .ok(try Fixture.text("spinitron/synthetic_playlists.json"), contentType: "application/json"))
        server.route("/bad/spins", .status(401, "{\"message\":\"bad key\"}", contentType: "application/json"))
        let good = try await StreamdProcess.run(["probe", "spinitron", server.url("/api/spins"), "--token", secret])
        let bad = try await StreamdProcess.run(["probe", "spinitron", server.url("/bad/spins"), "--token", secret])
        await server.shutdown()
        #expect(good.status == 0, "\(good.stderr)")
        #expect(bad.status != 0)
        #expect(server.requests(to: "/api/spins").contains { $0.header("Authorization") == "Bearer \(secret)" }, "the key is sent")
        for (name, result) in [("success", good), ("refusal", bad)] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "the key is printed on \(name)")
        }
    }

    @Test("usage errors exit 64")
    func usage() async throws {
        let unknownKind = try await StreamdProcess.run(["probe", "gopher", "http://x/"])
        #expect(unknownKind.status == 64)
        #expect(unknownKind.stderr.contains("unknown kind"))
        let noArgs = try await StreamdProcess.run(["probe"])
        #expect(noArgs.status == 64)
    }
}

@Suite("streamd probe KIND for every kind, run as a process", .timeLimit(.minutes(2)))
struct ProbeKindsTests {
    static let fixtures = Fixture.directory.path

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// (kind, fixture, extra flags, the current title or program name expected)
    static let sourceCases: [(String, String, [String], String)] = [
        ("triton", "triton/triton_nowplaying_WQHTAAC_duration_hhmmss_all_properties.xml", [], "Walk It Talk It (feat. Drake)"),
        ("composer", "composer/composer_now_wmht_2026-02-18_doc_excerpt.json", [], "Classical WMHT"),
        ("cadence", "cadence/synthetic_widget_now.json", [], ""),
        ("icecast", "icecast/local-icecast-2.4.4-status-json-1mount.json", [], ""),
        ("shoutcast", "shoutcast/stats_json_dnas_2.6.1_real_smb_star_radio.json", [], ""),
        ("azuracast", "azuracast/nowplaying_station.openapi-example.json", [], ""),
        ("spinitron", "spinitron/synthetic_spins.json", [], ""),
    ]

    @Test("every source kind parses its fixture through file:// and prints the snapshot", arguments: 0..<7)
    func sources(_ index: Int) async throws {
        let (kind, fixture, flags, expected) = Self.sourceCases[index]
        let result = try await StreamdProcess.run(["probe", kind, "file://\(Self.fixtures)/\(fixture)"] + flags)
        #expect(result.status == 0, "\(kind): \(result.stdout) \(result.stderr)")
        let output = try json(result.stdout)
        #expect(output["kind"] as? String == kind)
        let snapshot = try #require(output["snapshot"] as? [String: Any])
        if !expected.isEmpty {
            let current = (snapshot["current"] as? [String: Any])?["title"] as? String
            let program = (snapshot["program"] as? [String: Any])?["name"] as? String
            #expect(current == expected || program == expected, "\(kind): \(snapshot)")
        }
        #expect(snapshot["current"] != nil || snapshot["program"] != nil, "\(kind) found nothing: \(snapshot)")
    }

    @Test("probe composer with a day schedule prints the day and where its programs overlap")
    func composerDayOverlaps() async throws {
        let now = "file://\(Self.fixtures)/composer/composer_now_wmht_2026-02-18_doc_excerpt.json"
        let tiled = try await StreamdProcess.run(["probe", "composer", now, "--secondary-url",
                                                  "file://\(Self.fixtures)/composer/composer_day_edited_entry_synthetic.json"])
        #expect(tiled.status == 0, "\(tiled.stdout) \(tiled.stderr)")
        let day = try json(tiled.stdout)
        let names = (day["schedule"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["Weekend Edition Saturday", "Election Special", "Classical Music with Kevin"])
        #expect((day["overlaps"] as? [Any])?.isEmpty == true, "the edited entry's own times tile the day: \(day)")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("probe-overlap-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clash = directory.appendingPathComponent("day.json")
        try Data(#"""
            {"params": {"date": "2026-11-28"}, "onToday": [
              {"date": "2026-11-28", "start_time": "08:00", "end_time": "11:00", "program": {"name": "Weekend Edition Saturday"}},
              {"date": "2026-11-28", "start_time": "10:00", "end_time": "12:00", "program": {"name": "Election Special"}}]}
            """#.utf8).write(to: clash)
        let overlapping = try await StreamdProcess.run(["probe", "composer", now, "--secondary-url", "file://\(clash.path)"])
        #expect(overlapping.status == 0, "\(overlapping.stdout) \(overlapping.stderr)")
        let overlaps = try #require(try json(overlapping.stdout)["overlaps"] as? [[String: Any]])
        #expect(overlaps.count == 1)
        #expect((overlaps.first?["first"] as? [String: Any])?["name"] as? String == "Weekend Edition Saturday")
        #expect((overlaps.first?["second"] as? [String: Any])?["name"] as? String == "Election Special")
        #expect(overlaps.first?["from"] as? String == "2026-11-28T15:00:00Z")
        #expect(overlaps.first?["to"] as? String == "2026-11-28T16:00:00Z")
    }

    @Test("a malformed payload prints a parse error and exits 1")
    func malformed() async throws {
        let result = try await StreamdProcess.run(["probe", "icecast", "file://\(Self.fixtures)/icecast/local-icecast-2.4.4-status-json-startup-invalid.json"])
        #expect(result.status == 1)
        let error = try #require(try json(result.stdout)["error"] as? [String: Any])
        #expect(error["kind"] as? String == "parse")
        #expect((error["message"] as? String)?.contains("line 1") == true)
    }

    @Test("probe icy reads the head and the first title of a live stream")
    func icy() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        server.setTitle("Beyonc&#233; - D&#233;j&#224; Vu", for: "/live")
        let result = try await StreamdProcess.run(["probe", "icy", server.url("/live")])
        await server.shutdown()
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let stream = try #require(try json(result.stdout)["stream"] as? [String: Any])
        #expect(stream["status"] as? String == "up")
        #expect(stream["name"] as? String == "Loopback FM")
        let track = try #require(stream["track"] as? [String: Any])
        #expect(track["title"] as? String == "Déjà Vu")
        #expect(track["artist"] as? String == "Beyoncé")
    }

    @Test("probe hls reads a playlist's newest title; a dead stream exits 1 with the error")
    func hlsAndDown() async throws {
        let result = try await StreamdProcess.run(["probe", "hls", "file://\(Self.fixtures)/hls/iheart_media_playlist_song_M.as-published.m3u8"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let stream = try #require(try json(result.stdout)["stream"] as? [String: Any])
        #expect((stream["track"] as? [String: Any])?["title"] as? String == "Sunflower")
        let port = try await LoopbackServer.closedPort()
        let down = try await StreamdProcess.run(["probe", "icy", "http://127.0.0.1:\(port)/live"])
        #expect(down.status == 1)
        #expect(((try json(down.stdout)["stream"] as? [String: Any])?["error"] as? [String: Any])?["kind"] as? String == "connect")
    }

    @Test("probe hls on a playlist whose titles say nothing prints the segment's timed ID3 title")
    func hlsTimedID3() async throws {
        let server = try await LoopbackServer.start()
        server.route("/seg.ts", .bytes(try Fixture.bytes("hls/ffmpeg_muxed_ts_segment_timed_id3.ts"), contentType: "video/mp2t"))
        server.route("/live.m3u8", .ok("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:6, no desc\nseg.ts\n",
                                       contentType: "application/vnd.apple.mpegurl"))
        let result = try await StreamdProcess.run(["probe", "hls", server.url("/live.m3u8")])
        await server.shutdown()
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let track = try #require((try json(result.stdout)["stream"] as? [String: Any])?["track"] as? [String: Any])
        #expect(track["title"] as? String == "Clair de Lune")
        #expect(track["composer"] as? String == "Claude Debussy")
    }

    @Test("probe stream on a web page: down, exit 1, the reason says it is a web page")
    func webPage() async throws {
        let server = try await LoopbackServer.start()
        server.route("/listen-live", .ok("<!doctype html><html><head><title>Listen Live</title></head><body>"
                                         + String(repeating: "<p>Play Live Radio</p>", count: 40) + "</body></html>",
                                         contentType: "text/html"))
        let result = try await StreamdProcess.run(["probe", "stream", server.url("/listen-live")])
        await server.shutdown()
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        let stream = try #require(try json(result.stdout)["stream"] as? [String: Any])
        #expect(stream["status"] as? String == "down")
        let error = try #require(stream["error"] as? [String: Any])
        #expect(error["kind"] as? String == "not-audio")
        #expect(error["message"] as? String == "a web page (text/html), not an audio stream")
    }
}
