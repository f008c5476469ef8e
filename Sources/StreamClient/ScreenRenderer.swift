import Foundation
import StreamState

/// Lays a ``ScreenModel`` out on a terminal of a given size: styled lines, then plain text or
/// ANSI. Pure: model and size in, lines out; `streamd screen` only writes what it returns.
///
/// The layout, top to bottom: a banner while the daemon is away; the station, ON AIR /
/// OFF AIR and the clock; a full-width red OFF AIR banner when the station is off the air; a
/// large clock in block digits when there is room (in the program's last minute, a large
/// countdown instead; none while the station's zone is unknown); the program with a progress
/// bar, "elapsed / total" and the time remaining; the song; Next Up; the other stations;
/// stale and failing sources; the 24-hour uptime strips of the station's first streams (when
/// the daemon's history is known, see ``UptimeStrip``); and a status line at the bottom saying
/// whether the screen is connected to streamd. On a large terminal (100x40 and up) the program's and the next
/// program's names are also drawn in block letters. When rows run short the decorations go
/// first (the large letters and digits, spacing, the rule), then the uptime strips, the other
/// stations and alerts are cut, so 80x24 always shows the program, its progress, the song and
/// Next Up.
public enum ScreenRenderer {
    /// How a piece of text is drawn.
    public enum Style: Sendable, Equatable {
        case normal, bold, dim, label, title
        case onAir, offAir
        case barDone, barLeft, barEnding, barLast
        case warning, error, banner, lastMinute, big, bigLast, good
        /// The full-width OFF AIR banner: white on red.
        case offAirBanner
        /// The program and next names in block letters on a large terminal.
        case bigName
        /// Uptime strip cells: up (green), silent (magenta), stalled (amber), down (white on
        /// red), unknown (dim).
        case stripUp, stripSilent, stripStalled, stripDown, stripUnknown
    }

    /// A run of text in one style.
    public struct Span: Sendable, Equatable {
        /// The text (no control characters).
        public var text: String
        /// Its style.
        public var style: Style

        /// Creates a span; control characters in `text` become spaces.
        public init(_ text: String, _ style: Style = .normal) {
            self.text = ScreenText.sanitize(text)
            self.style = style
        }
    }

    /// One terminal row.
    public typealias Line = [Span]

    /// Exactly `height` lines, none wider than `width` columns.
    public static func lines(_ model: ScreenModel, width: Int, height: Int) -> [Line] {
        let width = max(width, 20), height = max(height, 1)
        var layout = Layout(model: model, width: width, height: height)
        return layout.build()
    }

