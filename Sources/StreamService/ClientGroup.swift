import Logging
import ServiceLifecycle
import StreamHTTP
import UnixSignals

/// How the client commands that follow a daemon (`streamd watch`, `streamd screen`) run: the
/// same ServiceGroup pieces as the daemon, smaller. The engine first (it stops last), then the
/// command's own service; `shutdownSignals` end the command gracefully, and when the command's
/// service returns by itself (the user quit) the group shuts down too, so every transfer has
/// ended before the engine stops.
public enum ClientGroup {
    /// Runs `service` beside `engine` until it returns or a shutdown signal arrives.
    public static func run(engine: CurlEngine, service: any Service, shutdownSignals: [UnixSignal] = [.sigterm, .sigint],
                           logger: Logger) async throws {
        SignalMask.unblock(shutdownSignals.map(\.rawValue))
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: EngineService(engine: engine), serviceName: "engine"),
                       .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "\(type(of: service))")],
            gracefulShutdownSignals: shutdownSignals,
            logger: logger)
        configuration.maximumGracefulShutdownDuration = StreamdDaemon.gracefulShutdownDeadline
        configuration.maximumCancellationDuration = StreamdDaemon.cancellationDeadline
        try await ServiceGroup(configuration: configuration).run()
    }
}
