import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI
@testable import StreamState

/// `GET /v1/streams/{station}/{stream}/history` and the seconds counters of `/metrics`, from
/// the backend's recorder (fed the documents the test sets, on a clock the test moves).
@Suite("Socket API: a stream's history", .timeLimit(.minutes(1)))
struct APIHistoryRouteTests {
    @Test("the 24 hours: 1,440 letters ending with the current minute, seconds per condition, the condition now")
    func history() async throws {
        try await withAPIServer { api in
            api.backend.historyClock.withLock { $0 = apiTestNow.addingTimeInterval(90) }
            let response = try await api.request("/v1/streams/wvia-fm/main/history")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let answer = try StateDocument.makeDecoder().decode(HistoryAnswer.self, from: Data(response.body))
            #expect(answer.station == "wvia-fm" && answer.stream == "main")
            #expect(answer.minutes.count == 1440)
            #expect(answer.minutes.hasSuffix("-uu"), "\(answer.minutes.suffix(5))")   // 14:03:11 to 14:04:41
            #expect(answer.seconds.up == 90 && answer.seconds.down == 0)
            #expect(answer.uptime == 1)
            #expect(answer.condition == "up")
            #expect(answer.to == apiTestNow.addingTimeInterval(90))
            let json = try api.json(response)
            #expect(Set(json.keys) == ["station", "stream", "from", "to", "minutes", "seconds", "uptime", "condition"])

            let down = try StateDocument.makeDecoder().decode(HistoryAnswer.self, from: Data(try await api.request("/v1/streams/wvia-hd2/main/history").body))
            #expect(down.condition == "down" && down.seconds.down == 90 && down.uptime == 0)
        }
    }

    @Test("unknown station or stream: 404 saying which; other paths under /v1/streams: 404; POST: 405")
    func errors() async throws {
        try await withAPIServer { api in
            let stream = try await api.request("/v1/streams/wvia-fm/backup/history")
            #expect(stream.status == 404)
            #expect((try api.json(stream)["error"] as? [String: Any])?["message"] as? String == "station wvia-fm has no stream backup; its streams: main")
            let station = try await api.request("/v1/streams/nope/main/history")
            #expect(station.status == 404)
            #expect(((try api.json(station)["error"] as? [String: Any])?["message"] as? String)?.contains("nope") == true)
            for path in ["/v1/streams/wvia-fm/main", "/v1/streams/wvia-fm/main/history/x", "/v1/streams//main/history", "/v1/streams/"] {
                #expect(try await api.request(path).status == 404, "\(path)")
            }
            let post = try await api.curl(["-X", "POST", "http://streamd/v1/streams/wvia-fm/main/history"])
            #expect(post.status == 405)
        }
    }

    @Test("/metrics: streamd_stream_seconds_total per stream and condition, since the start")
    func counters() async throws {
        try await withAPIServer { api in
            api.backend.historyClock.withLock { $0 = apiTestNow.addingTimeInterval(30) }
            let text = try await api.request("/metrics").text
            #expect(text.contains("# TYPE streamd_stream_seconds_total counter"))
            #expect(text.contains(#"streamd_stream_seconds_total{station="wvia-fm",stream="main",status="up"} 30"#), "\(text)")
            #expect(text.contains(#"streamd_stream_seconds_total{station="wvia-hd2",stream="main",status="down"} 30"#))
            #expect(text.contains(#"streamd_stream_seconds_total{station="wvia-fm",stream="main",status="silent"} 0"#))
        }
    }

    @Test("/metrics: a metered stream's level and silence from the newest reading, not the document's minute-old one")
    func liveLevels() async throws {
        var document = StateDocument.apiSample()
        document.stations[0].streams[0].audio = AudioStatus(levelDb: -9, peakDb: -6)
        try await withAPIServer(document: document) { api in
            let documentOnly = try await api.request("/metrics").text
            #expect(documentOnly.contains(#"streamd_stream_audio_level_dbfs{station="wvia-fm",stream="main"} -9.0"#), "\(documentOnly)")
            #expect(documentOnly.contains(#"streamd_stream_silent{station="wvia-fm",stream="main"} 0"#))
            await api.backend.set(audio: ["wvia-fm": ["main": AudioStatus(levelDb: -120, peakDb: -120, silentSince: apiTestNow)]])
            let live = try await api.request("/metrics").text
            #expect(live.contains(#"streamd_stream_audio_level_dbfs{station="wvia-fm",stream="main"} -120.0"#), "\(live)")
            #expect(live.contains(#"streamd_stream_silent{station="wvia-fm",stream="main"} 1"#))
            #expect(!live.contains(#"streamd_stream_audio_level_dbfs{station="wvia-hd2""#), "a stream without a reading has no level")
        }
    }
}
