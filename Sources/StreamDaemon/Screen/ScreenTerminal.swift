import Dispatch
import Foundation
import StreamClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal: alternate screen, hidden cursor, no echo; size by `TIOCGWINSZ`; frames
/// written row by row, only the rows that changed, on a queue of its own.
final class ScreenTerminal: @unchecked Sendable {
    private let queue = DispatchQueue(label: "streamd.screen.output")
    private let color: Bool
    // Touched only on `queue`.
    private var previous: [String] = []
    private var previousSize = (width: 0, height: 0)
    private var savedTermios: termios?

    init(color: Bool) {
        self.color = color
    }

    /// The terminal's size in cells: `TIOCGWINSZ`, else `$COLUMNS`/`$LINES`, else 80x24.
    static func size() -> (width: Int, height: Int) {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        let env = ProcessInfo.processInfo.environment
        return (env["COLUMNS"].flatMap(Int.init) ?? 80, env["LINES"].flatMap(Int.init) ?? 24)
    }

    func enter() {
        queue.sync {
            if isatty(STDIN_FILENO) == 1 {
                var attributes = termios()
                if tcgetattr(STDIN_FILENO, &attributes) == 0 {
                    savedTermios = attributes
                    attributes.c_lflag &= ~tcflag_t(ECHO | ICANON)
                    _ = tcsetattr(STDIN_FILENO, TCSANOW, &attributes)
                }
            }
            // Alternate screen, hidden cursor, no autowrap, cleared.
            Self.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[0m\u{1B}[2J\u{1B}[H")
        }
    }

    func leave() {
        queue.sync {
            Self.write("\u{1B}[0m\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l")
            if var attributes = savedTermios {
                _ = tcsetattr(STDIN_FILENO, TCSANOW, &attributes)
            }
        }
    }

    /// Draws `model` at the terminal's current size; `full` repaints every row.
    func draw(_ model: ScreenModel, full: Bool = false) {
        queue.async { [self] in
            let size = Self.size()
            let lines = ScreenRenderer.lines(model, width: size.width, height: size.height)
            let rows = lines.map { line in
                color ? ScreenRenderer.ansi(line, width: size.width)
                    : ScreenRenderer.ansi(line.map { ScreenRenderer.Span($0.text) }, width: size.width)
            }
            var out = ""
            let repaint = full || size != previousSize || rows.count != previous.count
            if repaint { out += "\u{1B}[0m\u{1B}[2J" }
            for (index, row) in rows.enumerated() where repaint || row != previous[index] {
                out += "\u{1B}[\(index + 1);1H" + row
            }
            previous = rows
            previousSize = size
            if !out.isEmpty { Self.write(out) }
        }
    }

    private static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
