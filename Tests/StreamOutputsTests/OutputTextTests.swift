import Foundation
import StreamState
import Testing
@testable import StreamOutputs

/// The text an output sends: the template while a song plays, the fallback otherwise, every
/// placeholder, and the separators a missing value leaves behind.
@Suite("Outputs: the text")
struct OutputTextTests {
    static func station(song: SongValue?, program: String? = "Morning Edition") -> StationState {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let text = song.map { song in song.artist.map { "\($0) – \(song.title)" } ?? song.title } ?? program ?? "WVIA-FM"
        return StationState(id: "wvia-fm", name: "WVIA-FM", tagline: "89.9 FM", timezone: "America/New_York", onAir: true,
                            now: NowState(program: program.map { ProgramValue(name: $0, hosts: [], start: nil, end: nil, source: "composer", seenAt: now) },
                                          song: song, text: text),
                            next: [], recent: [], streams: [], sources: [], changedAt: now)
    }

    static func song(_ title: String, artist: String? = nil, album: String? = nil, composer: String? = nil) -> SongValue {
        SongValue(title: title, artist: artist, album: album, composer: composer, start: nil, duration: nil, source: "icy",
                  seenAt: Date(timeIntervalSince1970: 1_780_000_000))
    }

    static func output(template: String = "{artist} – {title}", fallback: String = "{text}") -> OutputSpec {
        OutputSpec(target: .file(path: "/dev/null"), station: "wvia-fm", template: template, fallback: fallback, delay: .zero)
    }

    @Test("every placeholder, while a song plays")
    func placeholders() {
        let station = Self.station(song: Self.song("Clair de lune", artist: "Claudio Arrau", album: "Debussy", composer: "Debussy"))
        let text = OutputText.text(Self.output(template: "{station}: {artist} / {title} ({album}, {composer}) in {program} | {text}"),
                                   station: station)
        #expect(text == "WVIA-FM: Claudio Arrau / Clair de lune (Debussy, Debussy) in Morning Edition | Claudio Arrau – Clair de lune")
    }

    @Test("a song without artist: its title, without the separator the artist would have had")
    func missingArtist() {
        let station = Self.station(song: Self.song("Station theme"))
        #expect(OutputText.text(Self.output(), station: station) == "Station theme")
        #expect(OutputText.text(Self.output(template: "{title} - {artist}"), station: station) == "Station theme")
    }

    @Test("no song (talk, ads, IDs, stale): the fallback, by default the station's one line; empty: nothing")
    func fallback() {
        let talk = Self.station(song: nil)
        #expect(OutputText.text(Self.output(), station: talk) == "Morning Edition")
        #expect(OutputText.text(Self.output(fallback: "{station} · {program}"), station: talk) == "WVIA-FM · Morning Edition")
        #expect(OutputText.text(Self.output(fallback: ""), station: talk) == "")
        #expect(OutputText.text(Self.output(), station: Self.station(song: nil, program: nil)) == "WVIA-FM")
    }

    @Test("text outside placeholders is kept as written, braces that open nothing too")
    func literalText() {
        let station = Self.station(song: Self.song("Title", artist: "Artist"))
        #expect(OutputText.text(Self.output(template: "Now: {title} by {artist}!"), station: station) == "Now: Title by Artist!")
        #expect(OutputText.render("{ and } {title", station: station) == "{ and } {title")
    }
}
