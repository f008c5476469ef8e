import Foundation
import StreamTestSupport
import Testing

/// Reloading the configuration of the running daemon: SIGHUP and `POST /v1/reload`, with a
/// valid new file (a station added) and an invalid one (refused, the old one keeps running).
@Suite("streamd run: reload (SIGHUP, POST /v1/reload)", .timeLimit(.minutes(2)))
struct ReloadTests {
    enum Trigger { case sighup, post }

    /// A daemon watching `first`, settled; `body` gets the daemon and a second station (not in
    /// the configuration yet) on the same loopback server.
    func withTwoStations(_ body: (DaemonProcess, LoopbackStation, LoopbackStation) async throws -> Void) async throws {
        try await withLoopback { server in
            let first = try LoopbackStation(server: server, id: "first-fm", name: "First FM")
            let second = try LoopbackStation(server: server, id: "second-fm", name: "Second FM", title: "Satie - Gymnopedie No. 1")
            try await withDaemon(config: { LoopbackStation.config($0, [first]) }) { daemon in
                try await daemon.waitForState("the first station to settle") { $0.station(first.id)?.settled == true }
                try await body(daemon, first, second)
            }
        }
    }

    /// The first station's stream row: its `since` shows whether the connection was remade.
    func streamSince(_ document: [String: Any], _ id: String) -> String? {
        (document.station(id)?["streams"] as? [[String: Any]])?.first?["since"] as? String
    }

    func stationIDs(_ daemon: DaemonProcess) async throws -> [String] {
        let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/stations")
        let list = try #require(try answer.array() as? [[String: Any]])
        return list.compactMap { $0["id"] as? String }
    }

