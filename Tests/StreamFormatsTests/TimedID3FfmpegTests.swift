import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// An ID3v2.4 tag with UTF-8 text frames (`TXXX` as description and value).
private func tag24(_ frames: [(String, String)], txxx: [(String, String)] = []) -> [UInt8] {
    func syncsafe(_ n: Int) -> [UInt8] {
        [UInt8((n >> 21) & 0x7F), UInt8((n >> 14) & 0x7F), UInt8((n >> 7) & 0x7F), UInt8(n & 0x7F)]
    }
    var body: [UInt8] = []
    func frame(_ id: String, _ content: [UInt8]) {
        body += Array(id.utf8) + syncsafe(content.count) + [0, 0] + content
    }
    for (id, text) in frames { frame(id, [3] + Array(text.utf8)) }
    for (description, value) in txxx { frame("TXXX", [3] + Array(description.utf8) + [0] + Array(value.utf8)) }
    return Array("ID3".utf8) + [4, 0, 0] + syncsafe(body.count) + body
}

private func track(_ tag: [UInt8]) -> Track? {
    TimedMetadata.tags(inSegment: tag).last?.tag.track
}

/// Segments whose containers ffmpeg wrote (Tests/Fixtures/hls/ffmpeg_timed_id3_segments.py):
/// an independent writer of the MPEG-TS tables and PES packets the reader walks.
@Suite("Timed ID3 in segments muxed by ffmpeg, and ID3 titles under the text rules")
struct TimedID3FfmpegTests {
    @Test("MPEG-TS muxed by ffmpeg: the metadata stream's PRIV timestamp tag and titled tag, with the composer")
    func ffmpegTransportStream() throws {
        let found = TimedMetadata.tags(inSegment: try Fixture.bytes("hls/ffmpeg_muxed_ts_segment_timed_id3.ts"))
        #expect(found.map { $0.tag.frames.first?.id } == ["PRIV", "TIT2"])
        #expect(found.first?.tag.transportStreamTimestamp == 1)
        #expect(found.first?.tag.track == nil, "a timestamp names nothing")
        let track = try #require(found.last?.tag.track)
        #expect(track.title == "Clair de Lune")
        #expect(track.artist == "Philadelphia Orchestra")
        #expect(track.composer == "Claude Debussy")
        #expect(track.album == "Debussy: Orchestral Works")
    }

    @Test("ffmpeg's ADTS with a second tag mid-segment: both found; the title keeps its ' - ' when the artist came separately")
    func ffmpegADTSTwoTags() throws {
        let found = TimedMetadata.tags(inSegment: try Fixture.bytes("hls/ffmpeg_adts_segment_two_id3_tags.aac"))
        #expect(found.map(\.tag.title) == ["Hungry Child - Edit", "Sunflower"])
        #expect(found.first?.tag.track == Track(title: "Hungry Child - Edit", artist: "Hot Chip", album: "Why Make Sense?"))
        let last = try #require(found.last?.tag.track)
        #expect(last.artist == "Post Malone / Swae Lee")
        #expect(last.duration == 158, "TXXX length 00:02:38")
        #expect(last.kind == .song, "TXXX song_spot M")
    }

    @Test("ID3 titles follow the text rules: spot flags, ad markers and lone strings")
    func textRules() throws {
        #expect(track(tag24([("TIT2", "Law Office"), ("TPE1", "Sponsor")], txxx: [("SONG_SPOT", "T")]))?.kind == .ad)
        #expect(track(tag24([("TIT2", "START ADBREAK"), ("TPE1", "WVIA")]))?.kind == .ad,
                "a marker is a marker even with an artist beside it")
        let split = try #require(track(tag24([("TIT2", "Afterlife - Deeper - Into Places")])))
        #expect(split.artist == "Afterlife")
        #expect(split.title == "Deeper - Into Places")
        #expect(track(tag24([("TIT2", "Song"), ("TLEN", "215000")]))?.duration == 215)
        #expect(track(tag24([("TALB", "Only an album")])) == nil)
        #expect(track(tag24([], txxx: [("title", "From TXXX"), ("artist", "Someone")])) == Track(title: "From TXXX", artist: "Someone"))
    }
}
