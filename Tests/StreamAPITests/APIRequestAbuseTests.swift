import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI

/// Every route of `APIRouter` with the wrong method, and request targets with bad
/// percent-encoding, over a real socket (so the HTTP parser sees the bytes as sent): each gets
/// a clear 4xx with the documented error body, never a 500 or a crash, and the server answers
/// a plain request afterwards.
@Suite("Socket API: bad methods, bad targets, tokens", .timeLimit(.minutes(2)))
struct APIRequestAbuseTests {
    /// The `GET`/`HEAD` routes (APIRouter), with a station that exists where one is named.
    static let readPaths = ["/v1/state", "/v1/stations", "/v1/stations/wvia-fm", "/v1/now", "/v1/next",
                            "/v1/events", "/v1/health", "/metrics", "/screen"]
    /// The `POST` routes.
    static let postPaths = ["/v1/refresh", "/v1/reload"]

    /// The error body's code, or a failure naming what came instead.
    static func errorCode(_ exchange: RawExchange) -> String? {
        guard let answer = exchange.answer, let object = try? answer.object(),
              let error = object["error"] as? [String: Any] else { return nil }
        return error["code"] as? String
    }

    /// The server still answers a plain request, at once.
    static func expectServing(_ api: APIFixture, _ context: String) async {
        do {
            let answer = try await SocketHTTP.request(api.socketPath, "GET", "/v1/now", timeout: 10)
            #expect(answer.status == 200, "\(context): then /v1/now answered \(answer)")
        } catch {
            Issue.record("\(context): then /v1/now was not answered: \(error)")
        }
    }

