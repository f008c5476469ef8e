import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP reloads the configuration, one reload at a time, until shutdown. With
/// `STREAMD_TEST_HOOKS=1`, SIGUSR2 blocks the engine thread (the watchdog tests' hung engine).
struct ReloadService: Service {
    let daemon: StreamdDaemon
    let logger: Logger
    let testHooks: Bool

    func run() async {
        let signals = await UnixSignalsSequence(trapping: testHooks ? [.sighup, .sigusr2] : [.sighup])
        for await signal in signals.cancelOnGracefulShutdown() {
            if signal == .sighup {
                logger.notice("SIGHUP: reloading the configuration")
                try? await daemon.reload()
            } else {
                let seconds = Int(ProcessInfo.processInfo.environment["STREAMD_TEST_HANG_SECONDS"] ?? "") ?? 5
                logger.warning("test hook: blocking the engine thread for \(seconds) s")
                daemon.engine.simulateHang(for: .seconds(seconds))
            }
        }
    }
}
