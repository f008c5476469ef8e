import Foundation
import StreamTestSupport
import Testing

/// Every key docs/configuration.md documents reaches its effect: one daemon is configured with
/// every key set to a value other than its default, and each key has a check that observes
/// the effect from outside (the socket API, the files, what the loopback server receives).
/// A key documented without a check, or checked without being documented, fails the test.
@Suite("Configuration: every documented key reaches its effect", .serialized, .timeLimit(.minutes(3)))
struct ConfigKeyEffectTests {
    /// The keys of docs/configuration.md's tables, as dotted names (`daemon.socket`,
    /// `station.stream.interval`, `station.source.triton.mount`).
    static func documentedKeys() throws -> Set<String> {
        let text = try String(contentsOfFile: Fixture.path("docs/configuration.md"), encoding: .utf8)
        var keys = Set<String>()
        var section: String?
        var kind: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## ") {
                section = ["`[daemon]`": "daemon", "`[[station]]`": "station", "`[[station.stream]]`": "station.stream",
                           "`[[station.source]]`": "station.source"][String(line.dropFirst(3))]
                continue
            }
            if line.hasPrefix("### ") { section = nil }
            guard let section, line.hasPrefix("| "), !line.hasPrefix("|---") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3 else { continue }
            // The per-kind table: | kind | key | ... (an empty kind continues the one above).
            let perKind = section == "station.source" && (cells[1].isEmpty || cells[2].hasPrefix("`") && cells[1].hasPrefix("`")
                                                          && !["`kind`", "`url`", "`interval`", "`timeout`"].contains(cells[1]))
            if cells[1] == "key" || cells[1] == "kind" && cells[2] == "key" { continue }
            if perKind {
                if !cells[1].isEmpty { kind = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
                guard let kind else { continue }
                keys.insert("station.source.\(kind).\(cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`")))")
            } else if cells[1].hasPrefix("`") {
                keys.insert("\(section).\(cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")))")
            }
        }
        return keys
    }

    /// What a check sees.
    struct Observed: @unchecked Sendable {
        let daemon: DaemonProcess
        let server: LoopbackServer
        let document: [String: Any]
        let tcpPort: Int
        let socketPath: String
        let statePath: String

        func station(_ id: String) -> [String: Any] { document.station(id) ?? [:] }
        func stream(_ station: String, _ index: Int = 0) -> [String: Any] {
            ((self.station(station)["streams"] as? [[String: Any]]) ?? [])[safe: index] ?? [:]
        }
        func source(_ station: String, _ index: Int = 0) -> [String: Any] {
            ((self.station(station)["sources"] as? [[String: Any]]) ?? [])[safe: index] ?? [:]
        }
        func agents(_ path: String) -> [String] { server.requests(to: path).compactMap { $0.header("User-Agent") } }
    }

    static let suffix = "(+mailto:engineering@example.org)"
    static let token = "TOKEN-inline-7d1"
    static let fileToken = "TOKEN-file-93c"

    /// Each documented key and how its effect is observed.
    static let checks: [String: @Sendable (Observed) async throws -> Bool] = [
        "daemon.socket": { o in
            let answer = try await SocketHTTP.request(o.socketPath, "GET", "/v1/now")
            return o.socketPath.hasSuffix("/custom.sock") && answer.status == 200
        },
        "daemon.socket_mode": { o in
            var info = stat()
            return stat(o.socketPath, &info) == 0 && info.st_mode & 0o777 == 0o600
        },
        "daemon.state_file": { o in
            guard let data = FileManager.default.contents(atPath: o.statePath) else { return false }
            return (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["stations"] != nil
        },
        "daemon.live": { o in o.document["live"] as? String == "keys-b" },
        "daemon.log_level": { o in o.daemon.stderr.contains(" DEBUG ") },
        "daemon.listen": { o in
            let answer = try await Curl.run(["http://127.0.0.1:\(o.tcpPort)/v1/now"])
            return answer.status == 200 && answer.body.contains("keys-b")
        },
        "daemon.user_agent_suffix": { o in
            let agents = o.agents("/a/live") + o.agents("/api/spins")
            return !agents.isEmpty && agents.allSatisfy { $0.hasPrefix("streamd/") && $0.hasSuffix(" " + suffix) }
        },
        "station.id": { o in o.station("keys-a")["id"] as? String == "keys-a" },
        "station.name": { o in o.station("keys-a")["name"] as? String == "Keys A" },
        "station.tagline": { o in o.station("keys-a")["tagline"] as? String == "101.1 Keys" },
        "station.timezone": { o in o.station("keys-a")["timezone"] as? String == "America/Chicago" },
        // The bytes C3 A9 are "é" in UTF-8; the station says ISO-8859-1, so "Ã©".
        "station.charset": { o in o.station("keys-a").songTitle == "CafÃ©" },
        "station.stream": { o in (o.station("keys-a")["streams"] as? [Any])?.count == 1 },
        "station.source": { o in (o.station("keys-src")["sources"] as? [Any])?.count == 10 },
        "station.stream.id": { o in o.stream("keys-a")["id"] as? String == "feed" },
        "station.stream.url": { o in o.stream("keys-a")["url"] as? String == o.server.url("/a/live") },
        "station.stream.mode": { o in o.stream("keys-probe")["mode"] as? String == "probe" },
        "station.stream.interval": { o in o.server.requests(to: "/probe/live").count >= 3 },
        // An ICY stream on a .m3u8 URL: `auto` would take it for HLS; `icy` reads its title.
        "station.stream.format": { o in o.station("keys-format").songTitle == "Format Title" },
        // The station says ISO-8859-1, the stream overrides it with UTF-8: "Café".
        "station.stream.charset": { o in o.station("keys-b").songTitle == "Café" },
        "station.source.kind": { o in o.source("keys-src", 0)["kind"] as? String == "triton" },
        "station.source.url": { o in o.source("keys-src", 3)["url"] as? String == o.server.url("/ice/status-json.xsl") },
        "station.source.interval": { o in o.server.requests(to: "/ice/status-json.xsl").count >= 3 },
        "station.source.timeout": { o in ((o.source("keys-slow")["error"] as? [String: Any])?["kind"] as? String) == "timeout" },
        "station.source.triton.mount": { o in (o.source("keys-src", 0)["url"] as? String)?.contains("mountName=WKEYSFM") == true },
        "station.source.triton.count": { o in (o.source("keys-src", 0)["url"] as? String)?.contains("numberToFetch=3") == true },
        "station.source.composer.ucs": { o in (o.source("keys-src", 1)["url"] as? String)?.contains("/widget/ucs-keys-42/now") == true },
        "station.source.composer.day_url": { o in o.server.requests(to: "/composer/schedule").contains { ($0.query ?? "").contains("date=") } },
        "station.source.cadence.uuid": { o in (o.source("keys-src", 2)["url"] as? String)?.contains("/widget/uuid-keys-77") == true },
        "station.source.cadence.day_url": { o in o.server.requests(to: "/cadence/schedule").contains { ($0.query ?? "").contains("date=") } },
        "station.source.icecast.mount": { o in o.station("keys-ice").songTitle == "Mount B Song" },
        "station.source.shoutcast.sid": { o in o.server.requests(to: "/sc/stats").contains { ($0.query ?? "").contains("sid=2") } },
        "station.source.azuracast.station": { o in (o.source("keys-src", 5)["url"] as? String)?.hasSuffix("/api/nowplaying/keys_radio") == true },
        "station.source.spinitron.token": { o in o.server.requests(to: "/api/spins").contains { $0.header("Authorization") == "Bearer \(token)" } },
        "station.source.spinitron.token_file": { o in o.server.requests(to: "/file/spins").contains { $0.header("Authorization") == "Bearer \(fileToken)" } },
    ]

    @Test("docs/configuration.md and the table of checks name the same keys")
    func everyKeyHasACheck() throws {
        let documented = try Self.documentedKeys()
        #expect(documented.count >= 30, "the docs' tables were read: \(documented.sorted())")
        let checked = Set(Self.checks.keys)
        #expect(documented.subtracting(checked).isEmpty, "documented but not checked: \(documented.subtracting(checked).sorted())")
        #expect(checked.subtracting(documented).isEmpty, "checked but not documented: \(checked.subtracting(documented).sorted())")
    }

    /// ICY bytes: `metaint` bytes of audio, then a metadata block with `title` as raw bytes.
    static func icyRoute(title: [UInt8], path: String = "") -> LoopbackRoute {
        var payload = Array("StreamTitle='".utf8) + title + Array("';".utf8)
        let blocks = (payload.count + 15) / 16
        payload += [UInt8](repeating: 0, count: blocks * 16 - payload.count)
        let chunk = [UInt8](repeating: 0xAA, count: 1000) + [UInt8(blocks)] + payload
        var route = LoopbackRoute(statusLine: "HTTP/1.0 200 OK", headers: [("Content-Type", "audio/mpeg"), ("icy-metaint", "1000")],
                                  body: .generated { _ in chunk })
        route.dribble = (0, .milliseconds(50))  // 20 chunks a second: about 20 kB/s
        return route
    }

    @Test("one daemon with every key set: each key's effect is seen from outside")
    func effects() async throws {
        try await withLoopback { server in
            let latin = Array("Caf".utf8) + [0xC3, 0xA9]  // "Café" in UTF-8 bytes
            server.route("/a/live", Self.icyRoute(title: latin))
            server.route("/b/live", Self.icyRoute(title: latin))
            server.route("/probe/live", .icyStream(metaint: 1000))
            server.route("/format/live.m3u8", Self.icyRoute(title: Array("Format Title".utf8)))
            server.route("/ice/status-json.xsl", .ok("""
                {"icestats":{"source":[{"listenurl":"http://x/a","server_name":"A","title":"Mount A Song"},
                {"listenurl":"http://x/b","server_name":"B","title":"Mount B Song"}]}}
                """, contentType: "application/json"))
            server.route("/composer/now", .ok(try Fixture.text("composer/composer_now_wmht_2026-02-18_doc_excerpt.json"), contentType: "application/json"))
            server.route("/composer/schedule", .ok(try Fixture.text("composer/composer_day_wwfm_2016-07-31.json"), contentType: "application/json"))
            server.route("/cadence/now", .ok(try Fixture.text("cadence/synthetic_widget_now.json"), contentType: "application/json"))
            server.route("/cadence/schedule", .ok(try Fixture.text("cadence/synthetic_day.json"), contentType: "application/json"))
            server.route("/sc/stats", .ok(#"{"songtitle":"X - Y","streamstatus":1}"#, contentType: "application/json"))
            server.route("/api/spins", .ok(#"{"items":[]}"#, contentType: "application/json"))
            server.route("/api/playlists", .ok(#"{"items":[]}"#, contentType: "application/json"))
            server.route("/file/spins", .ok(#"{"items":[]}"#, contentType: "application/json"))
            server.route("/file/playlists", .ok(#"{"items":[]}"#, contentType: "application/json"))
            var slow = LoopbackRoute.ok("<nowplaying-info-list/>", contentType: "text/xml")
            slow.headDelay = .seconds(3)
            server.route("/slow/np", slow)
            let tcpPort = try await LoopbackServer.closedPort()
            let sandbox = try DaemonSandbox()
            defer { sandbox.cleanup() }
            try sandbox.writeConfig(Self.fileToken + "\n", name: "spinitron.token")
            let socket = sandbox.directory + "/custom.sock"
            let statePath = sandbox.directory + "/custom-state.json"
            try sandbox.writeConfig("""
                [daemon]
                socket = "\(socket)"
                socket_mode = "0600"
                state_file = "\(statePath)"
                live = "keys-b"
                log_level = "debug"
                listen = "127.0.0.1:\(tcpPort)"
                user_agent_suffix = "\(Self.suffix)"

                [[station]]
                id = "keys-a"
                name = "Keys A"
                tagline = "101.1 Keys"
                timezone = "America/Chicago"
                charset = "iso-8859-1"
                  [[station.stream]]
                  id = "feed"
                  url = "\(server.url("/a/live"))"

                [[station]]
                id = "keys-b"
                name = "Keys B"
                charset = "iso-8859-1"
                  [[station.stream]]
                  id = "main"
                  url = "\(server.url("/b/live"))"
                  charset = "utf-8"

                [[station]]
                id = "keys-probe"
                name = "Keys Probe"
                  [[station.stream]]
                  id = "main"
                  url = "\(server.url("/probe/live"))"
                  mode = "probe"
                  interval = "1s"

                [[station]]
                id = "keys-format"
                name = "Keys Format"
                  [[station.stream]]
                  id = "main"
                  url = "\(server.url("/format/live.m3u8"))"
                  format = "icy"

                [[station]]
                id = "keys-ice"
                name = "Keys Icecast"
                  [[station.stream]]
                  id = "main"
                  url = "\(server.url("/probe/live"))"
                  mode = "probe"
                  interval = "60s"
                  [[station.source]]
                  kind = "icecast"
                  url = "\(server.url("/ice"))"
                  mount = "/b"
                  interval = "1s"

                [[station]]
                id = "keys-slow"
                name = "Keys Slow"
                  [[station.stream]]
                  id = "main"
                  url = "\(server.url("/probe/live"))"
                  mode = "probe"
                  interval = "60s"
                  [[station.source]]
                  kind = "triton"
                  url = "\(server.url("/slow/np"))"
                  timeout = "200ms"
                  interval = "1s"

                [[station]]
                id = "keys-src"
                name = "Keys Sources"
                  [[station.stream]]
                  id = "main"
                  url = "\(server.url("/probe/live"))"
                  mode = "probe"
                  interval = "60s"
                  [[station.source]]
                  kind = "triton"
                  mount = "WKEYSFM"
                  count = 3
                  timeout = "1s"
                  [[station.source]]
                  kind = "composer"
                  ucs = "ucs-keys-42"
                  timeout = "1s"
                  [[station.source]]
                  kind = "cadence"
                  uuid = "uuid-keys-77"
                  timeout = "1s"
                  [[station.source]]
                  kind = "icecast"
                  url = "\(server.url("/ice/status-json.xsl"))"
                  interval = "1s"
                  [[station.source]]
                  kind = "shoutcast"
                  url = "\(server.url("/sc"))"
                  sid = 2
                  [[station.source]]
                  kind = "azuracast"
                  url = "\(server.url("/azura"))"
                  station = "keys_radio"
                  [[station.source]]
                  kind = "spinitron"
                  url = "\(server.url("/api"))"
                  token = "\(Self.token)"
                  [[station.source]]
                  kind = "spinitron"
                  url = "\(server.url("/file"))"
                  token_file = "spinitron.token"
                  [[station.source]]
                  kind = "composer"
                  url = "\(server.url("/composer/now"))"
                  day_url = "\(server.url("/composer/schedule"))"
                  [[station.source]]
                  kind = "cadence"
                  url = "\(server.url("/cadence/now"))"
                  day_url = "\(server.url("/cadence/schedule"))"
                """)
            let daemon = try await DaemonProcess.start(sandbox, socket: socket)
            do {
                // Let every watcher and poller report (probes every second, polls every second).
                try await Task.sleep(for: .seconds(4))
                let document = try await daemon.waitForState("the titles of the charset stations", timeout: .seconds(15)) {
                    $0.station("keys-a")?.songTitle != nil && $0.station("keys-b")?.songTitle != nil
                        && $0.station("keys-format")?.songTitle != nil && $0.station("keys-ice")?.songTitle != nil
                        && (($0.station("keys-slow")?["sources"] as? [[String: Any]])?.first?["error"] as? [String: Any]) != nil
                }
                let observed = Observed(daemon: daemon, server: server, document: document, tcpPort: tcpPort,
                                        socketPath: socket, statePath: statePath)
                for (key, check) in Self.checks.sorted(by: { $0.key < $1.key }) {
                    let seen = (try? await check(observed)) ?? false
                    #expect(seen, "\(key) did not reach its effect")
                }
                let leaks = daemon.stderr.split(separator: "\n").filter { $0.contains(Self.token) || $0.contains(Self.fileToken) }
                #expect(leaks.isEmpty, "tokens are never logged, not even at debug: \(leaks.prefix(3))")
            } catch {
                await daemon.terminate()
                throw TestFailure("\(error)\n--- streamd stderr ---\n\(daemon.stderr.suffix(3000))")
            }
            await daemon.terminate()
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
