import Foundation
import StreamTestSupport
import Testing

/// One documented key and how its effect is seen from outside the running daemon.
struct KeyEffect: Sendable {
    /// The dotted name: `daemon.socket`, `station.stream.mode`, `station.source.triton.mount`.
    let key: String
    /// What is looked at, in words.
    let observed: String
    /// nil when the effect is seen; otherwise what was seen instead.
    let check: @Sendable (KeyRig) async throws -> String?

    init(_ key: String, _ observed: String, _ check: @escaping @Sendable (KeyRig) async throws -> String?) {
        self.key = key
        self.observed = observed
        self.check = check
    }
}

enum KeyEffects {
    static let table: [KeyEffect] = daemon + station + stream + source + perKind + mqtt + outputs + outputKinds + outputPacing + last

    // MARK: [[output]] (the files, as a playout system reads them)

    /// The text of an output file in the sandbox, once it exists.
    static func outputText(_ rig: KeyRig, _ name: String) -> String? {
        try? String(contentsOfFile: rig.path(name), encoding: .utf8)
    }

    /// keys-fm's song as the state has it, as `artist :: title`.
    static func keysSong(_ rig: KeyRig) async throws -> String? {
        let song = (try await rig.station("keys-fm")["now"] as? [String: Any])?["song"] as? [String: Any]
        guard let title = song?["title"] as? String else { return nil }
        return "\(song?["artist"] as? String ?? "") :: \(title)"
    }

    static let outputs: [KeyEffect] = [
        KeyEffect("output.kind", "kind file: each output's text is in its file, ending with a newline") { rig in
            try await rig.eventually {
                let texts = [outputText(rig, KeyRig.outputFile), outputText(rig, KeyRig.quietFile)]
                return texts.allSatisfy { $0?.hasSuffix("\n") == true } ? nil : "the files hold \(texts)"
            }
        },
        KeyEffect("output.station", "each file speaks of its own station") { rig in
            try await rig.eventually {
                let keys = outputText(rig, KeyRig.outputFile) ?? "", quiet = outputText(rig, KeyRig.quietFile) ?? ""
                return keys.hasPrefix("Config Keys FM ::") && quiet.hasPrefix("Quiet FM") ? nil : "the files hold \(keys), \(quiet)"
            }
        },
        KeyEffect("output.file.path", "a relative path is in the configuration file's folder") { rig in
            try await rig.eventually {
                FileManager.default.fileExists(atPath: rig.sandbox.directory + "/" + KeyRig.outputFile) ? nil
                    : "no \(KeyRig.outputFile) beside the configuration"
            }
        },
        KeyEffect("output.template", "the song in the template: `{station} :: {artist} :: {title}`") { rig in
            try await rig.eventually {
                guard let song = try await keysSong(rig) else { return "keys-fm has no song" }
                let expected = "Config Keys FM :: \(song)\n"
                let text = outputText(rig, KeyRig.outputFile)
                return text == expected ? nil : "the file holds \(text ?? "nothing"), expected \(expected)"
            }
        },
        KeyEffect("output.fallback", "a station with no song: its fallback, `{station} is quiet`") { rig in
            try await rig.eventually {
                let text = outputText(rig, KeyRig.quietFile)
                return text == "Quiet FM is quiet\n" ? nil : "the file holds \(text ?? "nothing")"
            }
        },
        KeyEffect("output.delay", "format-fm's new title reaches its file the delay after the stream carried it, not sooner") { rig in
            // Changes format-fm's title (nothing after this row looks at it but the last rows,
            // which change it themselves). Its ICY blocks come every 500 bytes: within a second.
            let title = "Delayed Title"
            let changed = Date()
            rig.server.setTitle("Format - \(title)", for: "/f/live.m3u8")
            return try await rig.eventually {
                guard let text = outputText(rig, KeyRig.delayedFile), text == title + "\n",
                      let attributes = try? FileManager.default.attributesOfItem(atPath: rig.path(KeyRig.delayedFile)),
                      let written = attributes[.modificationDate] as? Date else {
                    return "the file holds \(outputText(rig, KeyRig.delayedFile) ?? "nothing")"
                }
                // A file's time is the kernel's coarse clock (a few ms behind): 0.1 s of slack.
                let after = written.timeIntervalSince(changed)
                return after >= Double(KeyRig.outputDelaySeconds) - 0.1 ? nil
                    : "written \(after) s after the title changed, before its \(KeyRig.outputDelaySeconds) s delay"
            }
        },
    ]

    // MARK: [[output]] of the other kinds (on icecast-fm: "Second Artist - Second Song")

    /// icecast-fm's song as the outputs should send it.
    static let iceArtist = "Second Artist", iceTitle = "Second Song"

