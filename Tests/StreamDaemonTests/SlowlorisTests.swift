import Foundation
import StreamTestSupport
import Testing

/// A slowloris client against the running daemon, with its default limits: the request time
/// limit (20 s) closes it, and others are served all along.
@Suite("streamd run: a slowloris client", .timeLimit(.minutes(2)))
struct SlowlorisTests {
    @Test("a head sent one byte a second gets 408 and is closed after about 20 s; plain requests are served meanwhile")
    func slowHead() async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server)
            try await withDaemon(config: { LoopbackStation.config($0, [station]) }) { daemon in
                try await daemon.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
                let socket = daemon.socketPath
                let slow = Task {
                    try await onOwnThread("test.slowloris") { () -> TrickleOutcome in
                        let connection = try UnixSocket(path: socket)
                        defer { connection.closeNow() }
                        // 40 s of head at a byte a second, unless the daemon closes first.
                        let head = "GET /v1/state HTTP/1.1\r\nHost: streamd\r\nX-Slow: " + String(repeating: "s", count: 40)
                        return connection.trickle(Array(head.utf8), every: .seconds(1))
                    }
                }
                let probe = RequestProbe(socket: socket, interval: .seconds(1))
                let outcome = try await slow.value
                let answers = await probe.stop()
                let statuses = answers.map(\.status)
                let slowest = answers.slowestTook
                #expect(statuses.allSatisfy { $0 == 200 }, "plain requests during the slowloris: \(statuses)")
                // Answered at once (tens of ms); the bound leaves room for a loaded 2-core machine.
                #expect(slowest < .seconds(5), "a plain request took \(slowest) during the slowloris")
                let closed = try #require(outcome.closedAfter, "the slowloris was never closed (\(outcome.sent) bytes sent)")
                #expect(closed > .seconds(18) && closed < .seconds(30), "closed after \(closed); the limit is 20 s")
                #expect(outcome.text.hasPrefix("HTTP/1.1 408 "), "\(outcome.text.prefix(300))")
                #expect(outcome.text.contains(#""code":"request-timeout""#), "\(outcome.text)")
                let metrics = try await daemon.get("/metrics").text
                #expect(metrics.contains(#"route="invalid",code="408""#),
                        "\(metrics.split(separator: "\n").filter { $0.contains("invalid") })")
                let answer = try await SocketHTTP.request(socket, "GET", "/v1/now", timeout: 5)
                #expect(answer.status == 200)
            }
        }
    }
}
