import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StreamClient
import StreamHTTP
import StreamService
import StreamState
import NIOConcurrencyHelpers

/// `streamd watch`: follows `/v1/events` (or, with `--mqtt`, a site on a broker), one line per change; reconnects (resuming with
/// `Last-Event-ID`) when the daemon restarts. Runs as a small service group (the engine, then
/// the feed), so Ctrl-C ends the feed's transfer before the engine stops.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Follow changes as they happen.")
    @Flag(help: "Print one JSON object per event, one a line: {\"event\": TYPE, \"id\": N, \"data\": <the event's JSON>}.")
    var json = false
    @Option(help: "The daemon's socket (default: $STREAMD_SOCKET, /run/streamd/streamd.sock, or a running demo's).")
    var socket: String?
    @OptionGroup var broker: MQTTReadOptions

    func run() async throws {
        let engine = try CurlEngine()
        let feed: any StateEventSource
        if let settings = try broker.settings() {
            feed = MQTTEventFeed(settings: settings, topics: try broker.topics(for: "watch"))
        } else {
            feed = EventFeed(client: DaemonClient(socket: ClientSocket.resolve(socket), engine: engine))
        }
        let follower = WatchFollower(feed: feed, json: json)
        try await ClientGroup.run(engine: engine, service: follower, logger: Logger(label: "streamd.watch"))
        if let status = follower.exitStatus { throw status }
    }
}

/// Prints each event of the feed. Ends (with an exit status) when the daemon cannot be
/// reached at all, or answers the event stream with an error.
final class WatchFollower: Service, Sendable {
    let feed: any StateEventSource
    let json: Bool
    private let status = NIOLockedValueBox<ExitCode?>(nil)
    /// Whether the connection is lost and the loss was reported (reported once, until a
    /// reconnection is reported).
    private let lost = NIOLockedValueBox(false)

    init(feed: any StateEventSource, json: Bool) {
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
                    if lost.withLockedValue({ was in defer { was = false }; return was }) {
                        printError("streamd watch: reconnected")
                    }
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
                        let (message, permissionDenied) = feed.unreachable(loss)
                        printError("streamd: \(message)")
                        let code = permissionDenied ? ExitStatus.noPermission : ExitStatus.unavailable
                        status.withLockedValue { $0 = code }
                        return false
                    }
                    if lost.withLockedValue({ was in defer { was = true }; return !was }) {
                        printError("streamd watch: connection lost (\(loss.detail)); reconnecting…")
                    }
                    return true
                }
            }
        }
    }

    /// One event as one JSON line: its type, its id (when it has one) and its data, verbatim
    /// when the data is JSON, as a string otherwise.
    static func jsonLine(_ message: SSEParser.Message) -> String {
        let event = (try? JSONEncoder().encode(message.event ?? "message")).map { String(decoding: $0, as: UTF8.self) } ?? "\"message\""
        let isJSON = (try? JSONSerialization.jsonObject(with: Data(message.data.utf8), options: [.fragmentsAllowed])) != nil
        let data = isJSON ? message.data
            : (try? JSONEncoder().encode(message.data)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        let id = message.id.map { ",\"id\":\($0)" } ?? ""
        return "{\"event\":\(event)\(id),\"data\":\(data)}"
    }

    private func render(_ message: SSEParser.Message) -> String {
        if json { return Self.jsonLine(message) }
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
