import Logging
import Synchronization

/// Writes new document versions to the state file off the store's path: the newest version
/// wins, versions that arrive while a write is under way are coalesced into one write.
public final class StateFileWriter: StatePublisher {
    private let file: StateFile
    private let logger: Logger
    private let pending: AsyncStream<StateDocument>.Continuation
    private let writer: Task<Void, Never>
    private let progress = WriteProgress()

    /// Starts a writer for `file`.
    public init(file: StateFile, logger: Logger) {
        self.file = file
        self.logger = logger
        let (stream, continuation) = AsyncStream<StateDocument>.makeStream(bufferingPolicy: .bufferingNewest(1))
        pending = continuation
        let progress = self.progress
        writer = Task.detached {
            for await document in stream {
                do {
                    try file.write(document)
                    progress.sequence.withLock { $0 = document.sequence }
                } catch {
                    logger.error("\(error)")
                }
            }
        }
    }

    /// Queues `document` for writing.
    public func publish(_ document: StateDocument, changed: StationState?) {
        pending.yield(document)
    }

    /// The sequence of the last version on disk.
    public var writtenSequence: UInt64 { progress.sequence.withLock { $0 } }

    /// Writes what is queued and stops; call at shutdown.
    public func finish() async {
        pending.finish()
        await writer.value
    }
}

/// The sequence last written, shared between the writer task and readers.
final class WriteProgress: Sendable {
    let sequence = Mutex<UInt64>(0)
}
