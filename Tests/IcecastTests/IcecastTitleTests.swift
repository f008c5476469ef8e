import Foundation
import StreamTestSupport
import Testing

/// Titles from a real Icecast 2.4.4, fed by ffmpeg and changed through the admin API, as the
/// running `streamd` shows them on its socket API (the event stream).
@Suite("Real Icecast: titles through the running streamd", .timeLimit(.minutes(3)))
struct IcecastTitleTests {
    /// One admin update and what every layer must make of it.
    struct Change {
        var mount: String
        var song: String
        /// `&charset=` on the update (nil: the bytes are stored as sent).
        var charset: String?
        /// Bytes the update must put on the wire (checked with a plain ICY reader).
        var wire: [UInt8]
        var artist: String?
        var title: String
    }

    static func latin1(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8($0.value) } }

    @Test("a followed MP3 mount shows every title change exactly: ASCII, quotes and semicolons, entities on a Latin-1 mount, raw UTF-8 on a UTF-8 mount, emoji")
    func mp3Titles() async throws {
        try await SharedIcecast.titles.with { ice in
            try await ice.startSource("/live.mp3")
            try await ice.startSource("/utf8.mp3", frequency: 660)
            let stations = StationTOML.station("latin1", streams: [StationTOML.stream(ice.url("/live.mp3"))])
                + StationTOML.station("utf8", streams: [StationTOML.stream(ice.url("/utf8.mp3"))])
            try await StreamdUnderTest.with(stations: stations) { streamd in
                let wires = [
                    "/live.mp3": try await IcyWireReader(port: ice.port, mount: "/live.mp3"),
                    "/utf8.mp3": try await IcyWireReader(port: ice.port, mount: "/utf8.mp3"),
                ]
                defer { wires.values.forEach { $0.stop() } }
                for station in ["latin1", "utf8"] {
                    try await streamd.events.waitFor(station, "the stream is up") { $0.streams.first?.status == "up" }
                }
                let changes: [(station: String, Change)] = [
                    ("latin1", Change(mount: "/live.mp3", song: "Miles Davis - So What", charset: nil,
                                      wire: Array("StreamTitle='Miles Davis - So What';".utf8),
                                      artist: "Miles Davis", title: "So What")),
                    ("latin1", Change(mount: "/live.mp3", song: "It's ';' tricky", charset: nil,
                                      wire: Array("StreamTitle='It's ';' tricky';".utf8),
                                      artist: nil, title: "It's ';' tricky")),
                    // The entity path: UTF-8 in, Latin-1 with &#8211; out.
                    ("latin1", Change(mount: "/live.mp3", song: "Beyoncé – Déjà Vu", charset: "UTF-8",
                                      wire: Self.latin1("StreamTitle='Beyoncé &#8211; Déjà Vu';"),
                                      artist: "Beyoncé", title: "Déjà Vu")),
                    ("latin1", Change(mount: "/live.mp3", song: "Elton John - Rocket Man 🚀", charset: "UTF-8",
                                      wire: Array("StreamTitle='Elton John - Rocket Man &#128640;';".utf8),
                                      artist: "Elton John", title: "Rocket Man 🚀")),
                    // Raw UTF-8 to the UTF-8 mount.
                    ("utf8", Change(mount: "/utf8.mp3", song: "Beyoncé – Déjà Vu", charset: nil,
                                    wire: Array("StreamTitle='Beyoncé – Déjà Vu';".utf8),
                                    artist: "Beyoncé", title: "Déjà Vu")),
                    ("utf8", Change(mount: "/utf8.mp3", song: "Rocket 🚀 Man", charset: nil,
                                    wire: Array("StreamTitle='Rocket 🚀 Man';".utf8),
                                    artist: nil, title: "Rocket 🚀 Man")),
                ]
                for (station, change) in changes {
                    try await ice.setTitle(change.song, mount: change.mount, charset: change.charset)
                    // The harness proves which path this is: the bytes Icecast really sends.
                    try await wires[change.mount]!.waitForBlock(containing: change.wire)
                    let shown = try await streamd.events.waitFor(station, "song \(change.artist ?? "-") / \(change.title)") {
                        $0.now.song?.title == change.title && $0.now.song?.artist == change.artist
                    }
                    #expect(shown.now.song?.source == "icy")
                    #expect(shown.now.text == (change.artist.map { "\($0) – \(change.title)" } ?? change.title))
                    #expect(shown.onAir)
                }
                // Every change shown, in order, and nothing else in between (no mojibake, no
                // half-decoded entity, no truncated title on the way).
                for station in ["latin1", "utf8"] {
                    let expected = changes.filter { $0.station == station }.map { "\($0.1.artist ?? "-")|\($0.1.title)" }
                    #expect(streamd.events.songSequence(station) == expected, "\(station)")
                    let afterUp = streamd.events.history(station).drop { $0.station.streams.first?.status != "up" }
                    #expect(afterUp.allSatisfy { $0.station.streams.first?.status == "up" },
                            "the stream stayed up while titles changed")
                }
                // The API answers agree with the event stream.
                let now = try await streamd.getJSON("/v1/now?station=utf8")
                #expect((now["song"] as? [String: Any])?["title"] as? String == "Rocket 🚀 Man")
                #expect(streamd.events.problems.isEmpty, "\(streamd.events.problems)")
            }
        }
    }

    @Test("the Ogg Vorbis mount shows its title changes (a new logical stream, a few seconds after the update)")
    func oggTitles() async throws {
        try await SharedIcecast.titles.with { ice in
            try await ice.startSource("/live.ogg")
            let stations = StationTOML.station("ogg", streams: [StationTOML.stream(ice.url("/live.ogg"))])
            try await StreamdUnderTest.with(stations: stations) { streamd in
                let up = try await streamd.events.waitFor("ogg", "the Ogg stream is up") { $0.streams.first?.status == "up" }
                #expect(up.streams.first?.contentType == "application/ogg")
                let titles = ["First Ogg Title", "Zoë’s Second Ogg Title ✓", "Third Ogg Title"]
                for title in titles {
                    try await ice.setTitle(title, mount: "/live.ogg", charset: "UTF-8")
                    let shown = try await streamd.events.waitFor("ogg", "Ogg title \(title)", timeout: .seconds(20)) {
                        $0.now.song?.title == title
                    }
                    #expect(shown.now.song?.source == "ogg")
                    #expect(shown.now.song?.artist == nil)
                    #expect(shown.now.text == title)
                }
                #expect(streamd.events.songSequence("ogg") == titles.map { "-|\($0)" })
                #expect(streamd.events.history("ogg").drop { $0.station.streams.first?.status != "up" }
                            .allSatisfy { $0.station.streams.first?.status == "up" },
                        "the stream stays up across the logical-stream changes")
                #expect(streamd.events.problems.isEmpty, "\(streamd.events.problems)")
            }
        }
    }

    @Test("the source client stops: the stream goes down and the state says so; it comes back: up again, same daemon")
    func sourceDropsAndReturns() async throws {
        try await SharedIcecast.titles.with { ice in
            try await ice.startSource("/drop.mp3")
            let stations = StationTOML.station("drop", streams: [StationTOML.stream(ice.url("/drop.mp3"))])
            try await StreamdUnderTest.with(stations: stations) { streamd in
                try await streamd.events.waitFor("drop", "the stream is up") { $0.streams.first?.status == "up" }
                try await ice.setTitle("Before The Break", mount: "/drop.mp3")
                try await streamd.events.waitFor("drop", "the first title") { $0.now.song?.title == "Before The Break" }
                let pid = streamd.daemon.pid

                try await ice.stopSource("/drop.mp3")
                let down = try await streamd.events.waitFor("drop", "the stream is down, off the air, no song") {
                    $0.streams.first?.status == "down" && !$0.onAir && $0.now.song == nil
                }
                let error = try #require(down.streams.first?.error, "a down stream says why")
                #expect(["eof", "http"].contains(error.kind), "\(error)")
                #expect(down.now.text == "Station drop", "the text falls back to the station name")
                let now = try await streamd.getJSON("/v1/now?station=drop")
                #expect(now["song"] is NSNull)
                let health = try await streamd.request("GET", "/v1/health")
                #expect(health.status == 503, "no station is on the air: \(health.body)")
                #expect(health.body.contains("drop/main: stream down"), "\(health.body)")

                try await ice.startSource("/drop.mp3")
                // Reconnect backoff (1, 2, 4, 8 ... s) brings it back without a restart.
                let back = try await streamd.events.waitFor("drop", "the stream is up again", timeout: .seconds(45)) {
                    $0.streams.first?.status == "up" && $0.onAir
                }
                #expect(back.streams.first?.error == nil)
                try await ice.setTitle("After The Break", mount: "/drop.mp3")
                try await streamd.events.waitFor("drop", "the title after the break") { $0.now.song?.title == "After The Break" }
                #expect(streamd.daemon.pid == pid && streamd.daemon.isRunning, "the same daemon, never restarted")
                let healthAfter = try await streamd.request("GET", "/v1/health")
                #expect(healthAfter.status == 200, "\(healthAfter.body)")
            }
        }
    }
}
