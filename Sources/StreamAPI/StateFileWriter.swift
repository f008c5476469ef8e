import Foundation
import Logging
import StreamState
import NIOConcurrencyHelpers

/// Writes new document versions to the state file on a thread of its own (a write `fsync`s
/// twice, which must never hold a thread of the Swift concurrency pool): the newest version
/// wins, at most one write per `interval`, and the versions that arrive in between (or while a
/// write is under way) are coalesced into the next write. ``finish()`` writes at once.
public final class StateFileWriter: StatePublisher {
    private let file: StateFile
    private let interval: Duration
    private let logger: Logger
    private let state = NIOLockedValueBox(Pending())
    private let wake = DispatchSemaphore(value: 0)

    private struct Pending {
        var document: StateDocument?
        var finishing = false
        var written: UInt64 = 0
        var lastWriteFailed = false
        var finished: [CheckedContinuation<Void, Never>] = []
        var threadDone = false
    }

    /// Starts a writer for `file`, writing at most once per `interval`.
    public init(file: StateFile, interval: Duration = .zero, logger: Logger) {
        self.file = file
        self.interval = interval
        self.logger = logger
        let thread = Thread { [self] in self.run() }
        thread.name = "streamd.statefile"
        thread.start()
    }

    /// Queues `document` for writing (replacing any version not yet written).
    public func publish(_ document: StateDocument, changed: StationState?) {
        state.withLockedValue { $0.document = document }
        wake.signal()
    }

    /// The state file's path.
    public var path: String { file.path }

    /// The sequence of the last version on disk.
    public var writtenSequence: UInt64 { state.withLockedValue { $0.written } }

    /// Whether the most recent write failed (the file then holds ``writtenSequence``, older
    /// than what was last published).
    public var lastWriteFailed: Bool { state.withLockedValue { $0.lastWriteFailed } }

    /// Writes what is queued and stops the thread; call at shutdown.
    public func finish() async {
        await withCheckedContinuation { continuation in
            let done = state.withLockedValue { s -> Bool in
                if s.threadDone { return true }
                s.finishing = true
                s.finished.append(continuation)
                return false
            }
            if done { continuation.resume() } else { wake.signal() }
        }
    }

    /// Waits out `interval` after a write, ending early when shutdown asks for the last write.
    private func hold() {
        guard interval > .zero else { return }
        let deadline = Date().addingTimeInterval(interval.seconds)
        while !state.withLockedValue({ $0.finishing }) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return }
            _ = wake.wait(timeout: .now() + left)
        }
    }

    private func run() {
        // A run of failed writes, on this thread only.
        var failingSince: Date?
        var failedWrites = 0
        var lastLogged = Date.distantPast
        while true {
            // Sleep unless something is already waiting (a signal consumed during the hold
            // below must not leave a published version unwritten).
            if state.withLockedValue({ $0.document == nil && !$0.finishing }) { wake.wait() }
            let (document, finishing) = state.withLockedValue { s in
                defer { s.document = nil }
                return (s.document, s.finishing)
            }
            if let document {
                do {
                    try file.write(document)
                    state.withLockedValue {
                        $0.written = document.sequence
                        $0.lastWriteFailed = false
                    }
                    if let since = failingSince {
                        logger.notice("state file \(file.path) written again (after \(failedWrites) failed writes since \(since.formatted(.iso8601)))")
                        failingSince = nil
                    }
                } catch {
                    // The first failure, then one line every 5 minutes while it lasts.
                    state.withLockedValue { $0.lastWriteFailed = true }
                    let now = Date()
                    if failingSince == nil { failingSince = now; failedWrites = 0; lastLogged = .distantPast }
                    failedWrites += 1
                    if now.timeIntervalSince(lastLogged) >= 300 {
                        lastLogged = now
                        logger.error("\(error)\(failedWrites > 1 ? " (\(failedWrites) failed writes since \(failingSince!.formatted(.iso8601)))" : "")")
                    }
                }
            }
            if document != nil && !finishing { hold() }
            if finishing {
                let waiters = state.withLockedValue { s -> [CheckedContinuation<Void, Never>] in
                    if s.document != nil { return [] }  // one more arrived: write it first
                    s.threadDone = true
                    defer { s.finished.removeAll() }
                    return s.finished
                }
                if state.withLockedValue({ $0.threadDone }) {
                    waiters.forEach { $0.resume() }
                    return
                }
                wake.signal()
            }
        }
    }
}
