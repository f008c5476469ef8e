import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import StreamAPI
import StreamConfig
import StreamHTTP
import StreamMQTT
import StreamOutputs
import StreamState
import StreamWatch
import NIOConcurrencyHelpers

/// The whole daemon, wired: configuration → watchers (one engine thread) → state store →
/// state file, event hub and socket API. `streamd run` and `streamd demo` run one; the
/// end-to-end tests run the binary that does.
///
/// Two steps. ``prepare(configuration:configPath:overrides:notifier:logger:)`` loads the
/// previous state and binds the socket API: when it returns, a second daemon has been refused
/// and the socket listens. ``run(before:)`` then runs the daemon as a `ServiceGroup`, in this
/// order (shutdown goes the other way, one service at a time):
///
/// 1. `before` (e.g. the demo station), 2. the curl engine, 3. watching (the supervisor, the
/// store, the state file), 4. the socket API, 5. SIGHUP reloads, 6. systemd (READY, STATUS,
/// watchdog, STOPPING).
///
/// SIGTERM and SIGINT shut down gracefully: `STOPPING=1`, reloads end, the socket closes and
/// its file goes, the watchers stop and the final state is written, the engine stops. A
/// shutdown that takes longer than ``gracefulShutdownDeadline`` is cancelled (the final state
/// is still written); one that then takes ``cancellationDeadline`` more ends the process, all
/// well inside systemd's `TimeoutStopSec=10s`.
public final class StreamdDaemon: StateAPIBackend {
    /// What the command line may change without touching the configuration file.
    public struct Overrides: Sendable {
        /// Replace `daemon.socket`.
        public var socket: String?
        /// Replace `daemon.state_file`.
        public var stateFile: String?
        /// Serve on this already listening socket (systemd socket activation) instead of binding.
        public var inheritedSocket: CInt?
        /// Watching time constants.
        public var tuning = MonitorTuning()
        /// Socket API limits (nil: the defaults, with `[daemon] max_connections`).
        public var limits: APILimits?

        /// No overrides.
        public init() {}
    }

    /// How long a graceful shutdown may take before the group is cancelled.
    public static let gracefulShutdownDeadline: Duration = .seconds(5)
    /// How long the cancelled group may take before the process gives up.
    public static let cancellationDeadline: Duration = .seconds(3)

    private let configPath: String?
    private let logger: Logger
    private let configuration: NIOLockedValueBox<StreamdConfiguration>
    private let stations: [StationSpec]
    private let supervisor: Supervisor
    private let writer: StateFileWriter
    /// The newest document, for the socket API's read routes (answered on the event loop).
    public let snapshot: DocumentSnapshot?
    private let server = NIOLockedValueBox<APIServer?>(nil)
    private let notifier: SystemdNotifier
    /// Publishing to the broker of `[publish.mqtt]`, if configured.
    private let mqtt: MQTTPublisher?
    /// The `[[output]]` tables' outputs, if any.
    private let outputs: OutputsPublisher?
    /// The streams' histories, and the file beside the state file that keeps them.
    private let historyRecorder: HistoryRecorder
    private let historyFile: HistoryFile
    /// The socket path (or `fd:N`) the API serves on.
    public let socketDescription: String
    /// The state file's path.
    public let stateFilePath: String

    /// The store, for in-process observers.
    public var store: StateStore { supervisor.store }
    /// The engine every transfer goes through.
    public var engine: CurlEngine { supervisor.engine }

    private init(configuration: StreamdConfiguration, configPath: String?, logger: Logger, stations: [StationSpec],
                 supervisor: Supervisor, writer: StateFileWriter, snapshot: DocumentSnapshot, notifier: SystemdNotifier,
                 socketDescription: String, mqtt: MQTTPublisher?, outputs: OutputsPublisher?,
                 history: HistoryRecorder, historyFile: HistoryFile) {
        self.historyRecorder = history
        self.historyFile = historyFile
        self.mqtt = mqtt
        self.outputs = outputs
        self.configuration = NIOLockedValueBox(configuration)
        self.snapshot = snapshot
        self.configPath = configPath
        self.logger = logger
        self.stations = stations
        self.supervisor = supervisor
        self.writer = writer
        self.notifier = notifier
        self.socketDescription = socketDescription
        self.stateFilePath = writer.path
    }

