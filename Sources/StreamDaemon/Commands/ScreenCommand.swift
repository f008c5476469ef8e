import ArgumentParser
import Foundation
import Logging
import StreamClient
import StreamHTTP
import StreamService
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `streamd screen`: a full-screen studio display in the terminal, fed by `/v1/events` (or,
/// with `--mqtt`, a site on a broker).
///
/// It redraws when the state changes, every second (clock, progress, remaining), and when the
/// terminal is resized (SIGWINCH). It uses the alternate screen with the cursor hidden and
/// puts the terminal back on exit (q, SIGINT, SIGTERM, SIGHUP). While the daemon is away it
/// keeps the last state on screen under a "reconnecting…" banner and resumes (with
/// `Last-Event-ID`) when the daemon is back. Under the alerts, the 24-hour uptime strips of the
/// station's first streams, from the daemon's history (fetched at start and once a minute; not
/// with `--mqtt`). It runs as a small service group: the engine, then the screen, whose feed,
/// clock, history fetches and signal listeners are its child tasks.
struct ScreenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "A full-screen studio display: clock, on air, program, song, next up.",
        discussion: "Keys: q quits, r redraws. Colours follow NO_COLOR.")
    @Option(help: "Station id (default: the live station).") var station: String?
    @Option(help: "The daemon's socket (default: $STREAMD_SOCKET, /run/streamd/streamd.sock, or a running demo's).")
    var socket: String?
    @OptionGroup var broker: MQTTReadOptions

    func run() async throws {
        guard isatty(STDOUT_FILENO) == 1 else {
            printError("streamd screen: standard output is not a terminal (use `streamd watch` for a log of changes)")
            throw ExitStatus.usage
        }
        let engine = try CurlEngine()
        let feed: any StateEventSource
        var history: ScreenHistory?
        if let settings = try broker.settings() {
            feed = MQTTEventFeed(settings: settings, topics: try broker.topics(for: "screen"))  // no history on a broker
        } else {
            let client = DaemonClient(socket: ClientSocket.resolve(socket), engine: engine)
            feed = EventFeed(client: client)
            history = ScreenHistory(client: client)
        }
        let terminal = ScreenTerminal(color: ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true)
        let screen = ScreenService(feed: feed, station: station, terminal: terminal, history: history)
        try await ClientGroup.run(engine: engine, service: screen, shutdownSignals: [.sigterm, .sigint, .sighup],
                                  logger: Logger(label: "streamd.screen"))
    }
}
