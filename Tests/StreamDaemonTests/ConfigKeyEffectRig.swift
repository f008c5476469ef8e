import Foundation
import StreamTestSupport
import Testing

/// One `streamd run` whose configuration sets every documented key to a value other than its
/// default, and the loopback server it watches. Six stations, each with one concern, so one
/// key's effect cannot hide another's (a station's song is its freshest title):
///
/// - `keys-fm`: name, tagline, timezone (a zone whose date differs from UTC's now), charset
///   `windows-1252`; a followed ICY stream whose title carries the bytes C3 80; a composer
///   source on a 1 s interval with a `day_url`.
/// - `utf-fm` (the live station): charset `iso-8859-1`, its stream's charset `utf-8`, the
///   same bytes.
/// - `probe-fm`: a probed stream, interval 1 s. `format-fm`: `format = "icy"` on a `.m3u8` URL.
/// - `sources-fm`: one source per per-kind key (derived internet URLs, or loopback `url`s),
///   and a slow source with a 300 ms `timeout`. `icecast-fm`: an icecast source with `mount`.
/// - `quiet-fm`: a stream that is missing and no source: never a song (an output's fallback).
/// - `silent-fm`: a real MP3 stream of digital silence (ffmpeg), with `silence` set: dead air.
///
/// Outputs: files on keys-fm, format-fm (a delay, a minimum hold, a rate limit) and quiet-fm;
/// every other kind on icecast-fm (its source's song is "Second Artist - Second Song"), each to
/// a peer the rig controls: an RDS encoder emulator (Inovonics), a UDP listener, and the
/// loopback server as webhook receiver, TuneIn and Icecast's admin API.
///
/// And `[publish.mqtt]` to a real Mosquitto with TLS (the test CA), a password and every packet
/// logged, behind a first broker URL where nothing listens (the failover).
final class KeyRig: Sendable {
    let server: LoopbackServer
    let broker: MosquittoBroker
    /// The `rds` output's encoder and the `udp` output's display.
    let encoder: RDSEncoderEmulator
    let display: UDPListener
    let daemon: DaemonProcess
    /// The `timezone` of keys-fm.
    let zone: String
    /// The `listen` port.
    let listenPort: Int
    /// When the daemon answered on its socket.
    let started: ContinuousClock.Instant
    /// Checks that wait give up at this instant (all of them together; see ``eventually(_:)``).
    let deadline: ContinuousClock.Instant

    static let stationIDs = ["keys-fm", "utf-fm", "probe-fm", "format-fm", "sources-fm", "icecast-fm", "quiet-fm", "silent-fm"]
    /// `[[output]]` files: keys-fm's (a path relative to the configuration, a template),
    /// quiet-fm's (no song: its fallback) and format-fm's (a delay; the test changes its title).
    static let outputFile = "keys/now.txt"
    static let quietFile = "quiet.txt"
    static let delayedFile = "delayed.txt"
    static let outputDelaySeconds = 2
    /// format-fm's DLS files held by `min_hold` and by `rate_limit`; icecast-fm's (`max_length`).
    static let heldFile = "held.dls"
    static let limitedFile = "limited.dls"
    static let dlsFile = "keys/icecast.dls"
    /// The outputs' secrets, from files and from the environment.
    static let hookFileKey = "hook-file-2b7e"
    static let hookEnvKey = "hook-env-91ac"
    static let tuneinFileKey = "tunein-file-44d0"
    static let tuneinEnvKey = "tunein-env-c3f1"
    static let icecastFilePassword = "ice-file-7a9d"
    static let icecastEnvPassword = "ice-env-e05b"
    static let outputEnvironment = ["KEYS_HOOK_KEY": hookEnvKey, "KEYS_TUNEIN_KEY": tuneinEnvKey, "KEYS_ICE_PASSWORD": icecastEnvPassword]
    static let socketName = "api.sock"
    static let socketMode = 0o620
    static let stateName = "keys-state.json"
    static let stateWriteSeconds = 2
    static let maxConnections = 48
    static let maxSubscribers = 3
    static let userAgentSuffix = "(+mailto:keys@example.org)"
    static let inlineToken = "tok-inline-4f1d9a"
    static let fileToken = "tok-file-8c27e3"
    static let tokenFile = "keys/spinitron.key"
    static let mqttUser = "keys-user"
    static let mqttPassword = "keys-pw-5e1f"
    static let mqttPasswordFile = "keys/mqtt.pw"
    static let mqttClientID = "keys-client"
    static let mqttPrefix = "keys/streamd"
    static let mqttSite = "rig"
    /// An ICY title whose bytes differ by charset: C3 80 is "À" in UTF-8, "Ã€" in Windows-1252,
    /// "Ã" + U+0080 in Latin-1.
    static let titleBytes = Array("Charset - X".utf8) + [0xC3, 0x80] + Array("Y".utf8)

