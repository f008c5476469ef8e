import Foundation
import StreamTestSupport
import Testing
@testable import StreamHTTP
@testable import StreamState
@testable import StreamWatch

@Suite("A web page is not a stream", .timeLimit(.minutes(2)))
struct NotAudioTests {
    static let page = "<!DOCTYPE html>\n<html><head><title>Listen Live | WVIA</title></head><body>"
        + String(repeating: "<div class=\"player\">Play Live Radio</div>\n", count: 40) + "</body></html>"

    @Test("followed: the web player's page is down with a not-audio error saying what it is, never up, never on the air")
    func followedWebPage() async throws {
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/listen", .ok(Self.page, contentType: "text/html; charset=utf-8"))
        try await withSupervisor([streamStation(server.url("/listen"))]) { _, store in
            let station = try await waitFor(store, station: "test-fm", "the page refused") { $0.streams.first?.status == .down }
            #expect(!station.onAir)
            #expect(station.streams.first?.error?.kind == "not-audio")
            #expect(station.streams.first?.error?.message == "a web page (text/html), not an audio stream")
            for _ in 0..<20 {
                let now = try #require(await store.current.station("test-fm"))
                #expect(now.streams.first?.status != .up && !now.onAir)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    @Test("probed: streamd's probe of a JSON endpoint answers down with the reason")
    func probedJSON() async throws {
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        server.route("/api/nowplaying", .ok(#"{"station":{"name":"WVIA"},"now_playing":{"song":{"title":"x"}}}"#, contentType: "application/json"))
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let report = await Probe.stream(url: server.url("/api/nowplaying"), engine: engine)
        #expect(report.status == "down")
        #expect(report.error?.kind == "not-audio")
        #expect(report.error?.message == "a JSON document (application/json), not an audio stream")
    }
}
