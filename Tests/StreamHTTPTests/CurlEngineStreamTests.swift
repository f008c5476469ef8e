import Foundation
import StreamTestSupport
import Testing
@testable import StreamHTTP

@Suite("Engine: streaming transfers", .timeLimit(.minutes(2)))
struct CurlEngineStreamTests {
    /// Reads a stream until `bytes` body bytes arrived; returns the head and the bytes.
    func read(_ stream: HTTPByteStream, atLeast bytes: Int) async throws -> (HTTPResponseHead?, [UInt8]) {
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        for try await event in stream {
            switch event {
            case .head(let h): head = h
            case .body(let chunk): body += chunk
            }
            if body.count >= bytes { break }
        }
        return (head, body)
    }

    @Test("an ICY stream: head first with icy-metaint, then endless body with metadata blocks")
    func icyStream() async throws {
        try await withEngine { engine, server in
            server.route("/live", .icyStream(metaint: 1000, bytesPerSecond: 16_000))
            server.setTitle("Artist - Song", for: "/live")
            let stream = engine.stream(HTTPRequest(url: server.url("/live"), headers: [("Icy-MetaData", "1")],
                                                   totalTimeout: nil, acceptCompressed: false))
            let (head, body) = try await read(stream, atLeast: 3000)
            #expect(head?.status == 200)
            #expect(head?.headers["icy-metaint"] == "1000")
            #expect(head?.statusLine == "HTTP/1.0 200 OK")
            // the first metadata block follows the first 1000 audio bytes
            #expect(body.count >= 1001)
            #expect(body[1000] > 0)
            let text = String(decoding: body[1001..<(1001 + Int(body[1000]) * 16)], as: UTF8.self)
            #expect(text.hasPrefix("StreamTitle='Artist - Song';"))
        }
    }

    @Test("SHOUTcast v1 'ICY 200 OK' is accepted as a 200 with its headers")
    func icy200() async throws {
        try await withEngine { engine, server in
            server.route("/sc", .icyStream(metaint: 8192, statusLine: "ICY 200 OK",
                                           extraHeaders: [("icy-name", "Polskie Radio"), ("icy-br", "128")]))
            let stream = engine.stream(HTTPRequest(url: server.url("/sc"), totalTimeout: nil))
            let (head, body) = try await read(stream, atLeast: 100)
            #expect(head?.status == 200)
            #expect(head?.statusLine == "ICY 200 OK")
            #expect(head?.headers["icy-br"] == "128")
            #expect(head?.headers["icy-name"] == "Polskie Radio")
            #expect(body.count >= 100)
        }
    }

