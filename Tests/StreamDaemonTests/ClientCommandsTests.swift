import Foundation
import StreamTestSupport
import Testing

/// The client commands (`now`, `next`, `stations`, `status`, `watch`) run as processes
/// against a running daemon, and against no daemon at all.
@Suite("streamd client commands against the running daemon", .timeLimit(.minutes(2)))
struct ClientCommandsTests {
    func withSettledDaemon(_ body: (DaemonProcess, LoopbackStation) async throws -> Void) async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server)
            try await withDaemon(config: { LoopbackStation.config($0, [station]) }) { daemon in
                try await daemon.waitForState("the station to settle") { $0.station(station.id)?.settled == true }
                try await body(daemon, station)
            }
        }
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Seconds from `m:ss` or `h:mm:ss`.
    func seconds(_ clock: Substring) -> Int? {
        let parts = clock.split(separator: ":").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        return parts.reduce(0) { $0 * 60 + $1 }
    }

    @Test("streamd now: station, program, song and m:ss elapsed/remaining; --json prints the /v1/now JSON")
    func now() async throws {
        try await withSettledDaemon { daemon, station in
            let started = Date()
            let result = try await runStreamd(["now", "--socket", daemon.socketPath])
            #expect(result.status == 0, "\(result.stderr)")
            let text = result.stdout
            let lines = text.split(separator: "\n")
            #expect(lines.first?.contains(station.name) == true, "the first line names the station:\n\(text)")
            #expect(lines.first?.contains("ON AIR") == true, "\(text)")
            #expect(text.contains(LoopbackStation.programName), "the program:\n\(text)")
            #expect(text.contains("Steve Inskeep"), "the hosts:\n\(text)")
            #expect(text.contains("Bonobo – Kerala") || (text.contains("Bonobo") && text.contains("Kerala")), "the song:\n\(text)")
            #expect(text.contains(LoopbackStation.nextName), "next up:\n\(text)")
            // "5:03 / 25:00  (19:57 left)": elapsed / length (remaining left), as m:ss.
            let clock = /(\d+:\d\d) \/ (\d+:\d\d)\s+\((\d+:\d\d) left\)/
            let match = try #require(text.firstMatch(of: clock), "no m:ss elapsed / remaining line in:\n\(text)")
            let elapsed = try #require(seconds(match.output.1))
            let length = try #require(seconds(match.output.2))
            let remaining = try #require(seconds(match.output.3))
            let expected = Int(started.timeIntervalSince(station.programStart))
            #expect(abs(elapsed - expected) <= 3, "elapsed \(match.output.1), expected about \(expected) s")
            #expect(abs(length - 25 * 60) <= 1, "length \(match.output.2)")
            #expect(abs(elapsed + remaining - 25 * 60) <= 1, "elapsed + remaining: \(match.output.0)")
            #expect(!text.contains("!"), "nothing is flagged stale:\n\(text)")

            let asJSON = try await runStreamd(["now", "--json", "--socket", daemon.socketPath])
            #expect(asJSON.status == 0, "\(asJSON.stderr)")
            let object = try #require(try json(asJSON.stdout) as? [String: Any], "not JSON: \(asJSON.stdout)")
            #expect(object["station"] as? String == station.id)
            #expect(object["elapsed"] as? Int != nil)
            #expect(object["remaining"] as? Int != nil)
            #expect((object["song"] as? [String: Any])?["title"] as? String == "Kerala")

            let named = try await runStreamd(["now", "--station", station.id, "--socket", daemon.socketPath])
            #expect(named.status == 0)
            let unknown = try await runStreamd(["now", "--station", "nope", "--socket", daemon.socketPath])
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("nope"), "\(unknown.stderr)")
        }
    }

    @Test("streamd next, stations and status: human output and --json")
    func nextStationsStatus() async throws {
        try await withSettledDaemon { daemon, station in
            let socket = ["--socket", daemon.socketPath]
            let next = try await runStreamd(["next"] + socket)
            #expect(next.status == 0, "\(next.stderr)")
            #expect(next.stdout.contains(LoopbackStation.nextName), "\(next.stdout)")
            #expect(next.stdout.contains(LoopbackStation.clock(station.programEnd)), "next shows its start in station time: \(next.stdout)")
            let nextJSON = try await runStreamd(["next", "--json"] + socket)
            #expect(nextJSON.status == 0)
            let nextObject = try #require(try json(nextJSON.stdout) as? [String: Any])
            #expect((nextObject["next"] as? [[String: Any]])?.first?["name"] as? String == LoopbackStation.nextName)

            let stations = try await runStreamd(["stations"] + socket)
            #expect(stations.status == 0, "\(stations.stderr)")
            #expect(stations.stdout.contains(station.id) && stations.stdout.contains(station.name), "\(stations.stdout)")
            #expect(stations.stdout.contains("ON AIR"), "\(stations.stdout)")
            let stationsJSON = try await runStreamd(["stations", "--json"] + socket)
            #expect(stationsJSON.status == 0)
            let list = try #require(try json(stationsJSON.stdout) as? [[String: Any]])
            #expect(list.first?["id"] as? String == station.id)

            let status = try await runStreamd(["status"] + socket)
            #expect(status.status == 0, "\(status.stderr)")
            let text = status.stdout
            #expect(text.contains("health: ok"), "\(text)")
            #expect(text.contains("stream main") && text.contains("up"), "\(text)")
            #expect(text.contains("source triton") && text.contains("source composer"), "\(text)")
            #expect(text.contains("ok"), "\(text)")
            // Every time printed names its zone: "updated 04:08:00 GMT", "last answer 04:08:00 GMT".
            let times = text.matches(of: /\d\d:\d\d:\d\d( [A-Z][A-Za-z0-9+-]{1,8})?/)
            #expect(!times.isEmpty && times.allSatisfy { $0.output.1 != nil }, "a time without its zone: \(text)")
            // --json: the API's own answers, /v1/health and /v1/state, under one object.
            let statusJSON = try await runStreamd(["status", "--json"] + socket)
            #expect(statusJSON.status == 0)
            let object = try #require(try json(statusJSON.stdout) as? [String: Any], "status --json: \(statusJSON.stdout.prefix(300))")
            let health = try #require(object["health"] as? [String: Any])
            #expect(health["status"] as? String == "ok")
            #expect(health["engine"] as? String == "alive")
            let state = try #require(object["state"] as? [String: Any])
            #expect((state["sequence"] as? Int ?? 0) > 0, "the document's sequence")
            #expect((state["stations"] as? [[String: Any]])?.first?["id"] as? String == station.id)
            let one = try await runStreamd(["status", "--json", "--station", station.id] + socket)
            let oneObject = try #require(try json(one.stdout) as? [String: Any], "status --json --station: \(one.stdout.prefix(300))")
            #expect((oneObject["station"] as? [String: Any])?["id"] as? String == station.id)
            let unknown = try await runStreamd(["status", "--station", "nope"] + socket)
            #expect(unknown.status == 64, "an unknown station is a usage error: \(unknown.status) \(unknown.stderr)")
        }
    }

    @Test("streamd now flags a failing source and a down stream; status exits 1 degraded, 2 down")
    func flagsProblems() async throws {
        try await withSettledDaemon { daemon, station in
            station.server.route(station.tritonPath, .status(503, "overloaded"))
            try await daemon.waitForState("the failing source to show") { document in
                let sources = document.station(station.id)?["sources"] as? [[String: Any]] ?? []
                // Error, then stale after 3 intervals: a loaded machine may poll the state only
                // once the source is stale.
                return sources.contains { $0["kind"] as? String == "triton" && ["error", "stale"].contains($0["status"] as? String) }
            }
            let degraded = try await runStreamd(["status", "--socket", daemon.socketPath])
            #expect(degraded.status == 1, "degraded health exits 1: \(degraded.status)\n\(degraded.stdout)")
            #expect(degraded.stdout.contains("health: degraded"), "\(degraded.stdout)")
            station.server.route(station.streamPath, .status(404, "no such mount"))
            try await daemon.waitForState("the failures to show") { document in
                let sources = document.station(station.id)?["sources"] as? [[String: Any]] ?? []
                // By now the failing source may have gone from error to stale.
                return sources.contains { $0["kind"] as? String == "triton" && ["error", "stale"].contains($0["status"] as? String) }
                    && document.station(station.id)?.streamStatus == "down"
            }
            let result = try await runStreamd(["now", "--socket", daemon.socketPath])
            #expect(result.status == 0, "\(result.stderr)")
            let flagged = result.stdout.split(separator: "\n").filter { $0.hasPrefix("!") }
            #expect(flagged.contains { $0.contains("triton") }, "the failing Triton source is flagged:\n\(result.stdout)")
            #expect(flagged.contains { $0.contains("main") && $0.contains("down") }, "the down stream is flagged:\n\(result.stdout)")
            #expect(result.stdout.contains("OFF AIR"), "\(result.stdout)")
            let status = try await runStreamd(["status", "--socket", daemon.socketPath])
            #expect(status.status == 2, "down health exits 2: \(status.status)")
            #expect(status.stdout.contains("health: down"),
                    "with no station on the air /v1/health answers 503 'down', and status must still say so:\n\(status.stdout)")
            #expect(status.stdout.contains("http"), "the error kind shows: \(status.stdout)")
        }
    }

    @Test("streamd watch --json prints one JSON object per event: its type, its id and its data")
    func watch() async throws {
        try await withSettledDaemon { daemon, station in
            let watcher = try await StreamdClientProcess(["watch", "--json", "--socket", daemon.socketPath])
            do {
                let connected = await watcher.wait(timeout: .seconds(10)) { !$0.isEmpty }
                #expect(connected, "watch printed nothing; stderr: \(watcher.stderr)")
                let titles = (1...4).map { "Title \($0) of four" }
                for (i, title) in titles.enumerated() {
                    station.setTitle("Artist \(i + 1) - \(title)")
                    let seen = await watcher.wait(timeout: .seconds(3)) { lines in lines.contains { $0.contains("\"\(title)\"") } }
                    #expect(seen, "no line for \(title) within 3 s; output:\n\(watcher.stdout.suffix(1000))")
                    try await Task.sleep(for: .milliseconds(300))
                }
                let lines = watcher.lines
                for line in lines {
                    #expect((try? json(line)) is [String: Any], "not a JSON object line: \(line.prefix(200))")
                }
                let events = lines.compactMap { try? json($0) as? [String: Any] }
                let first = try #require(events.first)
                #expect(first["event"] as? String == "snapshot", "the first event is the snapshot: \(lines[0].prefix(200))")
                #expect((first["data"] as? [String: Any])?["stations"] != nil, "its data is the document")
                var lastID = first["id"] as? Int ?? 0
                #expect(lastID > 0, "the snapshot carries its id (the document's sequence)")
                for event in events.dropFirst() {
                    #expect(event["event"] as? String == "station", "the other events are station changes: \(event)")
                    #expect((event["data"] as? [String: Any])?["id"] as? String == station.id)
                    let id = event["id"] as? Int ?? 0
                    #expect(id > lastID, "ids rise: \(id) after \(lastID)")
                    lastID = id
                }
                #expect(lines.count >= 5)
                #expect(watcher.exitStatus == nil, "watch exited early: \(watcher.stderr)")
            } catch {
                await watcher.stop()
                throw error
            }
            await watcher.stop()
        }
    }

    @Test("a user without permission on the socket gets exit 77 and a message naming the group, never 'not running' or a port",
          arguments: [["now"], ["status"], ["watch"]])
    func permissionDenied(_ command: [String]) async throws {
        try await withSettledDaemon { daemon, _ in
            // The daemon's socket is mode 0660, root's; nobody (uid 65534) is not in its group.
            let result = try await runTool("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                                try StreamdProcess.binaryForAnyUser()] + command + ["--socket", daemon.socketPath],
                                           timeout: .seconds(20))
            #expect(result.status == 77, "\(command): exit \(result.status); stderr: \(result.stderr)")
            #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
            #expect(result.stderr.contains("add yourself to the group"), "\(result.stderr)")
            #expect(!result.stderr.contains("port"), "no message about a Unix socket mentions a port: \(result.stderr)")
            #expect(!result.stderr.contains("is the daemon running"), "\(result.stderr)")
        }
    }

    @Test("a socket file nobody listens on (left by a stopped daemon): exit 69, the message says the file is stale")
    func staleSocketFile() async throws {
        let path = NSTemporaryDirectory() + "stale-\(UUID().uuidString.prefix(8)).sock"
        // Bound, never listening, closed: the file stays and connect(2) is refused.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        defer { unlink(path) }
        try #require(bound == 0, "bind \(path): errno \(errno)")
        let result = try await runStreamd(["now", "--socket", path])
        #expect(result.status == 69, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("left from a daemon that stopped"), "\(result.stderr)")
        #expect(!result.stderr.contains("port"), "\(result.stderr)")
    }

    @Test("streamd watch says once that the connection is lost, and says when it is back")
    func watchReconnects() async throws {
        try await withLoopback { server in
            let station = try LoopbackStation(server: server)
            let sandbox = try DaemonSandbox()
            defer { sandbox.cleanup() }
            try sandbox.writeConfig(LoopbackStation.config(sandbox, [station]))
            let first = try await DaemonProcess.start(sandbox)
            let watcher = try await StreamdClientProcess(["watch", "--socket", first.socketPath])
            do {
                #expect(await watcher.wait(timeout: .seconds(10)) { !$0.isEmpty }, "watch printed nothing: \(watcher.stderr)")
                _ = await first.stop()
                try await Task.sleep(for: .seconds(3))   // about three reconnection attempts
                let second = try await DaemonProcess.start(sandbox)
                try await eventually("watch to say it reconnected", timeout: .seconds(15), detail: { watcher.stderr }) {
                    watcher.stderr.contains("reconnected")
                }
                let lost = watcher.stderr.components(separatedBy: "connection lost").count - 1
                #expect(lost == 1, "the loss is said once, not at every attempt:\n\(watcher.stderr)")
                _ = await second.stop()
            } catch {
                await watcher.stop()
                throw error
            }
            await watcher.stop()
        }
    }

    @Test("every client command exits 69 with a one-line message when no daemon listens", arguments: [
        ["now"], ["now", "--json"], ["next"], ["stations"], ["status"], ["watch"], ["watch", "--json"],
    ])
    func noDaemon(_ command: [String]) async throws {
        let result = try await runStreamd(command + ["--socket", "/tmp/nonexistent.sock"], timeout: .seconds(20))
        #expect(result.status == 69, "\(command): exit \(result.status); stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "\(command): one line expected on stderr, got:\n\(result.stderr)")
        #expect(result.stderr.contains("/tmp/nonexistent.sock"), "\(command): the message names the socket: \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(command): nothing on stdout: \(result.stdout)")
    }
}
