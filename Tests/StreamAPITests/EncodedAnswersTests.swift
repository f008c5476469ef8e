import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI
@testable import StreamState

/// The version-only answers are encoded once per document version and are, byte for byte,
/// what the encoder makes of that version.
@Suite("Socket API: answers encoded once per document version")
struct EncodedAnswersTests {
    @Test("one encode per version and key; a newer version replaces them; an older one is never cached over it")
    func oncePerVersion() {
        let answers = EncodedAnswers()
        let calls = Locked(0)
        let encode = { (text: String) -> () -> [UInt8] in { calls.withLock { $0 += 1 }; return Array(text.utf8) } }
        let v1 = StateDocument.apiSample(sequence: 1)
        #expect(answers.body(.state, of: v1, encode("one")) == Array("one".utf8))
        #expect(answers.body(.state, of: v1, encode("again")) == Array("one".utf8), "served from the cache")
        #expect(answers.body(.station("wvia-fm"), of: v1, encode("station")) == Array("station".utf8))
        #expect(calls.value == 2)
        let v2 = StateDocument.apiSample(sequence: 2)
        #expect(answers.body(.state, of: v2, encode("two")) == Array("two".utf8))
        #expect(answers.body(.station("wvia-fm"), of: v2, encode("station two")) == Array("station two".utf8))
        // A request still holding the old version gets its own encoding, which is not kept.
        #expect(answers.body(.state, of: v1, encode("late one")) == Array("late one".utf8))
        #expect(answers.body(.state, of: v2, encode("not used")) == Array("two".utf8))
        #expect(calls.value == 5)
    }

    @Test("/v1/now and /v1/next: the kept bytes while the answer is equal, the encoder's rendering of a new one when it differs; stations gone are dropped")
    func perRequestAnswers() throws {
        let answers = EncodedAnswers()
        let document = StateDocument.apiSample()
        let station = try #require(document.station("wvia-fm"))
        var now = NowAnswer(station: station, document: document, now: Date())
        now.elapsed = 10
        let first = answers.body(.now("wvia-fm"), for: now, in: document)
        #expect(first == APIResponse.jsonBody(now))
        #expect(answers.body(.now("wvia-fm"), for: now, in: document) == first)
        now.elapsed = 11
        now.remaining = 49
        let second = answers.body(.now("wvia-fm"), for: now, in: document)
        #expect(second == APIResponse.jsonBody(now), "a second later: the new value's bytes")
        #expect(second != first)
        let next = NextAnswer(station: station, document: document, now: Date())
        #expect(answers.body(.next("wvia-fm"), for: next, in: document) == APIResponse.jsonBody(next),
                "another key with another type is not confused with the first")
        // Stations that a reload removed do not stay in the cache.
        for i in 0..<20 { _ = answers.body(.now("gone-\(i)"), for: now, in: document) }
        #expect(answers.memoCount <= 2 * document.stations.count + 2)
    }

    @Test("GET /v1/state, /v1/stations and /v1/stations/{id}: the same bytes while the sequence holds, exactly the encoder's rendering, new bytes once it moves")
    func servedBytes() async throws {
        try await withAPIServer { api in
            let document = StateDocument.apiSample()
            let expected: [(String, [UInt8])] = [
                ("/v1/state", APIResponse.jsonBody(document)),
                ("/v1/stations", APIResponse.jsonBody(document.stations.map(StationSummary.init))),
                ("/v1/stations/wvia-hd2", APIResponse.jsonBody(try #require(document.station("wvia-hd2")))),
            ]
            for (path, bytes) in expected {
                let first = try await api.request(path)
                let second = try await api.request(path)
                #expect(first.body == bytes, "\(path): not the encoder's rendering")
                #expect(second.body == first.body, "\(path): the second answer differs")
            }
            var changed = StateDocument.apiSample(sequence: 1843)
            changed.stations[0].name = "WVIA-FM renamed"
            await api.backend.set(changed)
            let state = try await api.request("/v1/state")
            #expect(state.body == APIResponse.jsonBody(changed))
            #expect(state.headers["etag"] == "\"1843\"")
            let stations = try await api.request("/v1/stations")
            #expect(stations.text.contains("WVIA-FM renamed"))
        }
    }
}

/// The read routes are answered on the event loop from the backend's snapshot; without one,
/// through the backend. Either way the same answers, and a client that pipelines a thousand
/// requests gets every answer, in order.
@Suite("Socket API: read routes on the event loop")
struct EventLoopReadsTests {
    @Test("with and without a snapshot: the same bodies for /v1/state, /v1/stations, /v1/stations/{id}, /v1/now and /v1/next")
    func sameAnswers() async throws {
        var answers: [[UInt8]] = []
        for snapshot in [true, false] {
            try await withAPIServer(snapshot: snapshot) { api in
                for path in ["/v1/state", "/v1/stations", "/v1/stations/wvia-hd2", "/v1/now", "/v1/next?station=wvia-fm"] {
                    let response = try await api.request(path)
                    #expect(response.status == 200, "\(path) with snapshot \(snapshot)")
                    answers.append(response.body)
                }
            }
        }
        #expect(answers.count == 10)
        #expect(Array(answers.prefix(5)) == Array(answers.suffix(5)))
    }

    @Test("1,000 pipelined GET /v1/state on one connection: 1,000 answers in order, and the server keeps serving")
    func pipelinedBurst() async throws {
        try await withAPIServer { api in
            let count = 1_000
            let socket = try UnixSocket(path: api.socketPath)
            var burst = ""
            for i in 0..<count { burst += "GET /v1/state?n=\(i) HTTP/1.1\r\nHost: streamd\r\n\r\n" }
            burst += "GET /v1/stations HTTP/1.1\r\nHost: streamd\r\nConnection: close\r\n\r\n"
            #expect(await socket.send(burst))
            let answer = await socket.readAll(timeout: 30)
            #expect(answer.closed, "the connection closes after the last answer")
            let statuses = answer.text.components(separatedBy: "HTTP/1.1 200 OK").count - 1
            #expect(statuses == count + 1, "answers: \(statuses)")
            let after = try await api.request("/v1/health")
            #expect(after.status == 200)
        }
    }
}