    @Test("a stream that stops sending ends with a stalled error, not a hang")
    func stalled() async throws {
        try await withEngine { engine, server in
            var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "audio/mpeg")],
                                      body: .generated { $0 == 0 ? [UInt8](repeating: 1, count: 2000) : [1] })
            route.dribble = (1, .seconds(1))
            server.route("/dribble", route)
            let request = HTTPRequest(url: server.url("/dribble"), totalTimeout: nil,
                                      lowSpeed: LowSpeedLimit(bytesPerSecond: 500, window: .seconds(2)))
            let error = await expectHTTPError { _ = try await read(engine.stream(request), atLeast: .max) }
            #expect(error?.kind == .stalled)
            #expect(error?.message.contains("too slow") == true)
        }
    }

    @Test("the idle limit: body bytes that stop end the transfer as stalled once the limit has passed, long before the server's next bytes")
    func idleLimitEndsAStop() async throws {
        try await withEngine { engine, server in
            var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "audio/mpeg")],
                                      body: .generated { _ in [UInt8](repeating: 1, count: 2000) })
            route.dribble = (2000, .seconds(60))   // 2000 bytes, then the next ones a minute later
            server.route("/stops", route)
            // No low-speed limit and no time limit: only the idle limit can end it before a minute.
            let request = HTTPRequest(url: server.url("/stops"), totalTimeout: nil, idleLimit: .seconds(2))
            let started = ContinuousClock.now
            let error = await expectHTTPError { _ = try await read(engine.stream(request), atLeast: .max) }
            let took = ContinuousClock.now - started
            #expect(error?.kind == .stalled)
            #expect(error?.message == "nothing arrived for 2 s", "\(String(describing: error))")
            #expect(took >= .seconds(2), "ended before the limit: \(took)")
            #expect(took < .seconds(30), "ended by the server's next bytes, not the limit: \(took)")
        }
    }

    @Test("the idle limit leaves a slow stream alone: a byte every 500 ms with a 2 s limit runs until cancelled")
    func idleLimitSparesATrickle() async throws {
        try await withEngine { engine, server in
            var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "audio/mpeg")],
                                      body: .generated { _ in [1] })
            route.dribble = (1, .milliseconds(500))
            server.route("/trickle", route)
            let stream = engine.stream(HTTPRequest(url: server.url("/trickle"), totalTimeout: nil, idleLimit: .seconds(2)))
            let started = ContinuousClock.now
            var received = 0
            let error = await expectHTTPError {
                for try await event in stream {
                    if case .body(let chunk) = event { received += chunk.count }
                    if ContinuousClock.now - started > .seconds(5) { stream.handle.cancel() }
                }
            }
            #expect(error?.kind == .cancelled, "ended by the cancel after 5 s, not stalled: \(String(describing: error))")
            #expect(received >= 8, "\(received) bytes in 5 s")
        }
    }

    @Test("cancelling a streaming transfer mid-body ends it as cancelled and frees the engine")
    func cancelMidBody() async throws {
        try await withEngine { engine, server in
            server.route("/live", .icyStream(metaint: 16000))
            let stream = engine.stream(HTTPRequest(url: server.url("/live"), totalTimeout: nil))
            var received = 0
            let error = await expectHTTPError {
                for try await event in stream {
                    if case .body(let chunk) = event {
                        received += chunk.count
                        if received > 2000 { stream.handle.cancel() }
                    }
                }
            }
            #expect(error?.kind == .cancelled)
            #expect(received > 2000)
            stream.handle.cancel()  // a second cancel is harmless
            server.route("/ok", .ok("still works"))
            let after = try await engine.fetch(HTTPRequest(url: server.url("/ok")))
            #expect(after.text == "still works")
        }
    }

    @Test("a handler sees head, body, completion in order; returning false stops the transfer")
    func handlerStops() async throws {
        try await withEngine { engine, server in
            server.route("/live", .icyStream(metaint: 16000))
            let recorder = Recorder(stopAfter: 5000)
            engine.start(HTTPRequest(url: server.url("/live"), totalTimeout: nil), handler: recorder)
            let result = await recorder.completion()
            #expect(recorder.events.withLock { $0.first } == "head 200")
            #expect(recorder.bytes.withLock { $0 } >= 5000)
            guard case .failure(let error) = result else { Issue.record("expected cancel"); return }
            #expect(error.kind == .cancelled)
        }
    }

    @Test("a redirect to a stream delivers only the final head")
    func redirectToStream() async throws {
        try await withEngine { engine, server in
            server.route("/listen.pls", .redirect(to: "/live"))
            server.route("/live", .icyStream(metaint: 500))
            let recorder = Recorder(stopAfter: 1000)
            engine.start(HTTPRequest(url: server.url("/listen.pls"), totalTimeout: nil), handler: recorder)
            _ = await recorder.completion()
            #expect(recorder.events.withLock { $0.filter { $0.hasPrefix("head") } } == ["head 200"])
        }
    }

    @Test("shutdown completes running transfers as cancelled and refuses new ones")
    func shutdown() async throws {
        let engine = try CurlEngine()
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 16000))
        let recorder = Recorder(stopAfter: .max)
        engine.start(HTTPRequest(url: server.url("/live"), totalTimeout: nil), handler: recorder)
        while recorder.bytes.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        engine.shutdown()
        guard case .failure(let error) = await recorder.completion() else { Issue.record("expected cancel"); return }
        #expect(error.kind == .cancelled)
        let late = await expectHTTPError { _ = try await engine.fetch(HTTPRequest(url: server.url("/live"))) }
        #expect(late?.kind == .cancelled)
        engine.shutdown()  // idempotent
        await server.shutdown()
    }

    @Test("the engine thread beats while idle")
    func heartbeat() async throws {
        let engine = try CurlEngine()
        let before = engine.heartbeat
        try await Task.sleep(for: .milliseconds(2500))
        #expect(engine.heartbeat > before)
        engine.shutdown()
    }
}

/// Records what a handler is told, for order checks.
final class Recorder: HTTPStreamHandler {
    let events = Locked<[String]>([])
    let bytes = Locked(0)
    let stopAfter: Int
    private let done = Locked<(Result<HTTPTransferSummary, HTTPError>?, CheckedContinuation<Result<HTTPTransferSummary, HTTPError>, Never>?)>((nil, nil))

    init(stopAfter: Int) { self.stopAfter = stopAfter }

    func transferDidReceiveHead(_ head: HTTPResponseHead) {
        events.withLock { $0.append("head \(head.status)") }
    }

    func transferDidReceive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        let total = bytes.withLock { $0 += chunk.count; return $0 }
        return total < stopAfter
    }

    func transferDidComplete(_ result: Result<HTTPTransferSummary, HTTPError>) {
        events.withLock { $0.append("complete") }
        let waiter = done.withLock { state in
            state.0 = result
            defer { state.1 = nil }
            return state.1
        }
        waiter?.resume(returning: result)
    }

    func completion() async -> Result<HTTPTransferSummary, HTTPError> {
        await withCheckedContinuation { continuation in
            let ready = done.withLock { state -> Result<HTTPTransferSummary, HTTPError>? in
                if let result = state.0 { return result }
                state.1 = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
