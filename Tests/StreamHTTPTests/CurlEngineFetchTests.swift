import Foundation
import StreamTestSupport
import Testing
@testable import StreamHTTP

@Suite("Engine: fetching whole responses", .timeLimit(.minutes(2)))
struct CurlEngineFetchTests {
    @Test("200: status, headers, body, and the request streamd sent")
    func ok() async throws {
        try await withEngine { engine, server in
            server.route("/np", .ok("hello", contentType: "text/xml", headers: [("X-Test", "yes")]))
            let response = try await engine.fetch(HTTPRequest(url: server.url("/np"), headers: [("Icy-MetaData", "1")]))
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.headers["content-type"] == "text/xml")
            #expect(response.headers["X-TEST"] == "yes")
            #expect(response.summary.bodyBytes == 5)
            #expect(response.summary.remoteAddress == "127.0.0.1")
            #expect(response.summary.timings.total >= response.summary.timings.connect)
            let sent = try #require(server.requests(to: "/np").first)
            #expect(sent.header("Icy-MetaData") == "1")
            #expect(sent.header("User-Agent")?.hasPrefix("streamd/\(StreamdVersion.string) libcurl/") == true)
        }
    }

    @Test("304: a conditional GET with the ETag is reported as not modified")
    func conditionalGet() async throws {
        try await withEngine { engine, server in
            server.route("/np") { request in
                request.header("If-None-Match") == "\"v1\""
                    ? LoopbackRoute(statusLine: "HTTP/1.1 304 Not Modified", headers: [("ETag", "\"v1\"")])
                    : .ok("body", headers: [("ETag", "\"v1\""), ("Last-Modified", "Fri, 27 Nov 2026 10:00:00 GMT")])
            }
            let first = try await engine.fetch(HTTPRequest(url: server.url("/np")))
            #expect(first.status == 200 && !first.notModified)
            let validators = try #require(HTTPValidators(from: first.headers))
            #expect(validators.etag == "\"v1\"")
            let second = try await engine.fetch(HTTPRequest(url: server.url("/np"), validators: validators))
            #expect(second.notModified)
            #expect(second.body.isEmpty)
            #expect(try second.requireSuccess().status == 304)
            #expect(server.requests(to: "/np").last?.header("If-Modified-Since") == "Fri, 27 Nov 2026 10:00:00 GMT")
        }
    }

    @Test("404 and 500 come back as responses; requireSuccess turns them into http errors", arguments: [404, 500])
    func errorStatus(code: Int) async throws {
        try await withEngine { engine, server in
            server.route("/x", .status(code, "nope"))
            let response = try await engine.fetch(HTTPRequest(url: server.url("/x")))
            #expect(response.status == code)
            #expect(response.text == "nope")
            let error = await expectHTTPError { _ = try response.requireSuccess() }
            #expect(error?.kind == .http)
            #expect(error?.httpStatus == code)
        }
    }

    @Test("a redirect chain is followed to the end")
    func redirectChain() async throws {
        try await withEngine { engine, server in
            server.route("/a", .redirect(to: "/b"))
            server.route("/b", .redirect(to: server.url("/c"), code: 301))
            server.route("/c", .redirect(to: "/final"))
            server.route("/final", .ok("arrived"))
            let response = try await engine.fetch(HTTPRequest(url: server.url("/a")))
            #expect(response.text == "arrived")
            #expect(response.summary.redirectCount == 3)
            #expect(response.summary.effectiveURL == server.url("/final"))
        }
    }

    @Test("a redirect loop ends with a redirects error, and maxRedirects 0 returns the 302")
    func redirectLoop() async throws {
        try await withEngine { engine, server in
            server.route("/loop1", .redirect(to: "/loop2"))
            server.route("/loop2", .redirect(to: "/loop1"))
            let error = await expectHTTPError { _ = try await engine.fetch(HTTPRequest(url: server.url("/loop1"))) }
            #expect(error?.kind == .redirects)
            #expect(server.requests(to: "/loop1").count == 3)  // first try + 5 redirects alternate: 3 and 3
            let unfollowed = try await engine.fetch(HTTPRequest(url: server.url("/loop1"), maxRedirects: 0))
            #expect(unfollowed.status == 302)
            #expect(unfollowed.headers["location"] == "/loop2")
        }
    }

    @Test("connection refused is a connect error")
    func refused() async throws {
        try await withEngine { engine, _ in
            let port = try await LoopbackServer.closedPort()
            let error = await expectHTTPError { _ = try await engine.fetch(HTTPRequest(url: "http://127.0.0.1:\(port)/")) }
            #expect(error?.kind == .connect)
            #expect(error?.curlCode == 7)
            #expect(error?.message.isEmpty == false)
        }
    }

    @Test("a server slower than the total time limit gives a timeout error")
    func timeout() async throws {
        try await withEngine { engine, server in
            var slow = LoopbackRoute.ok("late")
            slow.headDelay = .seconds(5)
            server.route("/slow", slow)
            let error = await expectHTTPError {
                _ = try await engine.fetch(HTTPRequest(url: server.url("/slow"), totalTimeout: .milliseconds(400)))
            }
            #expect(error?.kind == .timeout)
        }
    }

    @Test("a body over the cap stops the transfer with too-large, with or without Content-Length")
    func oversize() async throws {
        try await withEngine { engine, server in
            server.route("/declared", .bytes([UInt8](repeating: 7, count: 100_000)))
            var undeclared = LoopbackRoute(statusLine: "HTTP/1.1 200 OK",
                                           body: .generated { $0 < 1000 ? [UInt8](repeating: 1, count: 4096) : nil })
            undeclared.dribble = (4096, .milliseconds(1))
            server.route("/undeclared", undeclared)
            for path in ["/declared", "/undeclared"] {
                let error = await expectHTTPError {
                    _ = try await engine.fetch(HTTPRequest(url: server.url(path), maxBodyBytes: 10_000))
                }
                #expect(error?.kind == .tooLarge, "\(path)")
            }
            let fits = try await engine.fetch(HTTPRequest(url: server.url("/declared"), maxBodyBytes: 100_000))
            #expect(fits.body.count == 100_000)
        }
    }

    @Test("gzip bodies are decoded")
    func gzip() async throws {
        try await withEngine { engine, server in
            let text = String(repeating: "StreamTitle='Compressed';", count: 200)
            server.route("/gz", try .gzip(text))
            let response = try await engine.fetch(HTTPRequest(url: server.url("/gz")))
            #expect(response.text == text)
            #expect(response.headers["content-encoding"] == "gzip")
            #expect(server.requests(to: "/gz").first?.header("Accept-Encoding")?.contains("gzip") == true)
        }
    }

    @Test("a body cut off mid-way is a protocol error")
    func abruptClose() async throws {
        try await withEngine { engine, server in
            var route = LoopbackRoute.bytes([UInt8](repeating: 1, count: 50_000))
            route.closeAfterBodyBytes = 1000
            server.route("/cut", route)
            let error = await expectHTTPError { _ = try await engine.fetch(HTTPRequest(url: server.url("/cut"))) }
            #expect(error?.kind == .protocol)
        }
    }

    @Test("file:// URLs read local files; a missing file is a file error")
    func fileURL() async throws {
        try await withEngine { engine, _ in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-engine-\(UUID()).xml").path
            try Data("<x/>".utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let response = try await engine.fetch(HTTPRequest(url: "file://\(path)"))
            #expect(response.status == 200)
            #expect(response.text == "<x/>")
            let error = await expectHTTPError { _ = try await engine.fetch(HTTPRequest(url: "file://\(path).missing")) }
            #expect(error?.kind == .file)
        }
    }

    @Test("unsupported schemes and malformed URLs are url errors")
    func badURL() async throws {
        try await withEngine { engine, _ in
            for url in ["ftp://127.0.0.1/x", "gopher://example/", "http://[::1"] {
                let error = await expectHTTPError { _ = try await engine.fetch(HTTPRequest(url: url)) }
                #expect(error?.kind == .url, "\(url)")
            }
        }
    }

    @Test("200 concurrent transfers all complete with their own bodies")
    func concurrent() async throws {
        try await withEngine { engine, server in
            for i in 0..<200 { server.route("/n\(i)", .ok("body-\(i)")) }
            let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for i in 0..<200 {
                    group.addTask { (i, try await engine.fetch(HTTPRequest(url: server.url("/n\(i)"))).text) }
                }
                var out: [Int: String] = [:]
                for try await (i, text) in group { out[i] = text }
                return out
            }
            #expect(bodies.count == 200)
            #expect((0..<200).allSatisfy { bodies[$0] == "body-\($0)" })
        }
    }

    @Test("cancelling the calling task cancels the fetch")
    func taskCancellation() async throws {
        try await withEngine { engine, server in
            var slow = LoopbackRoute.ok("late")
            slow.headDelay = .seconds(30)
            server.route("/slow", slow)
            let task = Task { try await engine.fetch(HTTPRequest(url: server.url("/slow"))) }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let error = await expectHTTPError { _ = try await task.value }
            #expect(error?.kind == .cancelled)
            // the engine still works afterwards
            server.route("/ok", .ok("fine"))
            #expect(try await engine.fetch(HTTPRequest(url: server.url("/ok"))).text == "fine")
        }
    }
}

