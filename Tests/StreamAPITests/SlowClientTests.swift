import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI

/// Slowloris: clients that send a request one byte a second. Each byte comes well inside the
/// idle timeout, so only a limit on the whole request's time closes them; meanwhile every
/// other client is answered at once.
@Suite("Socket API: slow clients (slowloris)", .timeLimit(.minutes(2)))
struct SlowClientTests {
    /// Idle timeout 5 s: a byte a second never trips it, even when a loaded machine delays the
    /// client's bytes. The request time limit, 3 s, does.
    static let limits = APILimits(idleTimeout: .seconds(5), requestTimeout: .seconds(3))

    /// Trickles `text` on a fresh connection, one byte a second, on a thread of its own.
    static func trickle(_ socket: String, _ text: String) async throws -> TrickleOutcome {
        try await onOwnThread("test.slowloris") {
            let connection = try UnixSocket(path: socket)
            defer { connection.closeNow() }
            return connection.trickle(Array(text.utf8), every: .seconds(1))
        }
    }

    @Test("a request head sent one byte a second is closed by the request time limit; others are served meanwhile")
    func slowHead() async throws {
        try await withAPIServer(limits: Self.limits) { api in
            // 40 bytes of head, never ended: 40 s at a byte a second unless the server closes.
            let head = "GET /v1/state HTTP/1.1\r\nHost: streamd\r\nX-Slow: " + String(repeating: "a", count: 20)
            let probe = RequestProbe(socket: api.socketPath, interval: .milliseconds(200))
            let outcomes = try await withThrowingTaskGroup(of: TrickleOutcome.self) { group in
                for _ in 0..<5 { group.addTask { try await Self.trickle(api.socketPath, head) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let answers = await probe.stop()
            for outcome in outcomes {
                let closed = try #require(outcome.closedAfter, "a slowloris head was never closed (\(outcome.sent) bytes sent)")
                #expect(closed < .seconds(10), "closed only after \(closed)")
                #expect(outcome.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(outcome.text.prefix(200))")
                #expect(outcome.text.contains(#""code":"request-timeout""#), "\(outcome.text)")
            }
            try #require(!answers.isEmpty)
            #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.map(\.status))")
            // Served in turn, not held back: a few ms here; the bounds leave room for a 2-core
            // machine running other builds.
            #expect(answers.medianTook < .seconds(1), "plain requests while the slow clients trickled: median \(answers.medianTook), slowest \(answers.slowestTook)")
            #expect(answers.slowestTook < .seconds(5), "a plain request took \(answers.slowestTook) while the slow clients trickled")
            #expect(try await api.request("/v1/now").status == 200)
        }
    }

    @Test("a request body sent one byte a second is closed by the same limit, and never reaches the backend")
    func slowBody() async throws {
        try await withAPIServer(limits: Self.limits) { api in
            let request = "POST /v1/reload HTTP/1.1\r\nHost: streamd\r\nContent-Length: 40\r\n\r\n"
            let outcome = try await onOwnThread("test.slowloris") { () -> TrickleOutcome in
                let connection = try UnixSocket(path: api.socketPath)
                defer { connection.closeNow() }
                _ = connection.sendAll(Array(request.utf8))
                return connection.trickle(Array(String(repeating: "b", count: 40).utf8), every: .seconds(1))
            }
            let closed = try #require(outcome.closedAfter, "a slowloris body was never closed (\(outcome.sent) bytes sent)")
            #expect(closed < .seconds(10), "closed only after \(closed)")
            #expect(outcome.text.hasPrefix("HTTP/1.1 408 "), "\(outcome.text.prefix(200))")
            #expect(await api.backend.reloads == 0)
            #expect(try await api.request("/v1/now").status == 200)
        }
    }

    @Test("a keep-alive client that waits between requests longer than the request time limit is not cut off")
    func pauseBetweenRequests() async throws {
        try await withAPIServer(limits: APILimits(idleTimeout: .seconds(60), requestTimeout: .seconds(1))) { api in
            let texts = try await onOwnThread("test.keepalive") { () -> [String] in
                let connection = try UnixSocket(path: api.socketPath)
                defer { connection.closeNow() }
                var texts: [String] = []
                for _ in 0..<2 {
                    _ = connection.sendAll(Array("GET /v1/now HTTP/1.1\r\nHost: streamd\r\n\r\n".utf8))
                    var bytes: [UInt8] = []
                    while SocketHTTP.parse(bytes) == nil, let chunk = connection.readSome(timeout: 5), !chunk.isEmpty {
                        bytes += chunk
                    }
                    texts.append(String(decoding: bytes, as: UTF8.self))
                    Thread.sleep(forTimeInterval: 2.5)  // idle, well past the 1 s request limit
                }
                return texts
            }
            #expect(texts.count == 2)
            #expect(texts.allSatisfy { $0.hasPrefix("HTTP/1.1 200 OK\r\n") }, "\(texts.map { $0.prefix(100) })")
        }
    }

    @Test("a slow request after a quick one on the same connection gets the whole limit from its own first byte, then 408")
    func slowAfterQuick() async throws {
        try await withAPIServer(limits: APILimits(idleTimeout: .seconds(60), requestTimeout: .seconds(2))) { api in
            let (first, slow) = try await onOwnThread("test.keepalive") { () -> (String, TrickleOutcome) in
                let connection = try UnixSocket(path: api.socketPath)
                defer { connection.closeNow() }
                _ = connection.sendAll(Array("GET /v1/now HTTP/1.1\r\nHost: streamd\r\n\r\n".utf8))
                var bytes: [UInt8] = []
                while SocketHTTP.parse(bytes) == nil, let chunk = connection.readSome(timeout: 5), !chunk.isEmpty {
                    bytes += chunk
                }
                // The quick request's limit would end 2 s after it began; the slow one starts
                // 1.5 s in, so a limit not restarted for it would cut it after 0.5 s.
                Thread.sleep(forTimeInterval: 1.5)
                let head = "GET /v1/state HTTP/1.1\r\nHost: streamd\r\nX-Slow: " + String(repeating: "a", count: 30)
                return (String(decoding: bytes, as: UTF8.self), connection.trickle(Array(head.utf8), every: .milliseconds(250)))
            }
            #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(first.prefix(100))")
            let closed = try #require(slow.closedAfter, "the slow request was never closed (\(slow.sent) bytes sent)")
            #expect(closed >= .seconds(2), "cut after \(closed), before its own 2 s")
            #expect(closed < .seconds(10), "closed only after \(closed)")
            #expect(slow.text.hasPrefix("HTTP/1.1 408 "), "\(slow.text.prefix(200))")
        }
    }
}
