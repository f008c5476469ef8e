import Foundation
import StreamFormats

/// Something a watcher saw, on its way to the state store. Each names its station and the
/// stream or source (by index in the station's spec) it came from.
public enum Observation: Sendable {
    /// A stream's connection state, head or metadata changed.
    case stream(station: String, index: Int, StreamEvent)
    /// A source poll ended.
    case source(station: String, index: Int, SourceEvent)
}

/// What a stream watcher reports.
public enum StreamEvent: Sendable, Equatable {
    /// Connecting (first attempt or a reconnect).
    case connecting(at: Date)
    /// The response head arrived and audio flows.
    case up(StreamHead, at: Date)
    /// A title arrived in the stream (`nil` track: empty or unusable title).
    case metadata(Track?, container: String, at: Date)
    /// The measured rate over the last window, in kbit/s.
    case bitrate(Int, at: Date)
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
