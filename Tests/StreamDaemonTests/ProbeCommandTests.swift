import Foundation
import StreamTestSupport
import Testing

@Suite("streamd probe http, run as a process", .timeLimit(.minutes(2)))
struct ProbeCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("prints status, headers, size and timings as JSON")
    func probeOK() async throws {
        let server = try await LoopbackServer.start()
        server.route("/np", .ok("<nowplaying-info-list/>", contentType: "text/xml"))
        let result = try await StreamdProcess.run(["probe", "http", server.url("/np")])
        await server.shutdown()
        #expect(result.status == 0, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect(report["status"] as? Int == 200)
        #expect(report["size"] as? Int == 23)
        let headers = try #require(report["headers"] as? [[String: String]])
        #expect(headers.contains { $0["name"] == "Content-Type" && $0["value"] == "text/xml" })
        let timings = try #require(report["timings"] as? [String: Double])
        #expect(timings["totalMs"].map { $0 > 0 } == true)
    }

    @Test("a failure prints the error as JSON and exits 1")
    func probeFailure() async throws {
        let port = try await LoopbackServer.closedPort()
        let result = try await StreamdProcess.run(["probe", "http", "http://127.0.0.1:\(port)/"])
        #expect(result.status == 1)
        let error = try #require(try json(result.stdout)["error"] as? [String: Any])
        #expect(error["kind"] as? String == "connect")
        #expect((error["message"] as? String)?.isEmpty == false)
    }

    @Test("usage errors exit 64")
    func usage() async throws {
        let unknownKind = try await StreamdProcess.run(["probe", "gopher", "http://x/"])
        #expect(unknownKind.status == 64)
        #expect(unknownKind.stderr.contains("unknown kind"))
        let noArgs = try await StreamdProcess.run(["probe"])
        #expect(noArgs.status == 64)
    }
}
