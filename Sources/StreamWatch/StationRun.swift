import StreamState

/// One launch of one station's watchers: its spec, its generation, the wakeups that make
/// its watchers with a task of their own act now, and the signals to stop it and to know it
/// stopped.
///
/// ``run(_:)`` runs each watcher that keeps a task (a followed stream, an HLS playlist) as a
/// child task and returns only when all of them have ended, which means their transfers have
/// ended too (a cancelled transfer leaves libcurl before the watcher's `perform` returns). So
/// "stopped" is a fact, not a request. The station's sources and probed streams are stepped
/// by the supervisor's ``StepScheduler`` under the run's generation, and removed from it the
/// same way.
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

    /// Ends a run that has no watchers with a task of their own (the scheduler steps the rest)
    /// at once: ``stopped()`` returns without waiting.
    func markIdle() {
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
