/// One output as the daemon runs it (made from an `[[output]]` table).
public struct OutputSpec: Sendable, Equatable {
    /// Where the text goes, and what each kind needs to get it there.
    public enum Target: Sendable, Equatable {
        /// A text file, replaced atomically.
        case file(path: String)
        /// A DAB DL Plus file in ODR-PadEnc's format, replaced atomically.
        case dls(path: String)
        /// OnAirScreen's UDP text commands (`NOW:`, `NEXT:`, `WARN:`).
        case udp(host: String, port: Int)
        /// RadioText to an RDS encoder's ASCII port over TCP.
        case rds(host: String, port: Int, dialect: RDSDialect)
        /// The title of an Icecast mount (`/admin/metadata?mode=updinfo`): `url` is the mount's.
        case icecast(url: String, user: String, password: OutputSecret)
        /// An HTTP POST of the station's JSON, signed with HMAC-SHA256 when there is a secret.
        case webhook(url: String, secret: OutputSecret?)
        /// TuneIn AIR's now-playing GET.
        case tunein(url: String, partnerID: String, partnerKey: OutputSecret, stationID: String)
    }

    /// Where the text goes.
    public var target: Target
    /// The station whose now-playing it sends.
    public var station: String
    /// The text while a song plays.
    public var template: String
    /// The text while none does; `""`: nothing (a file or display is cleared, the others keep
    /// their last text).
    public var fallback: String
    /// How long after a change it is sent.
    public var delay: Duration
    /// The shortest time a text stays before the next replaces it.
    public var minHold: Duration
    /// At most this many sends in any minute (`nil`: no limit).
    public var perMinute: Int?
    /// The longest text, in characters, cut at a word (`nil`: the kind's own limit, if any).
    public var maxLength: Int?
    /// The characters the output may send.
    public var charset: OutputCharset
    /// Send the last message again this long after it went (`.zero`: never): for receivers
    /// that cannot say they missed one, a display on UDP that was switched off.
    public var repeatEvery: Duration

    /// Creates an output.
    public init(target: Target, station: String, template: String, fallback: String, delay: Duration,
                minHold: Duration = .zero, perMinute: Int? = nil, maxLength: Int? = nil, charset: OutputCharset? = nil,
                repeatEvery: Duration = .zero) {
        self.target = target
        self.station = station
        self.template = template
        self.fallback = fallback
        self.delay = delay
        self.minHold = minHold
        self.perMinute = perMinute
        self.maxLength = maxLength ?? Self.lengthLimit(of: target)
        self.charset = charset ?? Self.defaultCharset(of: target)
        self.repeatEvery = repeatEvery
    }

    /// The limit of what the receiver can show: RadioText 64 characters, a DAB label 128.
    public static func lengthLimit(of target: Target) -> Int? {
        switch target {
        case .rds: 64
        case .dls: 128
        default: nil
        }
    }

    /// ASCII for RDS encoders (whose ASCII ports take nothing else), EBU Latin for DAB, UTF-8
    /// otherwise.
    public static func defaultCharset(of target: Target) -> OutputCharset {
        switch target {
        case .rds: .ascii
        case .dls: .ebuLatin
        default: .utf8
        }
    }

    /// `file`, `dls`, `udp`, `rds`, `icecast`, `webhook` or `tunein`.
    public var kind: String {
        switch target {
        case .file: "file"
        case .dls: "dls"
        case .udp: "udp"
        case .rds: "rds"
        case .icecast: "icecast"
        case .webhook: "webhook"
        case .tunein: "tunein"
        }
    }

    /// Where it sends, without secrets: a path, `host:port`, or a URL without its query.
    public var targetDescription: String {
        switch target {
        case .file(let path), .dls(let path): path
        case .udp(let host, let port), .rds(let host, let port, _): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .icecast(let url, _, _), .webhook(let url, _), .tunein(let url, _, _, _):
            String(url.prefix { $0 != "?" })
        }
    }

    /// `rds 127.0.0.1:5000`, for logs.
    public var name: String { "\(kind) \(targetDescription)" }

    /// Whether an empty text is sent (a file or display cleared) or skipped (an encoder, a
    /// mount, a directory keep their last text; TuneIn gets songs only).
    var sendsEmptyText: Bool {
        switch target {
        case .file, .udp, .webhook: true
        case .dls, .rds, .icecast, .tunein: false
        }
    }
}

/// A secret of an output (a password, a partner key, a webhook key): printing, interpolating
/// or dumping it shows `<redacted>`; only ``value`` gives the text.
public struct OutputSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself. Never log it.
    public let value: String
    /// Wraps a secret.
    public init(_ value: String) { self.value = value }
    /// `<redacted>`.
    public var description: String { "<redacted>" }
    /// `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
