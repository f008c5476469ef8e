import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// SHOUTcast answers the body-chosen parser meets in the wild, beyond `/stats`.
@Suite struct ShoutcastDeployedTests {
    /// v1 `admin.cgi?mode=viewxml`: `&` unescaped, REPORTEDLISTENERS, and a song history whose
    /// titles are not the current one.
    @Test func v1AdminXML() throws {
        let stats = try ShoutcastStats.parseAny(Fixture.bytes("shoutcast/written_admin_viewxml_v1.9.8.xml"))
        #expect(stats.songTitle == "Sam & Dave - Soul Man")
        #expect(stats.uniqueListeners == 2)
        #expect(stats.bitrate == 96)
        #expect(stats.sourceConnected == true)
        let historyOnly = try ShoutcastStats.parseAny(Array("<SHOUTCASTSERVER><SONGHISTORY><SONG><TITLE>Old</TITLE></SONG></SONGHISTORY></SHOUTCASTSERVER>".utf8))
        #expect(historyOnly.songTitle == nil)
    }

    /// `/statistics?json=1`: the stream's values, not the server-wide block's.
    @Test func statisticsJSONBySid() throws {
        let bytes = try Fixture.bytes("shoutcast/written_statistics_json_dnas2_two_streams.json")
        let jazz = try ShoutcastStats.parseAny(bytes)
        #expect(jazz.songTitle == "Miles Davis - So What")
        #expect(jazz.currentListeners == 7)
        #expect(jazz.bitrate == 128)
        let talk = try ShoutcastStats.parseAny(bytes, sid: 2)
        #expect(talk.songTitle == "Morning Call-In")
        #expect(talk.nextTitle == "Newscast")
        let missing = #expect(throws: ParseError.self) { try ShoutcastStats.parseAny(bytes, sid: 9) }
        #expect(missing?.message == "no stream 9; the server lists 1, 2")
        let none = try ShoutcastStats.parseAny(Array(#"{"totalstreams":0,"currentlisteners":0,"streams":[]}"#.utf8))
        #expect(none.sourceConnected == false)
    }

    @Test func sevenHTMLWithoutTagsAndWebPages() throws {
        let bare = try ShoutcastStats.parseAny(Array("12,1,30,100,9,128,Crosby, Stills & Nash - Ohio".utf8))
        #expect(bare.songTitle == "Crosby, Stills & Nash - Ohio")
        #expect(bare.currentListeners == 12)
        let page = "<!DOCTYPE html><html><head><title>WTST</title></head><body><audio src=\"/stream\"></audio></body></html>"
        let error = #expect(throws: ParseError.self) { try ShoutcastStats.parseAny(Array(page.utf8)) }
        #expect(error?.message.hasPrefix("a web page (HTML)") == true)
    }

    @Test func lenientXMLNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["<", ">", "</", "/>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&", "&#x41;", "&#0;", "\"", "'",
                      "SHOUTCASTSERVER", "STREAM", " id=\"1\"", "SONGTITLE", "x", "é", "<?", "?>", "\n"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...30, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            _ = LenientXML.parse(text)
            _ = try? ShoutcastStats.parseAny(Array(text.utf8))
        }
        #expect(LenientXML.parse(String(repeating: "<a>", count: 5000) + "x")?.name == "a")
        #expect(LenientXML.decodeEntities("a &amp; b &unknown; &#x263A; &") == "a & b &unknown; \u{263A} &")
    }
}
