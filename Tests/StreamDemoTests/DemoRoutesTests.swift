import Foundation
import Testing
@testable import StreamDemo
@testable import StreamFormats

/// Request parsing and routing of the demo station, without a socket.
@Suite("Demo station: routes")
struct DemoRoutesTests {
    let service = DemoService(playlist: DemoPlaylist(), clock: { Date(timeIntervalSince1970: 1_795_788_190) })

    func request(_ head: String) throws -> DemoRequest {
        try #require(DemoRequest.parse(ArraySlice(head.utf8)), "unparsed: \(head)")
    }

    @Test("metadata is interleaved only when Icy-MetaData is 1, whatever the header's case")
    func icyMetadataHeader() throws {
        #expect(service.respond(to: try request("GET /live.mp3 HTTP/1.1\r\nicy-metadata:1")) == .stream(metadata: true))
        #expect(service.respond(to: try request("GET /live.mp3 HTTP/1.0\r\nIcy-MetaData: 1")) == .stream(metadata: true))
        #expect(service.respond(to: try request("GET /live.mp3 HTTP/1.1\r\nIcy-MetaData: 0")) == .stream(metadata: false))
        #expect(service.respond(to: try request("HEAD /live.mp3 HTTP/1.1")) == .stream(metadata: false))
    }

    @Test("query parameters are decoded; numberToFetch picks the item count")
    func query() throws {
        let parsed = try request("GET /triton/nowplaying?mountName=DEMO%20FM&numberToFetch=2 HTTP/1.1\r\nHost: x")
        #expect(parsed.path == "/triton/nowplaying")
        #expect(parsed.query == ["mountName": "DEMO FM", "numberToFetch": "2"])
        guard case .document(200, _, let body) = service.respond(to: parsed) else {
            Issue.record("expected a 200 document")
            return
        }
        #expect(try TritonNowPlaying.parse(body).recent.count == 1)
    }

    @Test("other methods are 405, a malformed request line is refused")
    func refusals() throws {
        guard case .document(405, _, _) = service.respond(to: try request("POST /composer/now HTTP/1.1")) else {
            Issue.record("expected 405")
            return
        }
        #expect(DemoRequest.parse(ArraySlice("garbage".utf8)) == nil)
        #expect(DemoRequest.parse(ArraySlice("GET / FTP/1.0".utf8)) == nil)
    }
}
