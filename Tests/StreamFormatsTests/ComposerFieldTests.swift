import Foundation
import StreamTestSupport
import Testing
@testable import StreamFormats

@Suite("Classical music: the composer is kept beside the artist")
struct ComposerFieldTests {
    let zone = TimeZone(identifier: "America/New_York")!

    @Test("Composer tracks: a track with an artist keeps its composerName")
    func composerTracks() throws {
        let tracks = try ComposerTracks.parse(Fixture.bytes("composer/composer_tracks_wmht_2026-02-17_doc_excerpt.json"), timeZone: zone)
        let trio = try #require(tracks.first { $0.title.hasPrefix("Piano Trio 1") })
        #expect(trio.artist == "Yo Yo Ma-Cello")
        #expect(trio.composer == "Felix Mendelssohn")
    }

    @Test("Cadence: the song's composer next to its artists")
    func cadence() throws {
        let snapshot = try CadenceWidget.parse(Fixture.bytes("cadence/synthetic_widget_now.json"), timeZone: zone, now: Date())
        #expect(snapshot.current?.title == "Blue in Green")
        #expect(snapshot.current?.composer == "Bill Evans")
    }

    @Test("Spinitron: a spin's composer; an empty one is none")
    func spinitron() throws {
        let spins = try SpinitronFeed.parseSpins(Fixture.bytes("spinitron/synthetic_spins.json"))
        #expect(spins.first { $0.title == "Hey Bulldog" }?.composer == "Lennon - McCartney")
        #expect(spins.first { $0.title == "Brakhage" }?.composer == nil)
    }

    @Test("the text normaliser keeps the composer, cleaned")
    func normaliser() {
        let track = SongText.track(title: "Symphony No. 5", artist: "Berlin Philharmonic", composer: "  Ludwig van Beethoven ")
        #expect(track?.composer == "Ludwig van Beethoven")
    }
}
