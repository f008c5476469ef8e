import Dispatch
import Logging
import ServiceLifecycle
import StreamAPI
import StreamState

/// Keeps the streams' histories on disk: every ``period`` and once more at stop, the
/// recorder's histories go to the history file beside the state file. A write `fsync`s, so
/// it runs on a queue of its own, never on a thread of the Swift concurrency pool. A `kill -9`
/// loses at most the last ``period``.
struct HistoryService: Service {
    /// The wait between writes.
    static let period: Duration = .seconds(60)

    let recorder: HistoryRecorder
    let file: HistoryFile
    let logger: Logger

    func run() async {
        let queue = DispatchQueue(label: "streamd.history")
        var failing = false
        func save() async {
            let saved = recorder.saved()
            let error = await withCheckedContinuation { continuation in
                queue.async {
                    do throws(HistoryFileError) {
                        try file.write(saved)
                        continuation.resume(returning: HistoryFileError?.none)
                    } catch {
                        continuation.resume(returning: error)
                    }
                }
            }
            if let error, !failing {
                logger.error("\(error); the streams' history is kept in memory and written again in \(Self.period)")
            } else if error == nil, failing {
                logger.notice("history file \(file.path) written again")
            }
            failing = error != nil
        }
        while true {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.period) }
            } catch {
                break
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            await save()
        }
        await save()
        if !failing { logger.info("history of \(recorder.saved().streams.count) stream(s) written to \(file.path)") }
    }
}