    func validReload(_ trigger: Trigger) async throws {
        try await withTwoStations { daemon, first, second in
            let before = try await daemon.state()
            let connections = first.streamConnections
            #expect(connections == 1, "one stream connection before the reload, saw \(connections)")
            let since = streamSince(before, first.id)

            try daemon.sandbox.writeConfig(LoopbackStation.config(daemon.sandbox, [first, second]))
            switch trigger {
            case .sighup:
                daemon.hangup()
            case .post:
                let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/reload", ["-X", "POST"])
                #expect(answer.status == 200, "\(answer)")
                #expect(try answer.object()["reloaded"] as? Bool == true)
            }
            let deadline = ContinuousClock.now + .seconds(5)
            var ids = try await stationIDs(daemon)
            while ids.count < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                ids = try await stationIDs(daemon)
            }
            #expect(ids == [first.id, second.id], "after the reload /v1/stations lists \(ids)")
            let after = try await daemon.waitForState("the second station to settle") {
                $0.station(second.id)?.settled == true && $0.station(second.id)?.songTitle == "Gymnopedie No. 1"
            }
            #expect(after.station(second.id)?.songTitle == "Gymnopedie No. 1")

            // The unchanged first station kept its state and its stream connection.
            #expect(first.streamConnections == connections,
                    "the unchanged station's stream was reconnected: \(first.server.requests(to: first.streamPath).count) requests")
            #expect(streamSince(after, first.id) == since, "the first station's stream 'since' changed: \(since ?? "nil") → \(streamSince(after, first.id) ?? "nil")")
            #expect(after.station(first.id)?.songTitle == "Kerala")
            #expect(after.station(first.id)?.streamStatus == "up")
            #expect((after.sequence ?? 0) > (before.sequence ?? 0))
            // And it still follows its stream.
            first.setTitle("Arvo Part - Spiegel im Spiegel")
            try await daemon.waitForState("the first station's new title") { $0.station(first.id)?.songTitle == "Spiegel im Spiegel" }
            #expect(first.streamConnections == connections)
            #expect(daemon.isRunning)
        }
    }

    func invalidReload(_ trigger: Trigger) async throws {
        try await withTwoStations { daemon, first, second in
            let before = try await daemon.state()
            let connections = first.streamConnections
            // The second station reuses the first one's id: refused, naming file and key path.
            var bad = LoopbackStation.config(daemon.sandbox, [first, second])
            bad = bad.replacingOccurrences(of: "id = \"\(second.id)\"", with: "id = \"\(first.id)\"")
            try daemon.sandbox.writeConfig(bad)
            switch trigger {
            case .sighup:
                daemon.hangup()
            case .post:
                let answer = try await SocketHTTP.curl(daemon.socketPath, "/v1/reload", ["-X", "POST"])
                #expect(answer.status == 422, "\(answer)")
                let error = try #require(try answer.object()["error"] as? [String: Any])
                #expect(error["code"] as? String == "reload-refused")
                let message = error["message"] as? String ?? ""
                #expect(message.contains(daemon.sandbox.configPath), "the refusal names the file: \(message)")
                #expect(message.contains("station[1].id"), "the refusal names the key path: \(message)")
                // Exactly the shape docs/socket-api.md shows, for the same mistake.
                let line = message.split(separator: "\n").first { $0.contains("station[1].id") }.map(String.init) ?? ""
                let shape = #"^(\S+):\d+: station\[1\]\.id: duplicate station id '([a-z0-9-]+)' \(first at station\[0\]\)$"#
                #expect(line.range(of: shape, options: .regularExpression) != nil, "not the documented shape: \(line)")
                let docs = try String(contentsOfFile: Fixture.path("docs/socket-api.md"), encoding: .utf8)
                let example = docs.split(separator: "\n").first { $0.contains("\"reload-refused\"") && $0.hasPrefix("{") } ?? ""
                let documented = (try? JSONSerialization.jsonObject(with: Data(example.utf8)) as? [String: [String: String]])?["error"]?["message"] ?? ""
                #expect(documented.range(of: shape, options: .regularExpression) != nil,
                        "docs/socket-api.md's reload-refused example is not what the daemon says: \(documented)")
            }
            // The refusal is logged on stderr with the file and the key path.
            let logged = await daemon.waitForLog("station[1].id")
            #expect(logged, "no error naming station[1].id on stderr:\n\(daemon.stderr.suffix(2000))")
            let line = daemon.stderr.split(separator: "\n").first { $0.contains("station[1].id") } ?? ""
            #expect(line.contains(daemon.sandbox.configPath), "the logged refusal names the file: \(line)")

            // The old configuration keeps running, untouched.
            #expect(daemon.isRunning)
            #expect(try await stationIDs(daemon) == [first.id])
            first.setTitle("Arvo Part - Fratres")
            let after = try await daemon.waitForState("the old configuration to keep working") { $0.station(first.id)?.songTitle == "Fratres" }
            #expect(after.station(second.id) == nil)
            #expect(first.streamConnections == connections, "a refused reload must not touch the connections")
            #expect(second.streamConnections == 0)
            #expect((after.sequence ?? 0) > (before.sequence ?? 0))
            let health = try await daemon.get("/v1/health")
            #expect(health.status == 200)
        }
    }

    @Test("SIGHUP with a valid new file: the added station appears; the unchanged one keeps its state and connection")
    func sighupValid() async throws { try await validReload(.sighup) }

    @Test("SIGHUP with an invalid file: refused, logged with file and key path, the old configuration keeps running")
    func sighupInvalid() async throws { try await invalidReload(.sighup) }

    @Test("POST /v1/reload with a valid new file: 200, the station appears, the unchanged one keeps its connection")
    func postValid() async throws { try await validReload(.post) }

    @Test("POST /v1/reload with an invalid file: 422 reload-refused naming file and key path, the old configuration keeps running")
    func postInvalid() async throws { try await invalidReload(.post) }

    @Test("a reload that only renames a station keeps it on the air: same connection, same since, no event shows it off the air")
    func renameKeepsItOnAir() async throws {
        try await withLoopback { server in
            let first = try LoopbackStation(server: server, id: "first-fm", name: "First FM")
            try await withDaemon(config: { LoopbackStation.config($0, [first]) }) { daemon in
                try await daemon.waitForState("the station to settle") { $0.station(first.id)?.settled == true }
                let before = try await daemon.state()
                let connections = first.streamConnections
                let events = try SSESubscriber(socket: daemon.socketPath)
                defer { events.close() }
                #expect(await events.wait { $0.contains { $0.event == "snapshot" } }, "no snapshot")
                let renamed = LoopbackStation.config(daemon.sandbox, [first])
                    .replacingOccurrences(of: "name = \"First FM\"", with: "name = \"First FM Renamed\"")
                    .replacingOccurrences(of: "tagline = \"99.9 Loopback\"", with: "tagline = \"90.1 FM\"")
                try daemon.sandbox.writeConfig(renamed)
                daemon.hangup()
                let after = try await daemon.waitForState("the new name") { $0.station(first.id)?["name"] as? String == "First FM Renamed" }
                #expect(after.station(first.id)?["tagline"] as? String == "90.1 FM")
                #expect(after.station(first.id)?["onAir"] as? Bool == true)
                #expect(after.station(first.id)?.streamStatus == "up")
                #expect(streamSince(after, first.id) == streamSince(before, first.id), "the stream was restarted")
                #expect(first.streamConnections == connections, "the stream was reconnected")
                // Every event since the reload shows it on the air, its stream up.
                try await Task.sleep(for: .milliseconds(300))
                for frame in events.events where frame.event != nil {
                    let object = try frame.object()
                    let stations = (object["stations"] as? [[String: Any]]) ?? [object]
                    for station in stations where station["id"] as? String == first.id {
                        #expect(station["onAir"] as? Bool == true, "event \(frame.id ?? 0) shows it off the air: \(frame.data ?? "")")
                    }
                }
            }
        }
    }

    @Test("a reload that removes a station drops it from the API")
    func removeStation() async throws {
        try await withLoopback { server in
            let first = try LoopbackStation(server: server, id: "first-fm", name: "First FM")
            let second = try LoopbackStation(server: server, id: "second-fm", name: "Second FM")
            try await withDaemon(config: { LoopbackStation.config($0, [first, second]) }) { daemon in
                try await daemon.waitForState("both stations to settle") {
                    $0.station(first.id)?.settled == true && $0.station(second.id)?.settled == true
                }
                try daemon.sandbox.writeConfig(LoopbackStation.config(daemon.sandbox, [first]))
                let answer = try await daemon.post("/v1/reload")
                #expect(answer.status == 200, "\(answer)")
                try await daemon.waitForState("the second station to go") { $0.station(second.id) == nil }
                let gone = try await daemon.get("/v1/stations/\(second.id)")
                #expect(gone.status == 404)
                let metrics = try await daemon.get("/metrics")
                #expect(!metrics.text.contains("station=\"\(second.id)\""), "a removed station's series disappear")
            }
        }
    }
}
