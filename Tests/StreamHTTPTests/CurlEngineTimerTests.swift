import StreamTestSupport
import Testing
@testable import StreamHTTP

/// Timed work on the engine thread (``CurlEngine/schedule(at:_:)``): what the step scheduler
/// runs the sources' polls from. It runs on the engine thread, not before its time, in the
/// order of the deadlines, also when the engine sleeps with nothing to do; a transfer it starts
/// begins at once; nothing runs after shutdown.
@Suite("Engine: timed work on the engine thread", .timeLimit(.minutes(1)))
struct CurlEngineTimerTests {
    @Test("timed work runs on the engine thread, at or after its deadline, in deadline order")
    func runsInOrder() async throws {
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let ran = Locked<[(label: Int, late: Duration, onEngine: Bool)]>([])
        let start = ContinuousClock.now
        // Added out of order; the engine is idle (it would otherwise sleep for a second).
        for (label, offset) in [(3, 300), (1, 50), (2, 150), (0, 0)] {
            let deadline = start + .milliseconds(offset)
            engine.schedule(at: deadline) {
                ran.withLock { $0.append((label, ContinuousClock.now - deadline, engine.thread.isInside)) }
            }
        }
        try await eventually("all four ran") { ran.value.count == 4 }
        let runs = ran.value
        #expect(runs.map(\.label) == [0, 1, 2, 3])
        #expect(runs.allSatisfy { $0.onEngine })
        #expect(runs.allSatisfy { $0.late >= .zero }, "never before its deadline: \(runs.map(\.late))")
        // An idle engine sleeps up to a second; the 50 ms deadline must have cut that sleep.
        #expect(runs[1].late < .milliseconds(900), "the sleep ended at the deadline, not at the heartbeat")
    }

    @Test("a transfer started by timed work begins in the same turn and completes")
    func startsTransfers() async throws {
        let server = try await LoopbackServer.start()
        server.route("/np", .ok("timed"))
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let body = Locked<String?>(nil)
        engine.schedule(at: .now + .milliseconds(20)) {
            engine.startFetch(HTTPRequest(url: server.url("/np"))) { result in
                body.withLock { $0 = (try? result.get()).map { String(decoding: $0.body, as: UTF8.self) } }
            }
        }
        try await eventually("the timed fetch answered") { body.value == "timed" }
        await server.shutdown()
    }

    @Test("work not yet due at shutdown never runs")
    func droppedAtShutdown() async throws {
        let engine = try CurlEngine()
        let ran = Locked(false)
        engine.schedule(at: .now + .milliseconds(200)) { ran.withLock { $0 = true } }
        engine.shutdown()
        try await Task.sleep(for: .milliseconds(400))
        #expect(!ran.value)
        engine.schedule(at: .now) { ran.withLock { $0 = true } }  // after shutdown: ignored
        try await Task.sleep(for: .milliseconds(50))
        #expect(!ran.value)
    }

    @Test("the sleep until the next deadline is rounded up to whole milliseconds, at most the longest")
    func sleepRounding() {
        var timers = EngineTimers()
        let now = ContinuousClock.now
        #expect(!timers.insert(at: now + .microseconds(1500)) {}, "awake: no wake-up needed")
        #expect(timers.sleep(now: now, longest: .seconds(1)) == 2)
        #expect(timers.insert(at: now + .microseconds(500)) {}, "asleep until later: wake it")
        #expect(!timers.insert(at: now + .seconds(5)) {}, "after the sleep ends: no wake-up")
        #expect(timers.wake(now: now + .milliseconds(1)).count == 1)
        #expect(timers.wake(now: now + .milliseconds(2)).count == 1)
        #expect(timers.count == 1)
        #expect(timers.sleep(now: now + .milliseconds(2), longest: .seconds(1)) == 1000, "5 s away: the heartbeat")
    }
}
