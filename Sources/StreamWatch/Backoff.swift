/// Exponential backoff with jitter for reconnects and failed polls.
public struct Backoff: Sendable, Equatable {
    /// The first delay.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration
    /// Failures in a row so far.
    public private(set) var failures = 0

    /// Creates a backoff.
    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// Records a failure and returns how long to wait: `initial × 2^(n-1)`, capped, with
    /// ±20 % jitter so many stations do not retry in step.
    public mutating func nextDelay() -> Duration {
        failures += 1
        let exponent = min(failures - 1, 16)
        let base = min(initial * (1 << exponent), maximum)
        return base * Double.random(in: 0.8...1.2)
    }

    /// Forgets the failures after a success.
    public mutating func reset() {
        failures = 0
    }
}
