import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

@Suite struct TritonTests {
    private func parse(_ fixture: String) throws -> SourceSnapshot {
        try TritonNowPlaying.parse(Fixture.bytes("triton/\(fixture)"))
    }

    private func parse(text: String) throws(ParseError) -> SourceSnapshot {
        try TritonNowPlaying.parse(Array(text.utf8))
    }

    @Test func melodiaOneLineDurationInMilliseconds() throws {
        let snapshot = try parse("triton_nowplaying_MELODIAFMAAC_duration_ms_oneline.xml")
        let current = try #require(snapshot.current)
        #expect(current.title == "TUA GRAÇA ME BASTA")
        #expect(current.artist == "TRAZENDO A ARCA")
        #expect(current.album == nil)
        #expect(current.duration == 409)
        #expect(current.start == Date(timeIntervalSince1970: 1_722_500_576.222))
        #expect(current.kind == .song)
        #expect(snapshot.recent.isEmpty)
    }

    @Test func wqhtDurationAsClockAndAllProperties() throws {
        let current = try #require(try parse("triton_nowplaying_WQHTAAC_duration_hhmmss_all_properties.xml").current)
        #expect(current.title == "Walk It Talk It (feat. Drake)")
        #expect(current.artist == "Migos")
        #expect(current.album == "Finessed Flow")
        #expect(current.duration == 242)
        #expect(current.start == Date(timeIntervalSince1970: 1_543_777_699.424))
    }

    @Test func symphonyCDATAPaddedWithNewlinesIsTrimmed() throws {
        let current = try #require(try parse("triton_nowplaying_SYMPHONY924AAC_classical_publisher.xml").current)
        #expect(current.title == "Rusalka - Song to the Moon")
        #expect(current.artist == "Joshua Bell, Orchestra of St. Luke's, Michael Stern")
        #expect(current.duration == 328.807)
    }

    @Test func wbosMissingDurationAndLostApostrophe() throws {
        let current = try #require(try parse("triton_nowplaying_WBOSFMAAC_1item.xml").current)
        #expect(current.title == "What Ive Done")  // lost upstream: kept as delivered
        #expect(current.artist == "Linkin Park")
        #expect(current.duration == nil)
        #expect(current.start == Date(timeIntervalSince1970: 1_641_683_906.92))
    }

    @Test func itemsAreSortedNewestFirstAndClassified() throws {
        let snapshot = try parse("streamd-edge-unordered-mixed-durations.xml")
        let current = try #require(snapshot.current)
        #expect(current.title == "Spot Break")
        #expect(current.kind == .ad)
        #expect(current.duration == 30)
        #expect(snapshot.recent.map(\.title) == ["WTST-FM Your Station", "No Duration", "Older Song"])
        #expect(snapshot.recent.map(\.kind) == [.stationID, .song, .song])
        #expect(snapshot.recent[0].duration == 40)          // integer below 1000: seconds
        #expect(snapshot.recent[1].duration == nil)
        #expect(snapshot.recent[1].start == Date(timeIntervalSince1970: 1_700_000_350))  // from timestamp
        #expect(snapshot.recent[2].duration == 242.5)       // float seconds, padded
        #expect(snapshot.recent[2].artist == "Some Artist")
    }

    @Test func durationForms() {
        #expect(TritonNowPlaying.duration("409000") == 409)
        #expect(TritonNowPlaying.duration("1000") == 1)
        #expect(TritonNowPlaying.duration("999") == 999)
        #expect(TritonNowPlaying.duration("242.5") == 242.5)
        #expect(TritonNowPlaying.duration("00:04:02") == 242)
        #expect(TritonNowPlaying.duration("1:02:03") == 3723)
        #expect(TritonNowPlaying.duration("04:02") == 242)
        #expect(TritonNowPlaying.duration(" 04:02.5 ") == 242.5)
        #expect(TritonNowPlaying.duration("") == nil)
        #expect(TritonNowPlaying.duration("0") == nil)
        #expect(TritonNowPlaying.duration("-5") == nil)
        #expect(TritonNowPlaying.duration("4:") == nil)
        #expect(TritonNowPlaying.duration("1:2:3:4") == nil)
        #expect(TritonNowPlaying.duration("abc") == nil)
        #expect(TritonNowPlaying.duration("1e400") == nil)
    }

    @Test func unorderedWithoutTimesKeepsDocumentOrder() throws {
        let snapshot = try parse(text: """
            <nowplaying-info-list>
            <nowplaying-info type="track"><property name="cue_title">First</property></nowplaying-info>
            <nowplaying-info type="track" timestamp="1"><property name="cue_title">Second</property></nowplaying-info>
            </nowplaying-info-list>
            """)
        #expect(snapshot.current?.title == "First")
        #expect(snapshot.recent.map(\.title) == ["Second"])
    }

    @Test func emptyListIsNoCurrentNotAnError() throws {
        let snapshot = try parse(text: "<?xml version=\"1.0\"?><nowplaying-info-list></nowplaying-info-list>")
        #expect(snapshot.current == nil)
        #expect(snapshot.recent.isEmpty)
        #expect(try parse(text: "<nowplaying-info-list/>").current == nil)
    }

    @Test func malformedXMLGivesLineAndColumn() throws {
        let error = #expect(throws: ParseError.self) {
            try parse(text: "<nowplaying-info-list>\n<nowplaying-info type=\"track\">\n<property name=\"cue_title\">x</prop>\n</nowplaying-info></nowplaying-info-list>")
        }
        #expect(error?.format == "triton")
        #expect(error?.location?.hasPrefix("line 3, column") == true)
        #expect(error?.message == "malformed XML: closing tag does not match the opening tag")
    }

    @Test func truncatedBodyIsAnError() throws {
        let bytes = try Fixture.bytes("triton/triton_nowplaying_WQHTAAC_duration_hhmmss_all_properties.xml")
        #expect(throws: ParseError.self) { try TritonNowPlaying.parse(Array(bytes.prefix(300))) }
    }

    @Test func wrongRootAndEmptyBodyAreErrors() {
        let wrong = #expect(throws: ParseError.self) { try parse(text: "<html><body>503</body></html>") }
        #expect(wrong?.location == "root element")
        let empty = #expect(throws: ParseError.self) { try TritonNowPlaying.parse([]) }
        #expect(empty?.location == "byte 0")
        #expect(throws: ParseError.self) { try TritonNowPlaying.parse([0xFF, 0x00, 0x3C, 0x9A, 0x3E]) }
    }

    @Test func invalidUTF8IsReadAsLatin1WithoutTrapping() throws {
        // Foundation's XMLParser traps on invalid UTF-8 in names; the parser re-encodes first.
        var bytes = Array("<nowplaying-info-list><nowplaying-info typ".utf8) + [0xE7]
        bytes += Array("=\"x\" type=\"track\"><property name=\"cue_title\">Caf".utf8) + [0xE9]
        bytes += Array("</property></nowplaying-info></nowplaying-info-list>".utf8)
        let current = try #require(try TritonNowPlaying.parse(bytes).current)
        #expect(current.title == "Café")
        #expect(current.kind == .song)
    }

    @Test func kinds() {
        #expect(TritonNowPlaying.kind("track") == .song)
        #expect(TritonNowPlaying.kind("AD") == .ad)
        #expect(TritonNowPlaying.kind("Station ID") == .stationID)
        #expect(TritonNowPlaying.kind("talk") == .other)
    }
}