@Suite("Engine: connections kept between polls")
struct ConnectionReuseTests {
    @Test("rounds of 30 concurrent polls with pauses between (when no transfer is in the engine) reuse the first round's connections")
    func pollsReuseConnections() async throws {
        let script = Fixture.path("Tests/Fixtures/servers/keepalive_server.py")
        let server = try await ChildProcess.start(try requireTool("python3"), [script], name: "keepalive server")
        defer { Task { _ = await server.terminate() } }
        let port = try await eventually("the server's port", timeout: .seconds(10)) { () -> Int? in
            server.stdout.split(separator: "\n").first.flatMap { Int($0) }
        }
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        func round() async throws {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await engine.fetch(HTTPRequest(url: "http://127.0.0.1:\(port)/np")).status }
                }
                for try await status in group { #expect(status == 200) }
            }
        }
        func accepted() async throws -> Int {
            Int(String(decoding: try await engine.fetch(HTTPRequest(url: "http://127.0.0.1:\(port)/connections")).body,
                       as: UTF8.self)) ?? -1
        }
        try await round()
        let first = try await accepted()
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(200))   // every transfer is out of the engine: only the cache holds connections
            try await round()
        }
        let total = try await accepted()
        // At most one connection per concurrent transfer ever (30, and the /connections
        // queries'): the first round may open fewer (a poll that ends early lends its
        // connection to a later one), and a later round then one or two more. Without the
        // cache every round opened most of its 30 again (over 100 in all).
        #expect(total <= 32, "the first round opened \(first) connections; after three more rounds the server had accepted \(total)")
    }
}
