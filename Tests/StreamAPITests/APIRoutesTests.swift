import Foundation
import StreamTestSupport
import Testing
@testable import StreamAPI
@testable import StreamState

@Suite("Socket API: routes", .timeLimit(.minutes(2)))
struct APIRoutesTests {
    @Test("GET /v1/state: the document, ETag from the sequence")
    func state() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/v1/state")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["etag"] == "\"1842\"")
            let document = try StateDocument.makeDecoder().decode(StateDocument.self, from: Data(response.body))
            #expect(document == StateDocument.apiSample())
        }
    }

    @Test("ETag and If-None-Match: 304 while the sequence holds, 200 once it moves (curl binary)")
    func conditionalState() async throws {
        try await withAPIServer { api in
            let first = try await api.curl(["http://streamd/v1/state"])
            #expect(first.status == 200)
            let etag = try #require(first.headers["etag"])
            #expect(etag == "\"1842\"")
            let again = try await api.curl(["-H", "If-None-Match: \(etag)", "http://streamd/v1/state"])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.headers["etag"] == etag)
            await api.backend.set(.apiSample(sequence: 1843))
            let moved = try await api.curl(["-H", "If-None-Match: \(etag)", "http://streamd/v1/state"])
            #expect(moved.status == 200)
            #expect(moved.headers["etag"] == "\"1843\"")
            // On the wire: a 304 carries no body framing at all.
            let raw = try UnixSocket(path: api.socketPath)
            await raw.send("GET /v1/state HTTP/1.1\r\nHost: streamd\r\nIf-None-Match: W/\"1843\"\r\nConnection: close\r\n\r\n")
            let wire = await raw.readAll().text.lowercased()
            #expect(wire.hasPrefix("http/1.1 304 not modified\r\n"))
            #expect(!wire.contains("transfer-encoding") && wire.hasSuffix("\r\n\r\n"))
        }
    }

    @Test("GET /v1/stations: id, name, tagline (null when none), onAir")
    func stations() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/v1/stations")
            #expect(response.status == 200)
            #expect(response.text == #"[{"id":"wvia-fm","name":"WVIA-FM","onAir":true,"tagline":"89.9 FM"},{"id":"wvia-hd2","name":"WVIA-HD2","onAir":false,"tagline":null}]"# + "\n")
        }
    }

    @Test("GET /v1/stations/{id}: one station; unknown is 404 with an error body")
    func station() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/v1/stations/wvia-hd2")
            #expect(response.status == 200)
            let station = try StateDocument.makeDecoder().decode(StationState.self, from: Data(response.body))
            #expect(station == StateDocument.apiSample().station("wvia-hd2"))
            let missing = try await api.request("/v1/stations/nope")
            #expect(missing.status == 404)
            let error = try #require(try api.json(missing)["error"] as? [String: Any])
            #expect(error["code"] as? String == "not-found")
            #expect((error["message"] as? String)?.contains("nope") == true)
        }
    }

    @Test("GET /v1/now: the live station, elapsed and remaining at request time, the next program")
    func now() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/v1/now")
            #expect(response.status == 200)
            let now = try StateDocument.makeDecoder().decode(NowAnswer.self, from: Data(response.body))
            #expect(now.station == "wvia-fm")
            #expect(now.program?.name == "Morning Edition")
            #expect(now.song?.title == "Clair de Lune")
            #expect(now.text == "Debussy – Clair de Lune")
            #expect(now.elapsed == 3 * 3600 + 3 * 60 + 11)
            #expect(now.remaining == 56 * 60 + 49)
            #expect(now.next?.name == "Here and Now")
            #expect(now.stale == false)
            let keys = try api.json(response).keys.sorted()
            #expect(keys == ["elapsed", "next", "program", "remaining", "song", "stale", "station", "text"])
        }
    }

    @Test("GET /v1/now?station=: nulls when nothing is known, stale from the sources; 404 for an unknown station")
    func nowForStation() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/v1/now?station=wvia-hd2")
            #expect(response.status == 200)
            let body = try api.json(response)
            #expect(body["station"] as? String == "wvia-hd2")
            #expect(body["program"] is NSNull)
            #expect(body["song"] is NSNull)
            #expect(body["elapsed"] is NSNull)
            #expect(body["remaining"] is NSNull)
            #expect(body["next"] is NSNull)
            #expect(body["stale"] as? Bool == true)
            let missing = try await api.request("/v1/now?station=kxyz")
            #expect(missing.status == 404)
            #expect((try api.json(missing)["error"] as? [String: Any])?["code"] as? String == "not-found")
        }
    }

    @Test("GET /v1/next: upcoming programs, the ones already over left out")
    func next() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/v1/next?station=wvia-fm")
            #expect(response.status == 200)
            let next = try StateDocument.makeDecoder().decode(NextAnswer.self, from: Data(response.body))
            #expect(next.station == "wvia-fm")
            #expect(next.next.map(\.name) == ["Here and Now"])
            #expect(try await api.request("/v1/next?station=nope").status == 404)
        }
    }

    @Test("GET /v1/health: degraded (200) with problems named; down (503) when the engine hangs")
    func health() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/v1/health")
            #expect(response.status == 200)
            let report = try JSONDecoder().decode(HealthReport.self, from: Data(response.body))
            #expect(report.status == .degraded)
            #expect(report.engine == "alive")
            #expect(report.stations == 2 && report.onAir == 1)
            #expect(report.problems.contains("wvia-hd2/main: stream down (connect)"))
            #expect(report.problems.contains("wvia-hd2/triton: source stale (timeout)"))
            await api.backend.set(alive: false)
            let down = try await api.request("/v1/health")
            #expect(down.status == 503)
            #expect(try api.json(down)["engine"] as? String == "hung")
            #expect(try api.json(down)["status"] as? String == "down")
        }
    }

    @Test("GET /metrics: Prometheus text with the document gauges and request counters")
    func metrics() async throws {
        try await withAPIServer { api in
            _ = try await api.request("/v1/state")
            _ = try await api.request("/v1/stations/nope")
            let response = try await api.request("/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            for line in ["streamd_state_sequence 1842.0", #"streamd_station_on_air{station="wvia-fm"} 1.0"#,
                         #"streamd_station_on_air{station="wvia-hd2"} 0.0"#, #"streamd_stream_up{station="wvia-fm",stream="main"} 1.0"#,
                         #"streamd_stream_up{station="wvia-hd2",stream="main"} 0.0"#, #"streamd_source_ok{station="wvia-fm",kind="composer"} 1.0"#,
                         #"streamd_source_ok{station="wvia-hd2",kind="triton"} 0.0"#, "streamd_sse_subscribers 0.0",
                         "streamd_sse_dropped_total 0", #"streamd_api_requests_total{route="/v1/state",code="200"} 1"#,
                         #"streamd_api_requests_total{route="/v1/stations/{id}",code="404"} 1"#, "# TYPE streamd_stream_up gauge"] {
                #expect(text.contains(line + "\n"), "missing: \(line)\n\(text)")
            }
        }
    }

    @Test("GET /screen: a self-contained HTML page that follows /v1/events")
    func screen() async throws {
        try await withAPIServer { api in
            let response = try await api.request("/screen")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/html; charset=utf-8")
            #expect(response.text.contains("new EventSource(\"/v1/events\")"))
            #expect(!response.text.contains("http://") && !response.text.contains("https://"))
            #expect(try await api.request("/").status == 404)
        }
    }

    @Test("POST /v1/refresh: 202 accepted, for one station or all; 404 for an unknown station")
    func refresh() async throws {
        try await withAPIServer { api in
            let all = try await api.curl(["-X", "POST", "http://streamd/v1/refresh"])
            #expect(all.status == 202)
            #expect(all.body == #"{"accepted":true}"# + "\n")
            let one = try await api.curl(["-X", "POST", "http://streamd/v1/refresh?station=wvia-fm"])
            #expect(one.status == 202)
            #expect(await api.backend.refreshed == [nil, "wvia-fm"])
            let unknown = try await api.curl(["-X", "POST", "http://streamd/v1/refresh?station=nope"])
            #expect(unknown.status == 404)
            #expect(unknown.body.contains(#""code":"not-found""#))
        }
    }

    @Test("POST /v1/reload: 200 reloaded, or 422 with the refusal's message")
    func reload() async throws {
        try await withAPIServer { api in
            let ok = try await api.curl(["-X", "POST", "http://streamd/v1/reload"])
            #expect(ok.status == 200)
            #expect(ok.body == #"{"reloaded":true}"# + "\n")
            #expect(await api.backend.reloads == 1)
            await api.backend.set(reloadError: ReloadError(message: "/etc/streamd/streamd.toml: station[1].id: duplicate id \"wvia-fm\""))
            let refused = try await api.curl(["-X", "POST", "http://streamd/v1/reload"])
            #expect(refused.status == 422)
            let body = try JSONDecoder().decode(APIErrorBody.self, from: Data(refused.body.utf8))
            #expect(body.error.code == "reload-refused")
            #expect(body.error.message == "/etc/streamd/streamd.toml: station[1].id: duplicate id \"wvia-fm\"")
        }
    }

    @Test("unknown route 404, wrong method 405 with Allow, both with error bodies; keep-alive survives them")
    func errors() async throws {
        try await withAPIServer { api in
            let unknown = try await api.request("/v2/whatever")
            #expect(unknown.status == 404)
            #expect((try api.json(unknown)["error"] as? [String: Any])?["code"] as? String == "not-found")
            let post = try await api.curl(["-X", "POST", "http://streamd/v1/state"])
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")
            #expect(post.body.contains(#""code":"method-not-allowed""#))
            let get = try await api.curl(["http://streamd/v1/reload"])
            #expect(get.status == 405)
            #expect(get.headers["allow"] == "POST")
            // Two requests on one connection: the error does not close it.
            let both = try await api.curl(["http://streamd/nope", "http://streamd/v1/stations"])
            #expect(both.exitCode == 0)
            #expect(both.body.contains(#""id":"wvia-fm""#))
        }
    }

    @Test("HEAD answers headers only")
    func head() async throws {
        try await withAPIServer { api in
            let head = try await api.curl(["-I", "http://streamd/v1/state"])
            #expect(head.status == 200)
            #expect(head.headers["etag"] == "\"1842\"")
            #expect(head.body.isEmpty)
        }
    }
}
