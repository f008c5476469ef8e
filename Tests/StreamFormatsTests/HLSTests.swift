import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

private func media(_ text: String, url: URL? = nil) throws -> HLSMediaPlaylist {
    try HLSMediaPlaylist.parse(Array(text.utf8), url: url)
}

private func parseError(_ body: () throws -> Void) -> ParseError? {
    do { try body() } catch let error as ParseError { return error } catch { return nil }
    return nil
}

private let base = URL(string: "https://stream.example.org/live/1481/playlist.m3u8")

/// A small deterministic generator for fuzz-ish tests.
private struct HLSRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct HLSTests {
    // MARK: - Real fixtures

    @Test func iheartSongSpotMIsASong() throws {
        let bytes = try Fixture.bytes("hls/iheart_media_playlist_song_M.as-published.m3u8")
        #expect(try HLSPlaylist.kind(of: bytes) == .media)
        let p = try HLSMediaPlaylist.parse(bytes, url: base)
        #expect(p.hasHeader)
        #expect(p.targetDuration == 10)
        #expect(p.mediaSequence == 5000)
        #expect(p.segments.count == 1)
        let s = try #require(p.segments.first)
        #expect(s.sequence == 5000)
        #expect(s.duration == 10)
        #expect(s.songSpot == "M")
        #expect(s.kind == .song)
        #expect(s.track == Track(title: "Sunflower", artist: "Post Malone / Swae Lee", duration: 154, kind: .song))
        #expect(s.spotAttributes["amgArtworkURL"] == "https://i.iheart.com/v3/catalog/track/79727416?ops=fit(400,400)")
        #expect(s.spotAttributes["MediaBaseId"] == "2440595")
        #expect(s.uri == "seg5000.aac")
        #expect(s.url?.absoluteString == "https://stream.example.org/live/1481/seg5000.aac")
        #expect(!p.isEnded)
    }

    @Test func iheartSongSpotTIsAnAdAndBlankLinesAreIgnored() throws {
        let p = try HLSMediaPlaylist.parse(try Fixture.bytes("hls/iheart_media_playlist_ad_T.as-published.m3u8"), url: base)
        #expect(p.mediaSequence == 0)          // no #EXT-X-MEDIA-SEQUENCE: the spec default
        #expect(p.targetDuration == nil)
        let s = try #require(p.segments.first)
        #expect(s.kind == .ad)
        #expect(s.track?.title == "Law Office Of Michael S Lamonsoff*Power Only*")
        #expect(s.track?.artist == "Angie Martinez")
        #expect(s.track?.kind == .ad)
        #expect(s.track?.duration == 58)
        #expect(s.spotAttributes["cartcutId"] == "8003384001")
        #expect(s.spotAttributes["amgArtworkURL"] == "")
        #expect(s.url?.absoluteString == "http://cdn-chunks.prod.ihrhls.com/1481/4qgsCGy7Amkp-154241599-10031.aac")
    }

    @Test func prostreamProgramDateTimeMapsToSegments() throws {
        let p = try HLSMediaPlaylist.parse(
            try Fixture.bytes("hls/prostream_aac_radio_program_date_time.as-published.partial.m3u8"))
        #expect(p.version == 1)
        #expect(p.mediaSequence == 506_698)
        #expect(p.targetDuration == 9)
        #expect(p.segments.map(\.sequence) == [506_698, 506_699, 506_700])
        #expect(p.segments.map(\.uri) == ["seg192000-00506698.aac", "seg192000-00506699.aac", "seg192000-00506700.aac"])
        #expect(p.segments.map { $0.programDateTime?.timeIntervalSince1970 } == [1_438_324_063, 1_438_324_073, 1_438_324_083])
        #expect(p.segments.map(\.title) == ["no desc", "no desc", "no desc"])
        #expect(p.segments.allSatisfy { $0.track == nil })     // ProSTREAM's placeholder is not a title
        #expect(p.segments.first?.url == nil)                  // no playlist URL given: relative stays unresolved
        #expect(p.nextSequence == 506_701)
    }

    // MARK: - Header policy

