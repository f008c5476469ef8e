import Logging
import StreamConfig

/// The daemon's logger: journald-aware lines on standard error at the configured level.
enum DaemonLogging {
    static func makeLogger(level: ConfigLogLevel) -> Logger {
        let swiftLevel = Logger.Level(rawValue: level.rawValue) ?? .info
        return Logger(label: "streamd") { label in JournalLogHandler(label: label, level: swiftLevel) }
    }
}
