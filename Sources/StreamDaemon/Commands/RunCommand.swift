import ArgumentParser
import Foundation
import StreamHTTP
import StreamConfig
import StreamService

/// `streamd run [--config FILE]`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon.",
        discussion: "Without --config it reads /etc/streamd/streamd.toml if present, else the built-in WVIA-FM configuration.")

    @Option(help: "Configuration file.") var config: String?
    @Option(help: "Serve on this socket path instead of daemon.socket.") var socket: String?
    @Option(help: "Write the state here instead of daemon.state_file.") var stateFile: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical); overrides the configuration.")
    var logLevel: String?

    func validate() throws {
        if let logLevel, ConfigLogLevel(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level '\(logLevel)'; use one of \(ConfigLogLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let configuration: StreamdConfiguration
        do {
            configuration = try StreamdConfiguration.loadOrDefault(path: config)
        } catch {
            for line in error.lines { printError(line) }
            throw ExitStatus.config
        }
        let level = logLevel.flatMap(ConfigLogLevel.init(rawValue:)) ?? configuration.daemon.logLevel  // validated above
        let logger = DaemonLogging.makeLogger(level: level)
        let path = config ?? (FileManager.default.fileExists(atPath: StreamdConfiguration.defaultPath) ? StreamdConfiguration.defaultPath : nil)
        var overrides = StreamdDaemon.Overrides()
        overrides.socket = socket
        overrides.stateFile = stateFile
        let inherited = SocketActivation.inheritedSockets()
        SocketActivation.clearEnvironment()
        if let first = inherited.first {
            overrides.inheritedSocket = first.fd
            if inherited.count > 1 { logger.warning("systemd passed \(inherited.count) sockets; serving on the first (fd \(first.fd))") }
        }
        let daemon: StreamdDaemon
        do {
            daemon = try await StreamdDaemon.prepare(configuration: configuration, configPath: path, overrides: overrides,
                                                     notifier: SystemdNotifier(), logger: logger)
        } catch let error as ConfigError {
            for line in error.lines { printError(line) }
            throw ExitStatus.config
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitStatus.failure
        }
        logger.notice("streamd \(StreamdVersion.string) serving \(daemon.socketDescription), state in \(daemon.stateFilePath), config \(path ?? "built-in")")
        do {
            try await daemon.run(testHooks: ProcessInfo.processInfo.environment["STREAMD_TEST_HOOKS"] == "1")
        } catch {
            logger.critical("stopped on an error: \(error)")
            throw ExitStatus.failure
        }
    }
}
