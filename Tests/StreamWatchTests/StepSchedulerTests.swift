import Foundation
import NIOConcurrencyHelpers
import Testing
import StreamHTTP
import StreamState
@testable import StreamWatch

/// The scheduler that steps every source's polls and every probed stream's probes: each
/// watcher steps again after the wait its step returned, never two steps of one watcher at
/// once, and removing a station (or shutting down) cancels its running steps and returns only
/// when they have ended.
@Suite("StepScheduler: polls and probes without a task between them", .timeLimit(.minutes(1)))
struct StepSchedulerTests {
    /// A watcher that records its steps; a step can be made to hang until cancelled.
    final class Recorder: SteppedWatcher {
        struct Record {
            var steps = 0
            var running = 0
            var mostAtOnce = 0
            var cancelledSteps = 0
            var closed = false
            var hang = false
            var stepTime: Duration = .milliseconds(5)
            var wait: Duration? = .milliseconds(20)
            var firstStepAt: ContinuousClock.Instant?
        }
        let record = NIOLockedValueBox(Record())

        func step() async -> Duration? {
            let (hang, time) = record.withLockedValue { r -> (Bool, Duration) in
                r.steps += 1
                if r.firstStepAt == nil { r.firstStepAt = .now }
                r.running += 1
                r.mostAtOnce = max(r.mostAtOnce, r.running)
                return (r.hang, r.stepTime)
            }
            if hang {
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            } else {
                try? await Task.sleep(for: time)
            }
            return record.withLockedValue { r in
                r.running -= 1
                if Task.isCancelled { r.cancelledSteps += 1 }
                return r.wait
            }
        }

        func close() { record.withLockedValue { $0.closed = true } }

        var steps: Int { record.withLockedValue { $0.steps } }
    }

    @Test("each watcher steps again after the wait its step returned, one step at a time")
    func stepsRepeatedly() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let scheduler = StepScheduler(engine: engine)
        let fast = Recorder(), slow = Recorder()
        slow.record.withLockedValue { $0.wait = .seconds(3600) }
        let running = Task { await scheduler.run() }
        scheduler.add([fast, slow], owner: WatcherGeneration(rawValue: 1))
        try await eventually { fast.steps >= 10 }
        #expect(slow.steps == 1, "a step waits its hour")
        #expect(fast.record.withLockedValue { $0.mostAtOnce } == 1)
        running.cancel()
        await running.value
        #expect(fast.record.withLockedValue { $0.closed } && slow.record.withLockedValue { $0.closed })
    }

    @Test("removing an owner cancels its running step, returns after it ended, and steps it no more")
    func removeCancels() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let scheduler = StepScheduler(engine: engine)
        let hanging = Recorder(), other = Recorder()
        hanging.record.withLockedValue { $0.hang = true }
        let running = Task { await scheduler.run() }
        scheduler.add([hanging], owner: WatcherGeneration(rawValue: 1))
        scheduler.add([other], owner: WatcherGeneration(rawValue: 2))
        try await eventually { hanging.record.withLockedValue { $0.running } == 1 }
        await scheduler.remove(owners: [WatcherGeneration(rawValue: 1)])
        let after = hanging.record.withLockedValue { $0 }
        #expect(after.running == 0 && after.cancelledSteps == 1 && after.closed, "remove returned before the step ended")
        let otherSteps = other.steps
        try await eventually { other.steps >= otherSteps + 5 }
        #expect(hanging.steps == 1)
        #expect(scheduler.count == 1)
        running.cancel()
        await running.value
    }

    @Test("stepNow: an idle watcher steps at once; one that is stepping steps again right after")
    func stepNow() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let scheduler = StepScheduler(engine: engine)
        let idle = Recorder(), busy = Recorder()
        idle.record.withLockedValue { $0.wait = .seconds(3600) }
        busy.record.withLockedValue { $0.wait = .seconds(3600); $0.stepTime = .seconds(3) }
        let running = Task { await scheduler.run() }
        scheduler.add([idle], owner: WatcherGeneration(rawValue: 1))
        scheduler.add([busy], owner: WatcherGeneration(rawValue: 2))
        try await eventually { idle.steps == 1 && idle.record.withLockedValue { $0.running } == 0 }
        scheduler.stepNow(owners: [WatcherGeneration(rawValue: 1)])
        try await eventually { idle.steps == 2 }
        #expect(busy.steps == 1, "only the owner asked for steps")
        try await eventually { busy.record.withLockedValue { $0.running } == 1 }
        scheduler.stepNow(owners: nil)  // idle: at once; busy: while its first step runs
        try await eventually { idle.steps == 3 && busy.steps == 2 }
        #expect(busy.record.withLockedValue { $0.mostAtOnce } == 1)
        running.cancel()
        await running.value
    }

    @Test("cancelling run() cancels every running step and returns after they ended")
    func shutdown() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let scheduler = StepScheduler(engine: engine)
        let hanging = (0..<20).map { _ in Recorder() }
        for recorder in hanging { recorder.record.withLockedValue { $0.hang = true } }
        let running = Task { await scheduler.run() }
        scheduler.add(hanging, owner: WatcherGeneration(rawValue: 7))
        try await eventually { hanging.allSatisfy { $0.record.withLockedValue { $0.running } == 1 } }
        running.cancel()
        await running.value
        for recorder in hanging {
            let r = recorder.record.withLockedValue { $0 }
            #expect(r.running == 0 && r.cancelledSteps == 1 && r.closed)
        }
        scheduler.add([Recorder()], owner: WatcherGeneration(rawValue: 8))
        #expect(scheduler.count == 0, "added after the end")
    }

    @Test("the first steps of many watchers added at once are spread, not all at one moment")
    func firstStepsSpread() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let scheduler = StepScheduler(engine: engine)
        let many = (0..<200).map { _ in Recorder() }
        for recorder in many { recorder.record.withLockedValue { $0.wait = .seconds(3600) } }
        let running = Task { await scheduler.run() }
        let added = ContinuousClock.now
        for (index, recorder) in many.enumerated() {
            scheduler.add([recorder], owner: WatcherGeneration(rawValue: UInt64(index + 1)))
        }
        try await eventually { many.allSatisfy { $0.steps == 1 } }
        let last = many.compactMap { $0.record.withLockedValue { $0.firstStepAt } }.max()!
        #expect(last - added >= StepScheduler.firstStepSpacing * 199, "200 first steps took \(last - added)")
        running.cancel()
        await running.value
    }

    /// Returns once `condition` holds (30 s at most: the machine may be slow).
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            try #require(ContinuousClock.now < deadline, "never happened")
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
