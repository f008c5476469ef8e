import Foundation
import Testing
@testable import StreamClient
@testable import StreamState

/// The uptime strip of `streamd screen`: minute letters into cells (the worst of each span),
/// the uptime text, when the history is fetched, and the strip rows at several sizes.
@Suite("Uptime strip")
struct UptimeStripTests {
    typealias F = ScreenFixtures

    /// A history answer as the daemon sends it: `minutes` padded with unknown minutes in front
    /// to 1,440, and the seconds of each letter (60 a minute).
    static func answer(station: String = "wvia-fm", stream: String = "main", minutes tail: String, uptime: Double?) throws -> HistoryAnswer {
        let minutes = String(repeating: "-", count: max(0, 1440 - tail.count)) + tail
        func seconds(_ letter: Character) -> Int { minutes.filter { $0 == letter }.count * 60 }
        let json = """
            {"station":"\(station)","stream":"\(stream)","from":"2026-11-26T14:04:00Z","to":"2026-11-27T14:03:11Z",
             "minutes":"\(minutes)","seconds":{"up":\(seconds("u")),"silent":\(seconds("s")),"stalled":\(seconds("t")),
             "down":\(seconds("d")),"unknown":\(seconds("-"))},"uptime":\(uptime.map { "\($0)" } ?? "null"),"condition":"up"}
            """
        return try StateDocument.makeDecoder().decode(HistoryAnswer.self, from: Data(json.utf8))
    }

    static func strip(_ letters: String) -> UptimeStrip { UptimeStrip(stream: "main", letters: letters, uptime: nil) }

    @Test("each cell shows the worst minute of its span: down, stalled, silent, up, unknown")
    func worstPerCell() {
        // 12 minutes in 4 cells of 3.
        #expect(Self.strip("uuu-uduuusut").cells(4) == [.up, .down, .up, .stalled])
        #expect(Self.strip("---uu-sss---").cells(4) == [nil, .up, .silent, nil])
        #expect(Self.strip("utsdutsdutsd").cells(1) == [.down])
        // Unknown letters count as unknown; no cells for no room.
        #expect(Self.strip("u?").cells(2) == [.up, nil])
        #expect(Self.strip("uuu").cells(0).isEmpty)
        // More cells than minutes: each minute takes one or more cells, in order.
        #expect(Self.strip("ud").cells(4) == [.up, .up, .down, .down])
    }

    @Test("a single down minute in a day is never averaged away, wherever it falls")
    func singleMinute() {
        for count in [12, 57, 80, 143, 1440] {
            for position in [0, 1, 700, 1438, 1439] {
                var letters = Array(repeating: Character("u"), count: 1440)
                letters[position] = "d"
                let cells = Self.strip(String(letters)).cells(count)
                #expect(cells.count == count)
                #expect(cells.filter { $0 == .down }.count == 1, "\(count) cells, down at minute \(position)")
                let index = cells.firstIndex(of: .down) ?? -1
                #expect(index == position * count / 1440, "\(count) cells, down at minute \(position): cell \(index)")
            }
        }
    }

    @Test("the uptime: two decimals, 100 % only when all known time was up, \"no data\" when nothing is known")
    func uptimeText() {
        func text(_ uptime: Double?) -> String { UptimeStrip(stream: "main", letters: "", uptime: uptime).uptimeText }
        #expect(text(0.9995) == "99.95 % up")
        #expect(text(0.9997) == "99.97 % up")
        #expect(text(1) == "100 % up")
        #expect(text(0.99996) == "99.99 % up")
        #expect(text(0.5) == "50.00 % up")
        #expect(text(0) == "0.00 % up")
        #expect(text(nil) == "no data")
    }

