import StreamState
/// The body of `GET /v1/health`.
///
/// `ok` when the engine is alive, the document is fresh and every station is on the air with
/// no down or stalled stream and no stale or failing source; `down` when the engine is hung or
/// no station is on the air; `degraded` otherwise. Served 200 for ok and degraded, 503 for down.
public struct HealthReport: Codable, Sendable, Equatable {
    /// The overall verdict.
    public enum Status: String, Codable, Sendable {
        /// Everything works.
        case ok
        /// Serving, with problems.
        case degraded
        /// Engine hung or nothing on the air.
        case down
    }

    /// The verdict.
    public var status: Status
    /// `alive` or `hung`.
    public var engine: String
    /// Whether the document is stale (loaded at start, not refreshed yet).
    public var stale: Bool
    /// How many stations are configured.
    public var stations: Int
    /// How many of them are on the air.
    public var onAir: Int
    /// One line per problem, e.g. `wvia-fm/main: stream down (connect)`.
    public var problems: [String]

    /// The report for `document` with the engine `engineAlive` or not.
    public init(document: StateDocument, engineAlive: Bool) {
        var problems: [String] = []
        if !engineAlive { problems.append("engine: hung (its loop has stopped turning)") }
        if document.stale { problems.append("state: stale (serving the state loaded at start)") }
        if document.stations.isEmpty { problems.append("no stations configured") }
        for station in document.stations {
            if !station.onAir { problems.append("\(station.id): off the air") }
            for stream in station.streams where stream.status == .down || stream.status == .stalled {
                let why = stream.error.map { " (\($0.kind))" } ?? ""
                problems.append("\(station.id)/\(stream.id): stream \(stream.status.rawValue)\(why)")
            }
            for source in station.sources where source.status == .stale || source.status == .error {
                let why = source.error.map { error in
                    " (\(error.kind)\(error.httpStatus.map { " \($0)" } ?? ""))"
                } ?? ""
                problems.append("\(station.id)/\(source.kind): source \(source.status.rawValue)\(why)")
            }
        }
        let onAir = document.stations.filter(\.onAir).count
        self.engine = engineAlive ? "alive" : "hung"
        self.stale = document.stale
        self.stations = document.stations.count
        self.onAir = onAir
        self.problems = problems
        self.status = if !engineAlive || onAir == 0 { .down } else if problems.isEmpty { .ok } else { .degraded }
    }
}
