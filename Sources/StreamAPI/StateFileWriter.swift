import Foundation
import Logging
import StreamState
import NIOConcurrencyHelpers

/// Writes new document versions to the state file on a thread of its own (a write `fsync`s
/// twice, which must never hold a thread of the Swift concurrency pool): the newest version
/// wins, and versions that arrive while a write is under way are coalesced into one write.
public final class StateFileWriter: StatePublisher {
    private let file: StateFile
    private let logger: Logger
    private let state = NIOLockedValueBox(Pending())
    private let wake = DispatchSemaphore(value: 0)

    private struct Pending {
        var document: StateDocument?
        var finishing = false
        var written: UInt64 = 0
        var finished: [CheckedContinuation<Void, Never>] = []
        var threadDone = false
    }

    /// Starts a writer for `file`.
    public init(file: StateFile, logger: Logger) {
        self.file = file
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

    private func run() {
        while true {
            wake.wait()
            let (document, finishing) = state.withLockedValue { s in
                defer { s.document = nil }
                return (s.document, s.finishing)
            }
            if let document {
                do {
                    try file.write(document)
                    state.withLockedValue { $0.written = document.sequence }
                } catch {
                    logger.error("\(error)")
                }
            }
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