    @Test("the history is fetched at start, again after a minute, when the shown streams change, soon after a condition changes; never for none")
    func refresh() {
        let main = [StreamKey(station: "wvia-fm", stream: "main")]
        let both = main + [StreamKey(station: "wvia-fm", stream: "backup")]
        var refresh = HistoryRefresh()
        #expect(!refresh.isDue(for: [], conditions: [], at: F.now))
        #expect(refresh.isDue(for: main, conditions: [.up], at: F.now))
        refresh.fetched(main, conditions: [.up], at: F.now)
        #expect(!refresh.isDue(for: main, conditions: [.up], at: F.date(1)))
        #expect(!refresh.isDue(for: main, conditions: [.up], at: F.date(59.9)))
        #expect(refresh.isDue(for: main, conditions: [.up], at: F.date(60)))
        #expect(refresh.isDue(for: both, conditions: [.up, .up], at: F.date(1)), "another stream list")
        #expect(refresh.isDue(for: main, conditions: [.up], at: F.date(-5)), "the clock went back")
        // The stream goes down: fetched again, but not more than every 5 s.
        #expect(!refresh.isDue(for: main, conditions: [.down], at: F.date(4.9)))
        #expect(refresh.isDue(for: main, conditions: [.down], at: F.date(5)))
        refresh.fetched(main, conditions: [.down], at: F.date(5))
        #expect(!refresh.isDue(for: main, conditions: [.down], at: F.date(20)))
        #expect(!refresh.isDue(for: main, conditions: [nil], at: F.date(6)))
        #expect(refresh.isDue(for: main, conditions: [nil], at: F.date(10)))
    }

    @Test("the model keeps the histories of the shown station's first three streams, in their order")
    func modelStrips() throws {
        let streams = ["main", "backup", "aac", "probe"].map { StreamStatus(id: $0, url: "u", mode: "follow", status: .up) }
        let document = F.document([F.station(streams: streams), F.hd2()])
        let histories = try [Self.answer(stream: "aac", minutes: "u", uptime: 1), Self.answer(stream: "probe", minutes: "u", uptime: 1),
                             Self.answer(station: "wvia-hd2", stream: "main", minutes: "d", uptime: 0),
                             Self.answer(stream: "main", minutes: "ud", uptime: 0.5)]
        let model = ScreenModel(document: document, now: F.now, histories: histories)
        #expect(model.stripKeys.map(\.stream) == ["main", "backup", "aac"])
        #expect(model.stripKeys.allSatisfy { $0.station == "wvia-fm" })
        #expect(model.stripConditions == [.up, .up, .up])
        #expect(model.strips.map(\.stream) == ["main", "aac"], "backup has no history: no strip")
        #expect(ScreenModel(document: document, stationID: "wvia-hd2", now: F.now, histories: histories).strips.map(\.uptime) == [0])
        #expect(ScreenModel(document: nil, now: F.now, histories: histories).stripKeys.isEmpty)
    }

