import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

@Suite struct ShoutcastTests {
    @Test func realDNAS261StatsWithStringNumbersAndNoNextTitle() throws {
        let stats = try ShoutcastStats.parse(Fixture.bytes("shoutcast/stats_json_dnas_2.6.1_real_smb_star_radio.json"))
        #expect(stats.songTitle == "Neffex - Ready to kill")
        #expect(stats.nextTitle == nil)
        #expect(stats.serverTitle == "SMB Star Radio")
        #expect(stats.bitrate == 128)
        #expect(stats.sampleRate == 44100)
        #expect(stats.currentListeners == 1)
        #expect(stats.peakListeners == 3)
        #expect(stats.sourceConnected == true)
        #expect(stats.content == "audio/mpeg")
        #expect(stats.snapshot() == SourceSnapshot(current: Track(title: "Neffex - Ready to kill"),
                                                   streamName: "SMB Star Radio", listeners: 1))
    }

    @Test func documentedExampleWithCommentsAndNextTitle() throws {
        let stats = try ShoutcastStats.parse(Fixture.bytes("shoutcast/stats_json_dnas2_documented_example.jsonc"))
        #expect(stats.songTitle == "The Current Song")
        #expect(stats.nextTitle == "The Next Song")
        #expect(stats.dj == "DJ Funky")
        #expect(stats.bitrate == 320)
        #expect(stats.sampleRate == nil)
        #expect(stats.maxListeners == 32)
        #expect(stats.content == "audio/aacp")
    }

    @Test func emptySongTitleAndNumericBitrate() throws {
        let body = #"{"songtitle":"","bitrate":64,"samplerate":"x","streamstatus":0,"servertitle":"A // B"}"#
        let stats = try ShoutcastStats.parse(Array(body.utf8))
        #expect(stats.songTitle == nil)
        #expect(stats.bitrate == 64)
        #expect(stats.sampleRate == nil)
        #expect(stats.sourceConnected == false)
        #expect(stats.serverTitle == "A // B")   // comment blanking leaves strings alone
        #expect(stats.snapshot().current == nil)
    }

    @Test func sevenHTMLSample() throws {
        let stats = try ShoutcastStats.parseSevenHTML(Fixture.bytes("shoutcast/7.html.sample"))
        #expect(stats.songTitle == "The HHA - HHA Show 26 Oct 2018")
        #expect(stats.currentListeners == 24)
        #expect(stats.sourceConnected == true)
        #expect(stats.peakListeners == 61)
        #expect(stats.maxListeners == 1000)
        #expect(stats.uniqueListeners == 9)
        #expect(stats.bitrate == 64)
    }

    @Test func sevenHTMLTitleKeepsItsCommas() throws {
        let body = "<html><body>3,1,5,100,2,128,Crosby, Stills, Nash & Young - Ohio, Live</body></html>"
        let stats = try ShoutcastStats.parseSevenHTML(Array(body.utf8))
        #expect(stats.songTitle == "Crosby, Stills, Nash & Young - Ohio, Live")
        #expect(stats.bitrate == 128)
        let latin1 = try ShoutcastStats.parseSevenHTML([0x31, 0x2C, 0x31, 0x2C, 0x2C, 0x2C, 0x2C, 0x2C, 0x44, 0xE9, 0x6A, 0xE0])
        #expect(latin1.songTitle == "Déjà")
        #expect(latin1.peakListeners == nil)
    }

    @Test func sevenHTMLWithTooFewFieldsIsAnError() {
        let error = #expect(throws: ParseError.self) {
            try ShoutcastStats.parseSevenHTML(Array("<html><body>1,1,64</body></html>".utf8))
        }
        #expect(error?.location == "body")
        #expect(error?.message == "expected 7 comma-separated fields, found 3")
        #expect(throws: ParseError.self) { try ShoutcastStats.parseSevenHTML([]) }
    }

    @Test func currentSongNotAvailableWithHTTP200IsNoSong() throws {
        #expect(ShoutcastStats.currentSong(try Fixture.bytes("shoutcast/currentsong_http200_error_body.txt")) == nil)
        #expect(ShoutcastStats.currentSong(Array("  \n".utf8)) == nil)
        #expect(ShoutcastStats.currentSong(Array("Artist - Song\r\n".utf8)) == "Artist - Song")
    }

    @Test func nextSongsDocumentedExample() throws {
        let next = try ShoutcastStats.nextSongs(Fixture.bytes("shoutcast/nextsongs_json_documented_example.json"))
        #expect(next == ["The Very Next Title", "The Title After That"])
    }

    @Test func songHistoryNewestFirstAndCurrentDropped() throws {
        let history = try ShoutcastStats.songHistory(Fixture.bytes("shoutcast/songhistory_json_documented_example.json"))
        #expect(history.map(\.title) == ["The Previous Title", "The Current Title"])
        #expect(history.first?.start == Date(timeIntervalSince1970: 1_302_180_341))
        let stats = ShoutcastStats(songTitle: "The Previous Title")
        #expect(stats.snapshot(history: history).recent.map(\.title) == ["The Current Title"])
    }

    @Test func invalidJSONIsAnErrorWithPosition() {
        let error = #expect(throws: ParseError.self) { try ShoutcastStats.parse(Array("{\"songtitle\":\"x\",\n\"bitrate\":}".utf8)) }
        #expect(error?.format == "shoutcast")
        #expect(error?.location == "line 2, column 11 (byte 28)")
        #expect(throws: ParseError.self) { try ShoutcastStats.parse(Array("[1,2]".utf8)) }
        #expect(throws: ParseError.self) { try ShoutcastStats.nextSongs(Array("{}".utf8)) }
        #expect(throws: ParseError.self) { try ShoutcastStats.songHistory([0x5B]) }
    }
}

