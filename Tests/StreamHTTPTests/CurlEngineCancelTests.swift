import Foundation
import StreamTestSupport
import Synchronization
import Testing
@testable import StreamHTTP

/// Counts what a handler receives, and whether anything came after a given moment.
private final class CountingHandler: HTTPStreamHandler, @unchecked Sendable {
    let heads = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    let completions = Atomic<Int>(0)
    let lastError = Locked<HTTPError?>(nil)

    func transferDidReceiveHead(_ head: HTTPResponseHead) { heads.add(1, ordering: .relaxed) }

    func transferDidReceive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        bytes.add(chunk.count, ordering: .relaxed)
        return true
    }

    func transferDidComplete(_ result: Result<HTTPTransferSummary, HTTPError>) {
        if case .failure(let error) = result { lastError.withLock { $0 = error } }
        completions.add(1, ordering: .relaxed)
    }
}

/// Waits (polling) until `condition` holds or `timeout` passes; returns whether it held.
private func until(_ timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}

@Suite("Engine: cancelling reaches libcurl at once; shutdown is memory-safe", .timeLimit(.minutes(2)))
struct CurlEngineCancelTests {
    @Test("cancelling the task of a perform closes the connection at once and returns cancelled")
    func performCancelClosesConnection() async throws {
        try await withEngine { engine, server in
            server.route("/live", .icyStream(metaint: 1000, bytesPerSecond: 32000))
            let handler = CountingHandler()
            let transfer = Task { await engine.perform(HTTPRequest(url: server.url("/live")), handler: handler) }
            #expect(await until { handler.bytes.load(ordering: .relaxed) > 4000 }, "audio flows")
            let cancelled = ContinuousClock.now
            transfer.cancel()
            let result = await transfer.value
            let returned = ContinuousClock.now - cancelled
            guard case .failure(let error) = result else {
                Issue.record("a cancelled perform returned \(result)")
                return
            }
            #expect(error.kind == .cancelled)
            #expect(await until { !server.connectionsClosed(to: "/live").isEmpty }, "the server sees the connection end")
            let closedAfter = try #require(server.connectionsClosed(to: "/live").first) - cancelled
            // Measured: about 1 ms on loopback (the engine wakes, removes the handle, closes); the
            // figure is printed, not asserted (no timed assertions). What is asserted is that the
            // cancel reached libcurl: this endless stream never ends by itself (the request has no
            // time limit), so without it the perform would not return at all. The bound only
            // keeps a broken engine from passing late; a loaded 2-core machine running other
            // builds took 0.7 s.
            #expect(closedAfter < .seconds(5), "connection closed \(closedAfter) after the cancel")
            #expect(returned < .seconds(5), "perform returned \(returned) after the cancel")
            print("perform cancel: connection closed after \(closedAfter), perform returned after \(returned)")
        }
    }

    @Test("after HTTPTransferHandle.cancel() returns the handler sees no more bytes, and completes once as cancelled")
    func gateClosesDelivery() async throws {
        try await withEngine { engine, server in
            server.route("/live", .icyStream(metaint: 1000, bytesPerSecond: 64000))
            for _ in 0..<20 {
                let handler = CountingHandler()
                let handle = engine.start(HTTPRequest(url: server.url("/live")), handler: handler)
                #expect(await until { handler.bytes.load(ordering: .relaxed) > 2000 })
                handle.cancel()
                let atCancel = handler.bytes.load(ordering: .relaxed)
                #expect(await until { handler.completions.load(ordering: .relaxed) == 1 })
                try await Task.sleep(for: .milliseconds(20))
                #expect(handler.bytes.load(ordering: .relaxed) == atCancel, "no body after cancel() returned")
                #expect(handler.completions.load(ordering: .relaxed) == 1)
                #expect(handler.lastError.withLock { $0?.kind } == .cancelled)
                handle.cancel()  // a second cancel is harmless
            }
        }
    }

    @Test("a cancel before the transfer starts completes it as cancelled without a request")
    func cancelBeforeStart() async throws {
        try await withEngine { engine, server in
            server.route("/x", .ok("hello"))
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await engine.perform(HTTPRequest(url: server.url("/x")), handler: CountingHandler())
            }
            guard case .failure(let error) = await task.value else {
                Issue.record("a perform cancelled before it started succeeded")
                return
            }
            #expect(error.kind == .cancelled)
            #expect(server.requests(to: "/x").isEmpty)
        }
    }

    @Test("shutdown while many tasks submit, stream and cancel: every transfer ends, nothing hangs or crashes")
    func shutdownRace() async throws {
        let server = try await LoopbackServer.start()
        server.route("/x", .ok("hello"))
        server.route("/live", .icyStream(metaint: 1000, bytesPerSecond: 16000))
        for round in 0..<10 {
            let engine = try CurlEngine()
            let finished = CountingHandler()  // its byte counter counts finished workers here
            try await withThrowingDiscardingTaskGroup { group in
                for worker in 0..<24 {
                    group.addTask {
                        switch worker % 3 {
                        case 0:
                            _ = try? await engine.fetch(HTTPRequest(url: server.url("/x")))
                        case 1:
                            let handle = engine.start(HTTPRequest(url: server.url("/live")), handler: CountingHandler())
                            try? await Task.sleep(for: .milliseconds(worker))
                            handle.cancel()
                        default:
                            let task = Task { await engine.perform(HTTPRequest(url: server.url("/live")), handler: CountingHandler()) }
                            try? await Task.sleep(for: .milliseconds(worker))
                            task.cancel()
                            _ = await task.value
                        }
                        finished.bytes.add(1, ordering: .relaxed)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(round * 3))
                    engine.shutdown()
                    engine.wake()  // after shutdown: must not touch the freed multi handle
                    engine.shutdown()
                }
            }
            #expect(finished.bytes.load(ordering: .relaxed) == 24)
            // Submissions after shutdown complete at once as cancelled.
            let late = await engine.perform(HTTPRequest(url: server.url("/x")), handler: CountingHandler())
            if case .failure(let error) = late { #expect(error.kind == .cancelled) } else { Issue.record("a late submission succeeded") }
        }
        await server.shutdown()
    }

    @Test("the User-Agent is streamd's and libcurl's versions, then the configured suffix; a new suffix applies to later transfers")
    func userAgentSuffix() async throws {
        let server = try await LoopbackServer.start()
        server.route("/x", .ok("hello"))
        let engine = try CurlEngine(userAgentSuffix: "(+mailto:engineering@wvia.org)")
        defer { engine.shutdown() }
        _ = try await engine.fetch(HTTPRequest(url: server.url("/x")))
        engine.setUserAgentSuffix("(+https://wvia.org/contact)")
        _ = try await engine.fetch(HTTPRequest(url: server.url("/x")))
        engine.setUserAgentSuffix(nil)
        _ = try await engine.fetch(HTTPRequest(url: server.url("/x")))
        let agents = server.requests(to: "/x").map { $0.header("User-Agent") ?? "" }
        #expect(agents.count == 3)
        #expect(agents.allSatisfy { $0.hasPrefix("streamd/\(StreamdVersion.string) libcurl/") }, "\(agents)")
        #expect(agents.first?.hasSuffix(" (+mailto:engineering@wvia.org)") == true, "\(agents)")
        #expect(agents.dropFirst().first?.hasSuffix(" (+https://wvia.org/contact)") == true, "\(agents)")
        #expect(agents.last?.contains("(+") == false, "\(agents)")
        await server.shutdown()
    }
}
