import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

@Suite struct IcecastStatusTests {
    private func parse(_ fixture: String) throws -> IcecastStatus {
        try IcecastStatus.parse(Fixture.bytes("icecast/\(fixture)"))
    }

    @Test func noSourceKeyMeansNoMounts() throws {
        let status = try parse("local-icecast-2.4.4-status-json-0mounts.json")
        #expect(status.serverID == "Icecast 2.4.4")
        #expect(status.mounts.isEmpty)
        #expect(status.snapshot(mount: "/live.mp3") == nil)
        #expect(status.snapshot(mount: nil) == nil)
    }

    @Test func sourceObjectIsOneMount() throws {
        let status = try parse("local-icecast-2.4.4-status-json-1mount.json")
        let mount = try #require(status.mounts.first)
        #expect(status.mounts.count == 1)
        #expect(mount.mount == "/live.mp3")
        #expect(mount.listenURL == "http://127.0.0.1:18000/live.mp3")
        #expect(mount.title == "Beyoncé &#8211; Déjà Vu")   // raw: entities are the normaliser's job
        #expect(mount.artist == nil)
        #expect(mount.serverName == "Peer Test Radio (MP3)")
        #expect(mount.genre == "Test;Loopback")
        #expect(mount.serverType == "audio/mpeg")
        #expect(mount.bitrate == nil)
        #expect(mount.listeners == 0)
        #expect(mount.streamStart == Date(timeIntervalSince1970: 1_795_762_276))
        #expect(status.snapshot(mount: nil) == status.snapshot(mount: "live.mp3"))
    }

    @Test func sourceObjectFromIcecast243WithArtistDashTitle() throws {
        let status = try parse("status-json.xsl.icecast-2.4.3.single-source-OBJECT.json")
        let snapshot = try #require(status.snapshot(mount: "/SharvaSG"))
        #expect(snapshot.current == Track(title: "Mahesh Mahadeo Deosthale - archana10"))  // not split here
        #expect(snapshot.streamName == "SharvaSG")
        #expect(snapshot.listeners == 1)
        #expect(status.mounts.first?.bitrate == 128)
        #expect(status.mounts.first?.streamStart == Date(timeIntervalSince1970: 1_588_787_899))
    }

    @Test func sourceArrayWithSeparateArtistAndBitrates() throws {
        let status = try parse("local-icecast-2.4.4-status-json-2mount.json")
        #expect(status.mounts.map(\.mount) == ["/live.mp3", "/live.ogg"])
        let ogg = try #require(status.mount(named: "/live.ogg"))
        #expect(ogg.artist == "Sine Generator")
        #expect(ogg.title == "Beyoncé – Déjà Vu; it's live")
        #expect(ogg.bitrate == 64)
        #expect(status.snapshot(mount: "/live.ogg")?.current == Track(title: "Beyoncé – Déjà Vu; it's live", artist: "Sine Generator"))
        #expect(status.mount(named: nil) == nil)   // ambiguous with two mounts
    }

    @Test func threeMountsSelectedByPathURLOrServerName() throws {
        let status = try parse("local-icecast-2.4.4-status-json-3mount.json")
        #expect(status.mounts.count == 3)
        #expect(status.mount(named: "/utf8.mp3")?.title == "Beyoncé – Déjà Vu [C]")
        #expect(status.mount(named: "http://127.0.0.1:18000/live.ogg")?.listeners == 1)
        #expect(status.mount(named: "Peer Test Radio (MP3, UTF-8 mount)")?.mount == "/utf8.mp3")
        #expect(status.mount(named: "/nope.mp3") == nil)
        #expect(status.snapshot(mount: "/nope.mp3") == nil)
    }

    @Test func mountWithoutTitleHasNoCurrent() throws {
        let status = try parse("status-json.xsl.icecast-2.4.4.multi-source.json")
        #expect(status.serverID == "Icecast 2.4.4 (MSCP)")
        #expect(status.mounts.map(\.mount) == ["/class-flac.flac", "/class-high.aac", "/class-low.mp3"])
        let flac = try #require(status.snapshot(mount: "/class-flac.flac"))
        #expect(flac.current == nil)
        #expect(flac.streamName == "Naim Classical")
        #expect(flac.listeners == 13)
        let aac = try #require(status.snapshot(mount: "/class-high.aac"))
        #expect(aac.current?.title.hasSuffix("~3. Adagio") == true)
        #expect(status.mounts[1].bitrate == 320)
        #expect(status.mounts[0].streamStart == Date(timeIntervalSince1970: 1_688_487_489))
    }

    @Test func startupInvalidJSONIsAnErrorWithPosition() throws {
        let error = #expect(throws: ParseError.self) { try parse("local-icecast-2.4.4-status-json-startup-invalid.json") }
        #expect(error?.format == "icecast")
        #expect(error?.location == "line 1, column 27 (byte 26)")
        #expect(error?.message.hasPrefix("invalid JSON") == true)
    }

    @Test func idleTrailingCommaBodyIsAnError() throws {
        let error = #expect(throws: ParseError.self) { try parse("status-json.xsl.icecast-2.4.3.idle-no-source.INVALID-JSON.txt") }
        #expect(error?.message.hasPrefix("invalid JSON") == true)
        #expect(error?.location?.hasPrefix("line") == true)
    }

    @Test func bitrateAsStringAndNullSource() throws {
        let body = #"{"icestats":{"source":[{"listenurl":"http://h:8000/a","bitrate":"96","listeners":"3","title":""}]}}"#
        let mount = try #require(try IcecastStatus.parse(Array(body.utf8)).mounts.first)
        #expect(mount.bitrate == 96)
        #expect(mount.listeners == 3)
        #expect(mount.title == nil)
        #expect(try IcecastStatus.parse(Array(#"{"icestats":{"source":null}}"#.utf8)).mounts.isEmpty)
    }

    @Test func otherBodiesAreErrors() {
        let empty = #expect(throws: ParseError.self) { try IcecastStatus.parse([]) }
        #expect(empty?.location == "byte 0")
        let notIcecast = #expect(throws: ParseError.self) { try IcecastStatus.parse(Array(#"{"error":"x"}"#.utf8)) }
        #expect(notIcecast?.location == "icestats")
        let multiline = #expect(throws: ParseError.self) { try IcecastStatus.parse(Array("{\n\"icestats\": {\n  \"a\": tru }}".utf8)) }
        #expect(multiline?.location?.hasPrefix("line 3, column") == true)
        #expect(throws: ParseError.self) { try IcecastStatus.parse([0xFF, 0xFE, 0x7B, 0x00]) }
        #expect(throws: ParseError.self) { try IcecastStatus.parse(Array(#"{"icestats":{"source":["#.utf8)) }
    }
}