    @Test("a wrong method on each read route: 405, Allow: GET, HEAD, the method-not-allowed body")
    func wrongMethodOnReadRoutes() async throws {
        try await withAPIServer { api in
            for path in Self.readPaths {
                for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
                    let exchange = try await SocketHTTP.exchange(api.socketPath, requestLine: "\(method) \(path) HTTP/1.1",
                                                                 headers: ["Content-Length: 0"])
                    let context = "\(method) \(path)"
                    #expect(exchange.answer?.status == 405, "\(context): \(exchange)")
                    #expect(exchange.answer?.headers["allow"] == "GET, HEAD", "\(context): \(exchange)")
                    #expect(Self.errorCode(exchange) == "method-not-allowed", "\(context): \(exchange)")
                }
            }
            #expect(api.hub.subscriberCount == 0, "no event stream was started by a wrong method")
            await Self.expectServing(api, "after wrong methods on the read routes")
        }
    }

    @Test("a wrong method on each POST route: 405, Allow: POST, and the backend is not reached")
    func wrongMethodOnPostRoutes() async throws {
        try await withAPIServer { api in
            for path in Self.postPaths {
                for method in ["GET", "HEAD", "PUT", "DELETE", "PATCH"] {
                    let exchange = try await SocketHTTP.exchange(api.socketPath, requestLine: "\(method) \(path) HTTP/1.1")
                    let context = "\(method) \(path)"
                    #expect(exchange.answer?.status == 405, "\(context): \(exchange)")
                    #expect(exchange.answer?.headers["allow"] == "POST", "\(context): \(exchange)")
                    if method != "HEAD" {
                        #expect(Self.errorCode(exchange) == "method-not-allowed", "\(context): \(exchange)")
                    }
                }
            }
            #expect(await api.backend.reloads == 0)
            #expect(await api.backend.refreshed.isEmpty)
            await Self.expectServing(api, "after wrong methods on the POST routes")
        }
    }

    @Test("a method token HTTP does not know: 400 bad-request and closed, on every route")
    func unknownMethodToken() async throws {
        try await withAPIServer { api in
            for path in Self.readPaths + Self.postPaths {
                for method in ["FROB", "get", "G\u{7F}T"] {
                    let exchange = try await SocketHTTP.exchange(api.socketPath, requestLine: "\(method) \(path) HTTP/1.1")
                    let context = "\(method) \(path)"
                    #expect(exchange.answer?.status == 400, "\(context): \(exchange)")
                    #expect(Self.errorCode(exchange) == "bad-request", "\(context): \(exchange)")
                    #expect(exchange.closed, "\(context): closed after a 400")
                }
            }
            await Self.expectServing(api, "after unknown method tokens")
        }
    }

    @Test("bad percent-encoding and odd targets: 400 or 404 with the error body, never a 500")
    func badTargets() async throws {
        let long = String(repeating: "x", count: 8000)
        // target, the status it gets, the error code
        let cases: [(String, Int, String)] = [
            ("/v1/stations/%zz", 400, "bad-request"),
            ("/v1/stations/%", 400, "bad-request"),
            ("/v1/stations/%4", 400, "bad-request"),
            ("/v1/stations/%E9", 400, "bad-request"),            // Latin-1 é: not UTF-8
            ("/v1/stations/%C3", 400, "bad-request"),            // a cut UTF-8 sequence
            ("/v1/stations/%ED%A0%80", 400, "bad-request"),      // a UTF-16 surrogate
            ("/v1/now?station=%zz", 400, "bad-request"),
            ("/v1/now?station=%FF", 400, "bad-request"),
            ("/v1/stations/%C3%A9", 404, "not-found"),           // é: valid, no such station
            ("/v1/stations/a%2Fb", 404, "not-found"),            // an encoded slash is a slash
            ("/v1/stations/%2F", 404, "not-found"),
            ("/v1/stations/..", 404, "not-found"),
            ("/v1/stations/%2E%2E", 404, "not-found"),
            ("/v1/stations/../state", 404, "not-found"),         // no dot segments are resolved
            ("/v1/../v1/state", 404, "not-found"),
            ("/v1/stations/%00", 404, "not-found"),              // NUL, decoded: no such station
            ("/v1/stations/wvia-fm%00", 404, "not-found"),
            ("/v1/now?station=%00", 404, "not-found"),
            ("/v1/stations/" + long, 404, "not-found"),          // under the 16 KiB head limit
            ("/v1/now?station=" + long, 404, "not-found"),
            ("//v1/state", 404, "not-found"),
            ("/v1/state/", 404, "not-found"),
            ("/V1/STATE", 404, "not-found"),
            ("/v1/stations/", 404, "not-found"),
            ("/v1/stations/%20", 404, "not-found"),
            ("*", 400, "bad-request"),                           // asterisk-form
            ("http://streamd/v1/state", 400, "bad-request"),     // absolute-form: origin-form only
            ("v1/state", 400, "bad-request"),
        ]
        try await withAPIServer { api in
            for (target, status, code) in cases {
                let exchange = try await SocketHTTP.exchange(api.socketPath, requestLine: "GET \(target) HTTP/1.1")
                let context = "GET \(target.prefix(60))"
                #expect(exchange.answer?.status == status, "\(context): \(exchange)")
                #expect(Self.errorCode(exchange) == code, "\(context): \(exchange)")
                if let message = try? exchange.answer?.object()["error"] as? [String: Any],
                   let text = message["message"] as? String {
                    #expect(text.utf8.count < 1000, "\(context): the message quotes at most 200 characters of the target")
                }
            }
            // Bytes no URL may hold, raw in the request line: the parser refuses them.
            for raw in ["GET /v1/stations/a\u{0}b HTTP/1.1", "GET /v1/stations/a b HTTP/1.1", "GET /v1/st\u{7}te HTTP/1.1",
                        "GET /v1/stations/\u{E9} HTTP/1.1"] {
                let exchange = try await SocketHTTP.exchange(api.socketPath, requestLine: raw)
                let context = raw.debugDescription
                #expect(exchange.answer.map { [400, 404].contains($0.status) } == true, "\(context): \(exchange)")
                #expect(Self.errorCode(exchange) != nil, "\(context): an error body: \(exchange)")
            }
            // Over the head limit: 431.
            let huge = try await SocketHTTP.exchange(api.socketPath, requestLine: "GET /v1/stations/\(String(repeating: "y", count: 20_000)) HTTP/1.1")
            #expect(huge.answer?.status == 431, "\(huge)")
            await Self.expectServing(api, "after bad targets")
        }
    }

    @Test("an Authorization header is ignored: no route needs a token, a token unlocks nothing")
    func tokens() async throws {
        try await withAPIServer(extraListeners: [.tcp(host: "127.0.0.1", port: 0)]) { api in
            let bearer = "Authorization: Bearer abuse-test-token"
            // On the Unix socket: every route answers as it does without the header.
            for path in Self.readPaths where path != "/v1/events" {
                let plain = try await SocketHTTP.exchange(api.socketPath, requestLine: "GET \(path) HTTP/1.1")
                let withToken = try await SocketHTTP.exchange(api.socketPath, requestLine: "GET \(path) HTTP/1.1",
                                                              headers: [bearer])
                #expect(withToken.answer?.status == plain.answer?.status, "GET \(path): \(withToken) vs \(plain)")
                #expect(withToken.answer?.status != 401, "GET \(path): \(withToken)")
            }
            for path in Self.postPaths {
                // Without a token: the POST routes need none (the socket's file mode is the access control).
                let bare = try await SocketHTTP.exchange(api.socketPath, requestLine: "POST \(path) HTTP/1.1",
                                                         headers: ["Content-Length: 0"])
                #expect(bare.answer.map { [200, 202].contains($0.status) } == true, "POST \(path) without a token: \(bare)")
                let garbled = try await SocketHTTP.exchange(api.socketPath, requestLine: "POST \(path) HTTP/1.1",
                                                            headers: ["Content-Length: 0", "Authorization: Basic !!not base64!!"])
                #expect(garbled.answer.map { [200, 202].contains($0.status) } == true, "POST \(path) with a garbled token: \(garbled)")
            }
            #expect(await api.backend.reloads == 2)
            // Over TCP the POST routes are refused with or without a token.
            let port = try #require(api.server.tcpPorts.first)
            for path in Self.postPaths {
                let refused = try await Curl.run(["-X", "POST", "-H", "Authorization: Bearer abuse-test-token",
                                                  "http://127.0.0.1:\(port)\(path)"])
                #expect(refused.status == 403, "POST \(path) over TCP with a token: \(refused.status) \(refused.body)")
                #expect(refused.body.contains(#""code":"forbidden""#), "\(refused.body)")
            }
            #expect(await api.backend.reloads == 2)
            await Self.expectServing(api, "after requests with tokens")
        }
    }

    @Test("odd but well-formed heads: Upgrade, CONNECT, TRACE, conflicting lengths, a bad Content-Length")
    func oddHeads() async throws {
        let cases: [(String, [String])] = [
            ("GET /v1/state HTTP/1.1", ["Upgrade: websocket", "Connection: Upgrade"]),
            ("GET /v1/events HTTP/1.1", ["Upgrade: h2c", "Connection: Upgrade, HTTP2-Settings", "HTTP2-Settings: AAMAAABkAAQAAP__"]),
            ("CONNECT streamd:80 HTTP/1.1", []),
            ("CONNECT /v1/state HTTP/1.1", []),
            ("TRACE /v1/state HTTP/1.1", []),
            ("POST /v1/reload HTTP/1.1", ["Content-Length: 5", "Transfer-Encoding: chunked"]),
            ("POST /v1/reload HTTP/1.1", ["Content-Length: -1"]),
            ("POST /v1/reload HTTP/1.1", ["Content-Length: 1", "Content-Length: 2"]),
            ("POST /v1/reload HTTP/1.1", ["Content-Length: 99999999999999999999999"]),
            ("GET /v1/state HTTP/2.0", []),
            ("GET /v1/state HTTP/0.9", []),
            ("GET /v1/state HTTP/1.1", ["If-None-Match: \(String(repeating: "\"1842\",", count: 1000))"]),
            ("GET /v1/events?lastEventId=%zz HTTP/1.1", []),
            ("GET /v1/events HTTP/1.1", ["Last-Event-ID: 99999999999999999999999999"]),
        ]
        try await withAPIServer { api in
            for (line, headers) in cases {
                let exchange = try await SocketHTTP.exchange(api.socketPath, requestLine: line, headers: headers, timeout: 5)
                let context = "\(line) \(headers.first?.prefix(40) ?? "")"
                if let answer = exchange.answer {
                    #expect(answer.status < 500, "\(context): \(exchange)")
                    // NIO's encoder frames every answer to CONNECT without a body (RFC 9112 §6.3
                    // allows a body on a refused CONNECT, but NIO leaves it out).
                    if answer.status >= 400, !line.hasPrefix("CONNECT") {
                        #expect(Self.errorCode(exchange) != nil, "\(context): an error body: \(exchange)")
                    }
                } else {
                    #expect(exchange.bytes.isEmpty && exchange.closed, "\(context): neither an answer nor a close: \(exchange)")
                }
            }
            #expect(await api.backend.reloads == 0)
            // After CONNECT, or a request asking to switch protocols (Upgrade), the HTTP parser
            // takes the rest of the connection as the new protocol and parses no more requests:
            // the server answers and closes, rather than leave the client waiting for the idle
            // timeout (60 s) for answers that never come.
            for (first, status) in [("CONNECT /v1/state HTTP/1.1\r\nHost: streamd", "405"),
                                    ("GET /v1/state HTTP/1.1\r\nHost: streamd\r\nConnection: Upgrade\r\nUpgrade: websocket", "200")] {
                let tunnel = try await SocketHTTP.exchange(
                    api.socketPath, Array("\(first)\r\n\r\nGET /v1/now HTTP/1.1\r\nHost: streamd\r\n\r\n".utf8), timeout: 5)
                let context = first.prefix(while: { $0 != "\r" })
                #expect(tunnel.text.hasPrefix("HTTP/1.1 \(status) "), "\(context): \(tunnel)")
                #expect(tunnel.text.components(separatedBy: "HTTP/1.1 ").count == 2, "\(context): one answer only: \(tunnel)")
                #expect(tunnel.closed, "\(context): the connection is closed after the answer: \(tunnel)")
            }
            await Self.expectServing(api, "after odd heads")
        }
    }
}
