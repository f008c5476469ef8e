import Dispatch
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
    /// The timeout is one entry in the shared timer of ``timers`` (libdispatch keeps them in
    /// one heap behind one kernel timer), not a task sleeping beside each waiter: with a
    /// thousand stations that was a thousand more tasks, each with its allocator slab, alive
    /// between polls. An entry whose wait ended sooner does nothing when it comes due.
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
                    Self.timers.asyncAfter(deadline: Self.deadline(after: duration)) { [weak self] in self?.resume(id) }
                }
            }
        } onCancel: {
            resume(id)
        }
    }

    /// Whether a wait is under way (for tests).
    var isWaiting: Bool { state.withLockedValue { $0.waiter != nil } }

    /// Now + `duration` (a century or more: never).
    static func deadline(after duration: Duration) -> DispatchTime {
        let (seconds, attoseconds) = duration.components
        guard seconds < 3_000_000_000 else { return .distantFuture }
        return .now() + .nanoseconds(Int(max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000))
    }

    /// The queue whose timers end the waits.
    private static let timers = DispatchQueue(label: "streamd.wakeup-timers")

    private func resume(_ id: UInt64) {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            guard let waiter = s.waiter, waiter.id == id else { return nil }
            s.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
