import Logging
import ServiceLifecycle
import StreamAPI
import StreamState
import StreamWatch

/// Watching as a service: the supervisor's tree of watcher tasks feeding the store. On
/// shutdown (graceful, or cancelled at the deadline) the watchers stop, everything they
/// reported is applied, and the final state is written before this returns.
struct WatchService: Service {
    let supervisor: Supervisor
    let stations: [StationSpec]
    let writer: StateFileWriter
    let logger: Logger

    func run() async {
        await withGracefulShutdownHandler {
            await supervisor.run(stations)
        } onGracefulShutdown: { [supervisor] in
            supervisor.stop()
        }
        let final = await supervisor.store.current
        writer.publish(final, changed: nil)
        await writer.finish()
        if !writer.lastWriteFailed && writer.writtenSequence == final.sequence {
            logger.info("watchers stopped; final state (sequence \(final.sequence)) written to \(writer.path)")
        } else {
            logger.error("watchers stopped; the final state (sequence \(final.sequence)) could not be written to \(writer.path) (the error is above)")
        }
    }
}
