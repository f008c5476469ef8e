import Foundation
import StreamTestSupport
import Testing

/// Many, broken and hostile clients against the running daemon: it answers everyone it
/// should, refuses what it must, and never stops serving.
@Suite("streamd run: many and hostile socket clients", .timeLimit(.minutes(2)))
struct HostileClientTests {
    func withSettledDaemon(metaint: Int = 1000, _ body: (DaemonProcess, LoopbackStation) async throws -> Void) async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server, metaint: metaint)
            try await withDaemon(config: { LoopbackStation.config($0, [station]) }) { daemon in
                try await daemon.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
                try await body(daemon, station)
            }
        }
    }

    /// The daemon still answers a plain request, quickly.
    func expectServing(_ daemon: DaemonProcess, _ context: String) async {
        let started = ContinuousClock.now
        do {
            let answer = try await SocketHTTP.request(daemon.socketPath, "GET", "/v1/now", timeout: 5)
            #expect(answer.status == 200, "\(context): \(answer)")
            #expect(ContinuousClock.now - started < .seconds(2), "\(context): /v1/now took \(ContinuousClock.now - started)")
        } catch {
            Issue.record("\(context): the daemon stopped answering: \(error)")
        }
        #expect(daemon.isRunning, "\(context): the daemon exited; stderr:\n\(daemon.stderr.suffix(2000))")
    }

    @Test("200 concurrent socket clients are all answered")
    func concurrentClients() async throws {
        try await withSettledDaemon { daemon, station in
            let socket = daemon.socketPath
            let paths = ["/v1/now", "/v1/state", "/v1/stations", "/v1/stations/\(station.id)", "/v1/next", "/v1/health", "/metrics"]
            // 200 clients, each on a thread of its own, all connected before any sends.
            let results = try await onOwnThread("test.socket") { () -> [Result<Int, TestFailure>] in
                let results = Locked<[Result<Int, TestFailure>]>([])
                let group = DispatchGroup()
                let gate = DispatchSemaphore(value: 0)
                for i in 0..<200 {
                    group.enter()
                    let thread = Thread {
                        defer { group.leave() }
                        let outcome: Result<Int, TestFailure>
                        do {
                            let connection = try UnixSocket(path: socket)
                            gate.wait()
                            let head = "GET \(paths[i % paths.count]) HTTP/1.1\r\nHost: streamd\r\nConnection: close\r\n\r\n"
                            _ = connection.sendAll(Array(head.utf8))
                            let (bytes, _) = connection.readToEnd(timeout: 20)
                            connection.closeNow()
                            if let answer = SocketHTTP.parse(bytes) {
                                outcome = .success(answer.status)
                            } else {
                                outcome = .failure(TestFailure("client \(i): no complete answer: \(String(decoding: bytes.prefix(200), as: UTF8.self))"))
                            }
                        } catch {
                            outcome = .failure(TestFailure("client \(i): \(error)"))
                        }
                        results.withLock { $0.append(outcome) }
                    }
                    thread.stackSize = 256 * 1024
                    thread.start()
                }
                for _ in 0..<200 { gate.signal() }
                group.wait()
                return results.value
            }
            #expect(results.count == 200)
            let failures = results.compactMap { result -> String? in
                switch result {
                case .success(let status): status == 200 ? nil : "HTTP \(status)"
                case .failure(let error): error.description
                }
            }
            #expect(failures.isEmpty, "\(failures.count) of 200 clients not answered 200: \(failures.prefix(5))")
            await expectServing(daemon, "after 200 concurrent clients")
        }
    }

    @Test("a client that sends garbage gets 400 and the daemon keeps serving")
    func garbage() async throws {
        try await withSettledDaemon { daemon, _ in
            let answer = try await onOwnThread("test.socket") { () -> (bytes: [UInt8], closed: Bool) in
                let connection = try UnixSocket(path: daemon.socketPath)
                _ = connection.sendAll([0x00, 0x01, 0xFF, 0xFE] + Array("garbage \u{7}\u{1b}[31m not http at all\r\n\r\n".utf8))
                return connection.readToEnd(timeout: 5)
            }
            let text = String(decoding: answer.bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 400"), "garbage must get 400, got: \(text.prefix(200))")
            #expect(answer.closed, "the connection is closed after a 400")
            if let parsed = SocketHTTP.parse(answer.bytes) {
                #expect((try? parsed.object())?["error"] != nil, "a JSON error body: \(parsed.text)")
            }
            // A bad request target too.
            let badTarget = try await onOwnThread("test.socket") { () -> String in
                let connection = try UnixSocket(path: daemon.socketPath)
                _ = connection.sendAll(Array("GET no-slash HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                return String(decoding: connection.readToEnd(timeout: 5).bytes, as: UTF8.self)
            }
            #expect(badTarget.hasPrefix("HTTP/1.1 400"), "\(badTarget.prefix(200))")
            await expectServing(daemon, "after garbage")
        }
    }

    @Test("a 1 MB header gets 431 (or a close) and the daemon keeps serving")
    func hugeHeader() async throws {
        try await withSettledDaemon { daemon, _ in
            let (text, closed) = try await onOwnThread("test.socket") { () -> (String, Bool) in
                let connection = try UnixSocket(path: daemon.socketPath)
                let head = "GET /v1/now HTTP/1.1\r\nHost: streamd\r\nX-Huge: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"
                _ = connection.sendAll(Array(head.utf8))  // the daemon may close before all of it is sent
                let (bytes, closed) = connection.readToEnd(timeout: 10)
                return (String(decoding: bytes, as: UTF8.self), closed)
            }
            #expect(closed, "the connection must be closed after an oversized head")
            #expect(text.isEmpty || text.hasPrefix("HTTP/1.1 431"), "an oversized head gets 431 or a close, got: \(text.prefix(200))")
            // Also many header lines of normal size adding up to too much.
            let (many, _) = try await onOwnThread("test.socket") { () -> (String, Bool) in
                let connection = try UnixSocket(path: daemon.socketPath)
                var head = "GET /v1/now HTTP/1.1\r\nHost: streamd\r\n"
                for i in 0..<2000 { head += "X-Line-\(i): \(String(repeating: "b", count: 40))\r\n" }
                head += "\r\n"
                _ = connection.sendAll(Array(head.utf8))
                let (bytes, closed) = connection.readToEnd(timeout: 10)
                return (String(decoding: bytes, as: UTF8.self), closed)
            }
            #expect(many.isEmpty || many.hasPrefix("HTTP/1.1 431"), "\(many.prefix(200))")
            await expectServing(daemon, "after a 1 MB header")
        }
    }

    @Test("an event subscriber that never reads does not slow another one; the daemon stays responsive")
    func stuckSubscriber() async throws {
        try await withSettledDaemon(metaint: 200) { daemon, station in
            // The stuck one: a tiny receive buffer, a request, and never a read.
            let stuck = try UnixSocket(path: daemon.socketPath, receiveBuffer: 4096)
            defer { stuck.closeNow() }
            _ = stuck.sendAll(Array("GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n".utf8))
            let reader = try SSESubscriber(socket: daemon.socketPath)
            defer { reader.close() }
            #expect(await reader.wait { !$0.isEmpty })

            // Heavy change with long titles (each station event carries the title a dozen times,
            // in now, text and recent), so plenty of event bytes pile up for the stuck one.
            let filler = String(repeating: "x", count: 1000)
            var latencies: [Duration] = []
            var missed: [Int] = []
            for i in 1...60 {
                let title = "Artist \(i) - Title \(i) \(filler)"
                let sent = ContinuousClock.now
                station.setTitle(title)
                let needle = "\"Title \(i) \(filler)\""
                if await reader.wait(timeout: .seconds(2), until: { events in events.contains { ($0.data ?? "").contains(needle) } }),
                   let frame = reader.events.first(where: { ($0.data ?? "").contains(needle) }) {
                    latencies.append(frame.at - sent)
                } else {
                    missed.append(i)
                }
                if i % 20 == 0 { await expectServing(daemon, "during the stuck subscriber, change \(i)") }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(missed.isEmpty, "the reading subscriber missed titles (not within 2 s): \(missed)")
            let slowest = latencies.max() ?? .zero
            #expect(slowest < .seconds(2), "a title took \(slowest) to reach the reading subscriber")
            #expect(!reader.ended, "the reading subscriber was dropped")
            await expectServing(daemon, "after the stuck subscriber")
            // Some 700 KB of events waited for the stuck one: more than its 256 KiB buffer, so
            // it was dropped (counted, its connection closed) while the reader stayed.
            let metrics = try await daemon.get("/metrics")
            let lines = metrics.text.split(separator: "\n")
            let dropped = lines.first { $0.hasPrefix("streamd_sse_dropped_total ") }?.split(separator: " ").last.flatMap { Double($0) }
            #expect((dropped ?? 0) >= 1, "the stuck subscriber was not dropped: \(lines.filter { $0.contains("sse") })")
            let subscribers = lines.first { $0.hasPrefix("streamd_sse_subscribers ") }?.split(separator: " ").last.flatMap { Double($0) }
            #expect(subscribers == 1, "one subscriber left (the reader): \(lines.filter { $0.contains("sse") })")
            let (_, stuckClosed) = try await onOwnThread("test.socket") { stuck.readToEnd(timeout: 5) }
            #expect(stuckClosed, "the dropped subscriber's connection is closed")
        }
    }
}
