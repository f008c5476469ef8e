import Foundation
import StreamTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import StreamClient

/// `streamd screen` in tmux against a running `streamd run`: what it shows at 80x24, that it
/// follows title changes, redraws on resize, says "reconnecting" while the daemon is away and
/// resumes, and gives the terminal back on exit.
@Suite("streamd screen in a terminal", .serialized)
struct TerminalScreenTests {
    /// Each row fits the pane; as many rows as the pane has.
    static func expectFits(_ rows: [String], width: Int, height: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(rows.count == height, "\(rows.count) rows in a \(height)-row pane:\n\(rows.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        for row in rows {
            #expect(ScreenText.width(row) <= width, "wider than \(width): \(row)", sourceLocation: sourceLocation)
        }
    }

    static func has(_ rows: [String], _ text: String) -> Bool { rows.contains { $0.contains(text) } }

    /// The longest run of blank rows.
    static func longestGap(_ rows: [String]) -> Int {
        var longest = 0, run = 0
        for row in rows {
            run = row.trimmingCharacters(in: .whitespaces).isEmpty ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    @Test("80x24: station, ON AIR, clock, program, progress, song, next; follows the ICY title; resize; reconnect; exit",
          .timeLimit(.minutes(3)))
    func terminal() async throws {
        try await StudioDaemon.with(title: "The Lantern Keepers - First Light") { studio in
            let tmux = try await Tmux.start([StreamdProcess.binary.path, "screen", "--socket", studio.socket])
            do {
                try await scenario(studio, tmux)
                await tmux.kill()
            } catch {
                await tmux.kill()
                throw error
            }
        }
    }

    private func scenario(_ studio: StudioDaemon, _ tmux: Tmux) async throws {
        let program = studio.programs.now
        let total = ClientText.clock(Int(program.end.timeIntervalSince(program.start)))

        // Everything a presenter needs, on 80x24.
        let first = try await tmux.waitFor("the station, its program and song") { rows in
            Self.has(rows, "Studio FM · 88.1 FM") && Self.has(rows, "● ON AIR") && Self.has(rows, "NOW   Morning Drive")
                && Self.has(rows, "SONG  The Lantern Keepers – First Light") && Self.has(rows, "NEXT")
        }
        Self.expectFits(first, width: 80, height: 24)
        let screen = first.joined(separator: "\n")
        try screen.write(to: TestOutput.directory.appendingPathComponent("screen-80x24.txt"), atomically: true, encoding: .utf8)
        #expect(first[0].range(of: #"\d\d:\d\d:\d\d$"#, options: .regularExpression) != nil, "the clock ends the header:\n\(screen)")
        #expect(first.contains { $0.filter { $0 == "█" }.count > 20 && !$0.contains("░") }, "the large clock:\n\(screen)")
        #expect(first.contains { $0.contains("░") && $0.contains(" / \(total)") }, "the progress bar and 'elapsed / \(total)':\n\(screen)")
        #expect(first.contains { $0.range(of: #"\d+:\d\d left  ·  with Ada Lovelace"#, options: .regularExpression) != nil }, "\(screen)")
        #expect(Self.has(first, "NEXT  \(clockText(studio.programs.next.start))  Midday Classics"), "\(screen)")
        #expect(Self.has(first, "○ Studio HD2") && Self.has(first, "OFF AIR"), "the other station, compact:\n\(screen)")
        #expect(Self.has(first, "● streamd connected"), "\(screen)")
        #expect(Self.longestGap(first) <= 4, "80x24 has no big gap either:\n\(screen)")
        #expect(!Self.has(first, "OFF AIR ·"), "no OFF AIR banner while on the air:\n\(screen)")
        #expect(try await tmux.query("#{alternate_on}") == "1", "the alternate screen")
        #expect(try await tmux.query("#{cursor_flag}") == "0", "the cursor is hidden")

        // The daemon's 24-hour history of the stream, fetched over the socket: up since the daemon started.
        let strip = try await tmux.waitFor("the uptime strip") { rows in
            rows.contains { $0.hasPrefix("  24H   main ▕") && $0.hasSuffix("▆▏ 100 % up") }
        }
        Self.expectFits(strip, width: 80, height: 24)
        #expect(Self.has(strip, "SONG  ") && Self.has(strip, "NEXT  "), "the strip takes no room from the song and next:\n\(strip.joined(separator: "\n"))")

        // The clock and the progress move every second.
        let header = first[0]
        try await tmux.waitFor("the clock to tick", timeout: .seconds(5)) { $0.first != header }

        // A new ICY title reaches the screen.
        studio.setTitle("Bonobo - Kerala")
        try await tmux.waitFor("the new title") { Self.has($0, "SONG  Bonobo – Kerala") }

        // Resize: the layout follows the new size.
        try await tmux.resize(width: 120, height: 40)
        let big = try await tmux.waitFor("a 120x40 layout") { rows in
            rows.count == 40 && ScreenText.width(rows[0]) > 100 && Self.has(rows, "LEFT")
        }
        Self.expectFits(big, width: 120, height: 40)
        #expect(Self.has(big, "NOW   Morning Drive") && Self.has(big, "SONG  Bonobo – Kerala"))
        // A 240x67 console: the space is used (program and next in block letters), no big empty gap.
        try await tmux.resize(width: 240, height: 67)
        // The whole frame: tmux can be read while the screen is still drawing after the resize.
        let huge = try await tmux.waitFor("a 240x67 layout") { rows in
            rows.count == 67 && ScreenText.width(rows[0]) > 200 && Self.has(rows, "NOW   Morning Drive")
                && rows.contains { $0.contains("Midday Classics") } && Self.has(rows, "● streamd connected")
        }
        Self.expectFits(huge, width: 240, height: 67)
        let hugeScreen = huge.joined(separator: "\n")
        try hugeScreen.write(to: TestOutput.directory.appendingPathComponent("screen-240x67-tmux.txt"), atomically: true, encoding: .utf8)
        let now = try #require(huge.firstIndex { $0.contains("NOW   Morning Drive") }, "\(hugeScreen)")
        let next = try #require(huge.firstIndex { $0.contains("Midday Classics") }, "\(hugeScreen)")
        #expect(huge[now + 1].filter { "█▀▄".contains($0) }.count > 30, "the program's name in block letters under NOW:\n\(hugeScreen)")
        #expect(huge[next + 1].filter { "█▀▄".contains($0) }.count > 30, "the next program's name in block letters:\n\(hugeScreen)")
        #expect(Self.longestGap(huge) <= 6, "no big empty gap (longest \(Self.longestGap(huge))):\n\(hugeScreen)")
        #expect(Self.has(huge, "SONG  Bonobo – Kerala") && Self.has(huge, "● streamd connected"), "\(hugeScreen)")
        try await tmux.resize(width: 60, height: 15)
        let small = try await tmux.waitFor("a 60x15 layout") { rows in rows.count == 15 && Self.has(rows, "NOW") }
        Self.expectFits(small, width: 60, height: 15)
        #expect(Self.has(small, "SONG  Bonobo – Kerala"), "\(small.joined(separator: "\n"))")
        try await tmux.resize(width: 80, height: 24)

        // The daemon goes away: "reconnecting", with the last state still on screen.
        await studio.stopDaemon()
        let away = try await tmux.waitFor("reconnecting") { rows in Self.has(rows, "reconnecting") }
        #expect(Self.has(away, "NOW   Morning Drive"), "the last state stays:\n\(away.joined(separator: "\n"))")
        Self.expectFits(away, width: 80, height: 24)

        // It comes back: the screen resumes by itself and follows changes again.
        studio.setTitle("Nils Frahm - Says")
        try await studio.startDaemon()
        try await tmux.waitFor("the screen to resume", timeout: .seconds(20)) { rows in
            !Self.has(rows, "reconnecting") && Self.has(rows, "● streamd connected") && Self.has(rows, "SONG  Nils Frahm – Says")
        }
        studio.setTitle("Bonobo - Cirrus")
        try await tmux.waitFor("the next title after the restart") { Self.has($0, "SONG  Bonobo – Cirrus") }

        // q quits and gives the terminal back: normal screen, cursor shown.
        try await tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
        #expect(try await tmux.query("#{alternate_on}") == "0", "left the alternate screen")
        #expect(try await tmux.query("#{cursor_flag}") == "1", "the cursor is shown again")
    }

    @Test("an OFF AIR station with no program: a full-width red banner, \"No program information\", never its name as the program",
          .timeLimit(.minutes(2)))
    func offAir() async throws {
        try await StudioDaemon.with(title: "The Lantern Keepers - First Light") { studio in
            let tmux = try await Tmux.start([StreamdProcess.binary.path, "screen", "--socket", studio.socket, "--station", "studio-hd2"])
            do {
                let rows = try await tmux.waitFor("Studio HD2 off the air") { rows in
                    Self.has(rows, "OFF AIR · Studio HD2 is not on the air") && Self.has(rows, "NOW")
                }
                Self.expectFits(rows, width: 80, height: 24)
                let screen = rows.joined(separator: "\n")
                try screen.write(to: TestOutput.directory.appendingPathComponent("screen-80x24-off-air.txt"), atomically: true, encoding: .utf8)
                let banner = try #require(rows.firstIndex { $0.contains("OFF AIR · Studio HD2 is not on the air") })
                #expect(banner <= 2, "right under the header:\n\(screen)")
                #expect(Self.has(rows, "NOW   No program information"), "\(screen)")
                #expect(rows.filter { $0.contains("Studio HD2") }.count == 2, "the name in the header and the banner only, not as the program:\n\(screen)")
                #expect(rows[0].range(of: #"\d\d:\d\d:\d\d$"#, options: .regularExpression) != nil)
                // Centred in one span as wide as the pane (white on red: ScreenRendererTests checks the style).
                let text = "OFF AIR · Studio HD2 is not on the air"
                #expect(rows[banner] == String(repeating: " ", count: (80 - text.count) / 2) + text, "\(rows[banner].debugDescription)")
                #expect(Self.has(rows, "● streamd connected") && !Self.has(rows, "live"), "\(screen)")
                // Down since the daemon started: the strip ends in down minutes, 0 % up.
                try await tmux.waitFor("the down stream's strip") { rows in
                    rows.contains { $0.hasPrefix("  24H   main ▕") && $0.hasSuffix("x▏ 0.00 % up") }
                }
                await tmux.kill()
            } catch {
                await tmux.kill()
                throw error
            }
        }
    }

    @Test("--mqtt: the screen of a site read from a real broker follows a song change, and says when the site goes offline",
          .timeLimit(.minutes(2)))
    func overMQTT() async throws {
        let broker = try await MosquittoBroker.start()
        do {
            let publish = "[publish.mqtt]\nurl = \"\(broker.url)\"\nsite = \"studio\"\n"
            try await StudioDaemon.with(title: "The Lantern Keepers - First Light", extra: publish) { studio in
                let tmux = try await Tmux.start([StreamdProcess.binary.path, "screen", "--mqtt", broker.url, "--site", "studio"])
                do {
                    let rows = try await tmux.waitFor("Studio FM and its song, from the broker") { rows in
                        Self.has(rows, "Studio FM") && Self.has(rows, "The Lantern Keepers – First Light") && Self.has(rows, "Morning Drive")
                    }
                    Self.expectFits(rows, width: 80, height: 24)
                    #expect(Self.has(rows, "● streamd connected"), "\(rows.joined(separator: "\n"))")
                    #expect(!Self.has(rows, "24H") && !Self.has(rows, "▕"), "no history over MQTT, no strip:\n\(rows.joined(separator: "\n"))")
                    studio.server.setTitle("Night Owls - Second Light", for: StudioDaemon.streamPath)
                    _ = try await tmux.waitFor("the new song") { rows in Self.has(rows, "Night Owls – Second Light") }
                    await studio.stopDaemon()
                    let away = try await tmux.waitFor("the site offline") { rows in Self.has(rows, "site streamd/studio is offline") }
                    #expect(Self.has(away, "Night Owls – Second Light"), "the last state stays on screen:\n\(away.joined(separator: "\n"))")
                    await tmux.kill()
                } catch {
                    await tmux.kill()
                    throw error
                }
            }
        } catch {
            await broker.cleanup()
            throw error
        }
        await broker.cleanup()
    }

    @Test("SIGTERM restores the terminal too; not a terminal: exit 64 with a clear message", .timeLimit(.minutes(2)))
    func signalsAndNoTerminal() async throws {
        // No daemon at all: the screen waits, saying so, and SIGTERM ends it cleanly.
        let missing = "/tmp/streamd-screen-none-\(UUID().uuidString.prefix(6)).sock"
        let tmux = try await Tmux.start([StreamdProcess.binary.path, "screen", "--socket", missing])
        do {
            let rows = try await tmux.waitFor("connecting") { Self.has($0, "connecting to streamd… on \(missing)") }
            Self.expectFits(rows, width: 80, height: 24)
            #expect(rows[1].hasSuffix("--:--:--"), "no station zone yet: a placeholder, not the machine's time:\n\(rows.joined(separator: "\n"))")
            #expect(!Self.has(rows, "██"), "no large clock before the station's zone is known")
            #expect(try await tmux.query("#{alternate_on}") == "1")
            kill(try await tmux.commandPID(), SIGTERM)
            #expect(try await tmux.waitForExit() == 0)
            #expect(try await tmux.query("#{alternate_on}") == "0")
            #expect(try await tmux.query("#{cursor_flag}") == "1")
            await tmux.kill()
        } catch {
            await tmux.kill()
            throw error
        }

        let result = try await StreamdProcess.run(["screen", "--socket", missing])
        #expect(result.status == 64)
        #expect(result.stderr.contains("standard output is not a terminal"), "\(result.stderr)")
    }

    private func clockText(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970) % 86_400
        return String(format: "%02d:%02d", seconds / 3600, seconds / 60 % 60)
    }
}
