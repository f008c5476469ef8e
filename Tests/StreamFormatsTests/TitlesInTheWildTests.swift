import Foundation
import StreamTestSupport
import Testing
@testable import StreamFormats

/// Titles as real servers send them, each shaped like a payload seen in the wild (origins in
/// Tests/Fixtures/PROVENANCE.md and in the comments).
@Suite("Titles in the wild")
struct TitlesInTheWildTests {
    @Test("ad-break markers are ads or the end of one, never songs")
    func adMarkers() {
        #expect(SongText.track(fromTitle: "START ADBREAK")?.kind == .ad)
        #expect(SongText.track(fromTitle: "start ad break")?.kind == .ad)
        #expect(SongText.track(fromTitle: "STOP ADBREAK")?.kind == .other)
        #expect(SongText.track(fromTitle: "END AD BREAK")?.kind == .other)
        #expect(SongText.track(fromTitle: "Adbreak Brothers - Start")?.kind == .song, "a band is not a marker")
    }

    @Test("an attribute-list title is never shown raw; its text and song/spot flags are read")
    func attributeLists() {
        // WideOrbit / iHeart ICY and HLS titles (iHeart HLS playlists, PROVENANCE hls/*).
        let spot = SongText.track(fromTitle: #"text="Spot Block End" amgTrackId="9876543" song_spot="T""#)
        #expect(spot?.kind == .ad)
        #expect(spot?.title == "Spot Block End")
        let end = SongText.track(fromTitle: #"text="Spot Block End" amgTrackId="9876543""#)
        #expect(end?.kind != .song, "a block marker without song_spot is not a song")
        let noText = SongText.track(fromTitle: #"song_spot="T" MediaBaseId="0" itunesTrackId="0" amgTrackId="-1" TPID="0" length="00:00:30""#)
        #expect(noText == nil, "no text: nothing to show, and never the raw list")
        let music = SongText.track(fromTitle: #"title="Lose Yourself" artist="Eminem" song_spot="M" length="00:05:26""#)
        #expect(music?.title == "Lose Yourself")
        #expect(music?.artist == "Eminem")
        #expect(music?.kind == .song)
        let nested = SongText.track(fromTitle: #"text="He Said "Hi" Twice" song_spot="M""#)
        #expect(nested?.title == #"He Said "Hi" Twice"#)
    }

    @Test("an HLS spot block's end marker is not a song", arguments: [
        #"text="Spot Block End" amgTrackId="1234""#,
        "START ADBREAK",
    ])
    func hlsMarker(title: String) throws {
        let playlist = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:10
            #EXT-X-MEDIA-SEQUENCE:100
            #EXTINF:10,\(title)
            segment100.aac
            """
        let media = try HLSMediaPlaylist.parse(Array(playlist.utf8), url: nil)
        let track = try #require(media.segments.last?.track)
        #expect(track.kind != .song)
        #expect(!track.title.contains("amgTrackId"))
    }

    @Test("'Artist - Title' splits at the first ' - ': a title holding ' - ' stays whole")
    func dashInTitle() {
        let track = SongText.track(fromTitle: "Hot Chip - Hungry Child - Edit")
        #expect(track?.artist == "Hot Chip")
        #expect(track?.title == "Hungry Child - Edit")
    }

    @Test("entities in ICY titles: the ';' of an entity is not a field end, quoted or not")
    func icyEntities() throws {
        let unquoted = try IcyMetadata.parse(Array("StreamTitle=Simon &amp; Garfunkel - The Boxer;StreamUrl=;".utf8))
        #expect(unquoted.streamTitle == "Simon &amp; Garfunkel - The Boxer")
        #expect(unquoted.track()?.artist == "Simon & Garfunkel")
        let numeric = try IcyMetadata.parse(Array("StreamTitle=AC&#47;DC - T.N.T.;".utf8))
        #expect(numeric.track()?.artist == "AC/DC")
        let quoted = try IcyMetadata.parse(Array("StreamTitle='Earth, Wind &amp; Fire - September';StreamUrl='';".utf8))
        #expect(quoted.track()?.artist == "Earth, Wind & Fire")
        #expect(quoted.track()?.title == "September")
    }

    @Test("a SAM Broadcaster StreamUrl gives artist, title and song type; a non-song type is not a song")
    func samStreamURL() throws {
        let song = try IcyMetadata.parse(Array("StreamTitle='Michael Jackson - Billie Jean';StreamUrl='&artist=Michael%20Jackson&title=Billie%20Jean&album=Thriller&duration=294000&songtype=S&overlay=no&buycd=&website=&picture=';".utf8))
        let track = try #require(song.track())
        #expect(track.artist == "Michael Jackson")
        #expect(track.title == "Billie Jean")
        #expect(track.album == "Thriller")
        #expect(track.duration == 294)
        #expect(track.kind == .song)
        let promo = try IcyMetadata.parse(Array("StreamTitle='WVIA - Your Public Media';StreamUrl='&artist=WVIA&title=Legal+ID&songtype=I&duration=12000';".utf8))
        #expect(promo.track()?.kind == .stationID)
        let ad = try IcyMetadata.parse(Array("StreamTitle='';StreamUrl='&artist=Local+Dealer&title=Spring+Sale&songtype=A';".utf8))
        #expect(ad.track()?.kind == .ad)
        let plain = try IcyMetadata.parse(Array("StreamTitle='Bonobo - Kerala';StreamUrl='http://www.example.org';".utf8))
        #expect(plain.track()?.title == "Kerala", "a plain StreamUrl is a URL, the title comes from StreamTitle")
    }

    @Test("Triton cue types: ads, speech, sweepers and cue_display are not songs")
    func tritonCueTypes() throws {
        func item(_ cueType: String) -> String {
            """
            <nowplaying-info type="track" timestamp="1795788000">
            <property name="cue_title"><![CDATA[Item \(cueType)]]></property>
            <property name="track_artist_name"><![CDATA[Somebody]]></property>
            <property name="cue_type"><![CDATA[\(cueType)]]></property>
            </nowplaying-info>
            """
        }
        for (cueType, expected) in [("break", ItemKind.ad), ("endbreak", .ad), ("targetspot", .ad), ("speech", .other),
                                    ("stationid", .stationID), ("jingle", .stationID), ("cue_display", .other), ("track", .song)] {
            let xml = "<nowplaying-info-list>\(item(cueType))</nowplaying-info-list>"
            let snapshot = try TritonNowPlaying.parse(Array(xml.utf8))
            #expect(snapshot.current?.kind == expected, "cue_type \(cueType)")
        }
    }

    @Test("Icecast status-json as servers send it: a title given as an unquoted '-', source absent, an object or an array")
    func icecastStatusQuirks() throws {
        let dash = #"{"icestats":{"admin":"x","source":{"listenurl":"http://h:8000/live","server_name":"Live","title":-}}}"#
        let parsed = try IcecastStatus.parse(Array(dash.utf8))
        #expect(parsed.mounts.count == 1)
        #expect(parsed.snapshot(mount: nil)?.current == nil, "a '-' title is no title")
        let absent = try IcecastStatus.parse(Array(#"{"icestats":{"admin":"x","host":"h"}}"#.utf8))
        #expect(absent.mounts.isEmpty)
        let array = try IcecastStatus.parse(Array(#"{"icestats":{"source":[{"listenurl":"http://h/a","title":"A - One"},{"listenurl":"http://h/b","title":"B - Two"}]}}"#.utf8))
        #expect(array.snapshot(mount: "/b")?.current?.title == "B - Two")
    }
}
