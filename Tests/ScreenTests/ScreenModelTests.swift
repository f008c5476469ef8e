import Foundation
import Testing
@testable import StreamClient
@testable import StreamState

/// ScreenModel: what the studio screen shows, from a state document and the time.
@Suite("Screen model")
struct ScreenModelTests {
    typealias F = ScreenFixtures

    @Test("the program's progress is the player's elapsed / total, with the time remaining")
    func programProgress() {
        let model = ScreenModel(document: F.document(), now: F.now)
        let program = model.program
        #expect(program?.name == "Morning Edition")
        #expect(program?.hosts == ["Steve Inskeep"])
        #expect(program?.elapsed == 10_991)
        #expect(program?.total == 14_400)
        #expect(program?.remaining == 3_409)
        #expect(program?.progressText == "3:03:11 / 4:00:00")
        #expect(program?.remainingText == "56:49")
        #expect(program?.phase == .normal)
        #expect(program?.startText == "06:00")
        #expect(program?.endText == "10:00")
        #expect(abs((program?.fraction ?? 0) - 10_991.0 / 14_400.0) < 1e-9)
        #expect(program?.stale == false)
    }

    @Test("a program under an hour reads m:ss / m:ss, as the player does")
    func shortProgram() {
        let doc = F.document([F.station(program: F.program(start: -61, end: 1_739))])
        #expect(ScreenModel(document: doc, now: F.now).program?.progressText == "1:01 / 30:00")
        let start = F.document([F.station(program: F.program(start: 0, end: 1_800))])
        #expect(ScreenModel(document: start, now: F.now).program?.progressText == "0:00 / 30:00")
    }

