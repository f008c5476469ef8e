import Foundation

/// The state document: what the JSON file holds and `GET /v1/state` answers.
///
/// Times are RFC 3339 in UTC. `sequence` grows by one with every change and never goes back,
/// across restarts too. Fields the brief shows as `null` are written as `null`, not left out.
/// The JSON Schema is `docs/state.schema.json`.
public struct StateDocument: Codable, Sendable, Equatable {
    /// Schema version: 1.
    public var schema: Int
    /// Grows by one with every change of the document.
    public var sequence: UInt64
    /// When the document last changed.
    public var updatedAt: Date
    /// The station the site's "Play Live Radio" button plays.
    public var live: String?
    /// True while the daemon serves the state it loaded at start and has not refreshed yet.
    public var stale: Bool
    /// Every configured station, in configuration order.
    public var stations: [StationState]

    /// Creates a document.
    public init(schema: Int = 1, sequence: UInt64, updatedAt: Date, live: String?, stale: Bool = false,
                stations: [StationState]) {
        self.schema = schema
        self.sequence = sequence
        self.updatedAt = updatedAt
        self.live = live
        self.stale = stale
        self.stations = stations
    }

    /// The station with `id`, if configured.
    public func station(_ id: String) -> StationState? {
        stations.first { $0.id == id }
    }

    enum CodingKeys: String, CodingKey { case schema, sequence, updatedAt, live, stale, stations }

    /// Encodes with an explicit `"live": null` (the schema requires the key).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(live, forKey: .live)
        try c.encode(stale, forKey: .stale)
        try c.encode(stations, forKey: .stations)
    }
}

/// One station's "Play Live Radio / Next Up" state.
public struct StationState: Codable, Sendable, Equatable {
    /// The configured id, e.g. `wvia-fm`.
    public var id: String
    /// Display name, e.g. `WVIA-FM`.
    public var name: String
    /// A short line under the name, e.g. `89.9 FM`.
    public var tagline: String?
    /// The station's IANA time zone.
    public var timezone: String
    /// True while at least one of its streams is up (or, with no streams, a source answers).
    public var onAir: Bool
    /// What is playing now.
    public var now: NowState
    /// Upcoming programs, soonest first.
    public var next: [ProgramValue]
    /// Recently played songs, newest first.
    public var recent: [SongValue]
    /// Each configured stream and how it is doing.
    public var streams: [StreamStatus]
    /// Each configured now-playing source and how it is doing.
    public var sources: [SourceStatus]
    /// When anything in this station last changed.
    public var changedAt: Date
    /// The station's outputs (`[[output]]` tables) and how each is doing, in configuration order.
    public var outputs: [OutputStatus]

    /// Creates a station state.
    public init(id: String, name: String, tagline: String?, timezone: String, onAir: Bool, now: NowState,
                next: [ProgramValue], recent: [SongValue], streams: [StreamStatus], sources: [SourceStatus],
                changedAt: Date, outputs: [OutputStatus] = []) {
        self.id = id
        self.name = name
        self.tagline = tagline
        self.timezone = timezone
        self.onAir = onAir
        self.now = now
        self.next = next
        self.recent = recent
        self.streams = streams
        self.sources = sources
        self.changedAt = changedAt
        self.outputs = outputs
    }

    enum CodingKeys: String, CodingKey {
        case id, name, tagline, timezone, onAir, now, next, recent, streams, sources, changedAt, outputs
    }

    /// Decodes; `outputs` is empty in documents written before it existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        tagline = try c.decodeIfPresent(String.self, forKey: .tagline)
        timezone = try c.decode(String.self, forKey: .timezone)
        onAir = try c.decode(Bool.self, forKey: .onAir)
        now = try c.decode(NowState.self, forKey: .now)
        next = try c.decode([ProgramValue].self, forKey: .next)
        recent = try c.decode([SongValue].self, forKey: .recent)
        streams = try c.decode([StreamStatus].self, forKey: .streams)
        sources = try c.decode([SourceStatus].self, forKey: .sources)
        changedAt = try c.decode(Date.self, forKey: .changedAt)
        outputs = try c.decodeIfPresent([OutputStatus].self, forKey: .outputs) ?? []
    }

    /// Encodes with an explicit `"tagline": null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(tagline, forKey: .tagline)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(onAir, forKey: .onAir)
        try c.encode(now, forKey: .now)
        try c.encode(next, forKey: .next)
        try c.encode(recent, forKey: .recent)
        try c.encode(streams, forKey: .streams)
        try c.encode(sources, forKey: .sources)
        try c.encode(changedAt, forKey: .changedAt)
        try c.encode(outputs, forKey: .outputs)
    }
}

