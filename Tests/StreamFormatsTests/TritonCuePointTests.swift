import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// Triton cue-point properties (the SDK's `CuePoint`): only a displayed track is a song.
@Suite struct TritonCuePointTests {
    @Test func cuePointProperties() throws {
        let snapshot = try TritonNowPlaying.parse(Fixture.bytes("triton/written_cuepoint_types.xml"))
        let items = [snapshot.current].compactMap { $0 } + snapshot.recent
        #expect(items.map(\.title) == ["Morning News", "Local Break", "Targeted Spot", "WTST Your Station",
                                       "Hidden Track Cue", "Jingle Bell Rock", "Coming Up Next"])
        #expect(items.map(\.kind) == [.other, .ad, .ad, .stationID, .other, .song, .stationID])
    }
}
