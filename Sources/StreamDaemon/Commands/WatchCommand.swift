import ArgumentParser
import Foundation
import StreamHTTP
import StreamState
import StreamClient

/// `streamd watch`: follows `/v1/events`, one line per change; reconnects (resuming with
/// `Last-Event-ID`) when the daemon restarts.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Follow changes as they happen.")
    @Flag(help: "Print each event's JSON, one a line.") var json = false
    @Option(help: "The daemon's socket (default: $STREAMD_SOCKET, /run/streamd/streamd.sock, or a running demo's).")
    var socket: String?

    func run() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let client = DaemonClient(socket: ClientSocket.resolve(socket), engine: engine)
        var lastID: UInt64?
        var everConnected = false
        while true {
            var request = client.request("/v1/events", streaming: true)
            if let lastID { request.headers.append(("Last-Event-ID", String(lastID))) }
            var parser = SSEParser()
            do {
                for try await event in engine.stream(request) {
                    guard case .body(let bytes) = event else {
                        if case .head(let head) = event, !head.isSuccess {
                            printError("streamd watch: the daemon answered HTTP \(head.status)")
                            throw ExitStatus.failure
                        }
                        everConnected = true
                        continue
                    }
                    for message in parser.feed(bytes) {
                        if let id = message.id { lastID = id }
                        print(render(message))
                        FileHandleOutput.flush()
                    }
                }
            } catch let error as HTTPError {
                if !everConnected {
                    printError("streamd: no streamd answers on \(client.socket) (\(error.message)); is the daemon running?")
                    throw ExitStatus.unavailable
                }
            }
            printError("streamd watch: connection lost; reconnecting…")
            try await Task.sleep(for: .seconds(1))
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
