import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// ICY payloads as deployed stations send them, one per line of
/// `icy/written_titles_in_the_wild.txt` (shapes: Kodi's ShoutcastFile.cpp, see PROVENANCE).
@Suite struct IcyTitlesInTheWildTests {
    @Test func payloadsGiveTheRightItems() throws {
        let lines = try Fixture.text("icy/written_titles_in_the_wild.txt").split(separator: "\n")
        let items = try lines.map { try IcyMetadata.parse(Array($0.utf8)).track(streamName: "WTST") }
        let expected: [Int: Track?] = [
            0: Track(title: "BOLORDURAN 17", artist: "RECLAM", duration: 17.894),          // Kodi's example: S is a song
            1: Track(title: "Power Only 30", artist: "Lamonsoff Law", duration: 30, kind: .ad),
            2: Track(title: "The Boxer", artist: "Simon & Garfunkel", album: "Bridge Over Troubled Water", duration: 308),
            3: Track(title: "Station Jingle", duration: 4, kind: .stationID),              // empty SAM title: StreamTitle
            4: Track(title: "Ad break", kind: .ad),                                         // START ADBREAK <id>
            5: Track(title: "Ad break over", kind: .other),                                 // STOP ADBREAK <id>
            6: Track(title: "Mrs. Robinson", artist: "Simon & Garfunkel"),
            7: Track(title: "Rich Girl", artist: "Hall & Oates"),
            8: Track(title: "Hungry Child - Edit", artist: "Hot Chip"),
            10: Track(title: #"Say "Hello" & Wave"#, duration: 185),
            11: nil,                                                                        // a list with no text
        ]
        try #require(items.count == 12)
        for (line, want) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(items[line] == want, "line \(line + 1)")
        }
    }

    @Test func samFieldBoundariesAndDurations() {
        let sam = SAMStreamURL("&artist=AC&DC&title=T.N.T.&duration=205000&songtype=S")
        #expect(sam?.fields["artist"] == "AC&DC")
        #expect(sam?.duration == 205)
        #expect(SAMStreamURL("&title=Jingle&duration=4000")?.duration == 4)
        #expect(SAMStreamURL("&title=Song&duration=245")?.duration == 245)
        #expect(SongText.track(fromTitle: "START ADBREAKS - Live")?.kind == .song)
    }
}

/// The policy for " - " inside titles (see `SongText.splitArtistTitle`).
@Suite struct ArtistTitleSplitTests {
    @Test func versionTagsStayInTheTitle() throws {
        let cases: [(String, String?, String)] = [
            ("Hot Chip - Hungry Child - Edit", "Hot Chip", "Hungry Child - Edit"),
            ("Hungry Child - Edit", nil, "Hungry Child - Edit"),
            ("Heroes - 2017 Remaster", nil, "Heroes - 2017 Remaster"),
            ("David Bowie - Heroes - 2017 Remaster", "David Bowie", "Heroes - 2017 Remaster"),
            ("Levels - Radio Edit", nil, "Levels - Radio Edit"),
            ("Summer - Calvin Harris Remix", nil, "Summer - Calvin Harris Remix"),
            ("Yellow - Live at Glastonbury", nil, "Yellow - Live at Glastonbury"),
            ("Live - Lightning Crashes", "Live", "Lightning Crashes"),           // the band Live
            ("Pink Floyd - Money", "Pink Floyd", "Money"),
            ("Muse - Uprising (Live)", "Muse", "Uprising (Live)"),
        ]
        for (text, artist, title) in cases {
            let split = SongText.splitArtistTitle(text)
            #expect(split.artist == artist && split.title == title, "\(text)")
        }
        let lines = try Fixture.text("icy/written_titles_in_the_wild.txt").split(separator: "\n")
        #expect(try IcyMetadata.parse(Array(lines[9].utf8)).track() == Track(title: "Hungry Child - Edit"))
        #expect(!SongText.isVersionTag("A Very Long Title That Happens To End In Mix"))
    }
}
