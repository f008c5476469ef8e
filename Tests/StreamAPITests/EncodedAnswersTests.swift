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
