import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import StreamAPI
@testable import StreamState

/// The connection handler on NIO's testing channel: request parts in, response parts out, no
/// socket. Answers go through the real responder and a ``TestBackend``; the real-socket tests
/// keep what needs a socket (listeners, permissions, limits enforced before the codec,
/// hostile clients, event streams over a live connection).
@Suite("Socket API: the connection handler, without a socket")
struct APIConnectionHandlerTests {
    /// A channel with the handler and what the test reads back.
    struct Harness {
        let channel: NIOAsyncTestingChannel
        let backend: TestBackend

        init(access: APIAccess = .full, limits: APILimits = APILimits(), document: StateDocument = .apiSample()) async throws {
            backend = TestBackend(document)
            let responder = APIResponder(backend: backend, hub: EventHub(), metrics: MetricsRegistry(), clock: { apiTestNow })
            channel = NIOAsyncTestingChannel()
            try await channel.pipeline.addHandler(APIConnectionHandler(responder: responder, access: access, limits: limits,
                                                                      shared: ConnectionShared(), logger: apiQuietLogger))
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080))
        }

        /// Sends one request (head, optional body, end).
        func send(_ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], body: String? = nil,
                  version: HTTPVersion = .http1_1) async throws {
            var head = HTTPRequestHead(version: version, method: method, uri: uri)
            head.headers.add(contentsOf: headers)
            try await channel.writeInbound(HTTPServerRequestPart.head(head))
            if let body { try await channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: body))) }
            try await channel.writeInbound(HTTPServerRequestPart.end(nil))
        }

        /// The next whole response: head, body, and whether `.end` came.
        func response() async throws -> (head: HTTPResponseHead, body: String) {
            guard case .head(let head) = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
                throw TestFailureHere("the first part of a response is not its head")
            }
            var body = ""
            while true {
                switch try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) {
                case .body(.byteBuffer(let buffer)): body += String(buffer: buffer)
                case .body: throw TestFailureHere("a file region body")
                case .head: throw TestFailureHere("a second head before .end")
                case .end: return (head, body)
                }
            }
        }
    }

    struct TestFailureHere: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test("GET /v1/state: 200 JSON with the ETag; If-None-Match with it: 304 and no body; keep-alive between them")
    func stateAndETag() async throws {
        let api = try await Harness()
        try await api.send(.GET, "/v1/state")
        let first = try await api.response()
        #expect(first.head.status == .ok)
        #expect(first.head.headers.first(name: "content-type")?.hasPrefix("application/json") == true)
        let etag = try #require(first.head.headers.first(name: "etag"))
        #expect(etag == "\"1842\"")
        #expect(first.head.headers.first(name: "connection") == nil, "HTTP/1.1 stays open")
        let document = try StateDocument.makeDecoder().decode(StateDocument.self, from: Data(first.body.utf8))
        #expect(document.sequence == 1842)
        try await api.send(.GET, "/v1/state", headers: [("If-None-Match", etag)])
        let again = try await api.response()
        #expect(again.head.status == .notModified)
        #expect(again.body.isEmpty)
        #expect(api.channel.isActive, "keep-alive: the connection stays open")
    }

    @Test("unknown path 404, wrong method 405, unknown station 404: JSON error bodies with their codes")
    func errors() async throws {
        let api = try await Harness()
        try await api.send(.GET, "/v2/nothing")
        let missing = try await api.response()
        #expect(missing.head.status == .notFound)
        #expect(missing.body.contains(#""code":"not-found""#))
        try await api.send(.DELETE, "/v1/state")
        let method = try await api.response()
        #expect(method.head.status == .methodNotAllowed)
        #expect(method.body.contains(#""code":"method-not-allowed""#))
        try await api.send(.GET, "/v1/stations/nope")
        let station = try await api.response()
        #expect(station.head.status == .notFound)
    }

    @Test("HEAD answers the GET's head with no body")
    func head() async throws {
        let api = try await Harness()
        try await api.send(.HEAD, "/v1/now")
        let answer = try await api.response()
        #expect(answer.head.status == .ok)
        #expect(answer.body.isEmpty)
        #expect(Int(answer.head.headers.first(name: "content-length") ?? "") ?? 0 > 0, "the GET's length")
    }

    @Test("a declared body over the limit: 413 with Connection: close, and the channel closes")
    func bodyTooLarge() async throws {
        var limits = APILimits()
        limits.maxBodyBytes = 16
        let api = try await Harness(limits: limits)
        try await api.channel.writeInbound(HTTPServerRequestPart.head(
            HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/refresh", headers: ["Content-Length": "1000"])))
        let answer = try await api.response()
        #expect(answer.head.status == .payloadTooLarge)
        #expect(answer.head.headers.first(name: "connection") == "close")
        try await api.channel.closeFuture.get()
    }

    @Test("read-only access (the TCP listener): GET answers, POST is 403 and reaches no backend")
    func readOnly() async throws {
        let api = try await Harness(access: .readOnly)
        try await api.send(.GET, "/v1/now")
        #expect(try await api.response().head.status == .ok)
        try await api.send(.POST, "/v1/reload")
        let refused = try await api.response()
        #expect(refused.head.status == .forbidden)
        #expect(await api.backend.reloads == 0)
    }

    @Test("POST /v1/refresh reaches the backend; HTTP/1.0 without keep-alive closes after the answer")
    func refreshAndClose() async throws {
        let api = try await Harness()
        try await api.send(.POST, "/v1/refresh?station=wvia-fm", version: .http1_0)
        let answer = try await api.response()
        #expect(answer.head.status == .accepted)
        #expect(await api.backend.refreshed == ["wvia-fm"])
        #expect(answer.head.headers.first(name: "connection") == "close")
        try await api.channel.closeFuture.get()
    }

    @Test("GET /v1/events: a text/event-stream head, the retry line and the snapshot")
    func eventsHead() async throws {
        let api = try await Harness()
        try await api.send(.GET, "/v1/events")
        guard case .head(let head) = try await api.channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
            Issue.record("no head")
            return
        }
        #expect(head.status == .ok)
        #expect(head.headers.first(name: "content-type") == "text/event-stream")
        guard case .body(.byteBuffer(let retry)) = try await api.channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
            Issue.record("no retry line")
            return
        }
        #expect(String(buffer: retry).hasPrefix("retry: "))
        try await api.channel.close()
    }
}
