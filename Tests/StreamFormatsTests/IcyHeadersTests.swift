import Testing
import StreamTestSupport
@testable import StreamFormats

@Suite struct IcyHeadersTests {
    func load(_ name: String) throws -> (status: String?, headers: IcyHeaders) {
        IcyHeaders.parse(rawHeaderBlock: try Fixture.bytes("http-headers/\(name)"))
    }

    @Test func icecastWithoutIcyBr() throws {
        let (status, headers) = try load("icecast_2.4.2_raadio2_no_icy-br.partial.http")
        #expect(status == nil)
        #expect(headers.metaint == 16000)
        #expect(headers.name == "Raadio2")
        #expect(headers.bitrate == nil)
        #expect(headers.contentType == "audio/mpeg")
        #expect(headers.isIcy && !headers.isOgg)
    }

    @Test func lowerCaseNamesBehindNginx() throws {
        let (_, headers) = try load("icecast_behind_nginx_nightwave_plaza.http")
        #expect(headers.metaint == 16000)
        #expect(headers.name == "Nightwave Plaza")
        #expect(headers.genre == "Vaporwave")
        #expect(headers.url == "https://plaza.one")
        #expect(headers.bitrate == 128)
        #expect(headers.contentType == "audio/mpeg")
    }

    @Test func localIcecastNoSpaceAfterColon() throws {
        let (status, headers) = try load("local-icecast-2.4.4-live.mp3.headers.txt")
        #expect(status == "HTTP/1.0 200 OK")
        #expect(headers == IcyHeaders([
            ("icy-metaint", "16000"), ("icy-name", "Peer Test Radio (MP3)"), ("icy-genre", "Test;Loopback"),
            ("icy-description", "440 Hz sine, Icecast default charset"), ("icy-url", "http://127.0.0.1:18000/"),
            ("Content-Type", "audio/mpeg"),
        ]))
        #expect(headers.metaint == 16000)
        #expect(headers.bitrate == nil)
    }

    @Test func oggMountHasNoMetaint() throws {
        let (_, headers) = try load("local-icecast-2.4.4-live.ogg.headers.txt")
        #expect(headers.contentType == "application/ogg")
        #expect(headers.isOgg && !headers.isIcy)
        #expect(headers.metaint == nil && headers.metaintError == nil)
        #expect(headers.name == "Peer Test Radio (Ogg Vorbis)")
        #expect(headers.description == "660 Hz sine, Vorbis")
    }

    @Test func shoutcastICY200OK() throws {
        let (status, headers) = try load("shoutcast_v1.9.8_icy200ok_polskieradio.http")
        #expect(status == "ICY 200 OK")
        #expect(headers.name == "Polskie Radio S.A. -- Program 1 -- http://moje.polskieradio.pl")
        #expect(headers.genre == nil)   // `icy-genre:` with nothing after it
        #expect(headers.url == "http://stream3.polskieradio.pl:8900")
        #expect(headers.metaint == 8192)
        #expect(headers.bitrate == 192)
        #expect(headers.contentType == "audio/mpeg")
    }

    @Test func shoutcastNameWithOddBytes() throws {
        let (status, headers) = try load("shoutcast_v1.9.8_icy200ok_radio-especially.as-logged.partial.http")
        #expect(status == "ICY 200 OK")
        let name = try #require(headers.name)
        #expect(name.hasPrefix("Radio Especially - Das Radio aus dem Westen "))
        #expect(name.hasSuffix("sterreich Vorarlberg Feldkirch"))
        #expect(headers.genre == "Misc")
        #expect(headers.metaint == nil)
        // The same header with the Latin-1 byte the server really sent.
        let raw = Array("ICY 200 OK\r\nicy-name:Radio aus dem Westen ".utf8) + [0xD6] + Array("sterreichs\r\n\r\n".utf8)
        #expect(IcyHeaders.parse(rawHeaderBlock: raw).headers.name == "Radio aus dem Westen Österreichs")
    }

    @Test func pairsAreCaseInsensitiveAndTrimmed() {
        let headers = IcyHeaders([("ICY-METAINT", "  16000 "), ("Icy-Br", "128,128"), ("icy-br", "64"),
                                  ("Content-Type", "Audio/Ogg; codecs=opus"), ("icy-name", "Ünïcödé FM")])
        #expect(headers.metaint == 16000)
        #expect(headers.bitrate == 128)   // first header, first number
        #expect(headers.contentType == "audio/ogg")
        #expect(headers.isOgg)
        #expect(headers.name == "Ünïcödé FM")
    }

    @Test func bitrateFromIceAudioInfo() {
        #expect(IcyHeaders([("ice-audio-info", "channels=2;samplerate=44100;bitrate=96")]).bitrate == 96)
        #expect(IcyHeaders([("icy-br", "0")]).bitrate == nil)
        #expect(IcyHeaders([("icy-br", "fast")]).bitrate == nil)
    }

    @Test func invalidMetaintIsReportedNotUsed() {
        for value in ["abc", "0", "-1", "999999", "16000x", "99999999999999999999999"] {
            let headers = IcyHeaders([("icy-metaint", value)])
            #expect(headers.metaint == nil, "\(value)")
            #expect(!headers.isIcy)
            #expect(headers.metaintError?.location == "icy-metaint", "\(value)")
        }
    }

    @Test func emptyAndGarbageBlocks() {
        #expect(IcyHeaders.parse(rawHeaderBlock: []).headers == IcyHeaders([]))
        let garbage = IcyHeaders.parse(rawHeaderBlock: [0xFF, 0x00, 0x0A, 0x3A, 0x0A, 0xC3])
        #expect(garbage.headers.metaint == nil)
    }
}
