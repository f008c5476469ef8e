import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI

@Suite("Socket API: limits against broken and hostile clients", .timeLimit(.minutes(2)))
struct APILimitsTests {
    @Test("garbage: 400 with an error body, the connection closed, the server still serves")
    func garbage() async throws {
        try await withAPIServer { api in
            let client = try UnixSocket(path: api.socketPath)
            await client.send("\u{01}\u{02}GARBAGE / nonsense\r\n\r\n")
            let (text, closed) = await client.readAll()
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            #expect(text.contains(#"{"error":{"code":"bad-request","#))
            #expect(closed)
            #expect(try await api.request("/v1/stations").status == 200)
        }
    }

    @Test("a 1 MB header: 431 and closed; the server still serves")
    func hugeHead() async throws {
        try await withAPIServer { api in
            let client = try UnixSocket(path: api.socketPath)
            let big = String(repeating: "a", count: 1 << 20)
            await client.send("GET /v1/state HTTP/1.1\r\nHost: streamd\r\nX-Big: \(big)\r\n\r\n")
            let (text, closed) = await client.readAll()
            #expect(closed)
            #expect(text.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
            #expect(text.contains(#""code":"head-too-large""#))
            #expect(try await api.request("/v1/state").status == 200)
        }
    }

    @Test("a 1 MB request line counts against the head limit too")
    func hugeTarget() async throws {
        try await withAPIServer { api in
            let client = try UnixSocket(path: api.socketPath)
            await client.send("GET /v1/state?\(String(repeating: "q", count: 1 << 20)) HTTP/1.1\r\nHost: streamd\r\n\r\n")
            let (text, closed) = await client.readAll()
            #expect(closed)
            #expect(text.hasPrefix("HTTP/1.1 431 "))
        }
    }

    @Test("a body over the limit: 413 and closed")
    func hugeBody() async throws {
        try await withAPIServer(limits: APILimits(maxBodyBytes: 1024)) { api in
            let declared = try UnixSocket(path: api.socketPath)
            await declared.send("POST /v1/reload HTTP/1.1\r\nHost: streamd\r\nContent-Length: 100000\r\n\r\n")
            let (text, closed) = await declared.readAll()
            #expect(text.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
            #expect(text.contains(#""code":"too-large""#))
            #expect(closed)
            let chunked = try UnixSocket(path: api.socketPath)
            await chunked.send("POST /v1/reload HTTP/1.1\r\nHost: streamd\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n\(String(repeating: "b", count: 2048))\r\n")
            #expect(await chunked.readAll().text.hasPrefix("HTTP/1.1 413 "))
            #expect(await api.backend.reloads == 0)
        }
    }

    @Test("200 concurrent clients are all answered")
    func concurrentClients() async throws {
        try await withAPIServer { api in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<200 {
                    group.addTask { try await api.request(i % 2 == 0 ? "/v1/now" : "/v1/state").status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test("over the connection limit: 503 with an error body, then closed")
    func connectionLimit() async throws {
        try await withAPIServer(limits: APILimits(maxConnections: 2)) { api in
            let first = try UnixSocket(path: api.socketPath)
            let second = try UnixSocket(path: api.socketPath)
            await first.send("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n")
            await second.send("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n")
            #expect(await apiWaitUntil { api.hub.subscriberCount == 2 })
            let third = try UnixSocket(path: api.socketPath)
            let (text, closed) = await third.readAll()
            #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
            #expect(text.contains(#""code":"unavailable""#))
            #expect(closed)
            _ = (first, second)
        }
    }

    @Test("over the subscriber limit: 503 with an error body and closed; plain requests still served; a freed place is taken again")
    func subscriberLimit() async throws {
        try await withAPIServer(limits: APILimits(maxConnections: 16, maxSubscribers: 2)) { api in
            let first = try UnixSocket(path: api.socketPath)
            let second = try UnixSocket(path: api.socketPath)
            await first.send("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n")
            await second.send("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n")
            #expect(await apiWaitUntil { api.hub.subscriberCount == 2 })
            let third = try UnixSocket(path: api.socketPath)
            await third.send("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n")
            let (text, closed) = await third.readAll()
            #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), "\(text.prefix(200))")
            #expect(text.contains("too many event subscribers (limit 2)"))
            #expect(text.lowercased().contains("retry-after: 2"))
            #expect(closed)
            #expect(api.hub.subscriberCount == 2)
            let plain = try await api.request("/v1/now")
            #expect(plain.status == 200)
            first.closeNow()
            #expect(await apiWaitUntil { api.hub.subscriberCount == 1 })
            let fourth = try UnixSocket(path: api.socketPath)
            await fourth.send("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n")
            #expect(await apiWaitUntil { api.hub.subscriberCount == 2 }, "the freed place was not taken")
            _ = (second, fourth)
        }
    }

    @Test("an idle connection is closed after the idle timeout; an event stream is not")
    func idleTimeout() async throws {
        // 1 s: on a loaded machine the server may take a few hundred ms to read the event
        // stream's request, and until it has, that connection is as idle as the other one.
        try await withAPIServer(limits: APILimits(idleTimeout: .seconds(1), heartbeatInterval: .seconds(60))) { api in
            let idle = try UnixSocket(path: api.socketPath)
            let stream = try SSESubscriber(socket: api.socketPath)
            defer { stream.close() }
            // 1 s idle limit; the wait is generous for a loaded machine (a connection the
            // server never closes would hit it)
            let (_, closed) = await idle.readAll(timeout: 15)
            #expect(closed)
            try await Task.sleep(for: .milliseconds(500))
            #expect(!stream.ended)
            #expect(api.hub.subscriberCount == 1)
        }
    }

    @Test("keep-alive: several requests on one connection")
    func keepAlive() async throws {
        try await withAPIServer { api in
            let client = try UnixSocket(path: api.socketPath)
            await client.send("GET /v1/stations HTTP/1.1\r\nHost: streamd\r\n\r\nGET /v1/health HTTP/1.1\r\nHost: streamd\r\nConnection: close\r\n\r\n")
            let (text, closed) = await client.readAll()
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3)
            #expect(closed)
        }
    }
}
