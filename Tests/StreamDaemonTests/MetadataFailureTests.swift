import Foundation
import StreamTestSupport
import Testing

@Suite("streamd run: metadata that does not parse is counted, logged once, and shown", .timeLimit(.minutes(2)))
struct MetadataFailureTests {
    @Test("a stream announcing the wrong icy-metaint: degraded with a metadata reason in the state, a growing /metrics counter, one log line")
    func wrongMetaint() async throws {
        try await withLoopback { server in
            // Blocks every 1000 bytes, announced as every 700: nothing the demuxer cuts parses.
            // The filler byte read as a length makes 2,720-byte "blocks", so only a fifth of
            // the bytes count as audio: 48,000 B/s keeps that well above the up threshold
            // (2,000 B/s) even when a loaded machine delays the server's ticks (at 16,000 B/s
            // the stream stayed pending in full runs on 2 busy cores).
            var route = LoopbackRoute.icyStream(metaint: 1000, bytesPerSecond: 48000)
            route.headers = route.headers.map { $0.0 == "icy-metaint" ? ($0.0, "700") : $0 }
            server.route("/live", route)
            server.setTitle("Artist - Song", for: "/live")
            try await withDaemon(config: { sandbox in
                """
                [daemon]
                socket = "\(sandbox.socketPath)"
                state_file = "\(sandbox.stateFilePath)"

                [[station]]
                id = "sync-fm"
                name = "Sync FM"

                  [[station.stream]]
                  id = "main"
                  url = "\(server.url("/live"))"
                """
            }) { daemon in
                let document = try await daemon.waitForState("the stream degraded") { $0.station("sync-fm")?.streamStatus == "degraded" }
                let station = try #require(document.station("sync-fm"))
                #expect(station["onAir"] as? Bool == true, "audio flows: still on the air")
                let error = try #require((station["streams"] as? [[String: Any]])?.first?["error"] as? [String: Any])
                #expect(error["kind"] as? String == "metadata")
                #expect((error["message"] as? String)?.contains("lost sync") == true, "\(error)")

                func counter() async throws -> Double? {
                    let text = try await daemon.get("/metrics").text
                    let line = text.split(separator: "\n").first {
                        $0.hasPrefix("streamd_stream_metadata_errors_total") && $0.contains("station=\"sync-fm\"") && $0.contains("stream=\"main\"")
                    }
                    return line?.split(separator: " ").last.flatMap { Double($0) }
                }
                let first = try #require(try await counter(), "the counter is exported")
                try await Task.sleep(for: .seconds(2))
                let later = try #require(try await counter())
                #expect(first >= 3 && later > first, "the counter grows: \(first) then \(later)")
                let lines = daemon.stderr.split(separator: "\n").filter { $0.contains("did not parse") }
                #expect(lines.count == 1, "one log line for many failures (rate-limited): \(lines)")
            }
        }
    }
}
