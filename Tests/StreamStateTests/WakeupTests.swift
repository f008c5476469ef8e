import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import StreamState

/// A poller's sleep between polls: it ends at its time, at a fire (refresh), or at
/// cancellation (shutdown), whichever comes first, and never before its time otherwise.
@Suite("Wakeup: the sleep a refresh can cut short", .timeLimit(.minutes(1)))
struct WakeupTests {
    @Test("ends at its time, not before")
    func timesOut() async {
        let wakeup = Wakeup()
        let started = ContinuousClock.now
        await wakeup.wait(for: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }

    @Test("a fire ends a long wait at once; a fire with nobody waiting ends the next wait")
    func fired() async throws {
        let wakeup = Wakeup()
        let waiting = Task { await wakeup.wait(for: .seconds(3600)) }
        try await eventuallyWaiting(wakeup)
        wakeup.fire()
        await waiting.value
        wakeup.fire()
        await wakeup.wait(for: .seconds(3600))
    }

    @Test("cancellation ends a wait of a century, and a wait that starts cancelled returns at once")
    func cancelled() async {
        let wakeup = Wakeup()
        let waiting = Task { await wakeup.wait(for: .seconds(100 * 365 * 86_400)) }
        try? await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await waiting.value
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await wakeup.wait(for: .seconds(3600))
        }
        await late.value
    }

    @Test("the timer of a wait that a fire ended does not end the next wait early")
    func staleTimer() async throws {
        let wakeup = Wakeup()
        let first = Task { await wakeup.wait(for: .seconds(2)) }
        try await eventuallyWaiting(wakeup)
        wakeup.fire()  // ends the first wait; its 2 s timer stays due, to come during the next
        await first.value
        let started = ContinuousClock.now
        await wakeup.wait(for: .seconds(4))
        #expect(ContinuousClock.now - started >= .seconds(4), "ended by the first wait's timer")
    }

    /// Returns once `wakeup` has a waiter (the machine may be slow to start the task).
    func eventuallyWaiting(_ wakeup: Wakeup) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !wakeup.isWaiting {
            try #require(ContinuousClock.now < deadline, "the wait never started")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("deadlines: zero and negative are now, a century or more is never")
    func deadlines() throws {
        let now = WakeupTimers.now()
        #expect(try #require(WakeupTimers.deadline(after: .zero)) >= now)
        #expect(try #require(WakeupTimers.deadline(after: .seconds(-5))) < now + 1_000_000_000)
        #expect(WakeupTimers.deadline(after: .seconds(Int64.max)) == nil)
        #expect(WakeupTimers.deadline(after: .seconds(100 * 365 * 86_400)) == nil)
        #expect(try #require(WakeupTimers.deadline(after: .seconds(10))) > now + 9_000_000_000)
    }

    @Test("the timer thread: actions run in the order of their deadlines, not of their scheduling")
    func deadlineOrder() async {
        let timers = WakeupTimers()
        let order = NIOLockedValueBox<[Int]>([])
        let delays = [300, 100, 250, 50, 200, 150]
        for delay in delays {
            timers.schedule(after: .milliseconds(delay)) { order.withLockedValue { $0.append(delay) } }
        }
        await Self.eventually { order.withLockedValue { $0.count } == delays.count }
        #expect(order.withLockedValue { $0 } == [50, 100, 150, 200, 250, 300])
        #expect(timers.pending == 0)
    }

    @Test("an action due sooner than the deadline the timer thread sleeps until wakes it (not run an hour late)")
    func earlierWakes() async {
        let timers = WakeupTimers()
        timers.schedule(after: .seconds(3600)) {}
        try? await Task.sleep(for: .milliseconds(200))   // the thread now sleeps toward the hour
        let ran = NIOLockedValueBox(false)
        timers.schedule(after: .milliseconds(100)) { ran.withLockedValue { $0 = true } }
        await Self.eventually { ran.withLockedValue { $0 } }
        #expect(ran.withLockedValue { $0 }, "the action due in 100 ms had not run 30 s later")
        #expect(timers.pending == 1)
    }

    /// Returns when `condition` holds, or after 30 s.
    static func eventually(_ condition: () -> Bool) async {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