    private init(server: LoopbackServer, broker: MosquittoBroker, encoder: RDSEncoderEmulator, display: UDPListener,
                 daemon: DaemonProcess, zone: String, listenPort: Int) {
        self.server = server
        self.broker = broker
        self.encoder = encoder
        self.display = display
        self.daemon = daemon
        self.zone = zone
        self.listenPort = listenPort
        started = ContinuousClock.now
        deadline = started + .seconds(20)
    }

    var sandbox: DaemonSandbox { daemon.sandbox }
    func path(_ name: String) -> String { sandbox.directory + "/" + name }

    /// Starts the loopback server and the daemon, runs `body`, and always stops both.
    static func with(_ body: (KeyRig) async throws -> Void) async throws {
        try await withLoopback { server in
            let sandbox = try DaemonSandbox()
            defer { sandbox.cleanup() }
            // A zone whose date is not UTC's at this hour (UTC-12 before 11:00 UTC, UTC+14 after).
            let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour ?? 0
            let zone = hour < 11 ? "Etc/GMT+12" : "Pacific/Kiritimati"
            let listenPort = try await LoopbackServer.closedPort()
            let deadBroker = try await LoopbackServer.closedPort()
            try await routes(server)
            try FileManager.default.createDirectory(atPath: sandbox.directory + "/keys", withIntermediateDirectories: true)
            try "\n  \(fileToken) \n".write(toFile: sandbox.directory + "/" + tokenFile, atomically: true, encoding: .utf8)
            try "\(mqttPassword)\n".write(toFile: sandbox.directory + "/" + mqttPasswordFile, atomically: true, encoding: .utf8)
            for (name, secret) in [("keys/hook.key", hookFileKey), ("keys/tunein.key", tuneinFileKey), ("keys/ice.pw", icecastFilePassword)] {
                try "\(secret)\n".write(toFile: sandbox.directory + "/" + name, atomically: true, encoding: .utf8)
            }
            let encoder = try await RDSEncoderEmulator.start(dialect: .inovonics)
            let display = try await UDPListener.start()
            let broker = try await MosquittoBroker.start(.init(users: [mqttUser: mqttPassword], tls: true, verbose: true))
            func stopPeers() async {
                await broker.cleanup()
                await encoder.stop()
                await display.stop()
            }
            let daemon: DaemonProcess
            do {
                try sandbox.writeConfig(config(server, sandbox, zone: zone, listenPort: listenPort)
                                        + outputsConfig(server, encoder: encoder, display: display)
                                        + mqttConfig(broker, deadPort: deadBroker))
                daemon = try await DaemonProcess.start(sandbox, socket: sandbox.directory + "/" + socketName,
                                                       environment: outputEnvironment)
            } catch {
                await stopPeers()
                throw error
            }
            do {
                try await body(KeyRig(server: server, broker: broker, encoder: encoder, display: display, daemon: daemon,
                                      zone: zone, listenPort: listenPort))
                await daemon.terminate()
                await stopPeers()
            } catch {
                await daemon.terminate()
                await stopPeers()
                throw TestFailure("\(error)\n--- streamd stderr (last lines) ---\n\(daemon.stderr.suffix(2000))")
            }
        }
    }

    // MARK: What the loopback server answers

