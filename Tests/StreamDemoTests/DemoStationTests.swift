import Foundation
import Testing
import TOMLKit
@testable import StreamDemo
import StreamHTTP
@testable import StreamFormats

/// A running demo station and engine for one test, torn down after it.
func withDemoStation(songLength: Duration = .seconds(20), clock: @escaping @Sendable () -> Date = Date.init,
                     _ body: (DemoStation, CurlEngine) async throws -> Void) async throws {
    let station = try await DemoStation.start(songLength: songLength, clock: clock)
    let engine = try CurlEngine()
    defer { engine.shutdown() }
    do {
        try await body(station, engine)
    } catch {
        await station.shutdown()
        throw error
    }
    await station.shutdown()
}

/// The demo station over real HTTP, read through the project's libcurl engine.
@Suite("Demo station: live server", .timeLimit(.minutes(1)))
struct DemoStationTests {
    /// 2026-11-27 09:03:10 EST.
    static let fixed = Date(timeIntervalSince1970: 1_795_788_190)
    let zone = DemoPlaylist.timeZone

    func stream(_ engine: CurlEngine, _ url: String, metadata: Bool) -> HTTPByteStream {
        engine.stream(HTTPRequest(url: url, headers: metadata ? [("Icy-MetaData", "1")] : [],
                                  totalTimeout: nil, acceptCompressed: false))
    }

    @Test("Triton and Composer endpoints answer what the parsers read, numberToFetch honoured")
    func documents() async throws {
        try await withDemoStation(clock: { Self.fixed }) { station, engine in
            let playlist = station.playlist
            let triton = try await engine.fetch(HTTPRequest(
                url: station.url("/triton/nowplaying?mountName=DEMOFM&numberToFetch=3&eventType=track"))).requireSuccess()
            let snapshot = try TritonNowPlaying.parse(triton.body)
            #expect(snapshot.current?.title == playlist.play(at: Self.fixed).item.title)
            #expect(snapshot.recent.count == 2)
            #expect(triton.headers["content-type"]?.contains("xml") == true)

            let now = try await engine.fetch(HTTPRequest(url: station.url("/composer/now?format=json&show_song=true")))
            let composer = try ComposerNow.parse(now.requireSuccess().body, timeZone: zone, now: Self.fixed)
            #expect(composer.program?.name == playlist.airing(at: Self.fixed).program.name)
            #expect(composer.current?.title == playlist.play(at: Self.fixed).item.title)
            #expect(composer.next.count == 3)

            let day = try await engine.fetch(HTTPRequest(url: station.url("/composer/day?date=2026-11-27&format=json")))
            let slots = try ComposerDay.parse(day.requireSuccess().body, timeZone: zone)
            #expect(slots.count == 144)
            #expect(ComposerDay.onNow(at: Self.fixed, in: slots) == composer.program)
            // without a date: today, station time
            let today = try await engine.fetch(HTTPRequest(url: station.url("/composer/day")))
            #expect(try ComposerDay.parse(today.requireSuccess().body, timeZone: zone) == slots)
        }
    }

    @Test("an unknown path is 404, a bad date 400; / lists the routes")
    func errors() async throws {
        try await withDemoStation { station, engine in
            #expect(try await engine.fetch(HTTPRequest(url: station.url("/nope"))).status == 404)
            #expect(try await engine.fetch(HTTPRequest(url: station.url("/composer/day?date=2026-02-30"))).status == 400)
            #expect(try await engine.fetch(HTTPRequest(url: station.url("/composer/day?date=tomorrow"))).status == 400)
            let index = try await engine.fetch(HTTPRequest(url: station.url("/")))
            #expect(index.status == 200 && index.text.contains("/live.mp3"))
        }
    }

    @Test("the ICY stream with Icy-MetaData: 1 sends Icecast headers and the current title")
    func icyTitle() async throws {
        try await withDemoStation(clock: { Self.fixed }) { station, engine in
            let events = stream(engine, station.url("/live.mp3"), metadata: true)
            defer { events.handle.cancel() }
            var demuxer: IcyDemuxer?
            for try await event in events {
                switch event {
                case .head(let head):
                    #expect(head.status == 200)
                    #expect(head.headers["icy-metaint"] == "16000")
                    #expect(head.headers["icy-name"] == "Demo FM")
                    #expect(head.headers["icy-br"] == "128")
                    #expect(head.headers["content-type"] == "audio/mpeg")
                    demuxer = try IcyDemuxer(metaint: 16_000)
                case .body(let bytes):
                    var current = try #require(demuxer, "body before head")
                    let blocks = current.feed(bytes) { _ in }
                    demuxer = current
                    guard let block = blocks.first else { continue }
                    let title = try #require(try IcyMetadata.parse(block).streamTitle)
                    let track = SongText.track(fromTitle: title, streamName: "Demo FM")
                    let item = station.playlist.play(at: Self.fixed).item
                    #expect(track?.title == item.title)
                    #expect(track?.artist == item.artist)
                    return
                }
            }
            Issue.record("the stream ended before a metadata block")
        }
    }

