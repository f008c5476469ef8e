import NIOConcurrencyHelpers
import StreamHTTP

/// One step under way in the ``StepScheduler``: its transfer (a quick step on the engine
/// thread) or its task, so that it can be cancelled, and its end, so that removing a watcher
/// can wait for it.
final class StepRun: Sendable {
    private struct State {
        var transfer: HTTPTransferHandle?
        var task: Task<Void, Never>?
        var cancelled = false
        var ended = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = NIOLockedValueBox(State())

    /// The step's transfer (cancelled at once when the step already was).
    func attach(_ transfer: HTTPTransferHandle) {
        let cancelled = state.withLockedValue { s -> Bool in
            s.transfer = transfer
            return s.cancelled
        }
        if cancelled { transfer.cancel() }
    }

    /// The task that runs the step, or its rest (cancelled at once when the step already was).
    func attach(_ task: Task<Void, Never>) {
        let cancelled = state.withLockedValue { s -> Bool in
            s.task = task
            return s.cancelled
        }
        if cancelled { task.cancel() }
    }

    /// Cancels the step: its transfer ends at once, its task sees the cancellation.
    func cancel() {
        let (transfer, task) = state.withLockedValue { s in
            s.cancelled = true
            return (s.transfer, s.task)
        }
        transfer?.cancel()
        task?.cancel()
    }

    /// The step has ended (called once, after the scheduler has taken its outcome). Lets go
    /// of the transfer and the task: the transfer's handler holds the closure that calls this,
    /// so keeping it would be a cycle, and a leak per poll.
    func end() {
        let waiters = state.withLockedValue { s in
            s.ended = true
            s.transfer = nil
            s.task = nil
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the step has ended.
    func ended() async {
        await withCheckedContinuation { continuation in
            let now = state.withLockedValue { s -> Bool in
                if !s.ended { s.waiters.append(continuation) }
                return s.ended
            }
            if now { continuation.resume() }
        }
    }
}