/// The program and song on now, and one line of text for a ticker.
public struct NowState: Codable, Sendable, Equatable {
    /// The program (show) on now, from a schedule source; `null` when none is current.
    public var program: ProgramValue?
    /// The song playing now; `null` during talk, ads and station IDs, or when stale.
    public var song: SongValue?
    /// One line: "Artist – Title" while a song plays, else the program name, else the station name.
    public var text: String

    /// Creates a now state.
    public init(program: ProgramValue?, song: SongValue?, text: String) {
        self.program = program
        self.song = song
        self.text = text
    }

    enum CodingKeys: String, CodingKey { case program, song, text }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(program, forKey: .program)
        try c.encode(song, forKey: .song)
        try c.encode(text, forKey: .text)
    }
}

/// A program with where it came from.
public struct ProgramValue: Codable, Sendable, Equatable {
    /// The program name.
    public var name: String
    /// Hosts, possibly empty.
    public var hosts: [String]
    /// Start, if known.
    public var start: Date?
    /// End, if known.
    public var end: Date?
    /// The source kind it came from, e.g. `composer`.
    public var source: String
    /// When that source last reported it.
    public var seenAt: Date

    /// Creates a program value.
    public init(name: String, hosts: [String], start: Date?, end: Date?, source: String, seenAt: Date) {
        self.name = name
        self.hosts = hosts
        self.start = start
        self.end = end
        self.source = source
        self.seenAt = seenAt
    }

    enum CodingKeys: String, CodingKey { case name, hosts, start, end, source, seenAt }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(hosts, forKey: .hosts)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(source, forKey: .source)
        try c.encode(seenAt, forKey: .seenAt)
    }
}

/// A song with where it came from.
public struct SongValue: Codable, Sendable, Equatable {
    /// The title.
    public var title: String
    /// The artist, if known.
    public var artist: String?
    /// The album, if known.
    public var album: String?
    /// The composer (classical logs name one), if known.
    public var composer: String?
    /// When it started, if known.
    public var start: Date?
    /// Its length in seconds, if known.
    public var duration: Double?
    /// The source it came from: `icy`, `ogg`, `hls` (the stream itself) or a source kind.
    public var source: String
    /// When that source last reported it.
    public var seenAt: Date

    /// Creates a song value.
    public init(title: String, artist: String?, album: String?, composer: String? = nil, start: Date?, duration: Double?,
                source: String, seenAt: Date) {
        self.title = title
        self.artist = artist
        self.album = album
        self.composer = composer
        self.start = start
        self.duration = duration
        self.source = source
        self.seenAt = seenAt
    }

    enum CodingKeys: String, CodingKey { case title, artist, album, composer, start, duration, source, seenAt }

    /// Decodes; `composer` is null in documents written before it existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        artist = try c.decodeIfPresent(String.self, forKey: .artist)
        album = try c.decodeIfPresent(String.self, forKey: .album)
        composer = try c.decodeIfPresent(String.self, forKey: .composer)
        start = try c.decodeIfPresent(Date.self, forKey: .start)
        duration = try c.decodeIfPresent(Double.self, forKey: .duration)
        source = try c.decode(String.self, forKey: .source)
        seenAt = try c.decode(Date.self, forKey: .seenAt)
    }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(artist, forKey: .artist)
        try c.encode(album, forKey: .album)
        try c.encode(composer, forKey: .composer)
        try c.encode(start, forKey: .start)
        try c.encode(duration, forKey: .duration)
        try c.encode(source, forKey: .source)
        try c.encode(seenAt, forKey: .seenAt)
    }
}

/// How a configured stream is doing.
public struct StreamStatus: Codable, Sendable, Equatable {
    /// Whether bytes arrive.
    public enum Status: String, Codable, Sendable {
        /// Not checked yet, or connecting.
        case pending
        /// Bytes arrive near the nominal rate.
        case up
        /// Audio arrives, but something is wrong with the stream (`error` says what, e.g. its
        /// metadata lost sync); it is on the air, its title is not trusted.
        case degraded
        /// Bytes stopped or slowed.
        case stalled
        /// Error, refusal, 4xx/5xx or end of stream.
        case down
    }

    /// The configured id, e.g. `main`.
    public var id: String
    /// The configured URL.
    public var url: String
    /// `follow` or `probe`.
    public var mode: String
    /// Up, degraded, stalled, down or pending.
    public var status: Status
    /// The `Content-Type` the server sent.
    public var contentType: String?
    /// Measured bitrate in kbit/s (from bytes received), else the announced one.
    public var bitrate: Int?
    /// The stream's own name (`icy-name`).
    public var name: String?
    /// When `status` last changed.
    public var since: Date?
    /// When it was last checked.
    public var checkedAt: Date?
    /// The last error, while the stream is not up.
    public var error: ErrorValue?
    /// Connections made since the stream was last up (0 while up): a stalled stream whose
    /// reconnections bring only a trickle counts them here.
    public var reconnects: Int
    /// The audio's level and silence, for a stream with `silence` set (MP3, AAC, Ogg Vorbis or Opus), while it carries
    /// audio; else null.
    public var audio: AudioStatus?