    @Test func missingExtM3UIsAcceptedWhenTheBodyIsTags() throws {
        let p = try media("#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:10,Artist - Song\nseg7.aac\n")
        #expect(!p.hasHeader)
        #expect(p.segments.first?.track == Track(title: "Song", artist: "Artist"), "a plain title follows the text rules")
        #expect(p.segments.first?.sequence == 7)
    }

    @Test func nonPlaylistBodiesAreAClearError() {
        let html = parseError { _ = try media("\n<html><body>502 Bad Gateway</body></html>") }
        #expect(html?.location == "line 2")
        #expect(html?.message.contains("expected #EXTM3U") == true)
        #expect(parseError { _ = try media("") }?.message == "empty playlist")
        #expect(parseError { _ = try HLSPlaylist.kind(of: Array("seg1.aac\nseg2.aac".utf8)) } != nil)
    }

    @Test func byteOrderMarkAndCRLFAreTolerated() throws {
        let p = try media("\u{FEFF}#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6.006,\r\nseg.ts\r\n#EXT-X-ENDLIST\r\n")
        #expect(p.hasHeader)
        #expect(p.segments.map(\.duration) == [6.006])
        #expect(p.segments.first?.title == "")
        #expect(p.segments.first?.track == nil)
        #expect(p.isEnded)
    }

    // MARK: - EXTINF attributes and dates

