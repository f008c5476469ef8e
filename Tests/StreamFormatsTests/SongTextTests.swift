import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

@Suite struct SongTextTests {
    @Test func splitsAtFirstSpacedHyphen() throws {
        let track = try #require(SongText.track(fromTitle: "Afterlife - Deeper - Into Places"))
        #expect(track == Track(title: "Deeper - Into Places", artist: "Afterlife"))
        #expect(SongText.track(fromTitle: "Jay-Z - 99 Problems") == Track(title: "99 Problems", artist: "Jay-Z"))
        #expect(SongText.track(fromTitle: "Blink-182") == Track(title: "Blink-182"))
    }

    @Test func enDashSplitsOnlyWithoutHyphen() {
        #expect(SongText.track(fromTitle: "Beyoncé &#8211; Déjà Vu [A]")
                == Track(title: "Déjà Vu [A]", artist: "Beyoncé"))
        #expect(SongText.track(fromTitle: "Mahler – Symphony No. 5 - Adagietto")
                == Track(title: "Adagietto", artist: "Mahler – Symphony No. 5"))
        #expect(SongText.track(fromTitle: "Artist — Title") == Track(title: "Artist — Title"))
    }

    @Test func oneSidedDashesDoNotSplit() {
        #expect(SongText.track(fromTitle: "Artist - ") == Track(title: "Artist"))
        #expect(SongText.track(fromTitle: " - Title") == Track(title: "Title"))
        #expect(SongText.track(fromTitle: " - ") == nil)
    }

    @Test func emptyAndStationIDTextGiveNil() {
        for raw in ["", "   ", "\0", "-", "...", " &nbsp; ", "WVIA-FM", "  wvia-fm "] {
            #expect(SongText.track(fromTitle: raw, streamName: "WVIA-FM") == nil, "\(raw)")
        }
        #expect(SongText.track(fromTitle: "Scanning...") == Track(title: "Scanning..."))
    }

    @Test func cleaningDecodesEntitiesAndCollapsesWhitespace() {
        #expect(SongText.clean("  Simon &amp; Garfunkel\t\r\n -  The&nbsp;&nbsp;Boxer  ")
                == "Simon & Garfunkel - The Boxer")
        #expect(SongText.clean(" \n ") == nil)
        #expect(SongText.clean(nil) == nil)
        #expect(SongText.track(fromTitle: "Sigur R&oacute;s  -  Hopp&#237;polla")
                == Track(title: "Hoppípolla", artist: "Sigur Rós"))
    }

    @Test func separatePairFromTritonOrComposer() {
        #expect(SongText.track(title: "  What Ive Done  ", artist: " LINKIN PARK ")
                == Track(title: "What Ive Done", artist: "LINKIN PARK"))
        #expect(SongText.track(title: "Mumford &amp; Sons", artist: "", album: " ")
                == Track(title: "Mumford & Sons"))
        #expect(SongText.track(title: "  ", artist: "Someone") == nil)
        #expect(SongText.track(title: nil, artist: "Someone") == nil)
        #expect(SongText.track(title: "Spot", artist: nil, kind: .ad)?.kind == .ad)
    }

    @Test func songSpotKinds() {
        #expect(SongText.kind(songSpot: "M") == .song)
        #expect(SongText.kind(songSpot: "m") == .song)
        #expect(SongText.kind(songSpot: "T") == .ad)
        #expect(SongText.kind(songSpot: "F") == .other)
        #expect(SongText.kind(songSpot: nil) == .other)
    }

    /// Every vendor blob in the vectors file, through the ICY parser where it is wrapped.
    @Test func vendorBlobVectors() throws {
        let group = try #require(try icyVectors()["vendor_blobs_inside_StreamTitle"] as? [String: Any])
        let cases = try #require(group["cases"] as? [String])
        let expected: [Track?] = [
            Track(title: "18 And Life", artist: "SKID ROW", kind: .other),
            Track(title: "This Boy", artist: "Beatles", duration: 133, kind: .song),
            nil,
            Track(title: "24-7 News Into Break Sweep 5", duration: 8, kind: .ad),
            Track(title: "Spot Block End", kind: .other),
        ]
        try #require(cases.count == expected.count)
        for (raw, want) in zip(cases, expected) {
            let title = raw.hasPrefix("StreamTitle=") ? try IcyMetadata.parse(Array(raw.utf8)).streamTitle : raw
            #expect(SongText.track(fromTitle: try #require(title)) == want, "\(raw)")
        }
    }

    @Test func tritonPrefixWithArtistAndTitle() {
        let raw = #"Pink Floyd - Money - text="Money" song_spot="M" MediaBaseId="1234" itunesTrackId="0" length="00:06:22""#
        #expect(SongText.track(fromTitle: raw) == Track(title: "Money", artist: "Pink Floyd", duration: 382))
        let emptyText = #"Pink Floyd - Money - text="" song_spot="M""#
        #expect(SongText.track(fromTitle: emptyText) == Track(title: "Money", artist: "Pink Floyd"))
        let quoted = #"text="Say "Hello" &amp; Wave" song_spot="M" length="03:05""#
        #expect(SongText.track(fromTitle: quoted) == Track(title: #"Say "Hello" & Wave"#, duration: 185))
        #expect(SongText.track(fromTitle: #"context="x" - y"#) == Track(title: "y", artist: #"context="x""#))
        #expect(SongText.track(fromTitle: #"Pretext="a" - text="Real" song_spot="T""#)
                == Track(title: "Real", artist: #"Pretext="a""#, kind: .ad))
    }

    /// The `#EXTINF` title form, with `\"` escapes inside `url`, from the iHeart playlists.
    @Test func iHeartHLSAttributeForm() throws {
        func extinfTitle(_ file: String) throws -> String {
            let text = try Fixture.text("hls/\(file)")
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("#EXTINF:") })
            let comma = try #require(line.firstIndex(of: ","))
            return String(line[line.index(after: comma)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let song = try extinfTitle("iheart_media_playlist_song_M.as-published.m3u8")
        #expect(SongText.track(fromTitle: song)
                == Track(title: "Sunflower", artist: "Post Malone / Swae Lee", duration: 154, kind: .song))
        let ad = try extinfTitle("iheart_media_playlist_ad_T.as-published.m3u8")
        #expect(SongText.track(fromTitle: ad)
                == Track(title: "Law Office Of Michael S Lamonsoff*Power Only*", artist: "Angie Martinez",
                         duration: 58, kind: .ad))
        #expect(SongText.track(fromTitle: #"title="Say \"Hi\"",artist="X",url="song_spot=\"M\"""#)
                == Track(title: #"Say "Hi""#, artist: "X", kind: .song))
    }

    /// Upstream mojibake (UTF-8 NBSP read as Latin-1 then re-encoded) is not repaired;
    /// the NBSP is collapsed with the space.
    @Test func upstreamMojibakeIsKeptButWhitespaceCollapsed() throws {
        let cases = try icyCases("icecast_metadata_js_IcyMetadata_test_js")
        let raw = try #require(cases.compactMap { $0[0] as? String }.first { $0.hasPrefix("StreamTitle='Nils") })
        let title = try #require(try IcyMetadata.parse(Array(raw.utf8)).streamTitle)
        #expect(SongText.track(fromTitle: title)
                == Track(title: "Why Did You Let Me Go", artist: "Nils Landgren & Jan LundgrenÂ"))
    }

    @Test func malformedBlobsNeverTrap() {
        for raw in [#"text=""#, #"text="#, #"title=""#, #"title="",artist=""#, #"text="a" b="#,
                    #"title="x",artist="y",url=""#, #"text="\"#, "text=\"\u{0}\"", #"a - text="b"#] {
            _ = SongText.track(fromTitle: raw)
        }
        #expect(SongText.track(fromTitle: #"title="x",artist="y",url=""#) == Track(title: "x", artist: "y", kind: .other))
    }

    @Test func randomTextNeverTraps() {
        var rng = SeededRandom(seed: 11)
        let alphabet = Array(#"text=" title=,artist url\ song_spot="M" - – &#x;amp&#8211;0:"#) + ["\u{0}", "é", " "]
        var produced = 0
        for _ in 0..<3000 {
            let raw = String((0..<Int(rng.next() % 48)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            if let track = SongText.track(fromTitle: raw, streamName: "x") {
                #expect(!track.title.isEmpty && track.title == track.title.trimmingCharacters(in: .whitespaces))
                produced += 1
            }
        }
        #expect(produced > 0)
    }
}