    @Test("the clock, the station, ON AIR and the other stations")
    func header() {
        let model = ScreenModel(document: F.document(), now: F.now)
        #expect(model.clock == "09:03:11")  // the station's zone, America/New_York
        #expect(model.dateText == "Friday, November 27")
        #expect(model.stationID == "wvia-fm")
        #expect(model.stationName == "WVIA-FM")
        #expect(model.tagline == "89.9 FM")
        #expect(model.onAir == true)
        #expect(model.isLive)
        #expect(model.sequence == 1842)
        #expect(model.others == [ScreenModel.Other(id: "wvia-hd2", name: "WVIA-HD2", onAir: false,
                                                   text: "Debussy – Clair de Lune", trouble: true)])
        #expect(model.song?.line == "Bonobo – Kerala")
        #expect(model.song?.elapsed == 91)
        #expect(model.song?.duration == 242)
        #expect(model.next?.name == "Here and Now")
        #expect(model.next?.startText == "10:00")
        #expect(model.next?.startsIn == 3_409)
    }

    @Test("the phases: five minutes left is ending, the last minute is the last minute, then over")
    func phases() {
        func phase(_ remaining: TimeInterval) -> (ScreenModel.Phase?, String?) {
            let doc = F.document([F.station(program: F.program(start: -3_600, end: remaining))])
            let program = ScreenModel(document: doc, now: F.now).program
            return (program?.phase, program?.remainingText)
        }
        #expect(phase(301) == (.normal, "5:01"))
        #expect(phase(300) == (.ending, "5:00"))
        #expect(phase(61) == (.ending, "1:01"))
        #expect(phase(60) == (.lastMinute, "1:00"))
        #expect(phase(42) == (.lastMinute, "0:42"))
        #expect(phase(0.4) == (.lastMinute, "0:01"))  // remaining rounds up
        #expect(phase(0) == (.over, "0:00"))
        #expect(phase(-30) == (.over, "0:00"))
    }

    @Test("stale and failing sources and streams are flagged, and their values marked")
    func staleFlags() {
        let sources = [
            SourceStatus(kind: "composer", url: "http://x/now", status: .stale, checkedAt: F.date(-5), okAt: F.date(-120),
                         error: ErrorValue(kind: "timeout", message: "no answer in 10 s", at: F.date(-5))),
            SourceStatus(kind: "triton", url: "http://x/np", status: .error, checkedAt: F.date(-5), okAt: F.date(-20),
                         error: ErrorValue(kind: "http", message: "HTTP 503", at: F.date(-5), httpStatus: 503)),
        ]
        let streams = [StreamStatus(id: "main", url: "http://x/live", mode: "follow", status: .stalled,
                                    error: ErrorValue(kind: "stalled", message: "no bytes for 10 s", at: F.date(-2)))]
        let doc = F.document([F.station(streams: streams, sources: sources)])
        let model = ScreenModel(document: doc, now: F.now)
        #expect(model.program?.stale == true)   // from composer, which is stale
        #expect(model.song?.stale == false)     // from the stream's own metadata
        #expect(model.alerts == [
            .init(severity: .error, text: "stream main stalled (stalled: no bytes for 10 s)"),
            .init(severity: .warning, text: "source composer stale: no answer since 09:01:11 (timeout: no answer in 10 s)"),
            .init(severity: .error, text: "source triton failing (http: HTTP 503)"),
        ])

        let loaded = ScreenModel(document: F.document(stale: true), now: F.now)
        #expect(loaded.alerts.first == .init(severity: .warning, text: "state not refreshed since the daemon started"))
        #expect(loaded.program?.stale == true)
        #expect(loaded.song?.stale == true)
    }

    @Test("no song: nothing is invented; without a program the station's name never stands in for it")
    func noSong() {
        let model = ScreenModel(document: F.document([F.station(song: nil)]), now: F.now)
        #expect(model.song == nil)
        #expect(model.program?.name == "Morning Edition")
        #expect(model.text == "Morning Edition")
        let bare = ScreenModel(document: F.document([F.station(program: nil, song: nil, next: [])]), now: F.now)
        #expect(bare.program == nil)
        #expect(bare.next == nil)
        #expect(bare.text == nil, "the now text is only the station's name: not a program")
        var talk = F.station(program: nil, song: nil, next: [])
        talk.now.text = "Pledge drive"
        #expect(ScreenModel(document: F.document([talk]), now: F.now).text == "Pledge drive")
    }

    @Test("--station picks a station; an unknown one says so; a next program already over is skipped")
    func stationChoice() {
        let hd2 = ScreenModel(document: F.document(), stationID: "wvia-hd2", now: F.now)
        #expect(hd2.stationName == "WVIA-HD2")
        #expect(hd2.onAir == false)
        #expect(!hd2.isLive)
        #expect(hd2.others.map(\.id) == ["wvia-fm"])
        #expect(hd2.alerts == [.init(severity: .error, text: "stream main down (connect: connection refused)")])

        let unknown = ScreenModel(document: F.document(), stationID: "nope", now: F.now)
        #expect(unknown.unknownStation == "nope")
        #expect(unknown.stationID == nil)

        let over = ProgramValue(name: "Old", hosts: [], start: F.date(-7_200), end: F.date(-3_600), source: "composer", seenAt: F.now)
        let next = ProgramValue(name: "Here and Now", hosts: [], start: F.date(3_409), end: F.date(7_000), source: "composer", seenAt: F.now)
        let model = ScreenModel(document: F.document([F.station(next: [over, next])]), now: F.now)
        #expect(model.next?.name == "Here and Now")

        let none = ScreenModel(document: nil, now: F.now, connection: .connecting(detail: nil), fallbackTimeZone: TimeZone(identifier: "UTC")!)
        #expect(none.stationName == "streamd")
        #expect(none.onAir == nil)
        #expect(!none.zoneKnown)
        #expect(none.clock == "--:--:--", "not the machine's (here UTC) time passed off as the station's")
        #expect(none.dateText == "")
        let known = ScreenModel(document: F.document(), now: F.now, fallbackTimeZone: TimeZone(identifier: "UTC")!)
        #expect(known.zoneKnown)
        #expect(known.clock == "09:03:11", "the station's zone (New York), not the fallback")
        #expect(unknown.clock == "--:--:--", "an unknown --station has no zone either")
    }

    @Test("one rounding rule: 2:09 left is \"in 2 min\" for the same moment; m:ss and minutes floor from the same seconds")
    func roundingRule() throws {
        // The program ends and the next one starts 128.4 s from now.
        let end = 128.4
        let next = ProgramValue(name: "Here and Now", hosts: [], start: F.date(end), end: F.date(end + 3_600), source: "composer", seenAt: F.now)
        let model = ScreenModel(document: F.document([F.station(program: F.program(start: end - 3_600, end: end), next: [next])]), now: F.now)
        #expect(model.program?.remainingText == "2:09")
        #expect(model.next?.startsIn == 129)
        #expect(model.next?.startsInText == "in 2 min", "the same seconds as the time left, minutes rounded down")
        #expect(ScreenModel.untilText(60) == "in 1 min")
        #expect(ScreenModel.untilText(119) == "in 1 min")
        #expect(ScreenModel.untilText(59) == "in 59 s")
        #expect(ScreenModel.untilText(3_599) == "in 59 min")
        #expect(ScreenModel.untilText(3_600) == nil)
        #expect(ScreenModel.untilText(0) == nil)
    }

    @Test("the status says whether the screen is connected to streamd, never \"live\"")
    func connectionText() {
        let connected = ScreenModel(document: F.document(), now: F.now, connection: .live)
        #expect(connected.connectionText == "● streamd connected")
        let away = ScreenModel(document: F.document(), now: F.now, connection: .reconnecting(since: F.now, detail: nil))
        #expect(away.connectionText == "streamd disconnected · reconnecting…")
        let first = ScreenModel(document: nil, now: F.now, connection: .connecting(detail: nil))
        #expect(first.connectionText == "connecting to streamd…")
        for text in [connected, away, first].map(\.connectionText) { #expect(!text.lowercased().contains("live")) }
    }
}

@Suite("The composer on the screens")
struct ScreenComposerTests {
    @Test("a song with a composer shows it under the song; not when it is the artist")
    func composerLine() {
        var song = ScreenFixtures.song(title: "Cello Suite No. 1", artist: "Yo-Yo Ma", album: nil)
        song.composer = "Johann Sebastian Bach"
        let document = ScreenFixtures.document([ScreenFixtures.station(song: song)])
        let model = ScreenModel(document: document, stationID: nil, now: ScreenFixtures.now, connection: .live)
        #expect(model.song?.composer == "Johann Sebastian Bach")
        let text = ScreenRenderer.lines(model, width: 80, height: 24).map { $0.map(\.text).joined() }.joined(separator: "\n")
        #expect(text.contains("Composer: Johann Sebastian Bach"), "\(text)")
        song.composer = "Yo-Yo Ma"
        let same = ScreenModel(document: ScreenFixtures.document([ScreenFixtures.station(song: song)]), stationID: nil,
                               now: ScreenFixtures.now, connection: .live)
        #expect(same.song?.composer == nil, "a composer who is the artist is not repeated")
    }
}
