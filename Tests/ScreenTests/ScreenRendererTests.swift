import Foundation
import Testing
@testable import StreamClient
@testable import StreamState

/// ScreenRenderer: the terminal layout at 80x24, on small and on big consoles.
@Suite("Screen renderer")
struct ScreenRendererTests {
    typealias F = ScreenFixtures

    static func render(_ document: StateDocument?, width: Int = 80, height: Int = 24, station: String? = nil,
                       connection: ScreenModel.Connection = .live, at now: Date = F.now) -> [String] {
        ScreenRenderer.text(ScreenModel(document: document, stationID: station, now: now, connection: connection),
                            width: width, height: height)
    }

    /// Every row fits; the count is the terminal's height.
    static func expectFits(_ rows: [String], width: Int, height: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(rows.count == height, "\(rows.count) rows for a \(height)-row terminal", sourceLocation: sourceLocation)
        for (index, row) in rows.enumerated() {
            #expect(ScreenText.width(row) <= width, "row \(index) is \(ScreenText.width(row)) columns: \(row)",
                    sourceLocation: sourceLocation)
        }
    }

    static func row(_ rows: [String], containing text: String) -> String? {
        rows.first { $0.contains(text) }
    }

    @Test("80x24 shows everything: clock, station, ON AIR, program, progress, remaining, song, next, others, alerts")
    func fits80x24() {
        let streams = [StreamStatus(id: "main", url: "u", mode: "follow", status: .up),
                       StreamStatus(id: "backup", url: "u", mode: "probe", status: .down,
                                    error: ErrorValue(kind: "http", message: "HTTP 404", at: F.now, httpStatus: 404))]
        let rows = Self.render(F.document([F.station(streams: streams), F.hd2()]))
        Self.expectFits(rows, width: 80, height: 24)
        let screen = rows.joined(separator: "\n")
        #expect(rows[0].hasPrefix("  WVIA-FM · 89.9 FM"), "\(screen)")
        #expect(rows[0].hasSuffix("● ON AIR   09:03:11"), "\(screen)")
        #expect(rows.contains { $0.contains("█") && $0.filter { $0 == "█" }.count > 20 } , "a large clock: \(screen)")
        #expect(Self.row(rows, containing: "Friday, November 27") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "NOW   Morning Edition") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "3:03:11 / 4:00:00") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "56:49 left") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "with Steve Inskeep") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "SONG  Bonobo – Kerala") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "1:31 / 4:02") != nil, "song progress: \(screen)")
        #expect(Self.row(rows, containing: "NEXT  10:00  Here and Now  in 56 min") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "○ WVIA-HD2") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "OFF AIR") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "! stream backup down (http: HTTP 404)") != nil, "\(screen)")
        #expect(rows[23].contains("● streamd connected") && rows[23].contains("#1842"), "\(screen)")
        #expect(!screen.contains("live"), "the status is about the connection to streamd, never \"live\": \(screen)")
    }

    @Test("the progress bar is filled in proportion, in eighths of a cell")
    func progressBar() throws {
        // Half way: 30:00 of 60:00.
        let doc = F.document([F.station(program: F.program(start: -1_800, end: 1_800))])
        let rows = Self.render(doc)
        let bar = try #require(Self.row(rows, containing: "30:00 / 1:00:00"))
        let cells = bar.filter { "█▏▎▍▌▋▊▉░".contains($0) }
        let done = bar.filter { $0 == "█" }.count
        #expect(cells.count >= 40, "\(bar)")
        #expect(abs(Double(done) / Double(cells.count) - 0.5) <= 1.0 / Double(cells.count), "\(bar)")

        // Not started, and over: empty, and full.
        let start = Self.render(F.document([F.station(program: F.program(start: 0, end: 3_600))]))
        #expect(Self.row(start, containing: "0:00 / 1:00:00").map { !$0.contains("█") } == true)
        let end = Self.render(F.document([F.station(program: F.program(start: -3_600, end: 0))]))
        #expect(Self.row(end, containing: "1:00:00 / 1:00:00").map { !$0.contains("░") } == true)
        #expect(Self.row(end, containing: "ended") != nil)
    }

    @Test("the last minute (program ends 09:04:00, now 09:03:11): a large red countdown, LAST MINUTE with what comes next, a red bar")
    func lastMinute() throws {
        let next = ProgramValue(name: "Here and Now", hosts: [], start: F.date(49), end: F.date(7_249), source: "composer", seenAt: F.now)
        let doc = F.document([F.station(program: F.program(start: -3_551, end: 49), next: [next]), F.hd2()])
        let model = ScreenModel(document: doc, now: F.now)
        let lines = ScreenRenderer.lines(model, width: 80, height: 24)
        let rows = ScreenRenderer.text(model, width: 80, height: 24)
        Self.expectFits(rows, width: 80, height: 24)
        let screen = rows.joined(separator: "\n")
        #expect(Self.row(rows, containing: "LAST MINUTE · next: Here and Now at 09:04") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "LAST MINUTE: 0:49 left · then Here and Now") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "59:11 / 1:00:00") != nil, "\(screen)")
        #expect(rows[0].hasSuffix("09:03:11"), "the clock stays in the header: \(screen)")
        // The block digits show the countdown in red, the bar is red.
        #expect(lines.contains { line in line.contains { $0.style == .bigLast && $0.text.contains("█") } })
        #expect(lines.contains { line in line.contains { $0.style == .barLast } })
        #expect(!lines.contains { line in line.contains { $0.style == .big } }, "no clock digits in the last minute on 80x24")
        #expect(Self.row(rows, containing: "NEXT  09:04  Here and Now  in 49 s") != nil, "\(screen)")
        try screen.write(to: TestOutput.directory.appendingPathComponent("screen-80x24-last-minute.txt"), atomically: true, encoding: .utf8)

        // Five minutes out: yellow, not yet the last minute.
        let ending = ScreenModel(document: F.document([F.station(program: F.program(start: -3_300, end: 300))]), now: F.now)
        let endingLines = ScreenRenderer.lines(ending, width: 80, height: 24)
        #expect(endingLines.contains { line in line.contains { $0.style == .barEnding } })
        #expect(endingLines.contains { line in line.contains { $0.style == .warning && $0.text == "5:00 left" } })
        #expect(!ScreenRenderer.text(ending, width: 80, height: 24).contains { $0.contains("LAST MINUTE") })
    }

    @Test("stale flags and no song on the screen")
    func staleAndNoSong() {
        let sources = [SourceStatus(kind: "composer", url: "u", status: .stale, okAt: F.date(-120))]
        let rows = Self.render(F.document([F.station(song: nil, sources: sources)]))
        let screen = rows.joined(separator: "\n")
        #expect(Self.row(rows, containing: "NOW   Morning Edition  (stale)") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "! source composer stale: no answer since 09:01:11") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "SONG  —") != nil, "\(screen)")
        let loaded = Self.render(F.document(stale: true))
        #expect(Self.row(loaded, containing: "! state not refreshed since the daemon started") != nil, "\(loaded.joined(separator: "\n"))")
    }

    @Test("while the daemon is away: a reconnecting banner over the last state; before any state: connecting")
    func reconnecting() {
        let rows = Self.render(F.document(), connection: .reconnecting(since: F.date(-5), detail: "connect: connection refused"))
        Self.expectFits(rows, width: 80, height: 24)
        #expect(rows[0].contains("reconnecting… streamd is away since 09:03:06"), "\(rows[0])")
        #expect(Self.row(rows, containing: "NOW   Morning Edition") != nil)
        #expect(rows[23].contains("reconnecting…"))
        let none = ScreenRenderer.text(ScreenModel(document: nil, now: F.now, connection: .connecting(detail: "on /tmp/s.sock"),
                                                   fallbackTimeZone: TimeZone(identifier: "UTC")!), width: 80, height: 24)
        Self.expectFits(none, width: 80, height: 24)
        #expect(none[0].contains("connecting to streamd… on /tmp/s.sock"), "\(none[0])")
        #expect(none[1].hasSuffix("--:--:--"), "no station yet, so no station zone: a placeholder, not the machine's time: \(none[1])")
        #expect(!none.contains { $0.contains("██") }, "no large clock either")
        let unknown = Self.render(F.document(), station: "nope")
        #expect(Self.row(unknown, containing: "No station \"nope\" in streamd's state.") != nil, "\(unknown.joined(separator: "\n"))")
    }

    @Test("small terminals keep the program, its progress, the song and next; the big clock goes first")
    func small() {
        for (width, height) in [(40, 12), (60, 16), (80, 14), (20, 6)] {
            let rows = Self.render(F.document(), width: width, height: height)
            Self.expectFits(rows, width: width, height: height)
            let screen = rows.joined(separator: "\n")
            #expect(Self.row(rows, containing: "NOW") != nil, "\(width)x\(height):\n\(screen)")
            if height >= 12 {
                #expect(Self.row(rows, containing: "SONG") != nil, "\(width)x\(height):\n\(screen)")
                #expect(Self.row(rows, containing: "NEXT") != nil, "\(width)x\(height):\n\(screen)")
                #expect(Self.row(rows, containing: "left") != nil, "\(width)x\(height):\n\(screen)")
            }
        }
    }

    @Test("a big console: larger digits, the remaining time in block digits too, rows filled")
    func big() {
        let rows = Self.render(F.document(), width: 240, height: 67)
        Self.expectFits(rows, width: 240, height: 67)
        let screen = rows.joined(separator: "\n")
        let small = Self.render(F.document())
        let digitRows = { (rows: [String]) in rows.filter { $0.contains("██") && !$0.contains("░") }.count }
        #expect(digitRows(rows) >= 3 * digitRows(small), "\(screen)")
        #expect(Self.row(rows, containing: "LEFT") != nil, "\(screen)")
        let lastContent = rows.lastIndex { !$0.isEmpty && !$0.contains("● streamd connected") } ?? 0
        #expect(lastContent >= 50, "content spread over the screen, not bunched at the top:\n\(screen)")

        let last = ScreenModel(document: F.document([F.station(program: F.program(start: -3_558, end: 42))]), now: F.now)
        let lines = ScreenRenderer.lines(last, width: 240, height: 67)
        #expect(lines.contains { line in line.contains { $0.style == .big } }, "the clock stays large")
        #expect(lines.contains { line in line.contains { $0.style == .bigLast } }, "the countdown is large and red")
    }

    @Test("titles cannot inject terminal controls; wide characters are measured and cut")
    func hostileText() {
        let song = F.song(title: "\u{1B}[2J\u{1B}]0;pwned\u{07}Title\u{9B}31m", artist: "東京事変 東京事変 東京事変 東京事変 東京事変 東京事変")
        let model = ScreenModel(document: F.document([F.station(song: song)]), now: F.now)
        let lines = ScreenRenderer.lines(model, width: 80, height: 24)
        for line in lines {
            for span in line {
                #expect(!span.text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(span.text.debugDescription)")
            }
        }
        let rows = ScreenRenderer.text(model, width: 80, height: 24)
        Self.expectFits(rows, width: 80, height: 24)
        #expect(Self.row(rows, containing: "SONG  東京事変") != nil)
        #expect(ScreenText.truncate("東京事変", to: 5) == "東京…")
        #expect(ScreenText.width("Café ̈x") == 6)
    }

    @Test("ANSI rows: styles as SGR, padded to the width, reset at the end of each span")
    func ansi() {
        let model = ScreenModel(document: F.document(), now: F.now)
        let lines = ScreenRenderer.lines(model, width: 80, height: 24)
        let header = ScreenRenderer.ansi(lines[0], width: 80)
        #expect(header.contains("\u{1B}[0;1;97;41m ● ON AIR \u{1B}[0m"), "\(header.debugDescription)")
        let stripped = header.replacing(/\x1B\[[0-9;]*m/, with: "")
        #expect(ScreenText.width(stripped) == 80)
        #expect(ScreenRenderer.ansi([], width: 5) == "     ")
    }

    /// The longest run of blank rows.
    static func longestGap(_ rows: [String]) -> Int {
        var longest = 0, run = 0
        for row in rows {
            run = row.trimmingCharacters(in: .whitespaces).isEmpty ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    @Test("DEAD AIR: a stream silent (on the air): the same red banner, naming the stream and since when")
    func deadAirBanner() throws {
        let silent = StreamStatus(id: "main", url: "http://x/live.mp3", mode: "follow", status: .degraded,
                                  error: ErrorValue(kind: "silence", message: "silent (below -40 dBFS) since 2026-11-27T14:00:00Z", at: F.now),
                                  audio: AudioStatus(levelDb: -120, peakDb: -120, silentSince: Date(timeIntervalSince1970: 1_764_252_000)))
        let model = ScreenModel(document: F.document([F.station(streams: [silent])]), now: F.now)
        #expect(model.deadAir?.stream == "main")
        for (width, height) in [(80, 24), (240, 67)] {
            let lines = ScreenRenderer.lines(model, width: width, height: height)
            let rows = ScreenRenderer.text(model, width: width, height: height)
            let screen = rows.joined(separator: "\n")
            let banner = try #require(lines.firstIndex { line in line.contains { $0.style == .offAirBanner && $0.text.contains("DEAD AIR") } },
                                      "a DEAD AIR banner at \(width)x\(height):\n\(screen)")
            #expect(rows[banner].contains("DEAD AIR · stream main silent since "), "\(screen)")
            #expect(ScreenText.width(lines[banner][0].text) == width)
        }
        // A stream with audio that is not silent: no banner.
        var loud = silent
        loud.status = .up
        loud.error = nil
        loud.audio = AudioStatus(levelDb: -12, peakDb: -3)
        let calm = ScreenRenderer.lines(ScreenModel(document: F.document([F.station(streams: [loud])]), now: F.now), width: 80, height: 24)
        #expect(!calm.contains { line in line.contains { $0.style == .offAirBanner } })
    }

    @Test("OFF AIR: a full-width white-on-red banner under the header, at 80x24 and 240x67; the status never says live")
    func offAirBanner() throws {
        for (width, height) in [(80, 24), (240, 67), (40, 12)] {
            let model = ScreenModel(document: F.document([F.station(onAir: false), F.hd2()]), now: F.now)
            let lines = ScreenRenderer.lines(model, width: width, height: height)
            let rows = ScreenRenderer.text(model, width: width, height: height)
            Self.expectFits(rows, width: width, height: height)
            let screen = rows.joined(separator: "\n")
            let banner = try #require(lines.firstIndex { line in line.contains { $0.style == .offAirBanner && $0.text.contains("OFF AIR") } },
                                      "an OFF AIR banner at \(width)x\(height):\n\(screen)")
            #expect(banner <= 2, "right under the header:\n\(screen)")
            let span = try #require(lines[banner].first)
            #expect(lines[banner].count == 1 && ScreenText.width(span.text) == width, "the whole width: \(span.text.debugDescription)")
            #expect(rows[banner].contains("OFF AIR · WVIA-FM is not on the air") || width < 60, "\(screen)")
            #expect(ScreenRenderer.sgr(.offAirBanner) == "1;97;41", "white on red")
            #expect(Self.row(rows, containing: "NOW   Morning Edition") != nil, "\(width)x\(height):\n\(screen)")
            if height >= 24 {
                #expect(Self.row(rows, containing: "SONG  Bonobo – Kerala") != nil, "\(screen)")
                #expect(Self.row(rows, containing: "NEXT") != nil, "\(screen)")
                #expect(rows[height - 1].contains("● streamd connected"), "\(screen)")
            }
        }
        // The header badge is no calm grey either: red on white.
        #expect(ScreenRenderer.sgr(.offAir) == "1;91;107")
        // On the air: no banner.
        let on = ScreenRenderer.lines(ScreenModel(document: F.document(), now: F.now), width: 80, height: 24)
        #expect(!on.contains { line in line.contains { $0.style == .offAirBanner } })
    }

    @Test("no program known: NOW says \"No program information\", never the station's name, also OFF AIR")
    func noProgram() {
        let station = F.station(onAir: false, program: nil, song: nil, next: [])
        for (width, height) in [(80, 24), (240, 67)] {
            let rows = Self.render(F.document([station]), width: width, height: height)
            Self.expectFits(rows, width: width, height: height)
            let screen = rows.joined(separator: "\n")
            #expect(Self.row(rows, containing: "NOW   No program information") != nil, "\(screen)")
            let mentions = rows.filter { $0.contains("WVIA-FM") }
            #expect(mentions.allSatisfy { $0.contains("89.9 FM") || $0.contains("is not on the air") },
                    "the name only in the header and the OFF AIR banner:\n\(screen)")
            #expect(!rows.contains { $0.contains("█") && $0.contains("NOW") })
        }
    }

    @Test("the time left and Next Up follow one rounding rule: 2:09 left, in 2 min")
    func roundingRule() {
        let end = 128.4
        let next = ProgramValue(name: "Here and Now", hosts: [], start: F.date(end), end: F.date(end + 3_600), source: "composer", seenAt: F.now)
        let rows = Self.render(F.document([F.station(program: F.program(start: end - 3_600, end: end), next: [next])]))
        let screen = rows.joined(separator: "\n")
        #expect(Self.row(rows, containing: "2:09 left") != nil, "\(screen)")
        #expect(Self.row(rows, containing: "Here and Now  in 2 min") != nil, "\(screen)")
    }

    @Test("240x67 uses the space: NOW and NEXT in block letters, no gap over 6 rows; 80x24 unchanged")
    func bigConsoleUsesSpace() throws {
        let model = ScreenModel(document: F.document(), now: F.now)
        let lines = ScreenRenderer.lines(model, width: 240, height: 67)
        let rows = ScreenRenderer.text(model, width: 240, height: 67)
        Self.expectFits(rows, width: 240, height: 67)
        let screen = rows.joined(separator: "\n")
        try screen.write(to: TestOutput.directory.appendingPathComponent("screen-240x67.txt"), atomically: true, encoding: .utf8)
        let nameRows = lines.indices.filter { lines[$0].contains { $0.style == .bigName && $0.text.contains("█") } }
        #expect(nameRows.count >= 8, "the program and next names in block letters:\n\(screen)")
        let now = try #require(rows.firstIndex { $0.contains("NOW   Morning Edition") })
        let next = try #require(rows.firstIndex { $0.contains("NEXT  10:00  Here and Now") })
        #expect(nameRows.contains(now + 1), "the program's name large under NOW:\n\(screen)")
        #expect(nameRows.contains(next + 1), "the next program's name large under NEXT:\n\(screen)")
        #expect(Self.longestGap(rows) <= 6, "no big empty gap (longest \(Self.longestGap(rows))):\n\(screen)")

        let small = ScreenRenderer.lines(model, width: 80, height: 24)
        #expect(!small.contains { line in line.contains { $0.style == .bigName } }, "80x24 keeps its compact layout")
        #expect(Self.longestGap(ScreenRenderer.text(model, width: 80, height: 24)) <= 3)

        // A name the letter font cannot draw stays on its plain line only.
        let cjk = ScreenModel(document: F.document([F.station(program: F.program(name: "東京事変"))]), now: F.now)
        let cjkRows = ScreenRenderer.text(cjk, width: 240, height: 67)
        Self.expectFits(cjkRows, width: 240, height: 67)
        #expect(Self.row(cjkRows, containing: "NOW   東京事変") != nil)
        #expect(BlockFont.letters("Café del Mar – Live") == "CAFE  DEL  MAR  -  LIVE")
        #expect(BlockFont.letters("東京") == nil)
    }

    @Test("no alert silently hidden: 8 alerts all shown at 80x24 (OFF AIR too); too many for the rows end in \"N more problems\"")
    func manyAlerts() {
        func streams(_ count: Int) -> [StreamStatus] {
            (1...count).map { StreamStatus(id: "b\($0)", url: "u", mode: "probe", status: .down) }
        }
        let eight = Self.render(F.document([F.station(onAir: false, streams: streams(8)), F.hd2()]))
        Self.expectFits(eight, width: 80, height: 24)
        let screen = eight.joined(separator: "\n")
        for i in 1...8 { #expect(Self.row(eight, containing: "! stream b\(i) down") != nil, "alert \(i):\n\(screen)") }
        #expect(Self.row(eight, containing: "NOW   Morning Edition") != nil && Self.row(eight, containing: "NEXT") != nil, "\(screen)")

        let many = Self.render(F.document([F.station(streams: streams(30))]))
        Self.expectFits(many, width: 80, height: 24)
        let shown = many.filter { $0.contains("! stream b") }.count
        #expect(shown >= 3, "\(many.joined(separator: "\n"))")
        #expect(Self.row(many, containing: "! \(30 - shown) more problems: see streamd status") != nil, "\(many.joined(separator: "\n"))")
    }
}
