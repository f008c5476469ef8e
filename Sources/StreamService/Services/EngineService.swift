import ServiceLifecycle
import StreamHTTP

/// The curl engine as a service: it runs from the start and is shut down last (first in the
/// group), once nothing can submit a transfer any more.
public struct EngineService: Service {
    /// The engine it shuts down.
    public let engine: CurlEngine

    /// A service for `engine`.
    public init(engine: CurlEngine) {
        self.engine = engine
    }

    /// Waits for shutdown, then stops the engine.
    public func run() async {
        try? await gracefulShutdown()  // returns on graceful shutdown or cancellation
        engine.shutdown()
    }
}
