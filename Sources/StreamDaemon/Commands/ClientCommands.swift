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
    @OptionGroup var broker: MQTTReadOptions

    var query: String {
        station.map { "?station=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
    }

    /// Runs `body` with a client; maps failures to the documented exit codes (69 not running,
    /// 77 permission denied, 70 an answer this client does not understand, else `refused`).
    func withClient(refused: ExitCode = ExitStatus.failure,
                    _ body: (DaemonClient) async throws(DaemonClientError) -> Void) async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        do {
            try await body(DaemonClient(socket: ClientSocket.resolve(socket), engine: engine))
        } catch {
            printError("streamd: \(error.message)")
            switch error.code {
            case .unreachable: throw ExitStatus.unavailable
            case .permissionDenied: throw ExitStatus.noPermission
            case .badAnswer: throw ExitStatus.software
            case .refused: throw refused
            }
        }
    }

    /// With `--json`, prints the daemon's JSON for `path` as it comes; otherwise decodes it and
    /// prints what `text` makes of it. The shared shape of the client commands.
    func show<Answer: Decodable>(_ path: String, as type: Answer.Type,
                                 text: @escaping (Answer, DaemonClient) async throws(DaemonClientError) -> String) async throws {
        try await withClient { client throws(DaemonClientError) in
            if json {
                // The daemon's JSON ends with a newline already.
                print(String(decoding: try await client.getBody(path), as: UTF8.self), terminator: "")
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
        if let site = try await options.readSite(for: "now") {
            let station = try options.station(in: site.document, refused: ExitStatus.failure)
            let answer = NowAnswer(station: station, document: site.document, now: Date())
            print(options.json ? String(decoding: answer.jsonBytes, as: UTF8.self) : ClientText.now(answer, station: station))
            return
        }
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
        if let site = try await options.readSite(for: "next") {
            let station = try options.station(in: site.document, refused: ExitStatus.failure)
            let answer = NextAnswer(station: station, document: site.document, now: Date())
            print(options.json ? String(decoding: answer.jsonBytes, as: UTF8.self) : ClientText.next(answer, station: station))
            return
        }
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
        if try await options.listSites() { return }
        try await options.show("/v1/stations", as: [StationSummary].self) { list, client throws(DaemonClientError) in
            ClientText.stations(list, live: try await client.get("/v1/state", as: StateDocument.self).live)
        }
    }
}

/// `streamd status`: the health verdict and every stream and source. Its exit status is the
/// health, for monitoring: 0 ok, 1 degraded, 2 down.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every stream and source, up or failing; exits 0 ok, 1 degraded, 2 down.",
        discussion: """
            The exit status is the daemon's health (GET /v1/health) for monitoring tools: 0 ok, 1 degraded, \
            2 down; 64 an unknown --station, 69 no daemon answers, 77 permission denied on the socket. \
            With --json it prints {"health": <the /v1/health answer>, "state": <the /v1/state answer>} \
            (with --station, "station": <the /v1/stations/ID answer> instead of "state").
            """)
    @OptionGroup var options: ClientOptions

    func run() async throws {
        var verdict: HealthVerdict?
        if let site = try await options.readSite(for: "status") {
            verdict = try options.showStatus(of: site)
        } else {
            verdict = try await socketStatus()
        }
        switch verdict?.status {
        case "ok": return
        case "degraded": throw ExitStatus.healthDegraded
        default: throw ExitStatus.healthDown
        }
    }

    /// `/v1/health` and `/v1/state` (or the station) from the socket, printed; the verdict.
    private func socketStatus() async throws -> HealthVerdict? {
        var verdict: HealthVerdict?
        try await options.withClient(refused: ExitStatus.usage) { client throws(DaemonClientError) in
            let healthBody = try await client.getBody("/v1/health", alsoAccepted: [503])
            let health = try HealthVerdict.decode(healthBody)
            verdict = health
            let statePath = options.station.map { "/v1/stations/\($0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0)" } ?? "/v1/state"
            let stateBody = try await client.getBody(statePath)
            if options.json {
                let key = options.station == nil ? "state" : "station"
                let text = { (body: [UInt8]) in String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
                print("{\"health\":\(text(healthBody)),\"\(key)\":\(text(stateBody))}")
                return
            }
            let stations: [StationState]
            let header: String
            do {
                if options.station != nil {
                    let station = try StateDocument.makeDecoder().decode(StationState.self, from: Data(stateBody))
                    stations = [station]
                    header = "streamd"
                } else {
                    let document = try StateDocument.makeDecoder().decode(StateDocument.self, from: Data(stateBody))
                    stations = document.stations
                    let zone = document.stations.first { $0.id == document.live }?.timezone ?? document.stations.first?.timezone
                    header = "streamd \(document.stale ? "(stale) " : "")sequence \(document.sequence), updated \(ClientText.localTime(document.updatedAt, zone: zone, seconds: true))"
                }
            } catch {
                throw DaemonClientError(code: .badAnswer, message: "the daemon's answer to \(statePath) did not decode: \(error)")
            }
            StatusCommand.printStatus(header: header, health: health, stations: stations)
        }
        return verdict
    }

    /// The text of `status`.
    static func printStatus(header: String, health: HealthVerdict, stations: [StationState]) {
        print(header)
        print("health: \(health.status)" + (health.problems.isEmpty ? "" : " (\(health.problems.joined(separator: "; ")))"))
        for station in stations { print(ClientText.status(station)) }
    }
}

/// The parts of `/v1/health` that `status` reads.
struct HealthVerdict: Decodable {
    var status: String
    var problems: [String]

    init(status: String, problems: [String]) {
        self.status = status
        self.problems = problems
    }

    static func decode(_ body: [UInt8]) throws(DaemonClientError) -> HealthVerdict {
        do {
            return try JSONDecoder().decode(HealthVerdict.self, from: Data(body))
        } catch {
            throw DaemonClientError(code: .badAnswer, message: "the daemon's answer to /v1/health did not decode: \(error)")
        }
    }
}
