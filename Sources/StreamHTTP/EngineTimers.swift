import HeapModule

/// Work that the engine thread runs at a time of its choosing (``CurlEngine/schedule(at:_:)``):
/// a heap of deadlines that the engine's own sleep in `epoll_wait` ends at, so a timed
/// start (the next poll of a source) costs no thread of its own and no hand-off.
///
/// Before, each poll's wait ended on a timer thread, which resumed a task on the cooperative
/// pool, which handed the transfer to the engine thread: three threads woken per poll, and the
/// switches between them were the largest cost of polling (`perf record -g`,
/// Benchmarks/README.md). Guarded by the engine's inbox lock.
struct EngineTimers {
    private struct Entry: Comparable {
        let at: ContinuousClock.Instant
        /// The order of scheduling: equal deadlines run first come, first served.
        let order: UInt64
        let work: @Sendable () -> Void

        static func < (a: Entry, b: Entry) -> Bool { (a.at, a.order) < (b.at, b.order) }
        static func == (a: Entry, b: Entry) -> Bool { a.at == b.at && a.order == b.order }
    }

    private var heap = Heap<Entry>()
    private var scheduled: UInt64 = 0
    /// When the engine thread's sleep ends; nil while it is awake (it looks at the heap again
    /// before it sleeps).
    private var sleepingUntil: ContinuousClock.Instant?

    /// How many timers wait (for tests).
    var count: Int { heap.count }

    /// Adds `work` at `at`; true when the engine thread must be woken for it (it sleeps past it).
    mutating func insert(at: ContinuousClock.Instant, _ work: @escaping @Sendable () -> Void) -> Bool {
        scheduled += 1
        heap.insert(Entry(at: at, order: scheduled, work: work))
        guard let sleepingUntil else { return false }
        return at < sleepingUntil
    }

    /// The engine thread is awake: removes and returns the work due by `now`, in order.
    mutating func wake(now: ContinuousClock.Instant) -> [@Sendable () -> Void] {
        sleepingUntil = nil
        var due: [@Sendable () -> Void] = []
        while let first = heap.min, first.at <= now {
            due.append(heap.removeMin().work)
        }
        return due
    }

    /// The engine thread goes to sleep for at most `longest`: the milliseconds until the
    /// earliest timer (rounded up, so that it is due when the sleep ends).
    mutating func sleep(now: ContinuousClock.Instant, longest: Duration) -> Int32 {
        let until = min(heap.min?.at ?? now + longest, now + longest)
        sleepingUntil = until
        return (until - now).millisecondsRoundedUp
    }

    /// Drops every timer (the engine shut down; nothing runs them any more).
    mutating func removeAll() {
        heap = Heap()
    }
}
