import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StreamClient
import StreamHTTP
import StreamService
import StreamState
import NIOConcurrencyHelpers

/// `streamd watch`: follows `/v1/events`, one line per change; reconnects (resuming with
/// `Last-Event-ID`) when the daemon restarts. Runs as a small service group (the engine, then
/// the feed), so Ctrl-C ends the feed's transfer before the engine stops.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Follow changes as they happen.")
    @Flag(help: "Print each event's JSON, one a line.") var json = false
    @Option(help: "The daemon's socket (default: $STREAMD_SOCKET, /run/streamd/streamd.sock, or a running demo's).")
    var socket: String?

    func run() async throws {
        let engine = try CurlEngine()
        let client = DaemonClient(socket: ClientSocket.resolve(socket), engine: engine)
        let follower = WatchFollower(feed: EventFeed(client: client), json: json)
        try await ClientGroup.run(engine: engine, service: follower, logger: Logger(label: "streamd.watch"))
        if let status = follower.exitStatus { throw status }
    }
}

/// Prints each event of the feed. Ends (with an exit status) when the daemon cannot be
/// reached at all, or answers the event stream with an error.
final class WatchFollower: Service, Sendable {
    let feed: EventFeed
    let json: Bool
    private let status = NIOLockedValueBox<ExitCode?>(nil)

    init(feed: EventFeed, json: Bool) {
        self.feed = feed
        self.json = json
    }

    /// Why the command stopped on its own, if it did.
    var exitStatus: ExitCode? { status.withLockedValue { $0 } }

    func run() async {
        await cancelWhenGracefulShutdown { [self] in
            await feed.follow { event in
                switch event {
                case .connected:
                    return true
                case .message(let message):
                    print(render(message))
                    FileHandleOutput.flush()
                    return true
                case .disconnected(let loss):
                    if let code = loss.status {
                        printError("streamd watch: the daemon answered HTTP \(code)")
                        status.withLockedValue { $0 = ExitStatus.failure }
                        return false
                    }
                    if !loss.everConnected {
                        printError("streamd: no streamd answers on \(feed.client.socket) (\(loss.detail)); is the daemon running?")
                        status.withLockedValue { $0 = ExitStatus.unavailable }
                        return false
                    }
                    printError("streamd watch: connection lost; reconnecting…")
                    return true
                }
            }
        }
    }

    private func render(_ message: SSEParser.Message) -> String {
        if json { return message.data }
        let decoder = StateDocument.makeDecoder()
        switch message.event {
        case "station":
            if let station = try? decoder.decode(StationState.self, from: Data(message.data.utf8)) {
                return ClientText.watchLine(station, at: Date())
            }
        case "snapshot":
            if let document = try? decoder.decode(StateDocument.self, from: Data(message.data.utf8)) {
                return document.stations.map { ClientText.watchLine($0, at: Date()) }.joined(separator: "\n")
            }
        default:
            break
        }
        return "\(message.event ?? "message"): \(message.data)"
    }
}