    @Test func escapedQuotesInAttributeValues() throws {
        let p = try media(#"""
            #EXTM3U
            #EXTINF:10,title="He Said \"Hi\", Then Left",artist="A \\ B",url="song_spot=\"F\" length=\"03:05\""
            a.aac
            #EXTINF:10,title="No Spot"
            b.aac
            #EXTINF:10,title="Unterminated,artist=x
            c.aac
            #EXTINF:10,title="Huge",url="song_spot=\"M\" length=\"9223372036854775807:59:59\""
            d.aac
            """#)
        #expect(p.segments[3].track == Track(title: "Huge", kind: .song))
        #expect(p.segments[0].track?.title == #"He Said "Hi", Then Left"#)
        #expect(p.segments[0].track?.artist == #"A \ B"#)
        #expect(p.segments[0].kind == .other)                  // a code other than M/T: not music
        #expect(p.segments[0].track?.duration == 185)
        #expect(p.segments[1].kind == .song)                   // no song_spot at all
        #expect(p.segments[1].track == Track(title: "No Spot"))
        #expect(p.segments[2].track?.title == "Unterminated,artist=x")
    }

    @Test func programDateTimeWithFractionsAndOffsets() throws {
        let p = try media("""
            #EXTM3U
            #EXT-X-PROGRAM-DATE-TIME:2026-11-27T14:03:11.250+02:00
            #EXTINF:10,
            a.aac
            #EXT-X-PROGRAM-DATE-TIME:2024-02-29T23:59:59.5-0500
            #EXTINF:10,
            b.aac
            #EXT-X-PROGRAM-DATE-TIME:2000-01-01T00:00:00+05:30
            #EXTINF:4.5,
            c.aac
            #EXTINF:4,
            d.aac
            """)
        #expect(p.segments.map { $0.programDateTime?.timeIntervalSince1970 }
            == [1_795_780_991.25, 1_709_269_199.5, 946_665_000, 946_665_004.5])
        for bad in ["2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-27 14:03", "yesterday", "2026-11-27T14:03:11+2"] {
            let error = parseError { _ = try media("#EXTM3U\n#EXTINF:1,\na\n#EXT-X-PROGRAM-DATE-TIME:\(bad)\n") }
            #expect(error?.location == "line 4", "\(bad)")
        }
    }

    @Test func malformedMediaTagsNameTheirLine() {
        #expect(parseError { _ = try media("#EXTM3U\n#EXTINF:ten,x\na.aac") }?.location == "line 2")
        #expect(parseError { _ = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-4") }?.location == "line 2")
        #expect(parseError { _ = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:99999999999999999999999") }?.location == "line 2")
        #expect(parseError { _ = try media("#EXTM3U\n#EXT-X-TARGETDURATION:abc") }?.location == "line 2")
        let orphan = parseError { _ = try media("#EXTM3U\n\n#EXTINF:1,\na.aac\nb.aac") }
        #expect(orphan?.location == "line 5")
        #expect(orphan?.message.contains("no #EXTINF") == true)
    }

    // MARK: - Master playlists

    private let master = """
        #EXTM3U
        #EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.5"
        low/playlist.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=128000,AVERAGE-BANDWIDTH=120000,CODECS="mp4a.40.2"
        mid/playlist.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=2500000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720
        video/playlist.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=32000
        https://other.example.net/aac32.m3u8
        """

    @Test func masterPlaylistVariantsAndChoice() throws {
        let bytes = Array(master.utf8)
        #expect(try HLSPlaylist.kind(of: bytes) == .master)
        guard case .master(let m) = try HLSPlaylist.parse(bytes, url: base) else {
            Issue.record("not a master playlist"); return
        }
        #expect(m.variants.map(\.bandwidth) == [64000, 128_000, 2_500_000, 32000])
        #expect(m.variants[2].codecs == ["avc1.4d401f", "mp4a.40.2"])
        #expect(m.variants[2].resolution == "1280x720")
        #expect(m.variants.map(\.isAudioOnly) == [true, true, false, true])
        #expect(m.variants[1].averageBandwidth == 120_000)
        #expect(m.variants[0].url?.absoluteString == "https://stream.example.org/live/1481/low/playlist.m3u8")
        #expect(m.preferredVariant()?.uri == "mid/playlist.m3u8")             // highest audio-only
        #expect(m.preferredVariant(.lowestBandwidth)?.uri == "https://other.example.net/aac32.m3u8")
        let videoOnly = try HLSMasterPlaylist.parse(Array("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=5,RESOLUTION=1x1\nv.m3u8".utf8))
        #expect(videoOnly.preferredVariant()?.uri == "v.m3u8")
        #expect(HLSMasterPlaylist(variants: []).preferredVariant() == nil)
    }

    @Test func malformedMasterPlaylistsNameTheirLine() {
        let noBandwidth = parseError { _ = try HLSMasterPlaylist.parse(Array("#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"mp4a.40.2\"\na.m3u8".utf8)) }
        #expect(noBandwidth?.location == "line 2.BANDWIDTH")
        let noURI = parseError { _ = try HLSMasterPlaylist.parse(Array("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n".utf8)) }
        #expect(noURI?.location == "line 2")
        let mixed = parseError { _ = try HLSPlaylist.kind(of: Array("#EXTM3U\n#EXTINF:1,\na\n#EXT-X-STREAM-INF:BANDWIDTH=1\nb".utf8)) }
        #expect(mixed?.location == "line 4")
    }

    // MARK: - Stall helper

    @Test func advancedComparesWhereThePlaylistsEnd() throws {
        let a = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:10\n#EXTINF:10,\ns10\n#EXTINF:10,\ns11\n")
        let same = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:10\n#EXTINF:10,\ns10\n#EXTINF:10,\ns11\n")
        let slid = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:12\n#EXTINF:10,\ns12\n#EXTINF:10,\ns13\n")
        let grew = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:10\n#EXTINF:10,\ns10\n#EXTINF:10,\ns11\n#EXTINF:10,\ns12\n")
        let reset = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10,\ns0\n")
        #expect(HLSMediaPlaylist.advanced(from: a, to: same) == .unchanged)
        #expect(HLSMediaPlaylist.advanced(from: a, to: slid) == .advanced(by: 2))
        #expect(HLSMediaPlaylist.advanced(from: a, to: grew) == .advanced(by: 1))
        #expect(HLSMediaPlaylist.advanced(from: a, to: reset) == .restarted)
    }

    @Test func randomBytesGiveAnErrorOrAValue() {
        var rng = HLSRandom(state: 8216)
        let alphabet = Array("#EXTINF:-X,=\"\\\n\r 0123456789.TZ+:STREAM-INF".utf8)
        for _ in 0 ..< 500 {
            let bytes = (0 ..< Int.random(in: 0 ... 200, using: &rng)).map { _ in
                Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0 ... 255, using: &rng)
            }
            _ = try? HLSPlaylist.parse(Array("#EXTM3U\n".utf8) + bytes, url: base)
            _ = try? HLSPlaylist.parse(bytes)
        }
    }
}
