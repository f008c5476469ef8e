/// Spreads the polls of many sources across their interval.
///
/// Every source polls at once when the daemon starts (the state is wanted at once), and a
/// source waits its interval after each poll, so without a spread they would stay in step:
/// a thousand stations polled every second made a thousand transfers at the same instant,
/// each second, with a thousand transfer buffers alive at once (most of the daemon's memory
/// at that size) and a burst on the servers. After its first good poll a source waits its
/// interval plus a random fraction of it, once; from then on the plain interval keeps the
/// spread.
struct PollSpread: Sendable {
    private var spread = false

    /// The wait after a good poll: `interval` plus, the first time, a random part of it.
    mutating func next(_ interval: Duration) -> Duration {
        guard !spread else { return interval }
        spread = true
        return interval + interval * Double.random(in: 0..<1)
    }
}
