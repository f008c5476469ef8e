import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// iHeart HLS nests WideOrbit's attribute list inside the `title` attribute: the spot
/// block's end marker must not reach the state as a song titled with the raw list.
@Suite struct HLSNestedAttributeListTests {
    @Test func spotBlockMarkersInEveryForm() throws {
        let playlist = try HLSMediaPlaylist.parse(Fixture.bytes("hls/written_iheart_spot_block_markers.m3u8"))
        let tracks = playlist.segments.map(\.track)
        #expect(tracks[0] == Track(title: "Sunflower", artist: "Post Malone / Swae Lee", duration: 154, kind: .song))
        #expect(tracks[1]?.kind == .ad)
        #expect(tracks[2] == Track(title: "Spot Block End", kind: .other))            // nested in title="…"
        #expect(tracks[3] == Track(title: "Spot Block End", kind: .other))            // a plain #EXTINF title
        #expect(tracks[4] == Track(title: "Hungry Child - Edit", artist: "Hot Chip", kind: .song))
        #expect(tracks.allSatisfy { !($0?.title.contains("=\"") ?? false) })
    }
}
