import ArgumentParser
import Foundation
import StreamHTTP
import StreamState
import StreamClient

/// Options shared by the client commands.
struct ClientOptions: ParsableArguments {
    @Option(help: "Station id (default: the live station).") var station: String?
    @Flag(help: "Print the daemon's JSON instead of text.") var json = false
    @Option(help: "The daemon's socket (default: $STREAMD_SOCKET, /run/streamd/streamd.sock, or a running demo's).")
    var socket: String?

    var query: String {
        station.map { "?station=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
    }

    /// Runs `body` with a client; maps failures to the brief's exit codes (69 unreachable).
    func withClient(_ body: (DaemonClient) async throws(DaemonClientError) -> Void) async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        do {
            try await body(DaemonClient(socket: ClientSocket.resolve(socket), engine: engine))
        } catch {
            printError("streamd: \(error.message)")
            throw error.code == .unreachable ? ExitStatus.unavailable : ExitStatus.failure
        }
    }

    /// With `--json`, prints the daemon's JSON for `path` as it comes; otherwise decodes it and
    /// prints what `text` makes of it. The shared shape of the client commands.
    func show<Answer: Decodable>(_ path: String, as type: Answer.Type,
                                 text: @escaping (Answer, DaemonClient) async throws(DaemonClientError) -> String) async throws {
        try await withClient { client throws(DaemonClientError) in
            if json {
                print(String(decoding: try await client.getBody(path), as: UTF8.self))
            } else {
                print(try await text(try await client.get(path, as: type), client))
            }
        }
    }

    /// The station a text answer describes (the live one when none was named).
    func stationState(_ client: DaemonClient, id: String) async throws(DaemonClientError) -> StationState {
        try await client.get("/v1/stations/\(id)", as: StationState.self)
    }
}

/// `streamd now`.
struct NowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "now", abstract: "What is on now, with elapsed and remaining time.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await options.show("/v1/now" + options.query, as: NowAnswer.self) { answer, client throws(DaemonClientError) in
            ClientText.now(answer, station: try await options.stationState(client, id: answer.station))
        }
    }
}

/// `streamd next`.
struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next", abstract: "The programs coming up.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await options.show("/v1/next" + options.query, as: NextAnswer.self) { answer, client throws(DaemonClientError) in
            ClientText.next(answer, station: try await options.stationState(client, id: answer.station))
        }
    }
}

/// `streamd stations`.
struct StationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stations", abstract: "The stations and whether they are on the air.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await options.show("/v1/stations", as: [StationSummary].self) { list, client throws(DaemonClientError) in
            ClientText.stations(list, live: try await client.get("/v1/state", as: StateDocument.self).live)
        }
    }
}

/// `streamd status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Every stream and source, up or failing.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await options.withClient { client throws(DaemonClientError) in
            let document = try await client.get("/v1/state", as: StateDocument.self)
            let stations = options.station.map { id in document.stations.filter { $0.id == id } } ?? document.stations
            if let id = options.station, stations.isEmpty {
                throw DaemonClientError(code: .refused, message: "no station '\(id)'")
            }
            if options.json {
                print(String(decoding: (try? StateDocument.makeEncoder(pretty: true).encode(stations)) ?? Data(), as: UTF8.self))
                return
            }
            let health = String(decoding: (try? await client.getBody("/v1/health", alsoAccepted: [503])) ?? Array("{}".utf8), as: UTF8.self)
            print("streamd \(document.stale ? "(stale) " : "")sequence \(document.sequence), updated \(document.updatedAt.formatted(.iso8601))")
            if let status = (try? JSONSerialization.jsonObject(with: Data(health.utf8)) as? [String: Any])?["status"] as? String {
                print("health: \(status)")
            }
            for station in stations { print(ClientText.status(station)) }
        }
    }
}
