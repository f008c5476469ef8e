import Foundation
import StreamTestSupport
import Testing

/// Every route of docs/socket-api.md, through the running `streamd run` binary, asked with the
/// `curl` binary over the Unix socket (and a raw socket for the event stream).
@Suite("streamd run: every socket route, end to end", .timeLimit(.minutes(2)))
struct DaemonRoutesTests {
    /// Starts a loopback station and a daemon watching it, waits until it has settled (stream
    /// up, sources ok, program and song known), then runs `body`.
    func withSettledDaemon(interval: String = LoopbackStation.interval,
                           _ body: (DaemonProcess, LoopbackStation) async throws -> Void) async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server)
            try await withDaemon(config: { LoopbackStation.config($0, [station], interval: interval) }) { daemon in
                try await daemon.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
                try await body(daemon, station)
            }
        }
    }

    @Test("GET /v1/state: the document, valid against the schema, ETag from sequence, If-None-Match answers 304")
    func state() async throws {
        try await withSettledDaemon { daemon, station in
            let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/state")
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true)
            let document = try answer.object()
            let sequence = try #require(document.sequence)
            #expect(answer.headers["etag"] == "\"\(sequence)\"")
            #expect(document["schema"] as? Int == 1)
            #expect(document["live"] as? String == station.id)
            #expect(document["stale"] as? Bool == false)
            let problems = try await StateSchema.problems(bytes: answer.body)
            #expect(problems == nil, "GET /v1/state is not valid against docs/state.schema.json: \(problems ?? "")")
            let song = try #require(document.station(station.id))
            #expect(song.songTitle == "Kerala")
            #expect(song.songArtist == "Bonobo")
            #expect(song.programName == LoopbackStation.programName)

            // Same tag: 304, no body. A list and a weak tag match too.
            let etag = try #require(answer.headers["etag"])
            let unchanged = try await SocketHTTP.curl(daemon.socketPath, "/v1/state", ["-H", "If-None-Match: \(etag)"])
            if unchanged.status == 304 {
                #expect(unchanged.body.isEmpty)
                #expect(unchanged.headers["etag"] == etag)
                let weak = try await SocketHTTP.curl(daemon.socketPath, "/v1/state", ["-H", "If-None-Match: \"0\", W/\(etag)"])
                #expect(weak.status == 304)
            } else {
                // The document moved on between the two requests: the new tag must differ.
                #expect(unchanged.status == 200)
                #expect(unchanged.headers["etag"] != etag)
            }

            // After a change the old tag gets the new document.
            station.setTitle("Debussy - Clair de Lune")
            try await daemon.waitForState("the new title") { $0.station(station.id)?.songTitle == "Clair de Lune" }
            let changed = try await SocketHTTP.curl(daemon.socketPath, "/v1/state", ["-H", "If-None-Match: \(etag)"])
            #expect(changed.status == 200)
            let newSequence = try #require(try changed.object().sequence)
            #expect(newSequence > sequence)
            #expect(changed.headers["etag"] == "\"\(newSequence)\"")

            // HEAD: headers only.
            let head = try await SocketHTTP.curl(daemon.socketPath, "/v1/state", ["-I"])
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["etag"] != nil)
        }
    }

    @Test("GET /v1/stations and /v1/stations/{id}; an unknown id is 404 with an error body")
    func stations() async throws {
        try await withSettledDaemon { daemon, station in
            let list = try await SocketHTTP.curl(daemon.socketPath, "/v1/stations")
            #expect(list.status == 200)
            let items = try #require(try list.array() as? [[String: Any]])
            #expect(items.count == 1)
            let item = try #require(items.first)
            #expect(item["id"] as? String == station.id)
            #expect(item["name"] as? String == station.name)
            #expect(item["tagline"] as? String == "99.9 Loopback")
            #expect(item["onAir"] as? Bool == true)
            #expect(Set(item.keys) == ["id", "name", "tagline", "onAir"])

            let one = try await SocketHTTP.curl(daemon.socketPath, "/v1/stations/\(station.id)")
            #expect(one.status == 200)
            let object = try one.object()
            #expect(object["id"] as? String == station.id)
            #expect(object.streamStatus == "up")
            #expect(object.songTitle == "Kerala")
            #expect(object["timezone"] as? String == "UTC", "the station's timezone is the configured one")
            let streams = try #require(object["streams"] as? [[String: Any]])
            #expect(streams.first?["name"] as? String == station.name, "icy-name reaches the stream row")
            #expect(streams.first?["contentType"] as? String == "audio/mpeg")
            let sources = try #require(object["sources"] as? [[String: Any]])
            #expect(Set(sources.compactMap { $0["kind"] as? String }) == ["triton", "composer"])

            let missing = try await SocketHTTP.curl(daemon.socketPath, "/v1/stations/nope")
            #expect(missing.status == 404)
            #expect(missing.headers["content-type"]?.hasPrefix("application/json") == true)
            let error = try #require(try missing.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "not-found")
            #expect((error["message"] as? String)?.contains("nope") == true)

            let unknownRoute = try await SocketHTTP.curl(daemon.socketPath, "/v1/nothing-here")
            #expect(unknownRoute.status == 404)
            #expect((try unknownRoute.object()["error"] as? [String: Any])?["code"] as? String == "not-found")
            let wrongMethod = try await SocketHTTP.curl(daemon.socketPath, "/v1/state", ["-X", "POST"])
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["allow"]?.contains("GET") == true)
        }
    }

    @Test("GET /v1/now: program, song, text, next, stale, and elapsed/remaining in seconds from the program")
    func now() async throws {
        try await withSettledDaemon { daemon, station in
            let before = Date()
            let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/now")
            let after = Date()
            #expect(answer.status == 200)
            let now = try answer.object()
            #expect(now["station"] as? String == station.id)
            #expect(now["stale"] as? Bool == false)
            #expect(now["text"] as? String == "Bonobo – Kerala")
            let program = try #require(now["program"] as? [String: Any])
            #expect(program["name"] as? String == LoopbackStation.programName)
            #expect(program["hosts"] as? [String] == ["Steve Inskeep"])
            #expect(program["source"] as? String == "composer")
            let song = try #require(now["song"] as? [String: Any])
            #expect(song["title"] as? String == "Kerala")
            #expect(song["artist"] as? String == "Bonobo")
            #expect(song["source"] as? String == "icy")
            let next = try #require(now["next"] as? [String: Any])
            #expect(next["name"] as? String == LoopbackStation.nextName)

            // Whole seconds from the program's start and end, at the time of the request.
            let elapsed = try #require(now["elapsed"] as? Int, "elapsed must be a whole number: \(now["elapsed"] ?? "nil")")
            let remaining = try #require(now["remaining"] as? Int, "remaining must be a whole number: \(now["remaining"] ?? "nil")")
            let low = Int(before.timeIntervalSince(station.programStart).rounded(.down)) - 1
            let high = Int(after.timeIntervalSince(station.programStart).rounded(.up)) + 1
            #expect((low...high).contains(elapsed), "elapsed \(elapsed) not in \(low)...\(high)")
            let span = Int(station.programEnd.timeIntervalSince(station.programStart))
            #expect((span...span + 1).contains(elapsed + remaining), "elapsed \(elapsed) + remaining \(remaining) != \(span)")

            let named = try await SocketHTTP.curl(daemon.socketPath, "/v1/now?station=\(station.id)")
            #expect(named.status == 200)
            #expect(try named.object()["station"] as? String == station.id)
            let unknown = try await SocketHTTP.curl(daemon.socketPath, "/v1/now?station=nope")
            #expect(unknown.status == 404)
            #expect((try unknown.object()["error"] as? [String: Any])?["code"] as? String == "not-found")
        }
    }

    @Test("GET /v1/next: the upcoming programs; unknown station 404")
    func next() async throws {
        try await withSettledDaemon { daemon, station in
            let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/next")
            #expect(answer.status == 200)
            let object = try answer.object()
            #expect(object["station"] as? String == station.id)
            #expect(object["stale"] as? Bool == false)
            let next = try #require(object["next"] as? [[String: Any]])
            #expect(next.first?["name"] as? String == LoopbackStation.nextName)
            #expect(next.first?["source"] as? String == "composer")
            let unknown = try await SocketHTTP.curl(daemon.socketPath, "/v1/next?station=nope")
            #expect(unknown.status == 404)
        }
    }

    @Test("GET /v1/events: snapshot first, a station event within 2 s of a title change, Last-Event-ID resumes")
    func events() async throws {
        try await withSettledDaemon { daemon, station in
            let first = try SSESubscriber(socket: daemon.socketPath)
            defer { first.close() }
            #expect(await first.wait { !$0.isEmpty }, "no snapshot within 5 s")
            #expect(first.status == 200)
            #expect(first.frames.first?.retry == "2000", "retry: 2000 comes first")
            let snapshot = try #require(first.events.first)
            #expect(snapshot.event == "snapshot")
            let document = try snapshot.object()
            let snapshotID = try #require(snapshot.id)
            #expect(document.sequence == Int(snapshotID))
            #expect(document.station(station.id)?.songTitle == "Kerala")

            // A title change reaches the subscriber as a station event within ~2 s.
            let changed = ContinuousClock.now
            station.setTitle("Nils Frahm - Says")
            let arrived = await first.wait(timeout: .seconds(2)) { events in
                events.contains { $0.event == "station" && ($0.data ?? "").contains("\"Says\"") }
            }
            #expect(arrived, "no station event with the new title within 2 s: \(first.events.map { $0.event ?? "" })")
            let event = try #require(first.events.first { $0.event == "station" && ($0.data ?? "").contains("\"Says\"") })
            #expect(event.at - changed < .seconds(2))
            let stationJSON = try event.object()
            #expect(stationJSON["id"] as? String == station.id)
            #expect(stationJSON.songTitle == "Says")
            let eventID = try #require(event.id)
            #expect(eventID > snapshotID)
            let ids = first.events.compactMap(\.id)
            #expect(ids == ids.sorted() && Set(ids).count == ids.count, "ids grow: \(ids)")

            // Resuming from the snapshot's id: exactly the station events after it, no snapshot.
            let resumed = try SSESubscriber(socket: daemon.socketPath, headers: [("Last-Event-ID", String(snapshotID))])
            defer { resumed.close() }
            let got = await resumed.wait { events in events.contains { $0.id == eventID } }
            #expect(got, "the resumed stream did not replay event \(eventID): \(resumed.events.map { "\($0.event ?? "") \($0.id ?? 0)" })")
            #expect(resumed.events.allSatisfy { $0.event == "station" }, "a resume within the buffer sends no snapshot")
            let replayed = resumed.events.compactMap(\.id)
            #expect(replayed.first == snapshotID + 1, "replay starts right after Last-Event-ID: \(replayed)")

            // Resuming from the latest id: nothing until the next change.
            let latest = try #require(first.events.last?.id)
            let caughtUp = try SSESubscriber(socket: daemon.socketPath, path: "/v1/events?lastEventId=\(latest)")
            defer { caughtUp.close() }
            try await Task.sleep(for: .milliseconds(500))
            let quiet = caughtUp.events.filter { ($0.id ?? 0) <= latest }
            #expect(quiet.isEmpty, "events at or before the latest id were sent again: \(quiet.map { $0.id ?? 0 })")
            #expect(caughtUp.status == 200)

            // An unknown id far in the future (e.g. from before a reset) gets a fresh snapshot.
            let unknown = try SSESubscriber(socket: daemon.socketPath, headers: [("Last-Event-ID", "999999999")])
            defer { unknown.close() }
            #expect(await unknown.wait { !$0.isEmpty })
            #expect(unknown.events.first?.event == "snapshot")
        }
    }

    @Test("GET /v1/health, /metrics and /screen")
    func healthMetricsScreen() async throws {
        try await withSettledDaemon { daemon, station in
            let health = try await SocketHTTP.curl(daemon.socketPath, "/v1/health")
            #expect(health.status == 200)
            let verdict = try health.object()
            #expect(verdict["status"] as? String == "ok", "\(verdict)")
            #expect(verdict["onAir"] as? Int == 1)
            #expect(verdict["stations"] as? Int == 1)
            #expect(verdict["problems"] as? [String] == [])

            let metrics = try await SocketHTTP.curl(daemon.socketPath, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            let sequenceLine = text.split(separator: "\n").first { $0.hasPrefix("streamd_state_sequence ") }
            #expect(sequenceLine != nil, "no streamd_state_sequence in:\n\(text.prefix(2000))")
            if let value = sequenceLine?.split(separator: " ").last.flatMap({ Double($0) }) {
                #expect(value >= 1)
            }
            #expect(text.contains("streamd_station_on_air{station=\"\(station.id)\"} 1"))
            #expect(text.contains("streamd_stream_up{station=\"\(station.id)\",stream=\"main\"} 1"))
            #expect(text.contains("streamd_source_ok{station=\"\(station.id)\",kind=\"triton\"} 1"))
            #expect(text.contains("streamd_api_requests_total{"))

            let screen = try await SocketHTTP.curl(daemon.socketPath, "/screen")
            #expect(screen.status == 200)
            #expect(screen.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(screen.text.lowercased().contains("<html"))
            #expect(screen.text.contains("/v1/events"))
            #expect(screen.headers["content-security-policy"]?.contains("default-src 'none'") == true)
            #expect(!screen.text.contains("src=\"http"), "no external assets")
        }
    }

    @Test("POST /v1/refresh polls now (202); an unknown station is 404")
    func refresh() async throws {
        // Long intervals: a poll soon after the refresh is the refresh's doing.
        try await withSettledDaemon(interval: "60s") { daemon, station in
            let polls = station.server.requests(to: station.tritonPath).count
            let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/refresh", ["-X", "POST"])
            #expect(answer.status == 202)
            #expect(try answer.object()["accepted"] as? Bool == true)
            let deadline = ContinuousClock.now + .seconds(5)
            while station.server.requests(to: station.tritonPath).count == polls, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(station.server.requests(to: station.tritonPath).count > polls, "POST /v1/refresh did not poll the Triton source")

            let named = try await SocketHTTP.curl(daemon.socketPath, "/v1/refresh?station=\(station.id)", ["-X", "POST"])
            #expect(named.status == 202)
            let unknown = try await SocketHTTP.curl(daemon.socketPath, "/v1/refresh?station=nope", ["-X", "POST"])
            #expect(unknown.status == 404)
            #expect((try unknown.object()["error"] as? [String: Any])?["code"] as? String == "not-found")
            let wrongMethod = try await SocketHTTP.curl(daemon.socketPath, "/v1/refresh")
            #expect(wrongMethod.status == 405)
        }
    }

    @Test("POST /v1/reload with the unchanged file answers 200")
    func reload() async throws {
        try await withSettledDaemon { daemon, _ in
            let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/reload", ["-X", "POST"])
            #expect(answer.status == 200)
            #expect(try answer.object()["reloaded"] as? Bool == true)
        }
    }

    @Test("the socket file has mode 0660 by default")
    func socketMode() async throws {
        try await withSettledDaemon { daemon, _ in
            let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
            #expect(attributes[.type] as? FileAttributeType == .typeSocket)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o660)
        }
    }
}