@Suite("SHOUTcast as deployed: the parser is chosen from the body")
struct ShoutcastBodyTests {
    @Test("a v2 XML /stats (no json=1): title with an entity, next title, status, bitrate, listeners, server title")
    func xmlSingle() throws {
        let stats = try ShoutcastStats.parseAny(Fixture.bytes("shoutcast/stats_xml_dnas2_single_stream.xml"))
        #expect(stats.songTitle == "Hiromi & Edmar Castaneda - For Jaco")
        #expect(stats.nextTitle == "Bill Evans - Peace Piece")
        #expect(stats.sourceConnected == true)
        #expect(stats.bitrate == 128)
        #expect(stats.currentListeners == 12)
        #expect(stats.serverTitle == "WVIA-FM 89.9")
        #expect(stats.content == "audio/mpeg")
        #expect(stats.snapshot().current?.title == "Hiromi & Edmar Castaneda - For Jaco")
    }

    @Test("a v2 /statistics with two streams: the sid picks one; a stream without a source has no current title")
    func xmlStreams() throws {
        let bytes = try Fixture.bytes("shoutcast/statistics_xml_dnas2_two_streams.xml")
        let first = try ShoutcastStats.parseAny(bytes)
        #expect(first.songTitle == "Yo-Yo Ma - Bach: Cello Suite No. 1", "stream 1 by default; CDATA read")
        #expect(first.nextTitle == nil, "an empty NEXTTITLE is no title")
        #expect(first.bitrate == 96)
        let second = try ShoutcastStats.parseAny(bytes, sid: 2)
        #expect(second.serverTitle == "WVIA Jazz")
        #expect(second.sourceConnected == false)
        #expect(second.snapshot().current == nil, "STREAMSTATUS 0: the last title is not current")
        #expect(throws: ParseError.self) { try ShoutcastStats.parseAny(bytes, sid: 9) }
    }

    @Test("JSON and the v1 7.html page reach their parsers whatever the URL; anything else is a clear error")
    func others() throws {
        let json = try ShoutcastStats.parseAny(Fixture.bytes("shoutcast/stats_json_dnas_2.6.1_real_smb_star_radio.json"))
        #expect(json.songTitle != nil)
        let seven = try ShoutcastStats.parseAny(Fixture.bytes("shoutcast/7.html.sample"))
        #expect(seven.songTitle == "The HHA - HHA Show 26 Oct 2018")
        #expect(seven.bitrate == 64)
        do {
            _ = try ShoutcastStats.parseAny(Array("Stream not found".utf8))
            Issue.record("plain text parsed as SHOUTcast stats")
        } catch {
            #expect(error.message.contains("not a SHOUTcast status answer"))
        }
    }
}
