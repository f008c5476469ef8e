import NIOConcurrencyHelpers

/// A sleep that another task can cut short: a poller waits on it between polls, and
/// `POST /v1/refresh` fires it so the poller polls now; the store's clock waits on one
/// until the next deadline or a reconfiguration. One waiter at a time.
public final class Wakeup: Sendable {
    private struct State {
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var pendingFire = false
        var nextID: UInt64 = 0
    }
    private let state = NIOLockedValueBox(State())

    /// Creates a wakeup.
    public init() {}

    /// Ends the current wait at once, or the next one if nobody waits now.
    public func fire() {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            guard let waiter = s.waiter else { s.pendingFire = true; return nil }
            s.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Waits for `duration`, a ``fire()``, or cancellation, whichever comes first.
    ///
    /// The timeout is one entry in the heap of ``WakeupTimers`` (one thread for every wait),
    /// not a task sleeping beside each waiter: with a thousand stations that was a thousand
    /// more tasks, each with its allocator slab, alive between polls. An entry whose wait
    /// ended sooner does nothing when it comes due.
    public func wait(for duration: Duration) async {
        let id = state.withLockedValue { s -> UInt64 in s.nextID += 1; return s.nextID }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLockedValue { s -> Bool in
                    if s.pendingFire || Task.isCancelled { s.pendingFire = false; return true }
                    s.waiter = (id, continuation)
                    return false
                }
                if now {
                    continuation.resume()
                } else {
                    WakeupTimers.shared.schedule(after: duration) { [weak self] in self?.resume(id) }
                }
            }
        } onCancel: {
            resume(id)
        }
    }

    /// Whether a wait is under way (for tests).
    var isWaiting: Bool { state.withLockedValue { $0.waiter != nil } }

    private func resume(_ id: UInt64) {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            guard let waiter = s.waiter, waiter.id == id else { return nil }
            s.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
