import Foundation
import Glibc
import HeapModule

/// The one thread that ends every ``Wakeup``'s timed wait: the deadlines in one heap, the
/// thread asleep on a condition variable until the earliest (`CLOCK_MONOTONIC`, so a change of
/// the wall clock moves nothing).
///
/// Before, each wait was a libdispatch `asyncAfter`: a timer source made for each wait, a
/// manager thread to fire it and a worker thread to run it, before the poller's task was
/// enqueued. Polling 1,000 stations a second, that machinery was about a fifth of the daemon's
/// CPU (`perf record -g`: libdispatch's manager thread 11 %, the wait and its resume 7 %).
/// Here a wait is a heap entry; the thread wakes once for all the waits due at that moment
/// and resumes their tasks; a new wait wakes it only when it comes due before the one it
/// sleeps until.
///
/// An entry whose wait ended sooner (a fire, a cancellation) stays in the heap until its time
/// and then does nothing, so the heap holds at most one entry per wait begun within the
/// longest wait.
final class WakeupTimers: @unchecked Sendable {
    /// The process's timer thread.
    static let shared = WakeupTimers()

    private struct Entry: Comparable {
        /// `CLOCK_MONOTONIC` nanoseconds.
        let deadline: UInt64
        /// The order of scheduling, so that equal deadlines run first come, first served.
        let order: UInt64
        let action: @Sendable () -> Void

        static func < (a: Entry, b: Entry) -> Bool { (a.deadline, a.order) < (b.deadline, b.order) }
        static func == (a: Entry, b: Entry) -> Bool { a.deadline == b.deadline && a.order == b.order }
    }

    // Guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var entries = Heap<Entry>()
    private var scheduled: UInt64 = 0
    /// The deadline the thread sleeps until; 0 while it is awake (it looks at the heap again
    /// before it sleeps), `.max` when it sleeps with nothing due.
    private var sleepingUntil: UInt64 = 0

    /// A timer thread of its own (the daemon uses ``shared``; tests make their own).
    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        let thread = Thread { [self] in run() }
        thread.name = "streamd.wakeups"
        thread.start()
    }

    /// Runs `action` on the timer thread once `duration` has passed (at once for zero or less;
    /// never for a deadline beyond ``deadline(after:)``'s range). `action` must be quick: it
    /// holds up every other deadline due at the same time.
    func schedule(after duration: Duration, _ action: @escaping @Sendable () -> Void) {
        guard let deadline = Self.deadline(after: duration) else { return }
        pthread_mutex_lock(mutex)
        scheduled &+= 1
        entries.insert(Entry(deadline: deadline, order: scheduled, action: action))
        let wake = deadline < sleepingUntil
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(condition) }
    }

    /// How many entries wait in the heap (for tests).
    var pending: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return entries.count
    }

    /// `CLOCK_MONOTONIC` now, in nanoseconds.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Now + `duration` in `CLOCK_MONOTONIC` nanoseconds: now for zero or less, nil (never)
    /// for a century or more.
    static func deadline(after duration: Duration) -> UInt64? {
        let (seconds, attoseconds) = duration.components
        guard seconds < 3_000_000_000 else { return nil }
        guard seconds > 0 || (seconds == 0 && attoseconds > 0) else { return now() }
        return now() + UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    private func run() {
        pthread_mutex_lock(mutex)
        while true {
            let now = Self.now()
            var due: [@Sendable () -> Void] = []
            while let first = entries.min, first.deadline <= now { due.append(entries.removeMin().action) }
            if !due.isEmpty {
                pthread_mutex_unlock(mutex)
                for action in due { action() }
                pthread_mutex_lock(mutex)
                continue
            }
            if let first = entries.min {
                sleepingUntil = first.deadline
                var until = timespec(tv_sec: Int(first.deadline / 1_000_000_000), tv_nsec: Int(first.deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
            } else {
                sleepingUntil = .max
                pthread_cond_wait(condition, mutex)
            }
            sleepingUntil = 0
        }
    }
}
