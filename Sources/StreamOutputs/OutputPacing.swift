/// When an output may send again: not before its minimum hold since the last send (so RDS
/// does not flash), nor more often than its rate limit (sends in any minute). Pure.
public struct OutputPacing: Sendable, Equatable {
    /// The shortest time between two sends.
    public var minHold: Duration
    /// At most this many sends in any minute (`nil`: no limit).
    public var perMinute: Int?
    /// The times of the recent sends, oldest first (at most `perMinute`, or the last one).
    public private(set) var sent: [Duration] = []

    /// Creates the pacing of an output.
    public init(minHold: Duration, perMinute: Int?) {
        self.minHold = minHold
        self.perMinute = perMinute
    }

    /// The earliest time, at or after `now`, the next send may go.
    public func earliest(now: Duration) -> Duration {
        var at = now
        if let last = sent.last { at = max(at, last + minHold) }
        if let perMinute, perMinute > 0, sent.count >= perMinute {
            at = max(at, sent[sent.count - perMinute] + .seconds(60))
        }
        return at
    }

    /// Notes a send at `now`.
    public mutating func record(_ now: Duration) {
        sent.append(now)
        let keep = max(1, perMinute ?? 1)
        if sent.count > keep { sent.removeFirst(sent.count - keep) }
    }
}
