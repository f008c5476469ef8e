import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StreamHTTP
import StreamState
import StreamClient

/// `streamd screen`: a full-screen studio display in the terminal, fed by `/v1/events`.
///
/// It redraws when the state changes, every second (clock, progress, remaining), and when the
/// terminal is resized (SIGWINCH). It uses the alternate screen with the cursor hidden and
/// puts the terminal back on exit (q, SIGINT, SIGTERM, SIGHUP). While the daemon is away it
/// keeps the last state on screen under a "reconnecting…" banner and resumes (with
/// `Last-Event-ID`) when the daemon is back.
struct ScreenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "A full-screen studio display: clock, on air, program, song, next up.",
        discussion: "Keys: q quits, r redraws. Colours follow NO_COLOR.")
    @Option(help: "Station id (default: the live station).") var station: String?
    @Option(help: "The daemon's socket (default: $STREAMD_SOCKET, /run/streamd/streamd.sock, or a running demo's).")
    var socket: String?

    func run() async throws {
        guard isatty(STDOUT_FILENO) == 1 else {
            printError("streamd screen: standard output is not a terminal (use `streamd watch` for a log of changes)")
            throw ExitStatus.usage
        }
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let client = DaemonClient(socket: ClientSocket.resolve(socket), engine: engine)
        let terminal = ScreenTerminal(color: ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true)
        let (events, continuation) = AsyncStream<ScreenEvent>.makeStream()
        let signals = ScreenSignals(continuation)
        terminal.enter()
        defer {
            signals.cancel()
            terminal.leave()
        }
        ScreenKeys.start(continuation)
        let feed = Task { await ScreenFeed.run(client: client, engine: engine, events: continuation) }
        let ticker = Task {
            while !Task.isCancelled {
                let fraction = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 1)
                try? await Task.sleep(for: .milliseconds(Int((1 - fraction) * 1000) + 5))
                continuation.yield(.tick)
            }
        }
        defer {
            feed.cancel()
            ticker.cancel()
        }

        var document: StateDocument?
        var connection = ScreenModel.Connection.connecting(detail: "on \(client.socket)")
        terminal.draw(ScreenModel(document: nil, stationID: station, now: Date(), connection: connection))
        loop: for await event in events {
            var full = false
            switch event {
            case .tick:
                break
            case .resize:
                full = true
            case .suspend:
                terminal.leave()  // Ctrl-Z: give the shell its screen back, then stop
                kill(getpid(), SIGSTOP)
                continue
            case .resume:
                terminal.enter()  // fg: set the terminal up again
                full = true
            case .quit:
                break loop
            case .connected:
                connection = .live
            case .disconnected(let detail):
                switch connection {
                case .reconnecting(let since, _):
                    connection = .reconnecting(since: since, detail: detail)
                case .connecting:
                    connection = .connecting(detail: "on \(client.socket): \(detail)")
                case .live:
                    connection = document == nil ? .connecting(detail: "on \(client.socket): \(detail)")
                        : .reconnecting(since: Date(), detail: detail)
                }
            case .message(let message):
                let decoder = StateDocument.makeDecoder()
                let data = Data(message.data.utf8)
                if message.event == "snapshot", let snapshot = try? decoder.decode(StateDocument.self, from: data) {
                    document = snapshot
                } else if message.event == "station", var current = document,
                          let changed = try? decoder.decode(StationState.self, from: data) {
                    if let index = current.stations.firstIndex(where: { $0.id == changed.id }) {
                        current.stations[index] = changed
                    } else {
                        current.stations.append(changed)
                    }
                    if let id = message.id { current.sequence = id }
                    document = current
                }
            }
            terminal.draw(ScreenModel(document: document, stationID: station, now: Date(), connection: connection), full: full)
        }
    }
}

/// What wakes the screen up.
enum ScreenEvent: Sendable {
    case tick
    case resize
    case suspend
    case resume
    case quit
    case connected
    case disconnected(String)
    case message(SSEParser.Message)
}


/// Follows `/v1/events` forever: reconnects a second after each loss, resuming with
/// `Last-Event-ID`.
enum ScreenFeed {
    static func run(client: DaemonClient, engine: CurlEngine, events: AsyncStream<ScreenEvent>.Continuation) async {
        var lastID: UInt64?
        while !Task.isCancelled {
            var request = client.request("/v1/events", streaming: true)
            // The daemon sends a heartbeat every 15 s: silence for 45 s is a dead connection.
            request.lowSpeed = LowSpeedLimit(bytesPerSecond: 1, window: .seconds(45))
            if let lastID { request.headers.append(("Last-Event-ID", String(lastID))) }
            var parser = SSEParser()
            var detail = "the daemon ended the event stream"
            do {
                stream: for try await event in engine.stream(request) {
                    switch event {
                    case .head(let head):
                        guard head.isSuccess else {
                            detail = "the daemon answered HTTP \(head.status)"
                            break stream
                        }
                        events.yield(.connected)
                    case .body(let bytes):
                        for message in parser.feed(bytes) {
                            if let id = message.id { lastID = id }
                            events.yield(.message(message))
                        }
                    }
                }
            } catch let error as HTTPError {
                detail = error.message
            } catch {
                detail = "\(error)"
            }
            if Task.isCancelled { return }
            events.yield(.disconnected(detail))
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

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

/// SIGWINCH redraws; SIGTSTP (Ctrl-Z) restores the terminal and stops, SIGCONT sets it up again;
/// SIGINT, SIGTERM and SIGHUP quit (the terminal is restored).
final class ScreenSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(_ events: AsyncStream<ScreenEvent>.Continuation) {
        let wanted: [(Int32, ScreenEvent)] = [(SIGWINCH, .resize), (SIGTSTP, .suspend), (SIGCONT, .resume),
                                               (SIGINT, .quit), (SIGTERM, .quit), (SIGHUP, .quit)]
        for (number, event) in wanted {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { events.yield(event) }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}

/// Keys on standard input (read on a thread of its own): q quits, r or Ctrl-L redraws.
enum ScreenKeys {
    static func start(_ events: AsyncStream<ScreenEvent>.Continuation) {
        guard isatty(STDIN_FILENO) == 1 else { return }
        let thread = Thread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 {
                switch byte {
                case UInt8(ascii: "q"), UInt8(ascii: "Q"): events.yield(.quit)
                case UInt8(ascii: "r"), UInt8(ascii: "R"), 0x0C: events.yield(.resize)
                default: break
                }
            }
        }
        thread.name = "streamd.screen.keys"
        thread.start()
    }
}
