import Foundation
import StreamFormats

/// Something a watcher saw, on its way to the state store: the station, the generation of
/// the watchers that saw it, and the stream or source (by index in the station's spec).
///
/// The generation is what makes a reload exact: a station's watchers are replaced as a
/// whole, with a new generation, and the store drops what an older generation still reports
/// (a late title from a connection being torn down never lands on the new stream).
public struct Observation: Sendable, Equatable {
    /// The station's id.
    public var station: String
    /// The generation of the station's watchers that made the observation.
    public var generation: WatcherGeneration
    /// What was seen.
    public var event: Event

    /// What was seen, and by which stream or source.
    public enum Event: Sendable, Equatable {
        /// A stream's connection state, head or metadata changed.
        case stream(index: Int, StreamEvent)
        /// A source poll ended.
        case source(index: Int, SourceEvent)
    }

    /// Creates an observation.
    public init(station: String, generation: WatcherGeneration, event: Event) {
        self.station = station
        self.generation = generation
        self.event = event
    }

    /// A stream's observation.
    public static func stream(station: String, generation: WatcherGeneration = .initial, index: Int,
                              _ event: StreamEvent) -> Observation {
        Observation(station: station, generation: generation, event: .stream(index: index, event))
    }

    /// A source's observation.
    public static func source(station: String, generation: WatcherGeneration = .initial, index: Int,
                              _ event: SourceEvent) -> Observation {
        Observation(station: station, generation: generation, event: .source(index: index, event))
    }
}

/// Which set of watchers of a station an observation came from. Each launch of a station's
/// watchers (start, or a reload that changed the station) takes a new, larger generation.
public struct WatcherGeneration: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number; larger is newer.
    public var rawValue: UInt64

    /// Creates a generation.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The generation a store starts with for every station (before any watcher runs).
    public static let initial = WatcherGeneration(rawValue: 0)

    /// The next generation.
    public var next: WatcherGeneration { WatcherGeneration(rawValue: rawValue + 1) }

    /// Compares by number.
    public static func < (lhs: WatcherGeneration, rhs: WatcherGeneration) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `g3`.
    public var description: String { "g\(rawValue)" }
}

/// What a stream watcher reports.
public enum StreamEvent: Sendable, Equatable {
    /// Connecting (first attempt or a reconnect).
    case connecting(at: Date)
    /// The response head arrived; the audio is being checked (the status stays as it was
    /// until `up`).
    case connected(StreamHead, at: Date)
    /// Audio arrives at a sustained rate (a probe: the head arrived and audio flows).
    case up(StreamHead, at: Date)
    /// A title arrived in the stream (`nil` track: empty or unusable title).
    case metadata(Track?, container: String, at: Date)
    /// The measured rate over the last window, in kbit/s.
    case bitrate(Int, at: Date)
    /// A second of a metered stream's audio measured (its level, and silence once it lasted).
    case audio(AudioStatus, at: Date)
    /// Audio arrives, but something about the stream is wrong (e.g. its metadata lost sync):
    /// it counts as on the air, its title is not trusted, and the error says why. The next
    /// `up` clears it.
    case degraded(ErrorValue)
    /// Bytes stopped or slowed below the limit.
    case stalled(ErrorValue)
    /// Error, refusal, 4xx/5xx or end of stream.
    case down(ErrorValue)
}

/// What a stream's response head says about it.
public struct StreamHead: Sendable, Equatable {
    /// `Content-Type`.
    public var contentType: String?
    /// `icy-name` (or the HLS/Ogg equivalent).
    public var name: String?
    /// Announced bitrate, kbit/s (`icy-br`).
    public var announcedBitrate: Int?

    /// Creates a stream head.
    public init(contentType: String? = nil, name: String? = nil, announcedBitrate: Int? = nil) {
        self.contentType = contentType
        self.name = name
        self.announcedBitrate = announcedBitrate
    }
}

/// What a source poller reports.
public enum SourceEvent: Sendable, Equatable {
    /// A good answer, parsed. `schedule` is the day's programs when the kind has one.
    case ok(SourceSnapshot, schedule: [ProgramSlot]?, at: Date)
    /// A failed poll: transport, HTTP status or parse error.
    case failed(ErrorValue)
}
