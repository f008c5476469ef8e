import StreamState

import StreamFormats
/// A `[[station.stream]]` table: one audio stream to watch.
public struct StreamConfig: Sendable, Equatable {
    /// How the stream is watched.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Keep the connection open: instant title changes, reconnect with backoff.
        case follow
        /// Connect every `interval`, read the headers and the first metadata, hang up.
        case probe
    }

    /// What the stream carries.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// Decide from the response (content type, `icy-metaint`, playlist text).
        case auto
        /// ICY (Icecast, SHOUTcast, StreamTheWorld) with in-band metadata.
        case icy
        /// An Ogg mount (Vorbis, Opus, FLAC); titles from comment headers.
        case ogg
        /// An HLS media (or master) playlist.
        case hls
    }

    /// `id`: unique within the station.
    public var id: String
    /// `url`: http, https or file.
    public var url: String
    /// `mode`: follow (default) or probe.
    public var mode: Mode
    /// `interval`: how often a `probe` stream is checked (default 60 s).
    public var interval: Duration
    /// `format`: auto (default), icy, ogg or hls.
    public var format: Format
    /// `charset`: overrides the station's charset for this stream's titles.
    public var charset: TextCharset?
    /// `silence`: dead-air detection (`"music"`, `"talk"` or `{ threshold, after }`); nil: off.
    public var silence: SilenceSpec?

    /// Creates a stream. Not validated.
    public init(id: String, url: String, mode: Mode = .follow, interval: Duration = .seconds(60),
                format: Format = .auto, charset: TextCharset? = nil, silence: SilenceSpec? = nil) {
        self.silence = silence
        self.id = id
        self.url = url
        self.mode = mode
        self.interval = interval
        self.format = format
        self.charset = charset
    }
}
