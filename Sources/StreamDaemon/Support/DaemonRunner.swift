import Foundation
import Logging
import StreamConfig
import StreamService

/// Runs a started daemon until SIGTERM/SIGINT, reloading on SIGHUP; shared by `run` and
/// `demo`.
enum DaemonRunner {
    static func makeLogger(level: ConfigLogLevel) -> Logger {
        let swiftLevel = Logger.Level(rawValue: level.rawValue == "notice" ? "notice" : level.rawValue) ?? .info
        return Logger(label: "streamd") { label in JournalLogHandler(label: label, level: swiftLevel) }
    }

    /// Serves until a stop signal; returns after a clean shutdown.
    static func serve(_ daemon: StreamdDaemon, signals: AsyncStream<SignalStream.Received>, logger: Logger,
                      notifier: SystemdNotifier = SystemdNotifier(environment: [:])) async {
        for await signal in signals {
            switch signal {
            case .reload:
                logger.notice("SIGHUP: reloading the configuration")
                try? await daemon.reload()
            case .hang:
                logger.warning("test hook: blocking the engine thread")
                daemon.engine.simulateHang(for: .seconds(Int(ProcessInfo.processInfo.environment["STREAMD_TEST_HANG_SECONDS"] ?? "") ?? 5))
            case .stop(let number):
                logger.notice("signal \(number): stopping")
                notifier.stopping()
                await daemon.shutdown()
                return
            }
        }
    }
}
