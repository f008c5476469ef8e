import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// HLS timed ID3: in packed audio and in MPEG-TS, including tags that are not at the start.
@Suite struct TimedMetadataTests {
    @Test func packedAudioSegment() throws {
        let bytes = try Fixture.bytes("hls/written_packed_aac_segment_with_timed_id3.aac")
        let found = TimedMetadata.tags(inSegment: bytes)
        #expect(found.count == 3)
        #expect(found[0].offset == 0)
        #expect(found[0].tag.transportStreamTimestamp == 10)
        #expect(found[0].presentationTime == 10)
        #expect(found[0].tag.track == nil)                          // a timestamp, no title
        #expect(found[1].offset > 0)                                // between audio frames
        #expect(found[1].tag.track == Track(title: "Déjà Vu", artist: "Beyoncé feat. Jay-Z", album: "B'Day"))
        let third = try #require(found[1].presentationTime)
        #expect(abs(third - (10 + 3 * 1024 / 44100.0)) < 0.0001)   // after three AAC frames
        #expect(found[2].tag.version == 3)
        #expect(found[2].tag.track == Track(title: "Spot Block End", kind: .other))
        // The sniffer still sees audio in such a segment: it starts with an ID3 tag.
        #expect(StreamContentSniffer.classify(contentType: "audio/aac", prefix: bytes) == .audio("ID3-tagged audio"))
    }

    /// PMT stream type 0x15 with a metadata descriptor, as Apple specifies.
    @Test func transportStreamWithDeclaredMetadata() throws {
        let found = TimedMetadata.tags(inSegment: try Fixture.bytes("hls/written_ts_segment_with_timed_id3.ts"))
        #expect(found.map(\.presentationTime) == [10.5, 11])
        #expect(found.allSatisfy { $0.offset > 0 && $0.offset % 188 == 0 })   // not at the segment's start
        #expect(found[0].tag.title == "Déjà Vu")
        #expect(found[0].tag.userText("songtype") == "S")
        #expect(found[1].tag.track?.kind == .other)
    }

    /// Declared as private data: only the PES payload says ID3.
    @Test func transportStreamWithID3OnAPrivatePID() throws {
        let found = TimedMetadata.tags(inSegment: try Fixture.bytes("hls/written_ts_segment_id3_on_private_pid.ts"))
        #expect(found.map { $0.tag.title } == ["Déjà Vu", #"text="Spot Block End" amgTrackId="-1" length="00:00:00""#])
        #expect(found.map { $0.tag.track?.title } == ["Déjà Vu", "Spot Block End"])
    }

    @Test func damagedInput() throws {
        var ts = try Fixture.bytes("hls/written_ts_segment_with_timed_id3.ts")
        #expect(throws: ParseError.self) { try MPEGTransportStream.id3Tags(Array(ts.dropFirst(7).prefix(100))) }
        ts[188 * 3] = 0x00                                         // one packet loses sync
        _ = TimedMetadata.tags(inSegment: ts)
        let cut = Array(try Fixture.bytes("hls/written_ts_segment_with_timed_id3.ts").prefix(188 * 5 + 50))
        _ = TimedMetadata.tags(inSegment: cut)
        let audioOnly = try Fixture.bytes("hls/ffmpeg_sine_96k.adts.aac")
        #expect(TimedMetadata.tags(inSegment: audioOnly).isEmpty)
    }
}