    /// The HMAC-SHA256 of `body` under `key`, as `openssl dgst` computes it.
    static func opensslHMAC(_ body: [UInt8], key: String, _ rig: KeyRig) async throws -> String {
        let file = rig.path("hmac-\(UUID().uuidString).body")
        FileManager.default.createFile(atPath: file, contents: Data(body))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try await runTool(try requireTool("openssl"), ["dgst", "-sha256", "-hmac", key, file])
        return result.stdout.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    /// Checks that a webhook POSTed icecast-fm's song to `path`, signed with `key`.
    static func signedPost(_ rig: KeyRig, _ path: String, key: String) async throws -> String? {
        try await rig.eventually {
            guard let post = rig.server.requests(to: path).last(where: { String(decoding: $0.body, as: UTF8.self).contains(iceTitle) }) else {
                return "no POST with the song on \(path) (\(rig.server.requests(to: path).count) requests)"
            }
            let expected = "sha256=" + (try await opensslHMAC(post.body, key: key, rig))
            return post.method == "POST" && post.header("x-streamd-signature-256") == expected ? nil
                : "\(post.method) signed \(post.header("x-streamd-signature-256") ?? "nothing"), openssl says \(expected)"
        }
    }

    /// The `Authorization` of the Icecast update of mount `mount`, decoded (`user:password`).
    static func icecastCredentials(_ rig: KeyRig, mount: String) -> String? {
        rig.server.requests(to: "/admin/metadata").last { ($0.query ?? "").contains("mount=\(mount)&") }
            .flatMap { $0.header("authorization") }
            .flatMap { Data(base64Encoded: String($0.dropFirst("Basic ".count))) }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// A DLS file's text line (the last line).
    static func dlsText(_ rig: KeyRig, _ name: String) -> String? {
        outputText(rig, name)?.split(separator: "\n").last.map(String.init)
    }

    static let outputKinds: [KeyEffect] = [
        KeyEffect("output.dls.path", "ODR-PadEnc's file: the parameters block, the artist's DL Plus tag, then the text") { rig in
            try await rig.eventually {
                let text = outputText(rig, KeyRig.dlsFile) ?? ""
                return text.hasPrefix("##### parameters { #####\nDL_PLUS=1\n") && text.contains("DL_PLUS_TAG=4 0 12\n") ? nil
                    : "\(KeyRig.dlsFile) holds \(text.debugDescription)"
            }
        },
        KeyEffect("output.max_length", "16 characters, cut at a word: only the artist is left in the DLS text") { rig in
            try await rig.eventually {
                dlsText(rig, KeyRig.dlsFile) == iceArtist ? nil : "the DLS text is \(dlsText(rig, KeyRig.dlsFile) ?? "nothing")"
            }
        },
        KeyEffect("output.rds.target", "the encoder at the target has the RadioText and the RT+ tags") { rig in
            try await rig.eventually {
                rig.encoder.radioText == "\(iceArtist) - \(iceTitle)" && rig.encoder.rtPlus == "04,00,12,01,16,10" ? nil
                    : "the encoder holds \(rig.encoder.radioText ?? "nothing") / \(rig.encoder.rtPlus ?? "no RT+")"
            }
        },
        KeyEffect("output.rds.dialect", "inovonics: TEXT= (not Pira's RT1=), each answered OK, the output ok") { rig in
            try await rig.eventually {
                let commands = rig.encoder.commands
                let rds = try await rig.station("icecast-fm")["outputs"] as? [[String: Any]] ?? []
                let ok = rds.first { $0["kind"] as? String == "rds" }?["status"] as? String == "ok"
                return commands.first == "TEXT=\(iceArtist) - \(iceTitle)" && !commands.contains { $0.hasPrefix("RT1=") } && ok ? nil
                    : "commands \(commands), status ok: \(ok)"
            }
        },
        KeyEffect("output.udp.target", "the display at the target gets NOW:, NEXT: and WARN:") { rig in
            try await rig.eventually {
                let datagrams = rig.display.datagrams
                return datagrams.contains("NOW:\(iceArtist) - \(iceTitle)") && datagrams.contains("WARN:Icecast FM: stream down") ? nil
                    : "the display got \(datagrams.suffix(6))"
            }
        },
        KeyEffect("output.udp.repeat", "1s: the same NOW: again and again while nothing changes") { rig in
            try await rig.eventually {
                let count = rig.display.datagrams.filter { $0 == "NOW:\(iceArtist) - \(iceTitle)" }.count
                return count >= 3 ? nil : "NOW: \(count) times"
            }
        },
        KeyEffect("output.charset", "ascii: the template's \"–\" sent as \"-\", its \"♪\" dropped") { rig in
            try await rig.eventually {
                let now = rig.display.datagrams.last { $0.hasPrefix("NOW:") } ?? ""
                return now == "NOW:\(iceArtist) - \(iceTitle)" && now.allSatisfy(\.isASCII) ? nil : "the display got \(now.debugDescription)"
            }
        },
        KeyEffect("output.webhook.url", "a POST of the station's JSON to the url") { rig in
            try await rig.eventually {
                let post = rig.server.requests(to: "/hook-file").last
                let json = post.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
                return post?.method == "POST" && (json?["station"] as? [String: Any])?["id"] as? String == "icecast-fm" ? nil
                    : "got \(post.map { "\($0.method) \(String(decoding: $0.body, as: UTF8.self).prefix(200))" } ?? "nothing")"
            }
        },
        KeyEffect("output.webhook.secret_file", "signed with the key in the file (checked with openssl dgst -hmac)") { rig in
            try await signedPost(rig, "/hook-file", key: KeyRig.hookFileKey)
        },
        KeyEffect("output.webhook.secret_env", "signed with the key in the environment variable") { rig in
            try await signedPost(rig, "/hook-env", key: KeyRig.hookEnvKey)
        },
        KeyEffect("output.tunein.url", "TuneIn's GET goes to the url") { rig in
            try await rig.eventually { rig.requested("/tunein-file").isEmpty ? "nothing on /tunein-file" : nil }
        },
        KeyEffect("output.tunein.partner_id", "partnerId in the query") { rig in
            try await rig.eventually { rig.requested("/tunein-file").last?.contains("partnerId=KP1&") == true ? nil : "\(rig.requested("/tunein-file"))" }
        },
        KeyEffect("output.tunein.partner_key_file", "partnerKey from the file") { rig in
            try await rig.eventually {
                rig.requested("/tunein-file").last?.contains("partnerKey=\(KeyRig.tuneinFileKey)&") == true ? nil : "\(rig.requested("/tunein-file"))"
            }
        },
        KeyEffect("output.tunein.partner_key_env", "partnerKey from the environment variable") { rig in
            try await rig.eventually {
                rig.requested("/tunein-env").last?.contains("partnerKey=\(KeyRig.tuneinEnvKey)&") == true ? nil : "\(rig.requested("/tunein-env"))"
            }
        },
        KeyEffect("output.tunein.station_id", "id, and the song's title and artist, in the query") { rig in
            try await rig.eventually {
                rig.requested("/tunein-file").last?.hasSuffix("&id=s777&title=Second%20Song&artist=Second%20Artist") == true ? nil
                    : "\(rig.requested("/tunein-file"))"
            }
        },
        KeyEffect("output.icecast.url", "the update goes to the url's server, for the url's mount, with the text") { rig in
            try await rig.eventually {
                rig.requested("/admin/metadata").contains { $0.contains("mount=/ice-file&mode=updinfo&song=Second%20Artist%20%E2%80%93%20Second%20Song&charset=UTF-8") }
                    ? nil : "\(rig.requested("/admin/metadata"))"
            }
        },
        KeyEffect("output.icecast.user", "the user in the Basic credentials") { rig in
            try await rig.eventually {
                icecastCredentials(rig, mount: "/ice-file")?.hasPrefix("keys-source:") == true ? nil : "\(icecastCredentials(rig, mount: "/ice-file") ?? "none")"
            }
        },
        KeyEffect("output.icecast.password_file", "the password from the file") { rig in
            try await rig.eventually {
                icecastCredentials(rig, mount: "/ice-file") == "keys-source:\(KeyRig.icecastFilePassword)" ? nil : "\(icecastCredentials(rig, mount: "/ice-file") ?? "none")"
            }
        },
        KeyEffect("output.icecast.password_env", "the password from the environment variable (user source, the default)") { rig in
            try await rig.eventually {
                icecastCredentials(rig, mount: "/ice-env") == "source:\(KeyRig.icecastEnvPassword)" ? nil : "\(icecastCredentials(rig, mount: "/ice-env") ?? "none")"
            }
        },
    ]

    /// After format-fm's title changed (the `delay` row): the held outputs still show the old one.
    static let outputPacing: [KeyEffect] = [
        KeyEffect("output.min_hold", "1h: format-fm's new title waits; the first stays, and the state shows one pending") { rig in
            try await rig.eventually {
                guard outputText(rig, KeyRig.delayedFile) == "Delayed Title\n" else { return "the delay row's title change has not landed" }
                let outputs = try await rig.station("format-fm")["outputs"] as? [[String: Any]] ?? []
                let held = outputs.first { ($0["target"] as? String)?.hasSuffix(KeyRig.heldFile) == true }
                return dlsText(rig, KeyRig.heldFile) == "Read As ICY" && held?["pending"] as? Int == 1 ? nil
                    : "\(KeyRig.heldFile) shows \(dlsText(rig, KeyRig.heldFile) ?? "nothing"), pending \(held?["pending"] ?? "?")"
            }
        },
        KeyEffect("output.rate_limit", "1 a minute: format-fm's new title waits for the minute") { rig in
            try await rig.eventually {
                guard outputText(rig, KeyRig.delayedFile) == "Delayed Title\n" else { return "the delay row's title change has not landed" }
                return dlsText(rig, KeyRig.limitedFile) == "Read As ICY" ? nil : "\(KeyRig.limitedFile) shows \(dlsText(rig, KeyRig.limitedFile) ?? "nothing")"
            }
        },
    ]

    // MARK: [publish.mqtt] (the broker's own log of every packet, and what a subscriber gets)

    /// The broker's log line for streamd's connection, once there is one.
    static func brokerConnect(_ rig: KeyRig) -> String? {
        rig.broker.log.split(separator: "\n").first { $0.contains("New client connected") && $0.contains(KeyRig.mqttClientID) }
            .map(String.init)
    }

    static let mqtt: [KeyEffect] = [
        KeyEffect("publish.mqtt.url", "the first URL refused, the second (the broker) connected: both named in the log") { rig in
            try await rig.eventually {
                let log = rig.daemon.stderr
                return log.contains("MQTT: cannot connect to mqtts://127.0.0.1:") && log.contains("MQTT: connected to \(rig.broker.url)")
                    ? nil : "the log has no refusal of the first URL and connection to the second"
            }
        },
        KeyEffect("publish.mqtt.client_id", "the broker logs the connection under that client id") { rig in
            try await rig.eventually { brokerConnect(rig) == nil ? "no connection as \(KeyRig.mqttClientID) in the broker's log" : nil }
        },
        KeyEffect("publish.mqtt.username", "the broker logs the connection with that user name") { rig in
            try await rig.eventually {
                brokerConnect(rig)?.contains("u'\(KeyRig.mqttUser)'") == true ? nil : "connect line: \(brokerConnect(rig) ?? "none")"
            }
        },
        KeyEffect("publish.mqtt.password_file", "the broker (anonymous refused) accepts the password from the file, relative to the configuration; the log never shows it") { rig in
            try await rig.eventually {
                guard rig.broker.log.contains("Sending CONNACK to \(KeyRig.mqttClientID) (0, 0)") else { return "no accepting CONNACK in the broker's log" }
                return rig.daemon.stderr.contains(KeyRig.mqttPassword) ? "the password is in streamd's log" : nil
            }
        },
        KeyEffect("publish.mqtt.prefix", "a subscriber finds the station retained under PREFIX/SITE/stations/ID") { rig in
            try await retained(rig, "\(KeyRig.mqttPrefix)/\(KeyRig.mqttSite)/stations/keys-fm") { $0.contains("\"id\":\"keys-fm\"") }
        },
        KeyEffect("publish.mqtt.site", "a subscriber finds online retained under PREFIX/SITE/status") { rig in
            try await retained(rig, "\(KeyRig.mqttPrefix)/\(KeyRig.mqttSite)/status") { $0 == "online" }
        },
        KeyEffect("publish.mqtt.qos", "the broker receives streamd's messages and its will at QoS 2") { rig in
            try await rig.eventually {
                let log = rig.broker.log
                return log.contains("Received PUBLISH from \(KeyRig.mqttClientID) (d0, q2, r1") && log.contains("(r1, q2)")
                    ? nil : "no QoS 2 PUBLISH and will from \(KeyRig.mqttClientID) in the broker's log"
            }
        },
        KeyEffect("publish.mqtt.ca_file", "the TLS handshake with the broker's certificate, signed by the test CA, succeeds") { rig in
            try await rig.eventually { brokerConnect(rig) == nil ? "no TLS connection accepted" : nil }
        },
        KeyEffect("publish.mqtt.keepalive", "the broker logs the connection's keepalive as 7 s") { rig in
            try await rig.eventually {
                brokerConnect(rig)?.contains(", k7,") == true ? nil : "connect line: \(brokerConnect(rig) ?? "none")"
            }
        },
    ]

    /// nil when a late subscriber to `topic` gets a retained message whose payload passes `check`.
    static func retained(_ rig: KeyRig, _ topic: String, _ check: @escaping @Sendable (String) -> Bool) async throws -> String? {
        try await rig.eventually {
            guard let message = try? await rig.broker.messages(topic, count: 1, timeout: 2,
                                                               user: (KeyRig.mqttUser, KeyRig.mqttPassword)).first else {
                return "nothing retained at \(topic)"
            }
            return message.retained && check(message.payload) ? nil : "at \(topic): \(message)"
        }
    }

    // MARK: Last (they change a title, so nothing checked after them may depend on it)

    static let last: [KeyEffect] = [
        KeyEffect("daemon.state_write_interval", "while a title changes every 250 ms, the file changes at most once per interval, skipping versions the API served") { rig in
            let file = rig.path(KeyRig.stateName)
            func fileSequence() -> Int? {
                guard let data = FileManager.default.contents(atPath: file),
                      let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
                return document["sequence"] as? Int
            }
            var changes: [(at: ContinuousClock.Instant, sequence: Int)] = []
            var apiSequences = Set<Int>()
            let start = ContinuousClock.now
            var tick = 0
            while ContinuousClock.now - start < .seconds(5) {
                if tick % 5 == 0 { rig.server.setTitle("Format - Change \(tick)", for: "/f/live.m3u8") }
                tick += 1
                if let sequence = fileSequence(), sequence != changes.last?.sequence { changes.append((ContinuousClock.now, sequence)) }
                if let api = try? await rig.daemon.state()["sequence"] as? Int { apiSequences.insert(api) }
                try await Task.sleep(for: .milliseconds(50))
            }
            // changes[0] is what the file held when the watch began, not a write: gaps count from changes[1].
            let writes = changes.dropFirst()
            let gaps = zip(writes.dropFirst(), writes).map { $0.at - $1.at }
            let least = Duration.seconds(KeyRig.stateWriteSeconds) - .milliseconds(300)
            if writes.count < 2 { return "the file changed \(writes.count) times in 5 s of title changes" }
            if let short = gaps.first(where: { $0 < least }) { return "two writes \(short) apart (interval \(KeyRig.stateWriteSeconds) s)" }
            if apiSequences.count <= changes.count { return "the API served \(apiSequences.count) versions, the file \(changes.count): nothing coalesced" }
            return nil
        },
        KeyEffect("daemon.max_connections", "connections beyond the limit are answered 503 at once; those within it are served") { rig in
            var open: [UnixSocket] = []
            defer { for socket in open { socket.closeNow() } }
            for _ in 0..<(KeyRig.maxConnections + 8) { open.append(try UnixSocket(path: rig.daemon.socketPath)) }
            try await Task.sleep(for: .milliseconds(500))   // a refusal is written as soon as the connection is accepted
            let refused = open.filter { socket in
                socket.readSome(timeout: 0.01).map { String(decoding: $0, as: UTF8.self).hasPrefix("HTTP/1.1 503") } ?? false
            }.count
            let admitted = open.count - refused
            if refused == 0 { return "\(open.count) connections, none refused (limit \(KeyRig.maxConnections))" }
            if admitted > KeyRig.maxConnections { return "\(admitted) admitted, over the limit \(KeyRig.maxConnections)" }
            if admitted < KeyRig.maxConnections - 4 { return "only \(admitted) admitted (limit \(KeyRig.maxConnections))" }
            return nil
        },
        KeyEffect("daemon.max_subscribers", "event subscribers beyond the limit are answered 503; a plain request is still served") { rig in
            var subscribers: [SSESubscriber] = []
            defer { for subscriber in subscribers { subscriber.close() } }
            // The row before closed max_connections + 8 sockets; until the daemon has seen them
            // go, a new connection can still be refused for the connection limit (also a 503).
            // So a subscriber within the limit may try again for 5 s; one kept refused fails.
            for index in 1...KeyRig.maxSubscribers {
                let deadline = ContinuousClock.now + .seconds(5)
                while true {
                    let subscriber = try SSESubscriber(socket: rig.daemon.socketPath)
                    let snapshot: ([SSEFrame]) -> Bool = { $0.contains { $0.event == "snapshot" } }
                    await subscriber.wait { snapshot($0) || subscriber.ended }
                    if snapshot(subscriber.events) {
                        subscribers.append(subscriber)
                        break
                    }
                    subscriber.close()
                    if subscriber.status != 503 || ContinuousClock.now > deadline {
                        return "subscriber \(index), within the limit, got no snapshot (status \(subscriber.status ?? 0))"
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let refused = try await SocketHTTP.request(rig.daemon.socketPath, "GET", "/v1/events")
            if refused.status != 503 { return "subscriber \(KeyRig.maxSubscribers + 1) was answered \(refused.status), not 503" }
            if !refused.text.contains("too many event subscribers") { return "503 without the reason: \(refused.text.prefix(200))" }
            let plain = try await SocketHTTP.request(rig.daemon.socketPath, "GET", "/v1/now")
            return plain.status == 200 ? nil : "a plain request got \(plain.status) while subscribers were full"
        },
        KeyEffect("daemon.state_pretty", "the state file is indented JSON (compact by default)") { rig in
            let text = (try? String(contentsOfFile: rig.path(KeyRig.stateName), encoding: .utf8)) ?? ""
            return text.contains("\n  \"") ? nil : "not indented: \(text.prefix(120))"
        },
    ]

    // MARK: [daemon]

    static let daemon: [KeyEffect] = [
        KeyEffect("daemon.socket", "the API answers on the configured relative path (in the daemon's directory), not on another") { rig in
            let attributes = try? FileManager.default.attributesOfItem(atPath: rig.path(KeyRig.socketName))
            guard attributes?[.type] as? FileAttributeType == .typeSocket else { return "no socket file at \(rig.path(KeyRig.socketName)): \(rig.sandbox.files())" }
            let answer = try await SocketHTTP.request(rig.daemon.socketPath, "GET", "/v1/state")
            return answer.status == 200 ? nil : "GET /v1/state on it answered \(answer)"
        },
        KeyEffect("daemon.socket_mode", "the socket file's permission bits") { rig in
            var info = stat()
            guard stat(rig.path(KeyRig.socketName), &info) == 0 else { return "stat: \(String(cString: strerror(errno)))" }
            let mode = Int(info.st_mode) & 0o777
            return mode == KeyRig.socketMode ? nil : "mode 0\(String(mode, radix: 8)), configured 0\(String(KeyRig.socketMode, radix: 8))"
        },
        KeyEffect("daemon.state_file", "the state document is written at the configured path (and not at another)") { rig in
            try await rig.eventually {
                guard let data = FileManager.default.contents(atPath: rig.path(KeyRig.stateName)) else { return "no file; the sandbox holds \(rig.sandbox.files())" }
                let document = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                let ids = (document["stations"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                if ids != KeyRig.stationIDs { return "its stations are \(ids ?? [])" }
                if FileManager.default.fileExists(atPath: rig.sandbox.stateFilePath) { return "a state file also appeared at \(rig.sandbox.stateFilePath)" }
                return nil
            }
        },
        KeyEffect("daemon.live", "`live` of GET /v1/state names the configured (second) station") { rig in
            let live = try await rig.daemon.state()["live"] as? String
            return live == "utf-fm" ? nil : "live is \(live ?? "null")"
        },
        KeyEffect("daemon.log_level", "`debug` lines appear on standard error") { rig in
            await rig.daemon.waitForLog(" DEBUG ", timeout: .seconds(3)) ? nil : "no DEBUG line in: \(rig.daemon.stderr.suffix(800))"
        },
        KeyEffect("daemon.listen", "the TCP listener answers GET /v1/state and refuses POST /v1/reload (read-only)") { rig in
            let state = try await rig.tcp("/v1/state")
            let document = try? JSONSerialization.jsonObject(with: Data(state.body.utf8)) as? [String: Any]
            let ids = (document?["stations"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            guard state.status == 200, ids == KeyRig.stationIDs else { return "GET /v1/state over TCP: \(state.status) \(state.body.prefix(300))" }
            let reload = try await rig.tcp("/v1/reload", ["-X", "POST"])
            return reload.status == 403 ? nil : "POST /v1/reload over TCP answered \(reload.status), not 403"
        },
        KeyEffect("daemon.user_agent_suffix", "the User-Agent of a stream request and of a source request ends with the suffix") { rig in
            try await rig.eventually {
                let agents = ["/a/live", "/a/composer/now"].map { rig.server.requests(to: $0).first?.header("User-Agent") }
                let good = agents.allSatisfy { $0?.hasPrefix("streamd/") == true && $0?.hasSuffix(" " + KeyRig.userAgentSuffix) == true }
                return good ? nil : "User-Agents on the stream and the source: \(agents)"
            }
        },
    ]

    // MARK: [[station]]

    static let station: [KeyEffect] = [
        KeyEffect("station.id", "the stations of GET /v1/state, by id, in file order") { rig in
            let ids = (try await rig.daemon.state()["stations"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            return ids == KeyRig.stationIDs ? nil : "stations \(ids ?? [])"
        },
        KeyEffect("station.name", "`name` of the station in GET /v1/state and GET /v1/stations") { rig in
            let name = try await rig.station("keys-fm")["name"] as? String
            let list = try await rig.daemon.get("/v1/stations").text
            return name == "Config Keys FM" && list.contains("\"Config Keys FM\"") ? nil : "name \(name ?? "null"); /v1/stations \(list.prefix(300))"
        },
        KeyEffect("station.tagline", "`tagline` of the station in GET /v1/state") { rig in
            let tagline = try await rig.station("keys-fm")["tagline"] as? String
            return tagline == "Every key, once" ? nil : "tagline \(tagline ?? "null")"
        },
        KeyEffect("station.timezone", "`timezone` in the state, and the composer day schedule is asked for the station-local date (not UTC's)") { rig in
            let zone = try await rig.station("keys-fm")["timezone"] as? String
            guard zone == rig.zone else { return "timezone \(zone ?? "null"), configured \(rig.zone)" }
            return try await rig.eventually {
                let asked = rig.server.requests(to: "/a/schedule/day").compactMap(\.query)
                let local = [KeyRig.day(in: rig.zone, at: Date(timeIntervalSinceNow: -60)), KeyRig.day(in: rig.zone)]
                return asked.contains { q in local.contains { q.contains("date=\($0)") } } ? nil
                    : "day schedule queries \(asked); the station-local date in \(rig.zone) is \(local.last!), UTC's \(KeyRig.day(in: "UTC"))"
            }
        },
        KeyEffect("station.charset", "the stream's title bytes C3 80 decode as Windows-1252 (\"Ã€\"), not as UTF-8 (\"À\")") { rig in
            try await rig.eventually {
                let title = try await rig.station("keys-fm").songTitle
                return title == "XÃ€Y" ? nil : "title \(title.map { "\($0.unicodeScalars.map { String($0.value, radix: 16) })" } ?? "null")"
            }
        },
        KeyEffect("station.stream", "the station's streams in GET /v1/state, one per [[station.stream]]") { rig in
            let ids = rig.streams(try await rig.station("keys-fm")).compactMap { $0["id"] as? String }
            return ids == ["air-1"] ? nil : "streams \(ids)"
        },
        KeyEffect("station.source", "the station's sources in GET /v1/state, one per [[station.source]], in order") { rig in
            let kinds = rig.sources(try await rig.station("sources-fm")).compactMap { $0["kind"] as? String }
            let want = ["triton", "composer", "cadence", "cadence", "shoutcast", "azuracast", "spinitron", "spinitron", "triton"]
            return kinds == want ? nil : "sources \(kinds)"
        },
    ]

    // MARK: [[station.stream]]

    static let stream: [KeyEffect] = [
        KeyEffect("station.stream.id", "`streams[].id` in GET /v1/state") { rig in
            let id = rig.streams(try await rig.station("probe-fm")).first?["id"] as? String
            return id == "probed" ? nil : "stream id \(id ?? "null")"
        },
        KeyEffect("station.stream.url", "`streams[].url` in the state, and the loopback server is asked for that path") { rig in
            let url = rig.streams(try await rig.station("keys-fm")).first?["url"] as? String
            guard url == rig.server.url("/a/live") else { return "url \(url ?? "null")" }
            return rig.server.requests(to: "/a/live").isEmpty ? "nobody asked for /a/live" : nil
        },
        KeyEffect("station.stream.mode", "`probe`: `mode` in the state, and each connection is hung up after the first title") { rig in
            let mode = rig.streams(try await rig.station("probe-fm")).first?["mode"] as? String
            guard mode == "probe" else { return "mode \(mode ?? "null")" }
            return try await rig.eventually {
                let opened = rig.server.requests(to: "/p/live").count, closed = rig.server.connectionsClosed(to: "/p/live").count
                return opened >= 2 && closed >= 2 ? nil : "\(opened) connections, \(closed) closed"
            }
        },
        KeyEffect("station.stream.interval", "a probed stream is connected again every interval: 3 hang-ups at least 0.7 s apart (1 s, not 60 s)") { rig in
            try await rig.eventually {
                let closes = rig.server.connectionsClosed(to: "/p/live")
                guard closes.count >= 3 else { return "\(closes.count) probe connections ended in \(ContinuousClock.now - rig.started)" }
                let gaps = zip(closes.dropFirst(), closes).map { $0 - $1 }
                return gaps.allSatisfy { $0 >= .milliseconds(700) } ? nil : "probes closer together than the interval: \(gaps)"
            }
        },
        KeyEffect("station.stream.format", "`icy` on a .m3u8 URL: read as ICY (up, its title), not as an HLS playlist") { rig in
            try await rig.eventually {
                let station = try await rig.station("format-fm")
                let stream = rig.streams(station).first ?? [:]
                return stream["status"] as? String == "up" && stream["name"] as? String == "Format Stream"
                    && station.songTitle == "Read As ICY" && station.songSource == "icy" ? nil
                    : "stream \(JSONText.compact(stream)); song \(station.songTitle ?? "null") from \(station.songSource ?? "null")"
            }
        },
        KeyEffect("station.stream.silence", "silent-fm's MP3 of digital silence: degraded, kind silence, below its -30 dB, after its 2 s") { rig in
            try await rig.eventually {
                let stream = rig.streams(try await rig.station("silent-fm")).first ?? [:]
                let error = stream["error"] as? [String: Any]
                let audio = stream["audio"] as? [String: Any]
                return stream["status"] as? String == "degraded" && error?["kind"] as? String == "silence"
                    && (error?["message"] as? String)?.hasPrefix("silent (below -30 dBFS)") == true
                    && (audio?["levelDb"] as? Double).map({ $0 < -90 }) == true ? nil : "the stream is \(stream)"
            }
        },
        KeyEffect("station.stream.charset", "`utf-8` on the stream overrides the station's `iso-8859-1`: the bytes C3 80 decode as \"À\"") { rig in
            try await rig.eventually {
                let title = try await rig.station("utf-fm").songTitle
                return title == "XÀY" ? nil : "title \(title.map { "\($0.unicodeScalars.map { String($0.value, radix: 16) })" } ?? "null")"
            }
        },
    ]

    // MARK: [[station.source]]

    static let source: [KeyEffect] = [
        KeyEffect("station.source.kind", "each kind's parser reads its answer: the loopback-served shoutcast, azuracast, cadence and spinitron sources are `ok`") { rig in
            try await rig.eventually {
                let statuses = rig.sources(try await rig.station("sources-fm")).map { $0["status"] as? String ?? "null" }
                return statuses.count == 9 && statuses[3...7].allSatisfy { $0 == "ok" } ? nil : "statuses \(statuses)"
            }
        },
        KeyEffect("station.source.url", "`sources[].url` in the state is the configured URL, and the loopback server is asked for it") { rig in
            let url = rig.sources(try await rig.station("keys-fm")).first?["url"] as? String
            guard url == rig.server.url("/a/composer/now") else { return "url \(url ?? "null")" }
            return rig.server.requests(to: "/a/composer/now").isEmpty ? "nobody asked for /a/composer/now" : nil
        },
        KeyEffect("station.source.interval", "a source on a 1 s interval is polled about every second: 3 polls, and at least one per 3 s since start (not one per 15 s)") { rig in
            try await rig.eventually {
                let polls = rig.server.requests(to: "/a/composer/now").count
                let elapsed = (ContinuousClock.now - rig.started) / .seconds(1)
                return Double(polls) >= max(3, elapsed / 3) ? nil : "\(polls) polls in \(elapsed) s"
            }
        },
        KeyEffect("station.source.timeout", "an answer slower than 300 ms fails as `timeout` (the default would wait 10 s)") { rig in
            try await rig.eventually {
                let slow = rig.sources(try await rig.station("sources-fm")).last ?? [:]
                let error = slow["error"] as? [String: Any]
                return ["error", "stale"].contains(slow["status"] as? String) && slow["okAt"] is NSNull
                    && error?["kind"] as? String == "timeout" ? nil : "source \(JSONText.compact(slow))"
            }
        },
    ]

    // MARK: Keys per kind

    /// `sources[index].url` of sources-fm contains `part`.
    static func reportedURL(_ rig: KeyRig, _ index: Int, contains parts: [String]) async throws -> String? {
        let url = rig.sources(try await rig.station("sources-fm"))[safe: index]?["url"] as? String ?? "null"
        return parts.allSatisfy { url.contains($0) } ? nil : "the derived URL is \(url), expected it to contain \(parts)"
    }

    /// The loopback server was asked for `path` with a query holding every one of `parts`.
    static func asked(_ rig: KeyRig, _ path: String, query parts: [String]) async throws -> String? {
        try await rig.eventually {
            let asked = rig.requested(path)
            return asked.contains { q in parts.allSatisfy { q.contains($0) } } ? nil : "asked \(asked), expected a query with \(parts)"
        }
    }

    /// Every request to `path` carried `Authorization: Bearer token`; the token is in no log
    /// line and not in the state.
    static func bearer(_ rig: KeyRig, _ path: String, _ token: String) async throws -> String? {
        if let problem = try await rig.eventually({
            let headers = rig.server.requests(to: path).map { $0.header("Authorization") }
            return !headers.isEmpty && headers.allSatisfy { $0 == "Bearer \(token)" } ? nil : "Authorization headers on \(path): \(headers)"
        }) { return problem }
        let logged = rig.daemon.stderr.components(separatedBy: "\n").filter { $0.contains(token) }
        if !logged.isEmpty { return "the token appears on standard error: \(logged.prefix(3))" }
        return try await rig.daemon.get("/v1/state").text.contains(token) ? "the token appears in the state" : nil
    }

    static let perKind: [KeyEffect] = [
        KeyEffect("station.source.triton.mount", "the derived Triton URL in the state (the internet is out of reach)") { rig in
            try await reportedURL(rig, 0, contains: ["https://np.tritondigital.com/", "mountName=KEYSFM"])
        },
        KeyEffect("station.source.triton.count", "`numberToFetch` of the derived Triton URL in the state") { rig in
            try await reportedURL(rig, 0, contains: ["numberToFetch=7"])
        },
        KeyEffect("station.source.composer.ucs", "the derived Composer URL in the state") { rig in
            try await reportedURL(rig, 1, contains: ["https://api.composer.nprstations.org/v1/widget/keys-ucs-0001/now"])
        },
        KeyEffect("station.source.composer.day_url", "the day schedule is fetched from `day_url`, its `date` replaced, its other query kept") { rig in
            if let problem = try await asked(rig, "/a/schedule/day", query: ["feed=keys"]) { return problem }
            let dated = rig.requested("/a/schedule/day").filter { $0.contains("date=1999-12-31") }
            return dated.isEmpty ? nil : "the configured date was not replaced: \(dated)"
        },
        KeyEffect("station.source.cadence.uuid", "the derived Cadence URL in the state") { rig in
            try await reportedURL(rig, 2, contains: ["https://cadence.nprstations.org/api/cadence/widget/keys-uuid-0002"])
        },
        KeyEffect("station.source.cadence.day_url", "the day schedule is fetched from `day_url` with the station-local (UTC) date") { rig in
            try await asked(rig, "/cad/schedule", query: ["feed=keys", "date=\(KeyRig.day(in: "UTC"))"])
        },
        KeyEffect("station.source.icecast.mount", "the song is the title of the named mount (the second of two; leading `/` added)") { rig in
            try await rig.eventually {
                let station = try await rig.station("icecast-fm")
                return station.songTitle == "Second Song" && station.songArtist == "Second Artist" ? nil
                    : "song \(station.songArtist ?? "null") – \(station.songTitle ?? "null")"
            }
        },
        KeyEffect("station.source.shoutcast.sid", "the loopback server is asked for /stats?sid=3&json=1") { rig in
            try await asked(rig, "/sc/stats", query: ["sid=3", "json=1"])
        },
        KeyEffect("station.source.azuracast.station", "the loopback server is asked for /api/nowplaying/{station}, and the answer's station is selected (source ok)") { rig in
            if let problem = try await asked(rig, "/azura/api/nowplaying/azuratest_radio", query: []) { return problem }
            return try await rig.eventually {
                let status = rig.sources(try await rig.station("sources-fm"))[safe: 5]?["status"] as? String
                return status == "ok" ? nil : "the azuracast source is \(status ?? "null")"
            }
        },
        KeyEffect("station.source.spinitron.token", "`Authorization: Bearer TOKEN` on the spins and playlists requests; never logged or in the state") { rig in
            if let problem = try await bearer(rig, "/spin-inline/spins", KeyRig.inlineToken) { return problem }
            return try await bearer(rig, "/spin-inline/playlists", KeyRig.inlineToken)
        },
        // Last in the table: its reload restarts sources-fm's watchers.
        KeyEffect("station.source.spinitron.token_file", "the file's key (relative to the configuration's directory, whitespace trimmed) as `Authorization: Bearer`; a new key in the file after POST /v1/reload") { rig in
            if let problem = try await bearer(rig, "/spin-file/spins", KeyRig.fileToken) { return problem }
            if let problem = try await bearer(rig, "/spin-file/playlists", KeyRig.fileToken) { return problem }
            let rotated = "tok-rotated-51b0c4"
            try "\(rotated)\n".write(toFile: rig.path(KeyRig.tokenFile), atomically: true, encoding: .utf8)
            let before = rig.server.requests(to: "/spin-file/spins").count
            let reload = try await SocketHTTP.request(rig.daemon.socketPath, "POST", "/v1/reload")
            guard reload.status == 200 else { return "POST /v1/reload answered \(reload)" }
            return try await rig.eventually {
                let after = rig.server.requests(to: "/spin-file/spins").dropFirst(before).map { $0.header("Authorization") }
                return after.last == "Bearer \(rotated)" && !rig.daemon.stderr.contains(rotated) ? nil
                    : "after the reload the spins requests carried \(after)"
            }
        },
    ]
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
