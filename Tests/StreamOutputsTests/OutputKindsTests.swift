import Foundation
import StreamHTTP
import StreamState
import Testing
@testable import StreamOutputs

/// What each kind makes of a message, byte for byte: ODR-PadEnc's DL Plus file, OnAirScreen's
/// datagrams, the tags' places, the HMAC of a webhook, the Icecast and TuneIn requests (and
/// that no secret shows where it must not).
@Suite("Outputs: each kind's bytes")
struct OutputKindsTests {
    private static let song = OutputTextTests.song("Clair de lune", artist: "Claudio Arrau", album: "Debussy")

    @Test("DL Plus file: parameters block with artist (4) and title (1) tags as start and length-1, then the text")
    func dlsFile() {
        let text = "Claudio Arrau – Clair de lune"
        let tags = OutputTags.locate(in: text, song: Self.song, charset: .utf8)
        #expect(tags.artist == 0..<13 && tags.title == 16..<29)
        #expect(DLSFile.render(text: text, artist: tags.artist, title: tags.title, running: true, toggle: true) == """
            ##### parameters { #####
            DL_PLUS=1
            DL_PLUS_ITEM_TOGGLE=1
            DL_PLUS_ITEM_RUNNING=1
            DL_PLUS_TAG=4 0 12
            DL_PLUS_TAG=1 16 12
            ##### parameters } #####
            Claudio Arrau – Clair de lune

            """)
        #expect(DLSFile.render(text: "Morning\nEdition", artist: nil, title: nil, running: false, toggle: false) == """
            ##### parameters { #####
            DL_PLUS=1
            DL_PLUS_ITEM_TOGGLE=0
            DL_PLUS_ITEM_RUNNING=0
            ##### parameters } #####
            Morning Edition

            """)
    }

    @Test("DLS sink: the toggle flips with each new song, not with a repeat of the same one")
    func dlsToggle() throws {
        let path = NSTemporaryDirectory() + "streamd-dls-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let spec = OutputSpec(target: .dls(path: path), station: "wvia-fm", template: "{artist} – {title}", fallback: "{text}", delay: .zero)
        let sink = DLSSink(path: path, charset: spec.charset)
        func send(_ station: StationState) throws -> String {
            sink.send(OutputMessage(spec, station: station)) { failure in #expect(failure == nil) }
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        let first = try send(OutputTextTests.station(song: Self.song))
        #expect(first.contains("DL_PLUS_ITEM_TOGGLE=1") && first.contains("DL_PLUS_ITEM_RUNNING=1"))
        #expect(try send(OutputTextTests.station(song: Self.song)).contains("DL_PLUS_ITEM_TOGGLE=1"))
        let talk = try send(OutputTextTests.station(song: nil))
        #expect(talk.contains("DL_PLUS_ITEM_RUNNING=0") && !talk.contains("DL_PLUS_TAG") && talk.hasSuffix("Morning Edition\n"))
        #expect(try send(OutputTextTests.station(song: OutputTextTests.song("Reverie", artist: "Claudio Arrau"))).contains("DL_PLUS_ITEM_TOGGLE=0"))
    }

    @Test("EBU Latin for DAB and ASCII for RDS by default; RadioText cut to 64 at a word")
    func defaults() {
        let long = OutputTextTests.station(song: OutputTextTests.song("Symphony No. 9 in D minor, Op. 125 “Choral”: IV. Presto – Allegro assai",
                                                                    artist: "Wiener Philharmoniker"))
        let rds = OutputMessage(OutputSpec(target: .rds(host: "h", port: 1, dialect: .pira), station: "wvia-fm",
                                           template: "{artist} – {title}", fallback: "", delay: .zero), station: long)
        #expect(rds.text.count <= 64 && rds.text.allSatisfy(\.isASCII))
        #expect(rds.text == "Wiener Philharmoniker - Symphony No. 9 in D minor, Op. 125")
        let dls = OutputMessage(OutputSpec(target: .dls(path: "/x"), station: "wvia-fm", template: "{title}", fallback: "", delay: .zero),
                                station: OutputTextTests.station(song: OutputTextTests.song("Jóga", artist: "Björk")))
        #expect(dls.text == "Jóga")
    }

    @Test("OnAirScreen: NOW, NEXT and WARN, one per datagram, line breaks as spaces")
    func onAirScreen() {
        #expect(OnAirScreenCommands.datagrams(now: "A – B", next: "All Things\nConsidered", warning: "") ==
                ["NOW:A – B", "NEXT:All Things Considered", "WARN:"])
    }

    @Test("HMAC-SHA256: RFC 4231's test case 2")
    func hmac() {
        #expect(HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACSHA256.hex(key: [], message: []) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test("Icecast: the mount's admin URL with the song, Basic credentials in a header, never in the URL")
    func icecastRequest() throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let sink = HTTPSink(endpoint: .icecast(mountURL: "http://127.0.0.1:8000/live.mp3", user: "source", password: OutputSecret("hack me")),
                            engine: engine, shownURL: "http://127.0.0.1:8000/live.mp3")
        let spec = OutputSpec(target: .icecast(url: "http://127.0.0.1:8000/live.mp3", user: "source", password: OutputSecret("hack me")),
                              station: "wvia-fm", template: "{artist} – {title}", fallback: "", delay: .zero)
        let request = try sink.makeRequest(OutputMessage(spec, station: OutputTextTests.station(song: OutputTextTests.song("A+B & C", artist: "Ö"))))
        #expect(request.url == "http://127.0.0.1:8000/admin/metadata?mount=/live.mp3&mode=updinfo&song=%C3%96%20%E2%80%93%20A%2BB%20%26%20C&charset=UTF-8")
        #expect(request.headers.first { $0.name == "Authorization" }?.value == "Basic " + Data("source:hack me".utf8).base64EncodedString())
        #expect(!spec.name.contains("hack") && !"\(spec)".contains("hack me"))
    }

    @Test("TuneIn: partner, key, id and the song's fields in the query; the shown URL has no query")
    func tuneinRequest() throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let target = OutputSpec.Target.tunein(url: "https://air.radiotime.com/Playing.ashx", partnerID: "P1", partnerKey: OutputSecret("K&1"),
                                              stationID: "s123")
        let spec = OutputSpec(target: target, station: "wvia-fm", template: "{title}", fallback: "", delay: .zero)
        let sink = OutputSinks.make(spec, engine: engine, group: .singletonMultiThreadedEventLoopGroup) as? HTTPSink
        let request = try #require(sink).makeRequest(OutputMessage(spec, station: OutputTextTests.station(song: Self.song)))
        #expect(request.url == "https://air.radiotime.com/Playing.ashx?partnerId=P1&partnerKey=K%261&id=s123&title=Clair%20de%20lune&artist=Claudio%20Arrau&album=Debussy")
        #expect(spec.targetDescription == "https://air.radiotime.com/Playing.ashx")
    }

    @Test("webhook: the station's JSON, signed over the exact body")
    func webhookRequest() throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let spec = OutputSpec(target: .webhook(url: "http://127.0.0.1:9/hook", secret: OutputSecret("k")), station: "wvia-fm",
                              template: "{artist} – {title}", fallback: "{text}", delay: .zero)
        let sink = try #require(OutputSinks.make(spec, engine: engine, group: .singletonMultiThreadedEventLoopGroup) as? HTTPSink)
        let station = OutputTextTests.station(song: Self.song)
        let request = try sink.makeRequest(OutputMessage(spec, station: station))
        let body = try #require(request.body)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["event"] as? String == "now-playing" && json["text"] as? String == "Claudio Arrau – Clair de lune")
        #expect((json["station"] as? [String: Any])?["id"] as? String == "wvia-fm")
        #expect(request.headers.first { $0.name == "X-Streamd-Signature-256" }?.value == "sha256=" + HMACSHA256.hex(key: Array("k".utf8), message: body))
    }
}