    /// The screen as plain text, one string a row, trailing spaces trimmed.
    public static func text(_ model: ScreenModel, width: Int, height: Int) -> [String] {
        lines(model, width: width, height: height).map { line in
            var text = line.map(\.text).joined()
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    /// One row as ANSI: SGR per span, padded with spaces to `width` columns (so a row fully
    /// replaces what was there), attributes reset at the end.
    public static func ansi(_ line: Line, width: Int) -> String {
        var out = ""
        var used = 0
        for span in line {
            let code = sgr(span.style)
            out += code.isEmpty ? span.text : "\u{1B}[0;\(code)m\(span.text)\u{1B}[0m"
            used += ScreenText.width(span.text)
        }
        if used < width { out += String(repeating: " ", count: width - used) }
        return out
    }

    /// The SGR parameters of a style (bright, high-contrast colours on the terminal's own
    /// background).
    static func sgr(_ style: Style) -> String {
        switch style {
        case .normal: ""
        case .bold: "1"
        case .dim: "2"
        case .label: "1;36"
        case .title: "1;97"
        case .onAir: "1;97;41"
        case .offAir: "1;91;107"
        case .barDone: "92"
        case .barLeft: "2;37"
        case .barEnding: "93"
        case .barLast: "91"
        case .warning: "1;93"
        case .error: "1;91"
        case .banner: "1;30;103"
        case .lastMinute: "1;97;41"
        case .big: "97"
        case .bigLast: "91"
        case .good: "1;92"
        case .offAirBanner: "1;97;41"
        case .bigName: "1;97"
        case .stripUp: "92"
        case .stripSilent: "1;95"
        case .stripStalled: "1;93"
        case .stripDown: "1;97;41"
        case .stripUnknown: "2"
        }
    }
}

/// Builds the rows for one model and size.
private struct Layout {
    let model: ScreenModel
    let width: Int
    let height: Int
    let margin: Int
    let labelWidth = 6

    init(model: ScreenModel, width: Int, height: Int) {
        self.model = model
        self.width = width
        self.height = height
        self.margin = width >= 60 ? 2 : 1
    }

    typealias Line = ScreenRenderer.Line
    typealias Span = ScreenRenderer.Span

    /// A group of rows that is shown whole or not at all (or cut to `minimum` rows).
    struct Block {
        var rows: [Line]
        /// Lower is more important; blocks are dropped from the highest number down.
        var priority: Int
        /// Rows it may be cut to instead of dropped (0: all or nothing).
        var minimum = 0
        /// A blank gap that may grow when rows are left over.
        var spacer = false
        /// The alerts: when cut, the last row left counts the ones that did not fit.
        var alerts = false

        static func gap() -> Block { Block(rows: [[]], priority: 8, spacer: true) }
    }

    mutating func build() -> [Line] {
        var top: [Block] = []
        if let banner = banner() { top.append(Block(rows: [banner], priority: 0)) }
        top.append(Block(rows: [header()], priority: 0))
        if model.onAir == false {
            top.append(Block(rows: offAirRows(), priority: 0))
        } else if let deadAir = model.deadAir {
            top.append(Block(rows: bannerRows("DEAD AIR · stream \(deadAir.stream) silent since \(deadAir.since)"), priority: 0))
        }
        var body: [Block] = []
        body.append(Block(rows: [rule()], priority: 9))
        if let big = bigClock() { body.append(big) }
        if model.stationID != nil {
            body.append(.gap())
            let program = programRows()
            body.append(Block(rows: Array(program.prefix(1)), priority: 1, minimum: 1))
            if let name = bigName(model.program?.name, scale: height >= 60 ? 3 : 2) { body.append(name) }
            if program.count > 1 { body.append(Block(rows: Array(program.dropFirst()), priority: 1, minimum: 1)) }
            if let remaining = bigRemaining() { body.append(remaining) }
            body.append(Block(rows: songRows(), priority: 2, minimum: 1))
            body.append(Block(rows: nextRows(), priority: 3))
            if let next = bigName(model.next?.name, scale: height >= 60 ? 2 : 1) { body.append(next) }
            let others = otherRows()
            if !others.isEmpty {
                body.append(.gap())
                body.append(Block(rows: others, priority: 5, minimum: 2))
            }
            let alerts = alertRows()
            if !alerts.isEmpty {
                body.append(.gap())
                body.append(Block(rows: alerts, priority: 4, minimum: 1, alerts: true))
            }
            let strips = stripRows()
            if !strips.isEmpty {
                body.append(.gap())
                body.append(Block(rows: strips, priority: 5, minimum: 1))
            }
        } else if model.connection == .live || model.unknownStation != nil {
            body.append(.gap())
            body.append(Block(rows: [[pad(), Span(model.unknownStation.map { "No station \"\($0)\" in streamd's state." } ?? "No stations.", .warning)]], priority: 1))
        }
        let footer = Block(rows: [footerRow()], priority: 5)

        var blocks = top + body + [footer]
        // Cut or drop blocks, least important first, until everything fits.
        var total = blocks.reduce(0) { $0 + $1.rows.count }
        let order = blocks.indices.filter { blocks[$0].priority > 0 }
            .sorted { blocks[$0].priority > blocks[$1].priority || (blocks[$0].priority == blocks[$1].priority && $0 > $1) }
        for index in order where total > height {
            let block = blocks[index]
            let keep = block.minimum > 0 ? max(block.minimum, block.rows.count - (total - height)) : 0
            let kept = (keep > 0 && (total - block.rows.count + keep <= height || block.priority <= 3)) ? keep : 0
            blocks[index].rows = Array(block.rows.prefix(kept))
            total -= block.rows.count - kept
        }
        // No alert silently hidden: a cut alert block ends in how many more there are.
        for index in blocks.indices where blocks[index].alerts && !blocks[index].rows.isEmpty
            && blocks[index].rows.count < model.alerts.count {
            let more = model.alerts.count - blocks[index].rows.count + 1
            blocks[index].rows[blocks[index].rows.count - 1] =
                [pad(), Span(ScreenText.truncate("! \(more) more problems: see streamd status", to: width - 2 * margin), .error)]
        }
        // Rows left over widen the gaps (a few rows each), so a big screen is filled evenly.
        var spare = height - total
        let gaps = blocks.indices.filter { blocks[$0].spacer && !blocks[$0].rows.isEmpty }
        while spare > 0 && !gaps.isEmpty {
            for index in gaps where spare > 0 {
                blocks[index].rows.append([])
                spare -= 1
            }
        }
        var rows = blocks.dropLast().flatMap(\.rows)
        let footerRows = blocks.last?.rows ?? []
        rows = Array(rows.prefix(height - footerRows.count))
        while rows.count + footerRows.count < height { rows.append([]) }
        rows += footerRows
        return Array(rows.prefix(height)).map { fit($0, width) }
    }

    func pad(_ extra: Int = 0) -> Span { Span(String(repeating: " ", count: margin + extra)) }

    // MARK: rows

    func banner() -> Line? {
        let text: String
        switch model.connection {
        case .live:
            return nil
        case .connecting(let detail):
            text = "connecting to streamd…" + (detail.map { " \($0)" } ?? "")
        case .reconnecting(let since, let detail):
            let at = ScreenModel.format(since, zone: model.timeZone, "HH:mm:ss")
            text = "reconnecting… streamd is away since \(at)" + (detail.map { " (\($0))" } ?? "")
                + (model.stationID != nil ? "; showing the last state seen" : "")
        }
        return [Span(" " + text + String(repeating: " ", count: width), .banner)]
    }

    func header() -> Line {
        var right: [Span] = []
        switch model.onAir {
        case true?: right.append(Span(" ● ON AIR ", .onAir))
        case false?: right.append(Span(" ○ OFF AIR ", .offAir))
        case nil: break
        }
        right.append(Span("  " + model.clock, .title))
        let rightWidth = right.reduce(0) { $0 + ScreenText.width($1.text) } + margin
        var name = model.stationName
        if let tagline = model.tagline, !tagline.isEmpty { name += " · " + tagline }
        let room = max(1, width - rightWidth - margin - 1)
        let left = ScreenText.truncate(name, to: room)
        let gap = width - margin - ScreenText.width(left) - rightWidth
        return [pad(), Span(left, .title), Span(String(repeating: " ", count: max(1, gap)))] + right + [pad()]
    }

    /// OFF AIR across the whole width, white on red (three rows on a tall terminal): nobody in
    /// the room can miss it.
    func offAirRows() -> [Line] {
        bannerRows("OFF AIR · \(model.stationName) is not on the air")
    }

    /// `text` centred across the whole width, white on red (three rows on a tall terminal): OFF
    /// AIR, and DEAD AIR (on the air, but a stream silent).
    func bannerRows(_ text: String) -> [Line] {
        let shown = ScreenText.truncate(text, to: width - 2)
        let left = max(0, (width - ScreenText.width(shown)) / 2)
        let line: Line = [Span(String(repeating: " ", count: left) + shown
                               + String(repeating: " ", count: max(0, width - left - ScreenText.width(shown))), .offAirBanner)]
        let blank: Line = [Span(String(repeating: " ", count: width), .offAirBanner)]
        return height >= 30 ? [blank, line, blank] : [line]
    }

    /// On a large terminal, `name` in block letters at the label column (at most `scale`, as
    /// large as the width allows; nil when it cannot be drawn at scale 1 or has letters the
    /// block font does not have).
    func bigName(_ name: String?, scale: Int) -> Block? {
        guard tall, let name, let text = BlockFont.letters(name) else { return nil }
        let pixelWidth = BlockFont.pixelWidth(text)
        let fitted = min(scale, textRoom / max(1, pixelWidth))
        guard fitted >= 1 else { return nil }
        let rows = BlockFont.render(text, scale: fitted).map { [pad(labelWidth), Span($0, .bigName)] }
        return Block(rows: rows, priority: 7)
    }

    func rule() -> Line {
        [pad(), Span(String(repeating: "─", count: max(0, width - 2 * margin)), .dim)]
    }

    /// Whether the screen is tall enough for the remaining time in block digits as well.
    var tall: Bool { height >= 40 && width >= 100 }

    var lastMinute: Bool { model.program.map { $0.phase == .lastMinute } ?? false }

    /// Block-digit rows for `text`, centred or at the label column, as large as `maxRows` and
    /// the width allow (nil below scale 2).
    func digits(_ text: String, maxRows: Int, maxWidth: Int, style: ScreenRenderer.Style, indent: Int?) -> [Line]? {
        let pixelWidth = BlockFont.pixelWidth(text)
        // Square pixels: `scale` columns by `scale` half-rows; 5 pixel rows make 5*scale/2 rows.
        let scale = min(maxWidth / pixelWidth, maxRows * 2 / 5, 12)
        guard scale >= 2 else { return nil }
        let glyphRows = BlockFont.render(text, scale: scale)
        let left = indent ?? max(0, (width - ScreenText.width(glyphRows.first ?? "")) / 2)
        return glyphRows.map { [Span(String(repeating: " ", count: left)), Span($0, style)] }
    }

    /// The clock in block digits (on a small screen, in the program's last minute, the
    /// countdown instead), with the date or the last-minute line under it.
    func bigClock() -> Block? {
        let countdown = lastMinute && !tall
        guard model.zoneKnown || countdown else { return nil }
        let text = countdown ? "-" + (model.program?.remainingText ?? "0:00") : model.clock
        let maxRows = tall ? height * 3 / 10 : max(0, height - 18)
        guard var rows = digits(text, maxRows: maxRows, maxWidth: width - 2 * margin, style: countdown ? .bigLast : .big, indent: nil)
        else { return nil }
        if countdown {
            let next = model.next.map { "next: \($0.name)" + ($0.startText.map { " at \($0)" } ?? "") } ?? "program ends"
            rows.append(centered("LAST MINUTE · \(next)", .lastMinute))
        } else if rows.count >= 5 {
            rows.append(centered(model.dateText, .dim))
        }
        return Block(rows: [[]] + rows, priority: 6)
    }

    /// On a tall screen, the time remaining in block digits under the progress bar: yellow
    /// in the last five minutes, red in the last minute.
    func bigRemaining() -> Block? {
        guard tall, let program = model.program, let remaining = program.remainingText else { return nil }
        let style: ScreenRenderer.Style = switch program.phase {
        case .normal: .big
        case .ending: .warning
        case .lastMinute, .over: .bigLast
        }
        let text = (program.phase == .lastMinute ? "-" : "") + remaining
        guard var rows = digits(text, maxRows: height / 5, maxWidth: textRoom, style: style, indent: margin + labelWidth)
        else { return nil }
        rows.insert(labelled("LEFT", []), at: 0)
        return Block(rows: rows, priority: 6)
    }

    func centered(_ text: String, _ style: ScreenRenderer.Style) -> Line {
        let shown = ScreenText.truncate(" \(text) ", to: width - 2 * margin)
        let indent = max(0, (width - ScreenText.width(shown)) / 2)
        return [Span(String(repeating: " ", count: indent)), Span(shown, style)]
    }

    func labelled(_ label: String, _ spans: [Span], labelStyle: ScreenRenderer.Style = .label) -> Line {
        let labelText = label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
        return [pad(), Span(labelText, labelStyle)] + spans
    }

    var textRoom: Int { max(4, width - 2 * margin - labelWidth) }

    func programRows() -> [Line] {
        guard let program = model.program else {
            // Never the station's name in the program's place: say that no program is known.
            var rows = [labelled("NOW", [Span(ScreenText.truncate(ScreenModel.noProgramText, to: textRoom), .dim)])]
            if model.song == nil, let text = model.text {
                rows.append(labelled("", [Span(ScreenText.truncate(text, to: textRoom), .bold)]))
            }
            return rows
        }
        var rows: [Line] = []
        let stale = program.stale ? "  (stale)" : ""
        let name = ScreenText.truncate(program.name, to: textRoom - ScreenText.width(stale))
        rows.append(labelled("NOW", [Span(name, .title), Span(stale, .warning)]))
        var detail: [String] = []
        if !program.hosts.isEmpty { detail.append("with " + program.hosts.joined(separator: ", ")) }
        if let start = program.startText, let end = program.endText { detail.append("\(start)–\(end)") }
        if let progress = program.progressText, let fraction = program.fraction {
            let label = "  " + progress
            let barWidth = max(4, textRoom - ScreenText.width(label))
            rows.append(labelled("", bar(fraction, width: barWidth, phase: program.phase) + [Span(label, .bold)]))
            let remaining = program.remainingText ?? "0:00"
            switch program.phase {
            case .lastMinute:
                let next = model.next.map { " · then \($0.name)" } ?? ""
                rows.append(labelled("", [Span(ScreenText.truncate(" LAST MINUTE: \(remaining) left\(next) ", to: textRoom), .lastMinute)]))
            case .ending:
                rows.append(labelled("", [Span("\(remaining) left", .warning), Span(ScreenText.truncate(detail.isEmpty ? "" : "  ·  " + detail.joined(separator: "  ·  "), to: textRoom - remaining.count - 5), .dim)]))
            case .over:
                rows.append(labelled("", [Span("ended", .error), Span(ScreenText.truncate(detail.isEmpty ? "" : "  ·  " + detail.joined(separator: "  ·  "), to: textRoom - 5), .dim)]))
            case .normal:
                rows.append(labelled("", [Span("\(remaining) left", .bold), Span(ScreenText.truncate(detail.isEmpty ? "" : "  ·  " + detail.joined(separator: "  ·  "), to: textRoom - remaining.count - 5), .dim)]))
            }
        } else if !detail.isEmpty {
            rows.append(labelled("", [Span(ScreenText.truncate(detail.joined(separator: "  ·  "), to: textRoom), .dim)]))
        }
        return rows
    }

    /// A bar of `width` cells, filled to `fraction` with eighth-cell precision.
    func bar(_ fraction: Double, width: Int, phase: ScreenModel.Phase) -> [Span] {
        let eighths = Int((min(max(fraction, 0), 1) * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        let partial = eighths % 8
        var done = String(repeating: "█", count: full)
        if partial > 0 && full < width { done += ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][partial] }
        let left = String(repeating: "░", count: max(0, width - ScreenText.width(done)))
        let style: ScreenRenderer.Style = switch phase {
        case .normal: .barDone
        case .ending: .barEnding
        case .lastMinute, .over: .barLast
        }
        return [Span(done, style), Span(left, .barLeft)]
    }

    func songRows() -> [Line] {
        guard let song = model.song else {
            return [labelled("SONG", [Span("—", .dim)])]
        }
        var timing = ""
        if let elapsed = song.elapsed, let duration = song.duration {
            timing = "  \(ClientText.clock(elapsed)) / \(ClientText.clock(duration))"
        }
        let stale = song.stale ? "  (stale)" : ""
        let room = textRoom - ScreenText.width(timing) - ScreenText.width(stale)
        var rows = [labelled("SONG", [Span(ScreenText.truncate(song.line, to: max(4, room)), .bold), Span(stale, .warning), Span(timing, .dim)])]
        if let composer = song.composer {
            rows.append(labelled("", [Span(ScreenText.truncate("Composer: " + composer, to: textRoom), .dim)]))
        }
        if let album = song.album, !album.isEmpty {
            rows.append(labelled("", [Span(ScreenText.truncate(album, to: textRoom), .dim)]))
        }
        return rows
    }

    func nextRows() -> [Line] {
        guard let next = model.next else { return [labelled("NEXT", [Span("—", .dim)])] }
        var text = next.startText.map { "\($0)  " } ?? ""
        text += next.name
        var detail = ""
        if let startsIn = next.startsInText { detail = "  " + startsIn }
        if !next.hosts.isEmpty { detail += "  with " + next.hosts.joined(separator: ", ") }
        let shown = ScreenText.truncate(text, to: textRoom)
        let rest = ScreenText.truncate(detail, to: max(0, textRoom - ScreenText.width(shown)))
        return [labelled("NEXT", [Span(shown, .bold), Span(rest, .dim)])]
    }

    func otherRows() -> [Line] {
        guard !model.others.isEmpty else { return [] }
        var rows: [Line] = [[pad(), Span("OTHER STATIONS", .label)]]
        let nameWidth = min(18, max(8, model.others.map { ScreenText.width($0.name) }.max() ?? 8))
        for other in model.others {
            let mark = Span(other.onAir ? "● " : "○ ", other.onAir ? .good : .error)
            let name = ScreenText.truncate(other.name, to: nameWidth)
            let air = Span(other.onAir ? "ON AIR   " : "OFF AIR  ", other.onAir ? .normal : .error)
            let trouble = other.trouble ? "! " : ""
            let room = max(0, width - 2 * margin - 2 - nameWidth - 2 - 9 - trouble.count)
            rows.append([pad(), mark, Span(name.padding(toLength: nameWidth + 2 - (ScreenText.width(name) - name.count), withPad: " ", startingAt: 0), .bold),
                         air, Span(trouble, .warning), Span(ScreenText.truncate(other.text, to: room))])
        }
        return rows
    }

    func alertRows() -> [Line] {
        model.alerts.map { alert in
            [pad(), Span("! " + ScreenText.truncate(alert.text, to: width - 2 * margin - 2), alert.severity == .error ? .error : .warning)]
        }
    }

    /// One row a stream: `24H   main ▕▆▆▆▆·x▆▏ 99.95 % up`, the cells as wide as the row allows
    /// (the uptime goes first when it is narrow; no strip under 12 cells).
    func stripRows() -> [Line] {
        guard !model.strips.isEmpty else { return [] }
        let nameWidth = min(10, model.strips.map { ScreenText.width($0.stream) }.max() ?? 0)
        let textWidth = model.strips.map { ScreenText.width($0.uptimeText) }.max() ?? 0
        var cells = textRoom - nameWidth - 3 - (textWidth + 1)
        let withText = cells >= 24
        if !withText { cells = textRoom - nameWidth - 3 }
        guard cells >= 12 else { return [] }
        return model.strips.enumerated().map { index, strip in
            let name = ScreenText.truncate(strip.stream, to: nameWidth)
            var spans = [Span(name + String(repeating: " ", count: nameWidth - ScreenText.width(name) + 1), .bold), Span("▕", .dim)]
            spans += ScreenRenderer.stripSpans(strip.cells(cells))
            spans.append(Span("▏", .dim))
            if withText { spans.append(Span(" " + strip.uptimeText, strip.uptime == nil ? .dim : .normal)) }
            return labelled(index == 0 ? "24H" : "", spans)
        }
    }

    func footerRow() -> Line {
        let left = Span(model.connectionText, model.connection == .live ? .good : .warning)
        var right = "streamd screen"
        if let sequence = model.sequence { right += " · #\(sequence)" }
        let gap = width - 2 * margin - ScreenText.width(left.text) - ScreenText.width(right)
        guard gap >= 1 else { return [pad(), left] }
        return [pad(), left, Span(String(repeating: " ", count: gap)), Span(right, .dim)]
    }

    /// Cuts a row to `width` columns.
    func fit(_ line: Line, _ width: Int) -> Line {
        var out: Line = []
        var used = 0
        for span in line {
            let w = ScreenText.width(span.text)
            if used + w <= width {
                out.append(span)
                used += w
            } else {
                let room = width - used
                if room > 0 { out.append(Span(ScreenText.clip(span.text, to: room), span.style)) }
                break
            }
        }
        return out
    }
}

/// Terminal text measurement: display columns, clipping, and removal of control characters
/// (a hostile title must not be able to move the cursor or change the terminal).
public enum ScreenText {
    /// Control characters (C0, DEL, C1) replaced by spaces.
    public static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The columns `text` takes: East Asian wide characters 2, combining marks 0.
    public static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value < 0x7F { return first.value < 0x20 ? 0 : 1 }
        if isWide(first.value) { return 2 }
        if character.unicodeScalars.allSatisfy({ isZeroWidth($0) }) { return 0 }
        return 1
    }

    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: true
        default: scalar.value == 0x200B
        }
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// `text` cut to at most `columns`, ending in "…" when cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if width(text) <= columns { return text }
        return clip(text, to: columns - 1) + "…"
    }

