import NIOConcurrencyHelpers
import StreamHTTP
import StreamTestSupport
import Testing
@testable import StreamWatch

/// A step under way in the scheduler: cancelled through its transfer or task, awaited until
/// it ended, and let go of once it has (a quick poll's transfer holds the closure that ends
/// it: keeping the transfer would be a leak per poll, as it was at first: 1.6 MiB a second
/// with 1,000 stations).
@Suite("StepRun: one step under way", .timeLimit(.minutes(1)))
struct StepRunTests {
    /// A transfer's handler that ends the run when the transfer completes, as a quick poll's does.
    final class EndingHandler: HTTPStreamHandler, @unchecked Sendable {
        let run: StepRun
        let completed = Locked(false)
        init(run: StepRun) { self.run = run }
        func transferDidReceiveHead(_ head: HTTPResponseHead) {}
        func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> Bool { true }
        func transferDidComplete(_ result: Result<HTTPTransferSummary, HTTPError>) {
            completed.withLock { $0 = true }
            run.end()
        }
    }

    @Test("a run lets go of its transfer when it ends, so the handler that ends it is freed")
    func endReleasesTheTransfer() async throws {
        let server = try await LoopbackServer.start()
        server.route("/np", .ok("answer"))
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        weak var weakHandler: EndingHandler?
        do {
            let run = StepRun()
            let handler = EndingHandler(run: run)
            weakHandler = handler
            run.attach(engine.start(HTTPRequest(url: server.url("/np")), handler: handler))
            await run.ended()
            #expect(handler.completed.value)
        }
        try await eventually("the handler freed") { weakHandler == nil }
        await server.shutdown()
    }

    @Test("cancel before the transfer is attached cancels it on attach; ended() returns after the end")
    func cancelBeforeAttach() async throws {
        let server = try await LoopbackServer.start()
        var route = LoopbackRoute.ok("late")
        route.headDelay = .seconds(60)
        server.route("/slow", route)
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let run = StepRun()
        run.cancel()
        let handler = EndingHandler(run: run)
        run.attach(engine.start(HTTPRequest(url: server.url("/slow")), handler: handler))
        await run.ended()
        #expect(handler.completed.value, "the transfer completed (as cancelled) at once")
        await server.shutdown()
    }

    @Test("a task attached after a cancel is cancelled at once")
    func cancelledTask() async {
        let run = StepRun()
        run.cancel()
        let sawCancel = Locked(false)
        run.attach(Task {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            sawCancel.withLock { $0 = true }
            run.end()
        })
        await run.ended()
        #expect(sawCancel.value)
    }
}