    /// Loads the previous state and binds the socket API; nothing is watched yet. Throws the
    /// configuration's or the socket's error (nothing is left running or written then).
    public static func prepare(configuration: StreamdConfiguration, configPath: String?, overrides: Overrides = Overrides(),
                               notifier: SystemdNotifier = SystemdNotifier(environment: [:]),
                               logger: Logger) async throws -> StreamdDaemon {
        let stations = try configuration.stationSpecs()
        let stateFile = StateFile(path: overrides.stateFile ?? configuration.daemon.stateFile,
                                  pretty: configuration.daemon.statePretty)
        var previous: StateDocument?
        var unloadable: StateFileError?
        do {
            previous = try stateFile.load()
            if let previous { logger.info("loaded state file \(stateFile.path) (sequence \(previous.sequence)); serving it as stale until refreshed") }
        } catch {
            unloadable = error
        }
        let historyFile = HistoryFile(besideStateFile: stateFile.path)
        var histories: [StreamKey: StreamHistory] = [:]
        var unloadableHistory: HistoryFileError?
        do {
            let saved = try historyFile.load()
            do {
                histories = try saved?.histories(start: Date()) ?? [:]
            } catch {
                unloadableHistory = HistoryFileError(code: .invalid, path: historyFile.path, message: error.message)
            }
        } catch {
            unloadableHistory = error
        }
        let history = HistoryRecorder(loaded: histories)
        let metrics = MetricsRegistry()
        DaemonMetrics.bootstrap(metrics.registry)
        let engine = try CurlEngine(userAgentSuffix: configuration.daemon.userAgentSuffix)
        let hub = EventHub()
        let snapshot = DocumentSnapshot()
        let writer = StateFileWriter(file: stateFile, interval: configuration.daemon.stateWriteInterval, logger: logger)
        let mqtt = try configuration.mqtt.map { config throws(ConfigError) in
            try MQTTPublisher.configured(config, stateInterval: configuration.daemon.stateWriteInterval, logger: logger)
        }
        let outputs = try OutputsPublisher.configured(configuration.outputs, engine: engine, logger: logger)
        let store = StateStore(stations: stations, live: configuration.daemon.live, previous: previous,
                               publishers: [writer, hub, snapshot, history] + (mqtt.map { [$0] } ?? []) + (outputs.map { [$0] } ?? []))
        snapshot.publish(await store.current, changed: nil)
        let supervisor = Supervisor(engine: engine, store: store, tuning: overrides.tuning, logger: logger)
        let socket = overrides.socket ?? configuration.daemon.socket
        var listeners: [APIListener] = [overrides.inheritedSocket.map { .inherited(fd: $0) }
                                        ?? .unix(path: socket, mode: mode_t(configuration.daemon.socketMode))]
        if let listen = configuration.daemon.listen {
            listeners.append(.tcp(host: listen.host ?? "0.0.0.0", port: listen.port))
        }
        // The daemon exists before its socket: the first request (with socket activation, the
        // one that started us) may arrive the moment the listener is bound.
        let daemon = StreamdDaemon(configuration: configuration, configPath: configPath, logger: logger, stations: stations,
                                   supervisor: supervisor, writer: writer, snapshot: snapshot, notifier: notifier,
                                   socketDescription: overrides.inheritedSocket.map { "fd:\($0)" } ?? socket, mqtt: mqtt,
                                   outputs: outputs, history: history, historyFile: historyFile)
        do {
            let limits = overrides.limits ?? APILimits(maxConnections: configuration.daemon.maxConnections,
                                                       maxSubscribers: configuration.daemon.maxSubscribers)
            OpenFileLimit.raise(for: limits.maxConnections, stations: stations, logger: logger)
            let server = try await APIServer.start(listeners: listeners, backend: daemon, hub: hub, limits: limits,
                                                   logger: logger, metrics: metrics)
            daemon.server.withLockedValue { $0 = server }
        } catch {
            engine.shutdown()
            await writer.finish()
            throw error
        }
        // Only now that the socket is ours: the loaded (or empty) state goes to disk and the
        // hub. A daemon refused because another one runs must not touch that one's file.
        if let unloadable {
            // Kept aside, never overwritten without trace (the first write would replace it).
            do {
                let aside = try stateFile.setAside()
                logger.warning("\(unloadable); kept aside as \(aside); starting without the previous state")
            } catch {
                logger.error("\(unloadable); \(error.message); starting without the previous state")
            }
        }
        if let unloadableHistory {
            do {
                let aside = try historyFile.setAside()
                logger.warning("\(unloadableHistory); kept aside as \(aside); the streams' history starts empty")
            } catch {
                logger.error("\(unloadableHistory); \(error.message); the streams' history starts empty")
            }
        } else if !histories.isEmpty {
            logger.info("loaded the history of \(histories.count) stream(s) from \(historyFile.path)")
        }
        await store.publishSnapshot()
        return daemon
    }

