import Logging
import StreamHTTP
import StreamState

/// Pings systemd's watchdog (`WATCHDOG=1`) at half of `WATCHDOG_USEC`, but only while the
/// work goes on: the engine thread's heartbeat moved since the last ping and the state store
/// answers. A hung engine or store stops the pings, and systemd restarts the service.
public struct ServiceWatchdog: Sendable {
    let notifier: SystemdNotifier
    let engine: CurlEngine
    let store: StateStore
    let logger: Logger

    /// A watchdog for `engine` and `store`.
    public init(notifier: SystemdNotifier, engine: CurlEngine, store: StateStore, logger: Logger) {
        self.notifier = notifier
        self.engine = engine
        self.store = store
        self.logger = logger
    }

    /// Pings until cancelled; returns at once when systemd asked for no watchdog.
    public func run() async {
        guard let interval = notifier.watchdogInterval else { return }
        let period = interval / 2
        var missed = false
        while !Task.isCancelled {
            let before = engine.heartbeat
            engine.wake()  // a live engine turns at once, even when idle
            try? await Task.sleep(for: period)
            if Task.isCancelled { return }
            _ = await store.current.sequence  // the store answers
            if engine.heartbeat != before {
                notifier.watchdog()
                if missed { logger.notice("watchdog: the engine turns again") }
                missed = false
            } else if !missed {
                logger.error("watchdog: the engine thread has not turned for \(period); not pinging systemd")
                missed = true
            }
        }
    }
}