    static func routes(_ server: LoopbackServer) async throws {
        server.route("/a/live", rawICY(name: "Keys Stream"))
        server.route("/b/live", rawICY(name: "UTF Stream"))
        server.route("/p/live", .icyStream(metaint: 500, extraHeaders: [("icy-name", "Probe Stream")]))
        server.setTitle("Probe - Probed Title", for: "/p/live")
        server.route("/f/live.m3u8", .icyStream(metaint: 500, extraHeaders: [("icy-name", "Format Stream")]))
        server.setTitle("Format - Read As ICY", for: "/f/live.m3u8")
        // /s/missing and /i/missing have no route: 404, the streams are down.
        server.route("/a/composer/now", .ok(#"{"onNow":{"program":{"name":"Keys Hour","hosts":[]},"start_time":"00:00","end_time":"23:59"},"nextUp":[]}"#,
                                            contentType: "application/json"))
        server.route("/a/schedule/day", .ok(#"{"onToday":[]}"#, contentType: "application/json"))
        server.route("/cad/widget", .ok(try Fixture.text("cadence/synthetic_widget_now.json"), contentType: "application/json"))
        server.route("/cad/schedule", .ok(try Fixture.text("cadence/synthetic_day.json"), contentType: "application/json"))
        server.route("/sc/stats", .ok(try Fixture.text("shoutcast/stats_json_dnas_2.6.1_real_smb_star_radio.json"), contentType: "application/json"))
        server.route("/azura/api/nowplaying/azuratest_radio",
                     .ok(try Fixture.text("azuracast/nowplaying_station.openapi-example.json"), contentType: "application/json"))
        for base in ["/spin-inline", "/spin-file"] {
            server.route(base + "/spins", .ok(try Fixture.text("spinitron/synthetic_spins.json"), contentType: "application/json"))
            server.route(base + "/playlists", .ok(try Fixture.text("spinitron/synthetic_playlists.json"), contentType: "application/json"))
        }
        var slow = LoopbackRoute.ok(try Fixture.text("triton/triton_nowplaying_WBOSFMAAC_1item.xml"), contentType: "text/xml")
        slow.headDelay = .seconds(3)
        server.route("/slow", slow)
        // silent-fm: 10 s of digital silence as MP3, looped in real time (800 bytes every 50 ms).
        server.route("/m/live.mp3", DeadAirTests.looped(Locked(try await DeadAirTests.mp3("0")), contentType: "audio/mpeg"))
        // The outputs' receivers: webhooks, TuneIn AIR, Icecast's admin API.
        for path in ["/hook-file", "/hook-env"] { server.route(path, .ok("received")) }
        for path in ["/tunein-file", "/tunein-env"] { server.route(path, .ok("<response><status>200</status></response>", contentType: "text/xml")) }
        server.route("/admin/metadata", .ok("<?xml version=\"1.0\"?>\n<iceresponse><message>Metadata update successful</message><return>1</return></iceresponse>",
                                            contentType: "text/xml"))
        server.route("/ice/status-json.xsl", .ok("""
            {"icestats":{"server_id":"Icecast 2.4.4","source":[\
            {"listenurl":"http://127.0.0.1:8000/first.mp3","server_name":"First","title":"First Artist - First Song"},\
            {"listenurl":"http://127.0.0.1:8000/second.mp3","server_name":"Second","title":"Second Artist - Second Song"}]}}
            """, contentType: "application/json"))
    }

    /// An endless ICY stream (metaint 1000, 20 kB/s of binary filler) whose every metadata
    /// block carries ``titleBytes`` as they are, not UTF-8-encoded by the server.
    static func rawICY(name: String) -> LoopbackRoute {
        var payload = Array("StreamTitle='".utf8) + titleBytes + Array("';".utf8)
        let blocks = (payload.count + 15) / 16
        payload += [UInt8](repeating: 0, count: blocks * 16 - payload.count)
        let chunk = [UInt8](repeating: 0xAA, count: 1000) + [UInt8(blocks)] + payload
        return LoopbackRoute(statusLine: "HTTP/1.0 200 OK",
                             headers: [("Content-Type", "audio/mpeg"), ("icy-metaint", "1000"), ("icy-name", name)],
                             body: .generated { _ in chunk })
    }

    // MARK: The configuration

    /// The outputs of every kind but `file` (those are in ``config(_:_:zone:listenPort:)``).
    static func outputsConfig(_ server: LoopbackServer, encoder: RDSEncoderEmulator, display: UDPListener) -> String {
        """

        [[output]]
        kind = "dls"
        station = "format-fm"
        path = "\(heldFile)"
        template = "{title}"
        fallback = ""
        min_hold = "1h"

        [[output]]
        kind = "dls"
        station = "format-fm"
        path = "\(limitedFile)"
        template = "{title}"
        fallback = ""
        rate_limit = 1

        [[output]]
        kind = "dls"
        station = "icecast-fm"
        path = "\(dlsFile)"
        fallback = ""
        max_length = 16

        [[output]]
        kind = "rds"
        station = "icecast-fm"
        target = "127.0.0.1:\(encoder.port)"
        dialect = "inovonics"
        template = "{artist} - {title}"
        fallback = ""

        [[output]]
        kind = "udp"
        station = "icecast-fm"
        target = "127.0.0.1:\(display.port)"
        repeat = "1s"
        template = "{artist} – {title} ♪"
        charset = "ascii"

        [[output]]
        kind = "webhook"
        station = "icecast-fm"
        url = "\(server.url("/hook-file"))"
        secret_file = "keys/hook.key"

        [[output]]
        kind = "webhook"
        station = "icecast-fm"
        url = "\(server.url("/hook-env"))"
        secret_env = "KEYS_HOOK_KEY"

        [[output]]
        kind = "tunein"
        station = "icecast-fm"
        url = "\(server.url("/tunein-file"))"
        partner_id = "KP1"
        partner_key_file = "keys/tunein.key"
        station_id = "s777"

        [[output]]
        kind = "tunein"
        station = "icecast-fm"
        url = "\(server.url("/tunein-env"))"
        partner_id = "KP2"
        partner_key_env = "KEYS_TUNEIN_KEY"
        station_id = "s778"

        [[output]]
        kind = "icecast"
        station = "icecast-fm"
        url = "\(server.url("/ice-file"))"
        user = "keys-source"
        password_file = "keys/ice.pw"

        [[output]]
        kind = "icecast"
        station = "icecast-fm"
        url = "\(server.url("/ice-env"))"
        password_env = "KEYS_ICE_PASSWORD"

        """
    }


    /// `[publish.mqtt]`: every key, the first URL refused (nothing listens there).
    static func mqttConfig(_ broker: MosquittoBroker, deadPort: Int) -> String {
        """

        [publish.mqtt]
        url = ["mqtts://127.0.0.1:\(deadPort)", "\(broker.url)"]
        client_id = "\(mqttClientID)"
        username = "\(mqttUser)"
        password_file = "\(mqttPasswordFile)"
        prefix = "\(mqttPrefix)"
        site = "\(mqttSite)"
        qos = 2
        ca_file = "\(broker.caFile)"
        keepalive = "7s"

        """
    }

    static func config(_ server: LoopbackServer, _ sandbox: DaemonSandbox, zone: String, listenPort: Int) -> String {
        func url(_ path: String) -> String { server.url(path) }
        return """
            [daemon]
            socket = "\(socketName)"
            socket_mode = "0\(String(socketMode, radix: 8))"
            state_file = "\(sandbox.directory)/\(stateName)"
            state_write_interval = "\(stateWriteSeconds)s"
            state_pretty = true
            max_connections = \(maxConnections)
            max_subscribers = \(maxSubscribers)
            live = "utf-fm"
            log_level = "debug"
            listen = "127.0.0.1:\(listenPort)"
            user_agent_suffix = "\(userAgentSuffix)"

            [[station]]
            id = "keys-fm"
            name = "Config Keys FM"
            tagline = "Every key, once"
            timezone = "\(zone)"
            charset = "windows-1252"

              [[station.stream]]
              id = "air-1"
              url = "\(url("/a/live"))"

              [[station.source]]
              kind = "composer"
              url = "\(url("/a/composer/now"))"
              day_url = "\(url("/a/schedule/day"))?date=1999-12-31&feed=keys"
              interval = "1s"

            [[station]]
            id = "utf-fm"
            name = "UTF FM"
            charset = "iso-8859-1"

              [[station.stream]]
              id = "air-2"
              url = "\(url("/b/live"))"
              charset = "utf-8"

            [[station]]
            id = "probe-fm"
            name = "Probe FM"

              [[station.stream]]
              id = "probed"
              url = "\(url("/p/live"))"
              mode = "probe"
              interval = "1s"

            [[station]]
            id = "format-fm"
            name = "Format FM"

              [[station.stream]]
              id = "not-hls"
              url = "\(url("/f/live.m3u8"))"
              format = "icy"

            [[station]]
            id = "sources-fm"
            name = "Sources FM"

              [[station.stream]]
              id = "gone"
              url = "\(url("/s/missing"))"

              [[station.source]]
              kind = "triton"
              mount = "KEYSFM"
              count = 7
              timeout = "2s"

              [[station.source]]
              kind = "composer"
              ucs = "keys-ucs-0001"
              timeout = "2s"

              [[station.source]]
              kind = "cadence"
              uuid = "keys-uuid-0002"
              timeout = "2s"

              [[station.source]]
              kind = "cadence"
              url = "\(url("/cad/widget"))"
              day_url = "\(url("/cad/schedule"))?date=2000-01-01&feed=keys"

              [[station.source]]
              kind = "shoutcast"
              url = "\(url("/sc"))"
              sid = 3

              [[station.source]]
              kind = "azuracast"
              url = "\(url("/azura"))"
              station = "azuratest_radio"

              [[station.source]]
              kind = "spinitron"
              url = "\(url("/spin-inline"))"
              token = "\(inlineToken)"

              [[station.source]]
              kind = "spinitron"
              url = "\(url("/spin-file"))"
              token_file = "\(tokenFile)"

              [[station.source]]
              kind = "triton"
              url = "\(url("/slow"))"
              interval = "1s"
              timeout = "300ms"

            [[station]]
            id = "icecast-fm"
            name = "Icecast FM"

              [[station.stream]]
              id = "gone"
              url = "\(url("/i/missing"))"

              [[station.source]]
              kind = "icecast"
              url = "\(url("/ice"))"
              mount = "second.mp3"

            [[station]]
            id = "quiet-fm"
            name = "Quiet FM"

              [[station.stream]]
              id = "gone"
              url = "\(url("/q/missing"))"

            [[station]]
            id = "silent-fm"
            name = "Silent FM"

              [[station.stream]]
              id = "mp3"
              url = "\(url("/m/live.mp3"))"
              silence = { threshold = "-30dB", after = "2s" }

            [[output]]
            kind = "file"
            station = "keys-fm"
            path = "\(outputFile)"
            template = "{station} :: {artist} :: {title}"

            [[output]]
            kind = "file"
            station = "format-fm"
            path = "\(sandbox.directory)/\(delayedFile)"
            template = "{title}"
            delay = "\(outputDelaySeconds)s"

            [[output]]
            kind = "file"
            station = "quiet-fm"
            path = "\(sandbox.directory)/\(quietFile)"
            fallback = "{station} is quiet"

            """
    }

    // MARK: Looking

    /// Polls `probe` until it returns nil (the effect is seen) or the rig's deadline passes
    /// (but at least 3 s, so a row after a failed one still gets its chance); the last
    /// complaint otherwise.
    func eventually(_ probe: () async throws -> String?) async throws -> String? {
        let giveUp = max(deadline, ContinuousClock.now + .seconds(3))
        var complaint = try await probe()
        while complaint != nil, ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(50))
            complaint = try await probe()
        }
        return complaint
    }

    /// A station object of `GET /v1/state`.
    func station(_ id: String) async throws -> [String: Any] {
        try await daemon.state().station(id) ?? [:]
    }

    func streams(_ station: [String: Any]) -> [[String: Any]] { station["streams"] as? [[String: Any]] ?? [] }
    func sources(_ station: [String: Any]) -> [[String: Any]] { station["sources"] as? [[String: Any]] ?? [] }

    /// The requests the loopback server got on `path`, as `path?query` strings.
    func requested(_ path: String) -> [String] {
        server.requests(to: path).map { $0.path + ($0.query.map { "?" + $0 } ?? "") }
    }

    /// `YYYY-MM-DD` in `zone` at `date`.
    static func day(in zone: String, at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    /// `curl -sS -i` over TCP to the `listen` address.
    func tcp(_ path: String, _ arguments: [String] = []) async throws -> CurlResult {
        let result = try await Curl.run(arguments + ["http://127.0.0.1:\(listenPort)\(path)"], timeout: 5)
        guard result.exitCode == 0 else { throw TestFailure("curl \(path) over TCP exited \(result.exitCode): \(result.body.prefix(300))") }
        return result
    }
}