    /// Runs the daemon until SIGTERM or SIGINT (or cancellation), then shuts it down as the
    /// type's description says. `before` run first and stop last.
    public func run(before: [any Service] = [], testHooks: Bool = false) async throws {
        guard let api = server.withLockedValue({ $0 }) else { preconditionFailure("prepare() binds the API before run()") }
        // Named explicitly: ServiceLifecycle would otherwise log each service's whole value.
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = before.map { .init(service: $0) } + [
            .init(service: EngineService(engine: engine), serviceName: "engine"),
        ] + (mqtt.map { [.init(service: MQTTService(publisher: $0), serviceName: "MQTT")] } ?? [])
          + (outputs.map { [.init(service: OutputsService(publisher: $0, store: store), serviceName: "outputs")] } ?? []) + [
            .init(service: HistoryService(recorder: historyRecorder, file: historyFile, logger: logger), serviceName: "history"),
            .init(service: WatchService(supervisor: supervisor, stations: stations, writer: writer, logger: logger),
                  serviceName: "watching"),
            .init(service: APIService(server: api), serviceName: "socket API"),
            .init(service: ReloadService(daemon: self, logger: logger, testHooks: testHooks), serviceName: "reload"),
            .init(service: MemoryTrimService(), serviceName: "memory trim"),
            .init(service: SystemdService(notifier: notifier, engine: engine, store: store, logger: logger), serviceName: "systemd"),
        ]
        SignalMask.unblock([SIGTERM, SIGINT, SIGHUP] + (testHooks ? [SIGUSR2] : []))
        var configuration = ServiceGroupConfiguration(services: services,
                                                      gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger)
        configuration.maximumGracefulShutdownDuration = Self.gracefulShutdownDeadline
        configuration.maximumCancellationDuration = Self.cancellationDeadline
        try await ServiceGroup(configuration: configuration).run()
        logger.info("stopped")
    }

    // MARK: StateAPIBackend

    /// The streams' histories.
    public var history: HistoryRecorder? { historyRecorder }

    /// The current document.
    public func currentDocument() async -> StateDocument {
        await supervisor.store.current
    }

    /// The metered streams' last measured seconds, for `/metrics`.
    public func liveAudio() async -> [String: [String: AudioStatus]] {
        await supervisor.store.liveAudio
    }

    /// Polls now.
    public func refresh(station: String?) async -> Bool {
        supervisor.refresh(station: station)
    }

    /// Re-reads the configuration file (the embedded default when run without one) and
    /// applies it; an invalid one is refused and the old one keeps running. Returns when the
    /// new stations are watched (the old watchers of changed stations have ended).
    public func reload() async throws(ReloadError) {
        notifier.reloading()
        defer { notifier.ready() }
        do {
            try await applyReload()
        } catch {
            logger.error("reload refused: \(error.message)")
            notifier.status("reload refused: \(error.message)")
            throw error
        }
    }

    private func applyReload() async throws(ReloadError) {
        let next: StreamdConfiguration
        let stations: [StationSpec]
        do {
            next = try configPath.map { path throws(ConfigError) in try StreamdConfiguration.load(path: path) }
                ?? StreamdConfiguration.embeddedDefault
            stations = try next.stationSpecs()
        } catch {
            throw ReloadError(message: error.description)
        }
        let old = configuration.withLockedValue { $0 }
        if next.daemon.socket != old.daemon.socket || next.daemon.stateFile != old.daemon.stateFile
            || next.daemon.listen != old.daemon.listen || next.daemon.socketMode != old.daemon.socketMode
            || next.daemon.stateWriteInterval != old.daemon.stateWriteInterval || next.daemon.statePretty != old.daemon.statePretty
            || next.daemon.maxConnections != old.daemon.maxConnections
            || next.daemon.maxSubscribers != old.daemon.maxSubscribers {
            logger.warning("reload: socket, socket_mode, state_file, state_write_interval, state_pretty, max_connections, max_subscribers and listen changes take effect at the next restart")
        }
        if next.mqtt != old.mqtt {
            logger.warning("reload: [publish.mqtt] changes take effect at the next restart")
        }
        if next.outputs != old.outputs {
            logger.warning("reload: [[output]] changes take effect at the next restart")
        }
        configuration.withLockedValue { $0 = next }
        engine.setUserAgentSuffix(next.daemon.userAgentSuffix)
        guard await supervisor.reconfigure(stations, live: next.daemon.live) else {
            throw ReloadError(message: "the daemon is shutting down")
        }
        logger.info("reloaded \(configPath ?? "the built-in configuration"): \(stations.count) station(s)")
    }

    /// True while the engine thread turns.
    public func engineAlive() async -> Bool {
        await engine.isTurning()
    }
}

extension EventHub: StatePublisher {}
