import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// `#EXT-X-CUE-OUT` / `-CUE-OUT-CONT` / `-CUE-IN` and `#EXT-X-DATERANGE` ad breaks.
@Suite struct HLSAdMarkerTests {
    private func playlist(_ fixture: String) throws -> HLSMediaPlaylist {
        try HLSMediaPlaylist.parse(Fixture.bytes("hls/\(fixture)"))
    }

    @Test func cueOutContIn() throws {
        let p = try playlist("written_media_playlist_cue_out_cont_in.m3u8")
        #expect(p.segments.map(\.inAdBreak) == [false, true, true, true, false])
        #expect(p.segments[1].cues == [.out(duration: 30)])
        #expect(p.segments[2].cues == [.continued(elapsed: 10, duration: 30)])
        #expect(p.segments[4].cues == [.cueIn])
        #expect(!p.isInAdBreak)
        // The live window two polls later, while the break is on: only CONT tags are left.
        let window = """
            #EXTM3U
            #EXT-X-TARGETDURATION:10
            #EXT-X-MEDIA-SEQUENCE:625443
            #EXT-X-CUE-OUT-CONT:ElapsedTime=10.000,Duration=30.000,SCTE35=/DAlAAAAAAAAAP/wFAVhB/69f+/+DtpcAP4ApPWwAAEBAQAA5C+fWA==
            #EXTINF:10.00000,
            wtst_64k_20261127T160250_625443.aac
            #EXT-X-CUE-OUT-CONT:ElapsedTime=20.000,Duration=30.000,SCTE35=/DAlAAAAAAAAAP/wFAVhB/69f+/+DtpcAP4ApPWwAAEBAQAA5C+fWA==
            #EXTINF:10.00000,
            wtst_64k_20261127T160300_625444.aac
            """
        let midBreak = try HLSMediaPlaylist.parse(Array(window.utf8))
        #expect(midBreak.segments.map(\.inAdBreak) == [true, true])
        #expect(midBreak.isInAdBreak)
    }

    @Test func cueOutWithoutCueInEndsAfterItsDuration() throws {
        let text = """
            #EXTM3U
            #EXT-X-TARGETDURATION:10
            #EXT-X-CUE-OUT:DURATION=20
            #EXTINF:10,
            a.aac
            #EXTINF:10,
            b.aac
            #EXTINF:10,
            c.aac
            #EXT-X-CUE-OUT
            #EXTINF:10,
            d.aac
            #EXT-X-CUE-OUT-CONT:10/30
            #EXTINF:10,
            e.aac
            """
        let p = try HLSMediaPlaylist.parse(Array(text.utf8))
        #expect(p.segments.map(\.inAdBreak) == [true, true, false, true, true])
        #expect(p.segments[4].cues == [.continued(elapsed: 10, duration: 30)])
        #expect(p.isInAdBreak)
    }

    /// RFC 8216's SCTE-35 example: the closing tag carries only ID, DURATION and SCTE35-IN.
    @Test func dateRangeSCTE35() throws {
        let p = try playlist("written_media_playlist_daterange_scte35.m3u8")
        #expect(p.dateRanges.map(\.id) == ["splice-6FFFFFF0", "promo-1"])
        let splice = p.dateRanges[0]
        #expect(splice.isAdBreak)
        #expect(splice.plannedDuration == 30)
        #expect(splice.duration == 30)
        #expect(splice.scte35In?.hasPrefix("0xFC002A") == true)
        #expect(splice.end == splice.startDate.addingTimeInterval(30))
        #expect(!p.dateRanges[1].isAdBreak)
        // 11:14:54 + 6 s per segment: 11:15:00 to 11:15:30 are in the break.
        #expect(p.segments.map(\.inAdBreak) == [false, true, true, true, true, true, false, false])
        #expect(!p.isInAdBreak)
        #expect(p.adBreak(at: splice.startDate.addingTimeInterval(1))?.id == "splice-6FFFFFF0")
    }

    @Test func dateRangeRules() throws {
        let text = """
            #EXTM3U
            #EXT-X-PROGRAM-DATE-TIME:2026-11-27T12:00:00Z
            #EXT-X-DATERANGE:ID="a",CLASS="urn:example:ad-break",START-DATE="2026-11-27T12:00:00Z",END-ON-NEXT=YES
            #EXT-X-DATERANGE:ID="b",CLASS="urn:example:ad-break",START-DATE="2026-11-27T12:00:20Z"
            #EXT-X-DATERANGE:ID="c",CLASS="com.apple.hls.interstitial",START-DATE="2026-11-27T13:00:00Z"
            #EXT-X-DATERANGE:ID="broken"
            #EXT-X-DATERANGE:CLASS="no id",START-DATE="2026-11-27T12:00:00Z"
            #EXTINF:10,
            a.aac
            """
        let p = try HLSMediaPlaylist.parse(Array(text.utf8))
        #expect(p.dateRanges.map(\.id) == ["a", "b", "c"])
        let ranges = p.dateRanges
        #expect(ranges[0].end == ranges[1].startDate)                 // END-ON-NEXT
        #expect(p.dateRanges[1].end == nil)                           // open
        #expect(ranges.allSatisfy { $0.isAdBreak })
        #expect(p.isInAdBreak)
        #expect(p.segments[0].track == Track(title: "Ad break", start: p.segments[0].programDateTime, kind: .ad),
                "a segment in a break is an ad, whatever its title")
    }
}
