import Foundation

/// The answer of `GET /v1/streams/{station}/{stream}/history`: the stream's last 24 hours,
/// minute by minute, and how long it spent in each condition.
public struct HistoryAnswer: Codable, Sendable, Equatable {
    /// Seconds of each condition over the 24 hours (whole seconds).
    public struct Seconds: Codable, Sendable, Equatable {
        /// Up (a stream degraded for another reason than silence counts as up).
        public var up: Int
        /// Silent for its `after` or longer (dead air).
        public var silent: Int
        /// Stalled.
        public var stalled: Int
        /// Down.
        public var down: Int
        /// Not known: the daemon was not running, or the stream was not checked yet.
        public var unknown: Int
    }

    /// The station's id.
    public var station: String
    /// The stream's id.
    public var stream: String
    /// When the first minute of `minutes` begins (24 hours before the current minute ends).
    public var from: Date
    /// How far the history is counted: the moment of the answer.
    public var to: Date
    /// 1,440 letters, one a minute, oldest first: `u` up, `s` silent, `t` stalled, `d` down
    /// (the worst seen in that minute), `-` unknown. The last is the current minute.
    public var minutes: String
    /// Seconds of each condition in those minutes.
    public var seconds: Seconds
    /// Up seconds over known seconds (0 to 1, four decimals); `null` when nothing is known.
    public var uptime: Double?
    /// The condition now: `up`, `silent`, `stalled`, `down`, or `null` (unknown).
    public var condition: String?

    /// The answer for `history`, counted up to its ``StreamHistory/countedUntil``.
    public init(station: String, stream: String, history: StreamHistory) {
        self.station = station
        self.stream = stream
        from = history.windowStart
        to = history.countedUntil
        minutes = history.letters
        let totals = history.totals
        func whole(_ condition: StreamCondition) -> Int { Int((Double(totals[condition] ?? 0) / 1000).rounded()) }
        let window = max(0, Int(to.timeIntervalSince(from).rounded()))
        let known = StreamCondition.allCases.reduce(0) { $0 + (totals[$1] ?? 0) }
        seconds = Seconds(up: whole(.up), silent: whole(.silent), stalled: whole(.stalled), down: whole(.down),
                          unknown: max(0, window - Int((Double(known) / 1000).rounded())))
        uptime = known == 0 ? nil : (Double(totals[.up] ?? 0) / Double(known) * 10_000).rounded() / 10_000
        condition = history.condition?.name
    }

    enum CodingKeys: String, CodingKey { case station, stream, from, to, minutes, seconds, uptime, condition }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(station, forKey: .station)
        try c.encode(stream, forKey: .stream)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(minutes, forKey: .minutes)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(uptime, forKey: .uptime)
        try c.encode(condition, forKey: .condition)
    }
}
