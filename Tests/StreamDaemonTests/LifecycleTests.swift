import Foundation
import StreamTestSupport
import Testing

@Suite("streamd run: shutdown under load and exact reloads", .serialized, .timeLimit(.minutes(3)))
struct LifecycleTests {
    /// What users rely on: the process is gone inside systemd's `TimeoutStopSec=10s`, with
    /// the final state written (graceful 5 s, then cancellation 3 s). How fast it usually is
    /// (well under a second) is printed here and measured by benchmarks, not asserted: a
    /// shared machine under a parallel build has taken 6.8 s.
    static let deadline: Duration = .seconds(10)

    @Test("SIGTERM with 200 event subscribers and 50 followed streams: exit 0 inside TimeoutStopSec, final state written, socket file gone, every subscriber's stream ended")
    func shutdownUnderLoad() async throws {
        try await withLoopback { server in
            // 25 stations of 2 streams each: 50 followed ICY streams with titles.
            var toml = ""
            for station in 0..<25 {
                toml += """

                    [[station]]
                    id = "load-\(station)"
                    name = "Load \(station)"

                    """
                for stream in 0..<2 {
                    let path = "/load-\(station)/\(stream)"
                    server.route(path, .icyStream(metaint: 2000, bytesPerSecond: 8000, extraHeaders: [("icy-name", "Load \(station)")]))
                    server.setTitle("Artist \(station) - Title \(station)", for: path)
                    toml += """
                          [[station.stream]]
                          id = "s\(stream)"
                          url = "\(server.url(path))"

                        """
                }
            }
            let sandbox = try DaemonSandbox()
            defer { sandbox.cleanup() }
            try sandbox.writeConfig("""
                [daemon]
                socket = "\(sandbox.socketPath)"
                state_file = "\(sandbox.stateFilePath)"
                log_level = "info"
                \(toml)
                """)
            let daemon = try await DaemonProcess.start(sandbox)
            do {
                try await daemon.waitForState("all 50 streams up with their titles", timeout: .seconds(30)) { document in
                    let stations = document["stations"] as? [[String: Any]] ?? []
                    return stations.count == 25 && stations.allSatisfy { station in
                        let streams = station["streams"] as? [[String: Any]] ?? []
                        return streams.count == 2 && streams.allSatisfy { $0["status"] as? String == "up" } && station.songTitle != nil
                    }
                }
                var subscribers: [SSESubscriber] = []
                for _ in 0..<200 {
                    subscribers.append(try SSESubscriber(socket: daemon.socketPath))
                }
                for subscriber in subscribers {
                    #expect(await subscriber.wait(timeout: .seconds(20)) { $0.contains { $0.event == "snapshot" } },
                            "every subscriber gets its snapshot")
                }
                // Keep the daemon busy: titles change on every station while it stops.
                let changer = Task {
                    var n = 0
                    while !Task.isCancelled {
                        n += 1
                        for station in stride(from: n % 5, to: 25, by: 5) {
                            server.setTitle("Artist \(station) - Busy \(n)", for: "/load-\(station)/0")
                        }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                try await Task.sleep(for: .milliseconds(500))
                let (status, took) = await daemon.stop(timeout: Self.deadline + .seconds(2))
                changer.cancel()
                #expect(status == 0, "exit status \(String(describing: status)); stderr: \(daemon.stderr.suffix(2000))")
                #expect(took < Self.deadline, "shutdown took \(took)")
                print("shutdown under load: exited \(String(describing: status)) after \(took)")
                #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "the socket file is removed")
                let lastSeen = subscribers.compactMap { $0.events.compactMap(\.id).max() }.max() ?? 0
                let written = try #require(try sandbox.stateDocument(), "the state file exists")
                #expect(UInt64(written.sequence ?? 0) >= lastSeen, "the final state (sequence \(written.sequence ?? 0)) is at least what subscribers saw (\(lastSeen))")
                #expect((written["stations"] as? [[String: Any]])?.count == 25)
                #expect(daemon.stderr.contains("final state"), "the final write is logged")
                for subscriber in subscribers {
                    #expect(await subscriber.waitForEnd(timeout: .seconds(2)), "an event stream left open after exit")
                }
            } catch {
                await daemon.terminate()
                throw TestFailure("\(error)\n--- streamd stderr ---\n\(daemon.stderr.suffix(3000))")
            }
            await daemon.terminate()
        }
    }

    @Test("POST /v1/reload moves a stream to an unreachable URL while the old server keeps sending titles: after the answer the state never shows the old connection's name, titles or status, and the old connection is closed")
    func reloadMovesStreamExactly() async throws {
        try await withLoopback { server in
            server.route("/old", .icyStream(metaint: 500, bytesPerSecond: 32000, extraHeaders: [("icy-name", "Old Stream FM")]))
            server.setTitle("Old Artist - Song 0", for: "/old")
            let unreachable = "http://127.0.0.1:\(try await LoopbackServer.closedPort())/new"
            func config(_ sandbox: DaemonSandbox, _ url: String) -> String {
                """
                [daemon]
                socket = "\(sandbox.socketPath)"
                state_file = "\(sandbox.stateFilePath)"

                [[station]]
                id = "move-fm"
                name = "Move FM"

                  [[station.stream]]
                  id = "main"
                  url = "\(url)"
                """
            }
            try await withDaemon(config: { config($0, server.url("/old")) }) { daemon in
                try await daemon.waitForState("the old stream up with a title") {
                    $0.station("move-fm")?.streamStatus == "up" && $0.station("move-fm")?.songTitle?.hasPrefix("Song") == true
                }
                let titles = Task {
                    var n = 0
                    while !Task.isCancelled {
                        n += 1
                        server.setTitle("Old Artist - Song \(n)", for: "/old")
                        try? await Task.sleep(for: .milliseconds(3))
                    }
                }
                defer { titles.cancel() }
                try daemon.sandbox.writeConfig(config(daemon.sandbox, unreachable))
                let answer = try await daemon.post("/v1/reload")
                #expect(answer.status == 200, "\(answer)")
                let until = ContinuousClock.now + .seconds(2)
                var samples = 0
                while ContinuousClock.now < until {
                    let station = try #require(try await daemon.state().station("move-fm"))
                    let stream = try #require((station["streams"] as? [[String: Any]])?.first)
                    #expect(stream["url"] as? String == unreachable)
                    #expect(stream["status"] as? String != "up", "\(stream)")
                    #expect((stream["name"] as? String) == nil, "the old icy-name on the new stream: \(stream)")
                    #expect(station.songTitle == nil, "a title from the old connection: \(station.songTitle ?? "")")
                    samples += 1
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(samples > 10)
                #expect(server.connectionsClosed(to: "/old").count == 1, "the old connection is closed")
                #expect(server.requests(to: "/old").count == 1)
            }
        }
    }
}