    /// Creates a stream status.
    public init(id: String, url: String, mode: String, status: Status, contentType: String? = nil,
                bitrate: Int? = nil, name: String? = nil, since: Date? = nil, checkedAt: Date? = nil,
                error: ErrorValue? = nil, reconnects: Int = 0, audio: AudioStatus? = nil) {
        self.audio = audio
        self.id = id
        self.url = url
        self.mode = mode
        self.status = status
        self.contentType = contentType
        self.bitrate = bitrate
        self.name = name
        self.since = since
        self.checkedAt = checkedAt
        self.error = error
        self.reconnects = reconnects
    }

    enum CodingKeys: String, CodingKey {
        case id, url, mode, status, contentType, bitrate, name, since, checkedAt, error, reconnects, audio
    }

    /// Decodes; `reconnects` is 0 in documents written before it existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        url = try c.decode(String.self, forKey: .url)
        mode = try c.decode(String.self, forKey: .mode)
        status = try c.decode(Status.self, forKey: .status)
        contentType = try c.decodeIfPresent(String.self, forKey: .contentType)
        bitrate = try c.decodeIfPresent(Int.self, forKey: .bitrate)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        since = try c.decodeIfPresent(Date.self, forKey: .since)
        checkedAt = try c.decodeIfPresent(Date.self, forKey: .checkedAt)
        error = try c.decodeIfPresent(ErrorValue.self, forKey: .error)
        reconnects = try c.decodeIfPresent(Int.self, forKey: .reconnects) ?? 0
        audio = try c.decodeIfPresent(AudioStatus.self, forKey: .audio)
    }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(url, forKey: .url)
        try c.encode(mode, forKey: .mode)
        try c.encode(status, forKey: .status)
        try c.encode(contentType, forKey: .contentType)
        try c.encode(bitrate, forKey: .bitrate)
        try c.encode(name, forKey: .name)
        try c.encode(since, forKey: .since)
        try c.encode(checkedAt, forKey: .checkedAt)
        try c.encode(error, forKey: .error)
        try c.encode(reconnects, forKey: .reconnects)
        try c.encode(audio, forKey: .audio)
    }
}

/// How a configured now-playing source is doing.
public struct SourceStatus: Codable, Sendable, Equatable {
    /// Whether its answers count.
    public enum Status: String, Codable, Sendable {
        /// Not polled yet.
        case pending
        /// Answered on its last poll.
        case ok
        /// Its last poll failed; earlier values still count until it goes stale.
        case error
        /// No good answer for 3 of its intervals: its values are not shown as current.
        case stale
    }

    /// The source kind, e.g. `triton`.
    public var kind: String
    /// The URL polled.
    public var url: String
    /// Ok, error, stale or pending.
    public var status: Status
    /// When it was last polled.
    public var checkedAt: Date?
    /// When it last answered well.
    public var okAt: Date?
    /// The last error, while not ok.
    public var error: ErrorValue?

    /// Creates a source status.
    public init(kind: String, url: String, status: Status, checkedAt: Date? = nil, okAt: Date? = nil,
                error: ErrorValue? = nil) {
        self.kind = kind
        self.url = url
        self.status = status
        self.checkedAt = checkedAt
        self.okAt = okAt
        self.error = error
    }

    enum CodingKeys: String, CodingKey { case kind, url, status, checkedAt, okAt, error }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(url, forKey: .url)
        try c.encode(status, forKey: .status)
        try c.encode(checkedAt, forKey: .checkedAt)
        try c.encode(okAt, forKey: .okAt)
        try c.encode(error, forKey: .error)
    }
}

/// An error as the document shows it.
public struct ErrorValue: Codable, Sendable, Equatable {
    /// `timeout`, `dns`, `connect`, `tls`, `http`, `parse`, `too-large`, `stalled`, ...
    public var kind: String
    /// What happened.
    public var message: String
    /// When it happened.
    public var at: Date
    /// The HTTP status, for `http` errors.
    public var httpStatus: Int?

    /// Creates an error value.
    public init(kind: String, message: String, at: Date, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.at = at
        self.httpStatus = httpStatus
    }

    enum CodingKeys: String, CodingKey { case kind, message, at, httpStatus }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(message, forKey: .message)
        try c.encode(at, forKey: .at)
        try c.encode(httpStatus, forKey: .httpStatus)
    }
}

extension StateDocument {
    /// The encoder every writer of the document uses: RFC 3339 UTC dates, sorted keys.
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The decoder matching ``makeEncoder(pretty:)``.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension StreamStatus.Status {
    /// Up or degraded: audio arrives, so the station is on the air through this stream.
    public var carriesAudio: Bool { self == .up || self == .degraded }
}