    @Test("with one-second songs the ICY title changes from block to block")
    func icyTitleChanges() async throws {
        try await withDemoStation(songLength: .seconds(1)) { station, engine in
            let events = stream(engine, station.url("/live.mp3"), metadata: true)
            defer { events.handle.cancel() }
            var demuxer = try IcyDemuxer(metaint: 16_000)
            var titles: [String] = []
            let known = Set(DemoPlaylist.rotation.map { DemoPayloads.icyTitle($0, length: 1) })
            for try await event in events {
                guard case .body(let bytes) = event else { continue }
                for block in demuxer.feed(bytes, audio: { _ in }) {
                    titles.append(try #require(try IcyMetadata.parse(block).streamTitle))
                }
                if titles.count >= 2 { break }
            }
            #expect(titles.count == 2)
            #expect(titles.first != titles.last)
            #expect(titles.allSatisfy { known.contains($0) })
        }
    }

    @Test("the stream is paced in real time (16 kB/s, within a factor of two on a loaded machine), not dumped at once")
    func rate() async throws {
        try await withDemoStation { station, engine in
            let events = stream(engine, station.url("/live.mp3"), metadata: false)
            defer { events.handle.cancel() }
            let clock = ContinuousClock()
            var started: ContinuousClock.Instant?
            var bytes = 0
            for try await event in events {
                if case .head = event { started = clock.now }
                if case .body(let chunk) = event { bytes += chunk.count }
                if let started, clock.now - started >= .seconds(2) { break }
            }
            let elapsed = try #require(started.map { clock.now - $0 })
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(bytes) / seconds
            #expect(rate > 8_000 && rate < 32_000, "measured \(rate) bytes/s")
        }
    }

    @Test("without Icy-MetaData the body is plain audio: no metaint, no metadata blocks")
    func plainAudio() async throws {
        try await withDemoStation { station, engine in
            let events = stream(engine, station.url("/live.mp3"), metadata: false)
            defer { events.handle.cancel() }
            var body: [UInt8] = []
            for try await event in events {
                switch event {
                case .head(let head):
                    #expect(head.headers["icy-metaint"] == nil)
                    #expect(head.headers["icy-name"] == "Demo FM")
                case .body(let chunk): body += chunk
                }
                if body.count > 20_000 { break }
            }
            // every byte follows the 384-byte silent-frame pattern, past the first metaint
            let frame: [UInt8] = [0xFF, 0xFB, 0x94, 0xC4] + [UInt8](repeating: 0, count: 380)
            #expect(body.count > 20_000)
            #expect(body.indices.allSatisfy { body[$0] == frame[$0 % 384] })
        }
    }

    @Test("shutdown ends open streams")
    func shutdownEndsStreams() async throws {
        let station = try await DemoStation.start()
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let events = stream(engine, station.url("/live.mp3"), metadata: true)
        var ended = false
        do {
            for try await event in events {
                if case .head = event { await station.shutdown() }
            }
            ended = true
        } catch let error as HTTPError {
            ended = error.kind != .cancelled
        }
        #expect(ended)
        #expect(await (try? engine.fetch(HTTPRequest(url: station.url("/"), connectTimeout: .seconds(2)))) == nil)
    }

    @Test("configurationTOML is TOML for one station watching this server")
    func configuration() async throws {
        try await withDemoStation { station, _ in
            let text = station.configurationTOML(socket: "/tmp/demo \"x\".sock", stateFile: "/tmp/state.json")
            let toml = try TOMLTable(string: text)
            #expect(toml["daemon"]?["socket"]?.string == "/tmp/demo \"x\".sock")
            #expect(toml["daemon"]?["state_file"]?.string == "/tmp/state.json")
            #expect(toml["daemon"]?["live"]?.string == "demo-fm")
            let stations = try #require(toml["station"]?.array)
            #expect(stations.count == 1)
            let demo = try #require(stations.first?.table)
            #expect(demo["id"]?.string == "demo-fm")
            #expect(demo["timezone"]?.string == "America/New_York")
            let streams = try #require(demo["stream"]?.array)
            #expect(streams.first?.table?["url"]?.string == station.url("/live.mp3"))
            #expect(streams.first?.table?["mode"]?.string == "follow")
            let sources = try #require(demo["source"]?.array).compactMap(\.table)
            #expect(sources.map { $0["kind"]?.string } == ["triton", "composer"])
            #expect(sources.map { $0["url"]?.string } == [station.url("/triton/nowplaying"), station.url("/composer/now")])
            #expect(sources.map { $0["interval"]?.string } == ["5s", "10s"])
        }
    }
}
