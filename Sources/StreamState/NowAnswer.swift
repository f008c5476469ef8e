import Foundation

/// The body of `GET /v1/now`: what one station plays, with elapsed and remaining time
/// computed at the time of the request.
public struct NowAnswer: Codable, Sendable, Equatable {
    /// The station id.
    public var station: String
    /// The program on now, or `null`.
    public var program: ProgramValue?
    /// The song playing now, or `null`.
    public var song: SongValue?
    /// One line for a ticker.
    public var text: String
    /// Whole seconds since the program started (the song, when there is no program); `null`
    /// when unknown.
    public var elapsed: Int?
    /// Whole seconds until the program ends (the song, when there is no program); `null`
    /// when unknown.
    public var remaining: Int?
    /// The next program that has not ended yet, or `null`.
    public var next: ProgramValue?
    /// True when the document is stale or any of the station's sources is stale.
    public var stale: Bool

    /// The answer for `station` in `document` at `now`.
    public init(station: StationState, document: StateDocument, now: Date) {
        self.station = station.id
        self.program = station.now.program
        self.song = station.now.song
        self.text = station.now.text
        let span: (start: Date, end: Date)? =
            if let program = station.now.program {
                program.start.flatMap { start in program.end.map { (start, $0) } }
            } else if let song = station.now.song, let start = song.start, let duration = song.duration, duration > 0 {
                (start, start.addingTimeInterval(duration))
            } else {
                nil
            }
        if let span, span.end > span.start {
            let total = span.end.timeIntervalSince(span.start)
            let into = min(max(now.timeIntervalSince(span.start), 0), total)
            // Int(exactly:): a payload's absurd duration (1e20 s) gives no figure, not a trap.
            self.elapsed = Int(exactly: into.rounded(.down))
            self.remaining = Int(exactly: (total - into).rounded(.up))
        } else {
            self.elapsed = nil
            self.remaining = nil
        }
        self.next = station.upcoming(at: now).first
        self.stale = document.stale || station.sources.contains { $0.status == .stale }
    }

    enum CodingKeys: String, CodingKey { case station, program, song, text, elapsed, remaining, next, stale }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(station, forKey: .station)
        try c.encode(program, forKey: .program)
        try c.encode(song, forKey: .song)
        try c.encode(text, forKey: .text)
        try c.encode(elapsed, forKey: .elapsed)
        try c.encode(remaining, forKey: .remaining)
        try c.encode(next, forKey: .next)
        try c.encode(stale, forKey: .stale)
    }
}

/// The body of `GET /v1/next`: the station's upcoming programs that have not ended yet.
public struct NextAnswer: Codable, Sendable, Equatable {
    /// The station id.
    public var station: String
    /// Upcoming programs, soonest first.
    public var next: [ProgramValue]
    /// True when the document is stale or any schedule source of the station is stale.
    public var stale: Bool

    /// The answer for `station` in `document` at `now`.
    public init(station: StationState, document: StateDocument, now: Date) {
        self.station = station.id
        self.next = station.upcoming(at: now)
        self.stale = document.stale || station.sources.contains { $0.status == .stale }
    }
}

/// One row of `GET /v1/stations`.
public struct StationSummary: Codable, Sendable, Equatable {
    /// The station id.
    public var id: String
    /// Display name.
    public var name: String
    /// The short line under the name, or `null`.
    public var tagline: String?
    /// Whether the station is on the air.
    public var onAir: Bool

    /// The summary of `station`.
    public init(_ station: StationState) {
        self.id = station.id
        self.name = station.name
        self.tagline = station.tagline
        self.onAir = station.onAir
    }

    enum CodingKeys: String, CodingKey { case id, name, tagline, onAir }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(tagline, forKey: .tagline)
        try c.encode(onAir, forKey: .onAir)
    }
}

extension StationState {
    /// The `next` programs that have not ended at `now` (a document a little behind the clock
    /// may still list one that is over).
    package func upcoming(at now: Date) -> [ProgramValue] {
        next.filter { program in program.end.map { $0 > now } ?? true }
    }
}
