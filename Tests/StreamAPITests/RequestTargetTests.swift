import Testing
@testable import StreamAPI

/// `RequestTarget`, the split of a request's target into its decoded path and query: the
/// plain targets every screen sends (taken as they are) and the encoded ones decode alike.
@Suite("Request targets: path and query")
struct RequestTargetTests {
    @Test("a plain target is its own path, with no query")
    func plain() throws {
        let target = try #require(RequestTarget("/v1/now"))
        #expect(target.path == "/v1/now")
        #expect(target.query.isEmpty)
    }

    @Test("percent-encoding is decoded in the path and the query; '+' is a space in the query only")
    func decoded() throws {
        let target = try #require(RequestTarget("/v1/stations/wvia%2Dfm+x?station=wvia%2Dhd2&note=a+b%20c"))
        #expect(target.path == "/v1/stations/wvia-fm+x")
        #expect(target.query == ["station": "wvia-hd2", "note": "a b c"])
    }

    @Test("the first of repeated names wins; empty items and a bare name are kept as empty values")
    func repeatedNames() throws {
        let target = try #require(RequestTarget("/v1/now?station=a&&station=b&flag&="))
        #expect(target.query == ["station": "a", "flag": "", "": ""])
    }

    @Test("an empty query and a '?' inside the query", arguments: [
        ("/v1/state?", "/v1/state", [String: String]()),
        ("/v1/now?station=a?b", "/v1/now", ["station": "a?b"]),
    ])
    func questionMarks(uri: String, path: String, query: [String: String]) throws {
        let target = try #require(RequestTarget(uri))
        #expect(target.path == path)
        #expect(target.query == query)
    }

    @Test("not origin-form, or not UTF-8 once decoded: no target", arguments: [
        "v1/now", "*", "http://host/v1/now", "/v1/%zz", "/v1/now?station=%E9", "/v1/%C3",
    ])
    func refused(uri: String) {
        #expect(RequestTarget(uri) == nil)
    }
}
