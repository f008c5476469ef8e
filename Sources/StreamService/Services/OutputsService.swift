import ServiceLifecycle
import StreamOutputs
import StreamState

/// The outputs as a service: their statuses go into the state document, one at a time in the
/// order the outputs report them; at shutdown the outputs stop (what still waits for its
/// delay is dropped: the audio it belonged to has gone).
struct OutputsService: Service {
    let publisher: OutputsPublisher
    let store: StateStore

    func run() async throws {
        let (statuses, continuation) = AsyncStream.makeStream(of: (String, [OutputStatus]).self)
        publisher.onStatus { station, outputs in continuation.yield((station, outputs)) }
        await withGracefulShutdownHandler {
            for await (station, outputs) in statuses {
                await store.setOutputs(outputs, of: station)
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        publisher.shutdown()
    }
}
