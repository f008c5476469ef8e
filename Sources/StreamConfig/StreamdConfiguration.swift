/// A validated streamd configuration: the daemon's settings and the stations it watches.
///
/// Built only by ``parse(_:file:)``, ``load(path:)`` or ``embeddedDefault``, so every value
/// has passed the same checks (see `docs/configuration.md`).
public struct StreamdConfiguration: Sendable, Equatable {
    /// The `[daemon]` table.
    public var daemon: DaemonConfig
    /// The `[[station]]` tables, in file order (at least one).
    public var stations: [StationConfig]
    /// The file it was read from; nil for the embedded default.
    public var sourceFile: String?
    /// The `[publish.mqtt]` table; nil when the state is not published to a broker.
    public var mqtt: MQTTPublishConfig?
    /// The `[[output]]` tables, in file order.
    public var outputs: [OutputConfig] = []

    /// Creates a configuration from parts (tests, the demo). Not validated.
    public init(daemon: DaemonConfig, stations: [StationConfig], sourceFile: String? = nil) {
        self.daemon = daemon
        self.stations = stations
        self.sourceFile = sourceFile
    }

    /// The file `streamd run` reads when no `--config` is given, if it exists.
    public static let defaultPath = "/etc/streamd/streamd.toml"

    /// The station with this id.
    public func station(id: String) -> StationConfig? {
        stations.first { $0.id == id }
    }
}

/// The `[daemon]` table.
public struct DaemonConfig: Sendable, Equatable {
    /// `socket`: the Unix socket's path (default `/run/streamd/streamd.sock`).
    public var socket: String
    /// `socket_mode`: the socket file's permission bits (default `0o660`).
    public var socketMode: UInt32
    /// `state_file`: where the state document is kept (default `/var/lib/streamd/state.json`).
    public var stateFile: String
    /// `state_write_interval`: the least time between two writes of the state file (default
    /// 1 s); the changes in between are coalesced into the next write.
    public var stateWriteInterval: Duration = .seconds(1)
    /// `state_pretty`: write the state file indented, for people (default false: compact).
    public var statePretty = false
    /// `max_connections`: the most socket API connections open at once, event streams
    /// included, over every listener (default 1024); one more is answered 503 and closed.
    public var maxConnections = 1024
    /// `max_subscribers`: the most event-stream subscribers at once (default 1000); one more
    /// is answered 503 and closed, leaving room for plain requests under `max_connections`.
    public var maxSubscribers = 1000
    /// `live`: the id of the station "Play Live Radio" plays (default: the first station).
    public var live: String
    /// `log_level`: the lowest level logged (default `info`).
    public var logLevel: ConfigLogLevel
    /// `listen`: the optional read-only TCP listener; nil (the default) means none.
    public var listen: ListenAddress?
    /// `user_agent_suffix`: appended to streamd's User-Agent, e.g. a contact address.
    public var userAgentSuffix: String?

    /// Creates daemon settings; unspecified values are the defaults.
    public init(socket: String = DaemonConfig.defaultSocket, socketMode: UInt32 = 0o660,
                stateFile: String = DaemonConfig.defaultStateFile, live: String,
                logLevel: ConfigLogLevel = .info, listen: ListenAddress? = nil, userAgentSuffix: String? = nil) {
        self.socket = socket
        self.socketMode = socketMode
        self.stateFile = stateFile
        self.live = live
        self.logLevel = logLevel
        self.listen = listen
        self.userAgentSuffix = userAgentSuffix
    }

    /// `/run/streamd/streamd.sock`.
    public static let defaultSocket = "/run/streamd/streamd.sock"
    /// `/var/lib/streamd/state.json`.
    public static let defaultStateFile = "/var/lib/streamd/state.json"
}

/// `log_level` values, the names swift-log and syslog use.
public enum ConfigLogLevel: String, Sendable, Equatable, CaseIterable {
    /// Everything, including per-transfer detail.
    case trace
    /// Diagnostic detail.
    case debug
    /// Normal operation (the default).
    case info
    /// Significant but normal events.
    case notice
    /// Something is wrong but handled.
    case warning
    /// An operation failed.
    case error
    /// The daemon cannot continue.
    case critical
}

/// A TCP listen address: `127.0.0.1:8080`, `[::1]:8080`, `:8080` (every address).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host or address literal (IPv6 without brackets); nil means every address.
    public var host: String?
    /// The port, 1...65535.
    public var port: Int

    /// Creates an address.
    public init(host: String?, port: Int) {
        self.host = host
        self.port = port
    }

    /// As written in the configuration: `127.0.0.1:8080`, `[::1]:8080`, `:8080`.
    public var description: String {
        guard let host else { return ":\(port)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