    @Test("80x24: one row a stream under the alerts, each character a condition, coloured; the uptime at the end")
    func rows() throws {
        let streams = [StreamStatus(id: "main", url: "u", mode: "follow", status: .down),
                       StreamStatus(id: "backup", url: "u", mode: "probe", status: .up)]
        let document = F.document([F.station(streams: streams), F.hd2()])
        // main: unknown for most of the day, then up, dead air, a stall, up, down now.
        let main = try Self.answer(minutes: String(repeating: "u", count: 600) + String(repeating: "s", count: 30)
                                       + String(repeating: "t", count: 30) + String(repeating: "u", count: 300) + "ddd", uptime: 0.9995)
        let backup = try Self.answer(stream: "backup", minutes: String(repeating: "u", count: 1440), uptime: 1)
        let model = ScreenModel(document: document, now: F.now, histories: [main, backup])
        let lines = ScreenRenderer.lines(model, width: 80, height: 24)
        let rows = ScreenRenderer.text(model, width: 80, height: 24)
        ScreenRendererTests.expectFits(rows, width: 80, height: 24)
        let screen = rows.joined(separator: "\n")
        let mainRow = try #require(rows.firstIndex { $0.contains("24H   main   ▕") }, "\(screen)")
        #expect(rows[mainRow + 1].hasPrefix("        backup ▕"), "\(screen)")
        #expect(rows[mainRow].hasSuffix("▏ 99.95 % up") && rows[mainRow + 1].hasSuffix("▏ 100 % up"), "\(screen)")
        #expect(mainRow > (rows.firstIndex { $0.contains("! stream main down") } ?? .max), "under the alerts: \(screen)")
        let cells = try #require(rows[mainRow].split(separator: "▕").last?.split(separator: "▏").first.map(String.init))
        #expect(cells.count == 80 - 2 * 2 - 6 - 7 - 2 - 11, "as wide as the row allows: \(cells.count)")
        #expect(cells.hasPrefix("·") && cells.hasSuffix("x"), "unknown at first, down now: \(cells)")
        #expect(cells.contains("▆") && cells.contains("▒") && cells.contains("░"), "up, dead air, stalled: \(cells)")
        #expect(Set(cells).isSubset(of: Set("▆▒░x·")), "\(cells)")
        let backupCells = rows[mainRow + 1].split(separator: "▕").last?.split(separator: "▏").first ?? ""
        #expect(!backupCells.isEmpty && backupCells.allSatisfy { $0 == "▆" }, "\(backupCells)")
        // The colours: each character in its own style.
        let styles = Set(lines[mainRow].map(\.style))
        #expect(styles.isSuperset(of: [.stripUp, .stripSilent, .stripStalled, .stripDown, .stripUnknown]), "\(lines[mainRow])")
        for span in lines[mainRow] where span.style == .stripDown { #expect(span.text.allSatisfy { $0 == "x" }) }
        for span in lines[mainRow] where span.style == .stripUp { #expect(span.text.allSatisfy { $0 == "▆" }) }
        #expect(ScreenRenderer.ansi(lines[mainRow], width: 80).contains("\u{1B}[0;1;97;41mx"), "down is white on red")
        try screen.write(to: TestOutput.directory.appendingPathComponent("screen-80x24-uptime.txt"), atomically: true, encoding: .utf8)

        // No history (MQTT, an older daemon): no strip, and the screen as before.
        let without = ScreenRenderer.text(ScreenModel(document: document, now: F.now), width: 80, height: 24)
        #expect(!without.contains { $0.contains("24H") || $0.contains("▕") }, "\(without.joined(separator: "\n"))")
    }

    @Test("the strip fits every size: narrow rows drop the uptime, then the strip; short screens cut it before Next Up")
    func sizes() throws {
        let document = F.document([F.station(), F.hd2()])
        let model = ScreenModel(document: document, now: F.now,
                                histories: [try Self.answer(minutes: String(repeating: "u", count: 1439) + "d", uptime: 0.9993)])
        for (width, height) in [(20, 6), (30, 10), (40, 12), (44, 16), (60, 16), (80, 14), (80, 24), (100, 40), (240, 67)] {
            let rows = ScreenRenderer.text(model, width: width, height: height)
            let screen = "\(width)x\(height):\n" + rows.joined(separator: "\n")
            ScreenRendererTests.expectFits(rows, width: width, height: height)
            #expect(rows.contains { $0.contains("NOW") }, "\(screen)")
            if height >= 12 { #expect(rows.contains { $0.contains("NEXT") }, "\(screen)") }
            let strip = rows.first { $0.contains("▕") }
            if width >= 80 && height >= 24 {
                #expect(strip?.hasSuffix("x▏ 99.93 % up") == true, "\(screen)")
            } else if width == 40 && height == 12 {
                #expect(strip == nil || strip?.hasSuffix("x▏") == true, "no room for the uptime: \(screen)")
            } else if width == 20 {
                #expect(strip == nil, "no strip under 12 cells: \(screen)")
            }
        }
    }
}
