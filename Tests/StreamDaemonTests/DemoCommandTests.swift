import Foundation
import StreamTestSupport
import Testing

/// `streamd demo` as a newcomer runs it: each demo owns its folder, a second one in the same
/// folder is refused before it touches anything, and the client commands find a running demo
/// by themselves.
@Suite("streamd demo: one demo per folder, found by the client commands", .serialized, .timeLimit(.minutes(2)))
struct DemoCommandTests {
    @Test("a second demo in the same folder is refused before it writes anything; the first keeps running, on the air")
    func secondDemoRefused() async throws {
        let tmp = NSTemporaryDirectory() + "demo-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        // TMPDIR moves the per-user default folder into this test's own folder.
        let environment = ["TMPDIR": tmp, "STREAMD_SOCKET": ""]
        let first = try await StreamdProcess.start(["demo", "--song-length", "5"], extraEnvironment: environment)
        let folder = "\(tmp)/streamd-demo-\(getuid())"
        do {
            try await eventually("the first demo's socket", timeout: .seconds(20), detail: { first.stderr }) {
                (try? await SocketHTTP.request(folder + "/streamd.sock", "GET", "/v1/health", timeout: 2)) != nil
            }
            let config = try String(contentsOfFile: folder + "/streamd.toml", encoding: .utf8)
            let second = try await StreamdProcess.run(["demo"], environment: environment, timeout: .seconds(20))
            #expect(second.status == 1, "exit \(second.status): \(second.stderr)")
            #expect(second.stderr.contains("another streamd demo runs in \(folder)"), "\(second.stderr)")
            #expect(try String(contentsOfFile: folder + "/streamd.toml", encoding: .utf8) == config,
                    "the second demo rewrote the first one's configuration")
            // A reload now reads the first demo's own configuration: still on the air.
            let reload = try await SocketHTTP.request(folder + "/streamd.sock", "POST", "/v1/reload")
            #expect(reload.status == 200, "\(reload.text)")
            // The client commands find the demo with no --socket.
            let now = try await eventually("streamd now to show the demo on the air", timeout: .seconds(15)) { () -> ToolResult? in
                let result = try await StreamdProcess.run(["now"], environment: environment)
                return result.status == 0 && result.stdout.contains("Demo FM  ON AIR") ? result : nil
            }
            #expect(now.stdout.contains("Program"), "\(now.stdout)")
            // Its two outputs: the file, and the studio display printing what the udp output sends.
            try await eventually("a song in the demo's file and on its display", timeout: .seconds(30), detail: { first.stdout }) {
                let file = try? String(contentsOfFile: folder + "/now-playing.txt", encoding: .utf8)
                return file?.contains(" – ") == true
                    && first.stdout.split(separator: "\n").contains { $0.hasPrefix("  display  NOW  ") && $0.contains(" – ") }
            }
            // A second demo in a folder of its own starts and serves.
            let elsewhere = try await StreamdProcess.start(["demo", "--directory", tmp + "/other", "--song-length", "5"],
                                                           extraEnvironment: environment)
            let served = try? await eventually("the second demo's own socket", timeout: .seconds(20)) {
                (try? await SocketHTTP.request(tmp + "/other/streamd.sock", "GET", "/v1/health", timeout: 2)) != nil
            }
            #expect(served != nil, "a demo in its own folder may start: \(elsewhere.stderr)")
            #expect(await elsewhere.stop() == 0)
        } catch {
            first.signal(SIGTERM)
            _ = await first.waitForExit(timeout: .seconds(10))
            throw error
        }
        first.signal(SIGTERM)
        #expect(await first.waitForExit(timeout: .seconds(10)) == 0)
    }
}
