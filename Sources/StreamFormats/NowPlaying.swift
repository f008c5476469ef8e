import Foundation

/// What an item in a now-playing feed is: a song, or something that rides in the same
/// fields but must never be shown as the song (an ad, a station ID, a sweeper).
public enum ItemKind: String, Sendable, Codable, Hashable {
    /// Music: shown as the song.
    case song
    /// An advertisement or underwriting spot.
    case ad
    /// A station ID, sweeper, promo or jingle.
    case stationID = "station-id"
    /// Spoken or unclassified content the feed marks as not music.
    case other
}

/// One item a stream or a now-playing source reports: a song, or an ad or ID (see `kind`).
///
/// Strings are as the format delivered them (charset already decoded where the format
/// says how); cleaning for display (entities, "Artist - Title" splitting) is done by
/// the text normaliser, not by each parser.
public struct Track: Sendable, Equatable, Hashable, Codable {
    /// The title, never empty.
    public var title: String
    /// The performing artist, if the source names one.
    public var artist: String?
    /// The album or collection, if known.
    public var album: String?
    /// When the item started playing, if the source says.
    public var start: Date?
    /// Its length in seconds, if the source says.
    public var duration: Double?
    /// Whether this is a song or an ad/ID.
    public var kind: ItemKind
    /// The composer (classical logs name one), if the source says; shown beside the artist.
    public var composer: String?

    /// Creates a track.
    public init(title: String, artist: String? = nil, album: String? = nil,
                start: Date? = nil, duration: Double? = nil, kind: ItemKind = .song, composer: String? = nil) {
        self.title = title
        self.artist = artist
        self.album = album
        self.start = start
        self.duration = duration
        self.kind = kind
        self.composer = composer
    }
}

/// A program (show) from a schedule source.
public struct ProgramSlot: Sendable, Equatable, Hashable, Codable {
    /// The program's name, e.g. "Morning Edition".
    public var name: String
    /// Hosts, in the order the source lists them.
    public var hosts: [String]
    /// Start time, if known.
    public var start: Date?
    /// End time, if known.
    public var end: Date?

    /// Creates a program slot.
    public init(name: String, hosts: [String] = [], start: Date? = nil, end: Date? = nil) {
        self.name = name
        self.hosts = hosts
        self.start = start
        self.end = end
    }
}

/// What one poll of a now-playing source says, normalised across formats.
public struct SourceSnapshot: Sendable, Equatable, Codable {
    /// The program on now, from schedule sources.
    public var program: ProgramSlot?
    /// The item playing now (may be an ad or ID: see `Track.kind`).
    public var current: Track?
    /// Upcoming programs, soonest first.
    public var next: [ProgramSlot]
    /// Recently played items, newest first (not including `current`).
    public var recent: [Track]
    /// The stream or station name the source reports, if any.
    public var streamName: String?
    /// Listener count, if the source reports one.
    public var listeners: Int?

    /// Creates a snapshot.
    public init(program: ProgramSlot? = nil, current: Track? = nil, next: [ProgramSlot] = [],
                recent: [Track] = [], streamName: String? = nil, listeners: Int? = nil) {
        self.program = program
        self.current = current
        self.next = next
        self.recent = recent
        self.streamName = streamName
        self.listeners = listeners
    }
}

/// A payload that a parser could not make sense of: which format, where in it, and why.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The format being parsed, e.g. `triton`, `icy`, `composer-day`.
    public var format: String
    /// Where in the payload, e.g. `nowplaying-info[2].cue_time_duration` or `byte 4096`.
    public var location: String?
    /// What was wrong, in words an operator can act on.
    public var message: String

    /// Creates a parse error.
    public init(format: String, location: String? = nil, message: String) {
        self.format = format
        self.location = location
        self.message = message
    }

    /// `format at location: message`.
    public var description: String {
        if let location { return "\(format) at \(location): \(message)" }
        return "\(format): \(message)"
    }
}
