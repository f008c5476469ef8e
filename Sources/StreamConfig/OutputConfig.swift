import Foundation

/// An `[[output]]` table: what is on, sent on to something that shows it (docs/outputs.md).
public struct OutputConfig: Sendable, Equatable {
    /// `kind`: what the output feeds.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A text file, replaced atomically, for playout systems and video overlays.
        case file
        /// A DAB DL Plus file for ODR-PadEnc.
        case dls
        /// RadioText to an RDS encoder's ASCII port over TCP.
        case rds
        /// OnAirScreen's UDP text commands, for a studio display.
        case udp
        /// The title of an Icecast mount.
        case icecast
        /// A signed HTTP POST of the station's JSON.
        case webhook
        /// TuneIn AIR's now-playing update.
        case tunein
    }

    /// `dialect` (rds): the encoder's command language.
    public enum Dialect: String, Sendable, Equatable, CaseIterable {
        /// Pira P132/P232 and its clones: `RT1=`, `RTP=`.
        case pira
        /// Inovonics 730/732 (and DEVA): `TEXT=`, `RTP=`.
        case inovonics
        /// Nautel VS/GV exciters' ASCII port: `TEXT=`.
        case nautel
    }

    /// `charset`: the characters the output may send.
    public enum Charset: String, Sendable, Equatable, CaseIterable {
        /// As is.
        case utf8 = "utf-8"
        /// Printable ASCII.
        case ascii
        /// The EBU Latin set of RDS and DAB.
        case ebuLatin = "ebu-latin"
    }

    /// Where a secret comes from: `NAME_file` (a file, read at start) or `NAME_env` (an
    /// environment variable, read at start).
    public enum SecretSource: Sendable, Equatable {
        /// A file holding the secret (surrounding whitespace removed).
        case file(String)
        /// An environment variable holding it.
        case environment(String)
    }

    /// `kind`.
    public var kind: Kind
    /// `station`: the id of the station whose now-playing it sends.
    public var station: String
    /// `path` (file, dls): where the text goes; relative paths against the configuration's folder.
    public var path: String?
    /// `target` (rds, udp): `HOST:PORT`.
    public var target: ListenAddress?
    /// `url` (icecast: the mount's URL; webhook: where to POST; tunein: the AIR endpoint).
    public var url: String?
    /// `template`: the text while a song plays (default `{artist} – {title}`).
    public var template: String
    /// `fallback`: the text while none does (default `{text}`); `""`: nothing.
    public var fallback: String
    /// `delay`: how long after a change the output sends it (default 0).
    public var delay: Duration
    /// `min_hold`: the shortest time a text stays before the next replaces it (default 0).
    public var minHold: Duration
    /// `rate_limit`: at most this many sends in any minute (nil: no limit).
    public var rateLimit: Int?
    /// `max_length`: the longest text in characters, cut at a word (nil: the kind's limit).
    public var maxLength: Int?
    /// `charset` (nil: the kind's: ASCII for rds, EBU Latin for dls, else UTF-8).
    public var charset: Charset?
    /// `dialect` (rds; default pira).
    public var dialect: Dialect
    /// `repeat` (udp; default 30 s): send the last text again after this long.
    public var repeatEvery: Duration
    /// `user` (icecast; default `source`).
    public var user: String
    /// `password_file` / `password_env` (icecast).
    public var password: SecretSource?
    /// `secret_file` / `secret_env` (webhook): the HMAC-SHA256 key.
    public var secret: SecretSource?
    /// `partner_id` (tunein).
    public var partnerID: String?
    /// `partner_key_file` / `partner_key_env` (tunein).
    public var partnerKey: SecretSource?
    /// `station_id` (tunein): TuneIn's id of the station, e.g. `s12345`.
    public var stationID: String?

    /// The default `template`.
    public static let defaultTemplate = "{artist} – {title}"
    /// The default `fallback`.
    public static let defaultFallback = "{text}"
    /// TuneIn AIR's now-playing endpoint.
    public static let tuneinURL = "https://air.radiotime.com/Playing.ashx"

    /// Creates an output. Not validated.
    public init(kind: Kind, station: String, path: String? = nil, target: ListenAddress? = nil, url: String? = nil,
                template: String = OutputConfig.defaultTemplate, fallback: String = OutputConfig.defaultFallback,
                delay: Duration = .zero, minHold: Duration = .zero, rateLimit: Int? = nil, maxLength: Int? = nil,
                charset: Charset? = nil, dialect: Dialect = .pira, repeatEvery: Duration = .seconds(30), user: String = "source",
                password: SecretSource? = nil, secret: SecretSource? = nil, partnerID: String? = nil,
                partnerKey: SecretSource? = nil, stationID: String? = nil) {
        self.kind = kind
        self.station = station
        self.path = path
        self.target = target
        self.url = url
        self.template = template
        self.fallback = fallback
        self.delay = delay
        self.minHold = minHold
        self.rateLimit = rateLimit
        self.maxLength = maxLength
        self.charset = charset
        self.dialect = dialect
        self.repeatEvery = repeatEvery
        self.user = user
        self.password = password
        self.secret = secret
        self.partnerID = partnerID
        self.partnerKey = partnerKey
        self.stationID = stationID
    }
}

extension OutputConfig.SecretSource {
    /// The secret, read now; `what` names it in the error. Throws when the file cannot be
    /// read, the variable is unset, or either is empty.
    public func read(what: String, environment: [String: String] = ProcessEnvironment.current) throws(ConfigError) -> ConfigSecret {
        switch self {
        case .file(let path):
            return try ConfigSecret.read(file: path, what: what)
        case .environment(let name):
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw ConfigError(file: "environment", problems: [ConfigProblem(keyPath: name, message: "the \(what) variable is unset or empty")])
            }
            return ConfigSecret(value)
        }
    }
}

/// The process's environment.
public enum ProcessEnvironment {
    /// `ProcessInfo`'s environment.
    public static var current: [String: String] { ProcessInfo.processInfo.environment }
}

extension StreamdConfiguration {
    /// Reads every output's secrets, as `run` does at start; throws the first that cannot be read.
    public func readOutputSecrets() throws(ConfigError) {
        for output in outputs {
            for (source, what) in [(output.password, "Icecast password"), (output.secret, "webhook secret"),
                                   (output.partnerKey, "TuneIn partner key")] {
                _ = try source?.read(what: what)
            }
        }
    }
}
