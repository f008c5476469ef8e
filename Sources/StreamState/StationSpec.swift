import Foundation
import StreamFormats

/// The now-playing source kinds streamd polls.
public enum NowPlayingKind: String, Sendable, CaseIterable, Codable {
    /// Triton Digital now-playing XML.
    case triton
    /// NPR Composer widget JSON (`now` and `day`).
    case composer
    /// NPR Cadence widget JSON (`widget` and `day`).
    case cadence
    /// Icecast `status-json.xsl`.
    case icecast
    /// SHOUTcast v2 `stats?json=1`.
    case shoutcast
    /// AzuraCast now-playing API.
    case azuracast
    /// Spinitron v2 spins and playlists.
    case spinitron

    /// Kinds whose answers carry the program schedule (program on now and Next Up).
    public var carriesSchedule: Bool {
        switch self {
        case .composer, .cadence, .spinitron: true
        default: false
        }
    }
}

/// How a stream is watched.
public enum StreamMode: String, Sendable, Codable {
    /// Keep the connection open: instant title changes, reconnect with backoff.
    case follow
    /// Connect on an interval, read the head and the first metadata, hang up.
    case probe
}

/// The container of a stream, when not left to detection.
public enum StreamFormat: String, Sendable, Codable {
    /// Decide from the response: HLS by type or `.m3u8`, Ogg by type, else ICY.
    case auto
    /// MP3/AAC over HTTP, with ICY metadata when the server offers it.
    case icy
    /// Ogg Vorbis/Opus/FLAC: titles from comment headers of each new logical stream.
    case ogg
    /// HLS playlists: titles from `#EXTINF`.
    case hls
}

/// One stream to watch: what the monitor needs, independent of how it was configured.
public struct StreamSpec: Sendable, Equatable {
    /// The stream id within its station.
    public var id: String
    /// The URL.
    public var url: String
    /// Follow or probe.
    public var mode: StreamMode
    /// Container, or auto.
    public var format: StreamFormat
    /// How often a probe runs.
    public var probeInterval: Duration
    /// Title charset override (nil: UTF-8, else Latin-1).
    public var charset: TextCharset?
    /// Dead-air detection (the stream's audio decoded and measured; MP3, AAC, Ogg Vorbis and Opus streams), if set.
    public var silence: SilenceSpec?

    /// Creates a stream spec.
    public init(id: String, url: String, mode: StreamMode = .follow, format: StreamFormat = .auto,
                probeInterval: Duration = .seconds(60), charset: TextCharset? = nil, silence: SilenceSpec? = nil) {
        self.silence = silence
        self.id = id
        self.url = url
        self.mode = mode
        self.format = format
        self.probeInterval = probeInterval
        self.charset = charset
    }
}

/// One now-playing source to poll.
public struct SourceSpec: Sendable, Equatable {
    /// The kind of answer expected.
    public var kind: NowPlayingKind
    /// The URL polled every interval (`now` for schedule kinds, `spins` for Spinitron).
    public var url: String
    /// A second URL: the day's schedule (Composer, Cadence) or playlists (Spinitron).
    public var secondaryURL: String?
    /// The poll interval.
    public var interval: Duration
    /// The whole-transfer time limit.
    public var timeout: Duration
    /// Which mount (Icecast) or station shortcode (AzuraCast) to read.
    public var selector: String?
    /// A bearer token (Spinitron). Never logged.
    public var token: String?

    /// Creates a source spec.
    public init(kind: NowPlayingKind, url: String, secondaryURL: String? = nil, interval: Duration = .seconds(15),
                timeout: Duration = .seconds(10), selector: String? = nil, token: String? = nil) {
        self.kind = kind
        self.url = url
        self.secondaryURL = secondaryURL
        self.interval = interval
        self.timeout = timeout
        self.selector = selector
        self.token = token
    }
}

/// A station to watch: identity, zone, and what to watch.
public struct StationSpec: Sendable, Equatable {
    /// The station id.
    public var id: String
    /// Display name.
    public var name: String
    /// A short line under the name.
    public var tagline: String?
    /// The station's zone (for schedule times).
    public var timeZone: TimeZone
    /// The zone's name as configured (Foundation on Linux reports "UTC" as "GMT").
    public var timeZoneName: String
    /// Title charset for the station's sources and streams (nil: detect).
    public var charset: TextCharset?
    /// Its streams.
    public var streams: [StreamSpec]
    /// Its now-playing sources.
    public var sources: [SourceSpec]

    /// Creates a station spec.
    public init(id: String, name: String, tagline: String? = nil, timeZone: TimeZone, timeZoneName: String? = nil,
                charset: TextCharset? = nil, streams: [StreamSpec] = [], sources: [SourceSpec] = []) {
        self.id = id
        self.name = name
        self.tagline = tagline
        self.timeZone = timeZone
        self.timeZoneName = timeZoneName ?? timeZone.identifier
        self.charset = charset
        self.streams = streams
        self.sources = sources
    }
}

extension SourceSpec: CustomReflectable {
    /// The spec as `print`, `dump` and string interpolation show it: the token redacted, so a
    /// source's secret never reaches a log line (a library that logs its configuration at
    /// debug level, as ServiceLifecycle does, included).
    public var customMirror: Mirror {
        Mirror(self, children: [
            "kind": kind, "url": url, "secondaryURL": secondaryURL as Any, "interval": interval, "timeout": timeout,
            "selector": selector as Any, "token": token == nil ? "nil" : "<redacted>",
        ], displayStyle: .struct)
    }
}

extension StationSpec {
    /// Whether `other` watches exactly what this spec watches: the same id, zone, charset,
    /// streams and sources, whatever its display fields (`name`, `tagline`). A reload that
    /// changes only those keeps the station's watchers, its inputs and its streams' status:
    /// renaming a station must not take it off the air, even for a moment.
    public func watchesSame(as other: StationSpec) -> Bool {
        var display = other
        display.name = name
        display.tagline = tagline
        return display == self
    }
}
