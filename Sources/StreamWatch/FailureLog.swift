import Foundation
import Logging
import NIOConcurrencyHelpers
import StreamState

/// What the log says about one input (a stream or a source) that keeps failing: the first
/// failure at warning (so `journalctl -p warning` shows every outage), a changed error at
/// warning again, repeats of the same error collapsed into one "still failing, N tries since
/// HH:MM:SSZ" line every `repeatEvery`, and the recovery at notice, with how long it lasted.
/// Pure: failures and recoveries in, lines out; ``FailureLogger`` writes them.
public struct FailureLog: Sendable {
    /// One line to log.
    public struct Line: Sendable, Equatable {
        /// Its level.
        public var level: Logger.Level
        /// Its text.
        public var text: String
    }

    /// What is failing, as the log names it: `stream wvia-fm/main`, `source wvia-fm/composer`.
    public let subject: String
    /// How often a run of the same error is summarised.
    public let repeatEvery: TimeInterval
    private var run: Run?
    private var upSince: Date?

    private struct Run: Sendable {
        var since: Date
        var tries: Int
        var error: String
        var lastLogged: Date
        var triesLogged: Int
    }

    /// A log for `subject`.
    public init(subject: String, repeatEvery: TimeInterval = 300) {
        self.subject = subject
        self.repeatEvery = repeatEvery
    }

    /// Whether the input is failing now.
    public var isFailing: Bool { run != nil }

    /// A failure (`error` says what, e.g. `dns: Could not resolve host`) at `time`, retried
    /// after `retry`; the line to log, if any.
    public mutating func failed(_ error: String, at time: Date, retry: Duration?) -> Line? {
        let next = retry.map { "; next try in \(Self.text($0))" } ?? ""
        upSince = nil
        guard var current = run else {
            run = Run(since: time, tries: 1, error: error, lastLogged: time, triesLogged: 1)
            return Line(level: .warning, text: "\(subject) failed: \(error)\(next)")
        }
        current.tries += 1
        defer { run = current }
        if current.error != error {
            current.error = error
            current.lastLogged = time
            current.triesLogged = current.tries
            return Line(level: .warning, text: "\(subject) failed: \(error) (\(current.tries) tries since \(Self.clock(current.since)))\(next)")
        }
        guard time.timeIntervalSince(current.lastLogged) >= repeatEvery else { return nil }
        current.lastLogged = time
        current.triesLogged = current.tries
        return Line(level: .warning, text: "\(subject) still failing, \(current.tries) tries since \(Self.clock(current.since)): \(error)\(next)")
    }

    /// A connection came up at `time`; it counts as a recovery once it has stayed up for a
    /// while (``confirm(at:healthyAfter:)``), so a stream that connects and drops again at
    /// once stays one failing run ("still failing, N tries") instead of two lines a cycle.
    public mutating func up(at time: Date) {
        if run != nil, upSince == nil { upSince = time }
    }

    /// The recovery line when the connection that came up has stayed up `healthyAfter`.
    public mutating func confirm(at time: Date, healthyAfter: TimeInterval) -> Line? {
        guard let since = upSince, time.timeIntervalSince(since) >= healthyAfter else { return nil }
        return recovered(at: since)
    }

    /// The input works again at `time`; the recovery line when it had been failing.
    public mutating func recovered(at time: Date) -> Line? {
        guard let current = run else { return nil }
        run = nil
        upSince = nil
        let lasted = Self.text(.seconds(max(0, time.timeIntervalSince(current.since))))
        return Line(level: .notice, text: "\(subject) works again after \(current.tries) failed tr\(current.tries == 1 ? "y" : "ies") over \(lasted) (since \(Self.clock(current.since)))")
    }

    /// A duration as people read it: `850 ms`, `12.7 s`, `4 min 10 s`, `2 h 5 min`.
    public static func text(_ duration: Duration) -> String {
        let seconds = duration.seconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 {
            let tenths = (seconds * 10).rounded() / 10
            return tenths == tenths.rounded() ? "\(Int(tenths)) s" : String(format: "%.1f s", tenths)
        }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60) min" : "\(whole / 60) min \(whole % 60) s" }
        return whole / 60 % 60 == 0 ? "\(whole / 3600) h" : "\(whole / 3600) h \(whole / 60 % 60) min"
    }

    /// `10:02:03Z`: UTC, as the log's own timestamps.
    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm:ss'Z'"
        return formatter.string(from: date)
    }
}

/// A ``FailureLog`` that writes its lines to a logger; shared between a watcher's loop and the
/// callbacks of its sessions.
public final class FailureLogger: Sendable {
    private let log: NIOLockedValueBox<FailureLog>
    private let logger: Logger

    /// A failure logger for `subject`.
    public init(subject: String, logger: Logger, repeatEvery: TimeInterval = 300) {
        self.log = NIOLockedValueBox(FailureLog(subject: subject, repeatEvery: repeatEvery))
        self.logger = logger
    }

    /// Logs a failure (see ``FailureLog/failed(_:at:retry:)``).
    public func failed(_ error: String, at time: Date, retry: Duration?) {
        if let line = log.withLockedValue({ $0.failed(error, at: time, retry: retry) }) { write(line) }
    }

    /// Notes a connection that came up (see ``FailureLog/up(at:)``).
    public func up(at time: Date) {
        log.withLockedValue { $0.up(at: time) }
    }

    /// Logs the recovery once the connection stayed up (see ``FailureLog/confirm(at:healthyAfter:)``).
    public func confirm(at time: Date, healthyAfter: TimeInterval) {
        if let line = log.withLockedValue({ $0.confirm(at: time, healthyAfter: healthyAfter) }) { write(line) }
    }

    /// Logs a recovery (see ``FailureLog/recovered(at:)``).
    public func recovered(at time: Date) {
        if let line = log.withLockedValue({ $0.recovered(at: time) }) { write(line) }
    }

    private func write(_ line: FailureLog.Line) {
        logger.log(level: line.level, "\(line.text)")
    }
}