    /// The longest prefix of `text` that fits in `columns`.
    static func clip(_ text: String, to columns: Int) -> String {
        var out = ""
        var used = 0
        for character in text {
            let w = width(of: character)
            if used + w > columns { break }
            out.append(character)
            used += w
        }
        return out
    }
}

extension ScreenRenderer {
    /// The character and colour of an uptime strip cell. The characters differ as well as the
    /// colours, so the strip still reads without colour (NO_COLOR) and for colour-blind eyes:
    /// `▆` up, `▒` silent, `░` stalled, `x` down, `·` unknown.
    public static func stripCell(_ condition: StreamCondition?) -> (character: Character, style: Style) {
        switch condition {
        case .up?: ("▆", .stripUp)
        case .silent?: ("▒", .stripSilent)
        case .stalled?: ("░", .stripStalled)
        case .down?: ("x", .stripDown)
        case nil: ("·", .stripUnknown)
        }
    }

    /// `cells` as spans, one per run of equal cells.
    static func stripSpans(_ cells: [StreamCondition?]) -> [Span] {
        var spans: [Span] = []
        for cell in cells {
            let (character, style) = stripCell(cell)
            if let last = spans.last, last.style == style {
                spans[spans.count - 1].text.append(character)
            } else {
                spans.append(Span(String(character), style))
            }
        }
        return spans
    }
}
