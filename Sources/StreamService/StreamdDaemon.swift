import Foundation
import Logging
import Synchronization
import StreamHTTP
import StreamState
import StreamConfig
import StreamWatch
import StreamAPI

/// The whole daemon, wired: configuration → watchers (one engine thread) → state store →
/// state file, event hub and socket API. `streamd run` and `streamd demo` start one; the
/// end-to-end tests start the binary that does.
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
        /// Socket API limits.
        public var limits = APILimits()

        /// No overrides.
        public init() {}
    }

    /// What a reload phase hook is told (systemd's RELOADING=1 / READY=1 go around it).
    public enum ReloadPhase: Sendable {
        /// A reload starts.
        case started
        /// It ended: applied, or refused with the reason.
        case finished(Result<Void, ReloadError>)
    }

    private let configPath: String?
    private let logger: Logger
    private let configuration: Mutex<StreamdConfiguration>
    private let supervisor: Supervisor
    private let hub: EventHub
    private let writer: StateFileWriter
    private let server = Mutex<APIServer?>(nil)
    private let reloadHook: @Sendable (ReloadPhase) -> Void
    /// The socket path (or `fd:N`) the API serves on.
    public let socketDescription: String
    /// The state file's path.
    public let stateFilePath: String

    /// The store, for in-process observers (systemd status line).
    public var store: StateStore { supervisor.store }
    /// The engine, for the watchdog.
    public var engine: CurlEngine { supervisor.engine }

    private init(configuration: StreamdConfiguration, configPath: String?, logger: Logger, supervisor: Supervisor,
                 hub: EventHub, writer: StateFileWriter, socketDescription: String, stateFilePath: String,
                 reloadHook: @escaping @Sendable (ReloadPhase) -> Void) {
        self.configuration = Mutex(configuration)
        self.configPath = configPath
        self.logger = logger
        self.supervisor = supervisor
        self.hub = hub
        self.writer = writer
        self.socketDescription = socketDescription
        self.stateFilePath = stateFilePath
        self.reloadHook = reloadHook
    }

    /// Loads the previous state, starts the watchers and the socket API. When this returns
    /// the socket listens and the state is loaded (the moment for systemd's READY=1).
    public static func start(configuration: StreamdConfiguration, configPath: String?, overrides: Overrides = Overrides(),
                             logger: Logger, reloadHook: @escaping @Sendable (ReloadPhase) -> Void = { _ in }) async throws -> StreamdDaemon {
        let stations = try configuration.stationSpecs()
        let stateFile = StateFile(path: overrides.stateFile ?? configuration.daemon.stateFile)
        var previous: StateDocument?
        do {
            previous = try stateFile.load()
            if let previous { logger.info("loaded state file \(stateFile.path) (sequence \(previous.sequence)); serving it as stale until refreshed") }
        } catch {
            logger.warning("\(error); starting without the previous state")
        }
        let engine = try CurlEngine()
        let hub = EventHub()
        let writer = StateFileWriter(file: stateFile, logger: logger)
        let store = StateStore(stations: stations, live: configuration.daemon.live, previous: previous,
                               publishers: [writer, hub])
        let supervisor = Supervisor(engine: engine, store: store, tuning: overrides.tuning, logger: logger)
        let socket = overrides.socket ?? configuration.daemon.socket
        var listeners: [APIListener] = [overrides.inheritedSocket.map { .inherited(fd: $0) }
                                        ?? .unix(path: socket, mode: mode_t(configuration.daemon.socketMode))]
        if let listen = configuration.daemon.listen {
            listeners.append(.tcp(host: listen.host ?? "0.0.0.0", port: listen.port))
        }
        let daemon = StreamdDaemon(configuration: configuration, configPath: configPath, logger: logger, supervisor: supervisor,
                                   hub: hub, writer: writer,
                                   socketDescription: overrides.inheritedSocket.map { "fd:\($0)" } ?? socket,
                                   stateFilePath: stateFile.path, reloadHook: reloadHook)
        do {
            let server = try await APIServer.start(listeners: listeners, backend: daemon, hub: hub, limits: overrides.limits, logger: logger)
            daemon.server.withLock { $0 = server }
        } catch {
            await supervisor.shutdown()
            await writer.finish()
            throw error
        }
        // Only now that the socket is ours: the loaded (or empty) state goes to disk and the
        // hub. A daemon refused because another one runs must not touch that one's file.
        await store.publishSnapshot()
        supervisor.start(stations)
        return daemon
    }

    // MARK: StateAPIBackend

    /// The current document.
    public func currentDocument() async -> StateDocument {
        await supervisor.store.current
    }

    /// Polls now.
    public func refresh(station: String?) async -> Bool {
        supervisor.refresh(station: station)
    }

    /// Re-reads the configuration file (the embedded default when run without one) and
    /// applies it; an invalid one is refused and the old one keeps running.
    public func reload() async throws(ReloadError) {
        reloadHook(.started)
        do {
            try await applyReload()
            reloadHook(.finished(.success(())))
        } catch {
            logger.error("reload refused: \(error.message)")
            reloadHook(.finished(.failure(error)))
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
        let old = configuration.withLock { $0 }
        if next.daemon.socket != old.daemon.socket || next.daemon.stateFile != old.daemon.stateFile
            || next.daemon.listen != old.daemon.listen {
            logger.warning("reload: socket, state_file and listen changes take effect at the next restart")
        }
        configuration.withLock { $0 = next }
        await supervisor.reconfigure(stations, live: next.daemon.live)
        logger.info("reloaded \(configPath ?? "the built-in configuration"): \(stations.count) station(s)")
    }

    /// True while the engine thread turns.
    public func engineAlive() async -> Bool {
        await supervisor.engineAlive()
    }

    // MARK: Stopping

    /// Stops watching, writes the final state, closes the socket API and removes its file.
    public func shutdown() async {
        let server = server.withLock { s -> APIServer? in defer { s = nil }; return s }
        await server?.shutdown()
        await supervisor.shutdown()
        writer.publish(await supervisor.store.current, changed: nil)
        await writer.finish()
        logger.info("stopped; final state written to \(stateFilePath)")
    }
}

extension EventHub: StatePublisher {}
