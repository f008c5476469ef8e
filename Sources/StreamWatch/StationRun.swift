import StreamState

/// One launch of one station's watchers: its spec, its generation, the wakeups that make
/// its pollers poll now, and the signals to stop it and to know it stopped.
///
/// ``run(_:)`` runs every watcher as a child task and returns only when all of them have
/// ended, which means their transfers have ended too (a cancelled transfer leaves libcurl
/// before the watcher's `perform` returns). So "stopped" is a fact, not a request.
final class StationRun: Sendable {
    let spec: StationSpec
    let generation: WatcherGeneration
    let wakeups: [Wakeup]
    private let stopRequests: AsyncStream<Never>
    private let stopContinuation: AsyncStream<Never>.Continuation
    private let done: AsyncStream<Never>
    private let doneContinuation: AsyncStream<Never>.Continuation

    init(spec: StationSpec, generation: WatcherGeneration) {
        self.spec = spec
        self.generation = generation
        self.wakeups = (spec.streams.indices.map { _ in Wakeup() }) + (spec.sources.indices.map { _ in Wakeup() })
        (stopRequests, stopContinuation) = AsyncStream.makeStream(of: Never.self)
        (done, doneContinuation) = AsyncStream.makeStream(of: Never.self)
    }

    /// Runs `watchers` until ``stop()`` or cancellation, then cancels them and waits for
    /// every one to end.
    func run(_ watchers: [@Sendable () async -> Void]) async {
        await withDiscardingTaskGroup { group in
            for watcher in watchers {
                group.addTask { await watcher() }
            }
            for await _ in stopRequests {}  // ends at stop() or when this task is cancelled
            group.cancelAll()
        }
        doneContinuation.finish()
    }

    /// Asks the watchers to stop (returns at once).
    func stop() {
        stopContinuation.finish()
    }

    /// Returns when ``run(_:)`` has returned: every watcher and transfer of this run ended.
    func stopped() async {
        for await _ in done {}
    }
}
