import Foundation
import StreamState

/// A `[[station.source]]` table: one now-playing endpoint polled on an interval.
public struct SourceConfig: Sendable, Equatable {
    /// The kind of endpoint, which decides the URL and the parser: the monitor's own kinds.
    public typealias Kind = NowPlayingKind

    /// The keys particular to each kind.
    public enum Settings: Sendable, Equatable {
        /// `mount` (required unless `url`), `count` (numberToFetch, default 5).
        case triton(mount: String?, count: Int)
        /// `ucs` (required unless `url`), `day_url` (optional, see ``SourceConfig/dayURL(for:)``).
        case composer(ucs: String?, dayURL: String?)
        /// `uuid` (required unless `url`), `day_url` (optional).
        case cadence(uuid: String?, dayURL: String?)
        /// `mount`: which mount's title to read (nil: the only mount; none when the server lists several).
        case icecast(mount: String?)
        /// `sid`: the stream id on the server (default 1).
        case shoutcast(sid: Int)
        /// `station`: the station shortcode (required unless `url` is a full now-playing URL).
        case azuracast(station: String?)
        /// `token` or `token_file`.
        case spinitron(token: SpinitronToken)

        /// The kind these settings belong to.
        public var kind: Kind {
            switch self {
            case .triton: .triton
            case .composer: .composer
            case .cadence: .cadence
            case .icecast: .icecast
            case .shoutcast: .shoutcast
            case .azuracast: .azuracast
            case .spinitron: .spinitron
            }
        }
    }

    /// `kind` and the keys particular to it.
    public var settings: Settings
    /// `url`: overrides the endpoint (see `docs/configuration.md` for what it means per kind);
    /// required for icecast, shoutcast and azuracast.
    public var url: String?
    /// `interval`: time between polls (default 15 s, at least 1 s).
    public var interval: Duration
    /// `timeout`: the limit on one poll (default 10 s).
    public var timeout: Duration

    /// Creates a source. Not validated.
    public init(settings: Settings, url: String? = nil, interval: Duration = .seconds(15),
                timeout: Duration = .seconds(10)) {
        self.settings = settings
        self.url = url
        self.interval = interval
        self.timeout = timeout
    }

    /// The source's kind.
    public var kind: Kind { settings.kind }
}

/// Where a Spinitron API key comes from. Printing it never shows the key.
public enum SpinitronToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `token = "..."`: the key itself.
    case inline(ConfigSecret)
    /// `token_file = "..."`: a file holding the key (absolute, or resolved against the
    /// configuration file's directory), read when the daemon starts and at every reload
    /// (``StreamdConfiguration/stationSpecs()``), not at each poll.
    case file(String)

    /// `token <redacted>` or `token_file PATH`.
    public var description: String {
        switch self {
        case .inline: "token <redacted>"
        case .file(let path): "token_file \(path)"
        }
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// The key: the inline one, or the file's contents with surrounding whitespace removed.
    /// Throws when the file cannot be read or is empty.
    public func secret() throws(ConfigError) -> ConfigSecret {
        switch self {
        case .inline(let secret):
            return secret
        case .file(let path):
            return try ConfigSecret.read(file: path, what: "token")
        }
    }
}
