import Dispatch

/// Time as the outputs see it: the daemon's monotonic clock, or a test's hand-turned one.
public protocol OutputClock: Sendable {
    /// Time since an arbitrary start, never going back.
    var now: Duration { get }
    /// Runs `work` on `queue` after `delay` (at once for zero or less).
    func schedule(after delay: Duration, on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void)
}

/// The daemon's clock: `ContinuousClock` and `DispatchQueue.asyncAfter`.
public struct DispatchOutputClock: OutputClock {
    private let start = ContinuousClock.now

    /// Creates the clock.
    public init() {}

    /// Time since the clock was made.
    public var now: Duration { ContinuousClock.now - start }

    /// `queue.asyncAfter`.
    public func schedule(after delay: Duration, on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) {
        if delay <= .zero {
            queue.async(execute: work)
        } else {
            queue.asyncAfter(deadline: .now() + .nanoseconds(Int(delay / .nanoseconds(1))), execute: work)
        }
    }
}
