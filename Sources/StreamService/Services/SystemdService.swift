import Logging
import ServiceLifecycle
import StreamHTTP
import StreamState

/// Talks to systemd while the daemon runs: `READY=1` with the status line once the group
/// runs (the socket already listens and the state is loaded), `STATUS=` as the state
/// changes, watchdog pings while the engine turns, and `STOPPING=1` first thing on shutdown
/// (this service is the last of the group, so it is told first). Outside systemd every call
/// does nothing.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let engine: CurlEngine
    let store: StateStore
    let logger: Logger

    func run() async {
        // Outside systemd there is nobody to tell: no status line is made at all.
        if notifier.isEnabled { await store.addPublisher(ServiceStatusPublisher(notifier: notifier)) }
        notifier.ready(status: ServiceStatus.line(await store.current))
        await withDiscardingTaskGroup { group in
            group.addTask { [notifier, engine, store, logger] in
                await ServiceWatchdog(notifier: notifier, engine: engine, store: store, logger: logger).run()
            }
            try? await gracefulShutdown()  // returns on graceful shutdown or cancellation
            notifier.stopping()
            group.cancelAll()
        }
    }
}
