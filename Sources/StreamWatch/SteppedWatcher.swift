import NIOConcurrencyHelpers

/// A watcher that works in steps: one poll or one probe, then a wait that the
/// ``StepScheduler`` keeps for it, with no task of its own alive in between.
protocol SteppedWatcher: Sendable {
    /// One poll or probe. Returns the wait before the next step; nil when the watcher has
    /// nothing more to do (it was cancelled). A step may also run for as long as the watcher
    /// lives: a probe that finds an HLS playlist watches the playlist until cancelled.
    func step() async -> Duration?

    /// The watcher was removed and its last step has ended (metrics it owns go).
    func close()
}

/// A ``SteppedWatcher`` made of a loop's one-step function and the state it carries from one
/// step to the next (a poller's validators and backoff, a probe's backoff).
struct LoopedWatcher<Loop: Sendable>: SteppedWatcher {
    private let loop: NIOLockedValueBox<Loop>
    private let body: @Sendable (inout Loop) async -> Duration?
    private let onClose: @Sendable () -> Void

    /// Steps with `body`, starting from `loop`; `onClose` runs when the watcher is removed.
    init(_ loop: Loop, onClose: @escaping @Sendable () -> Void = {}, body: @escaping @Sendable (inout Loop) async -> Duration?) {
        self.loop = NIOLockedValueBox(loop)
        self.body = body
        self.onClose = onClose
    }

    func step() async -> Duration? {
        // One step at a time (the scheduler's promise): the state is taken out and put back.
        var current = loop.withLockedValue { $0 }
        defer { loop.withLockedValue { $0 = current } }
        return await body(&current)
    }

    func close() { onClose() }
}
