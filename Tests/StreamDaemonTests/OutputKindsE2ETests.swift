import Foundation
import StreamTestSupport
import Testing

/// Every kind of `[[output]]` end to end: the daemon follows a loopback ICY stream, and each
/// song change reaches the peer the output feeds, a peer the test controls: an RDS encoder
/// emulator answering as a Pira P232 does, a UDP listener standing in for OnAirScreen, an HTTP
/// receiver for the webhook (its signature checked with `openssl dgst -hmac`) and for TuneIn
/// AIR, ODR-PadEnc's file. Then each peer goes down and comes back: the latest text arrives,
/// once, and the state document shows the failure meanwhile. (`icecast` is in IcecastTests,
/// against the real Icecast2.)
@Suite("Outputs end to end: each kind against its peer", .serialized, .timeLimit(.minutes(3)))
struct OutputKindsE2ETests {
    static let hookKey = "hook-secret-6f1c"
    static let tuneinKey = "tunein-key-93ab"

    /// The daemon, its stream and every peer.
    struct Rig {
        let sandbox: DaemonSandbox
        let server: LoopbackServer
        let udp: UDPListener
        let rds: RDSEncoderEmulator
        let dlsPath: String
        let hookStatus = Locked(200)

        func config(udpRepeat: String = "30s") -> String {
            sandbox.oneStationConfig(streamURL: server.url("/live"), extra: """

                [[output]]
                kind = "rds"
                station = "test-fm"
                target = "127.0.0.1:\(rds.port)"
                dialect = "pira"
                fallback = ""

                [[output]]
                kind = "udp"
                station = "test-fm"
                target = "127.0.0.1:\(udp.port)"
                repeat = "\(udpRepeat)"

                [[output]]
                kind = "dls"
                station = "test-fm"
                path = "\(dlsPath)"

                [[output]]
                kind = "webhook"
                station = "test-fm"
                url = "\(server.url("/hook"))"
                secret_file = "hook.key"

                [[output]]
                kind = "tunein"
                station = "test-fm"
                url = "\(server.url("/Playing.ashx"))"
                partner_id = "P1"
                partner_key_env = "TEST_TUNEIN_KEY"
                station_id = "s12345"
                """)
        }

        static func with(_ body: (Rig) async throws -> Void) async throws {
            let sandbox = try DaemonSandbox()
            let server = try await LoopbackServer.start()
            let udp = try await UDPListener.start()
            let rds = try await RDSEncoderEmulator.start(dialect: .pira)
            let rig = Rig(sandbox: sandbox, server: server, udp: udp, rds: rds, dlsPath: sandbox.directory + "/dls.txt")
            server.route("/live", .icyStream(metaint: 1000, bytesPerSecond: 8000))
            server.setTitle("Claudio Arrau - Clair de lune", for: "/live")
            let hookStatus = rig.hookStatus
            server.route("/hook") { _ in .status(hookStatus.value, "received") }
            server.route("/Playing.ashx") { _ in
                hookStatus.value == 200 ? .ok("<response><status>200</status></response>", contentType: "text/xml") : .status(hookStatus.value)
            }
            try OutputKindsE2ETests.hookKey.write(toFile: sandbox.directory + "/hook.key", atomically: true, encoding: .utf8)
            defer { sandbox.cleanup() }
            do {
                try await body(rig)
            } catch {
                await udp.stop(); await rds.stop(); await server.shutdown()
                throw error
            }
            await udp.stop(); await rds.stop(); await server.shutdown()
        }

        func start(_ config: String) async throws -> DaemonProcess {
            try sandbox.writeConfig(config)
            return try await DaemonProcess.start(sandbox, environment: ["TEST_TUNEIN_KEY": OutputKindsE2ETests.tuneinKey])
        }

        /// The station's `outputs` in `/v1/state`.
        func outputs(_ daemon: DaemonProcess) async throws -> [[String: Any]] {
            let state = try await daemon.get("/v1/state").object()
            let station = (state["stations"] as? [[String: Any]])?.first
            return station?["outputs"] as? [[String: Any]] ?? []
        }
    }

    @Test("a song reaches the encoder (RadioText + RT+), the display (NOW:), ODR-PadEnc's file, the webhook (signed) and TuneIn")
    func everyKindDelivers() async throws {
        try await Rig.with { rig in
            let daemon = try await rig.start(rig.config())
            defer { Task { await daemon.terminate() } }
            // RT1 and RTP are two commands, each answered before the next is sent: wait for both.
            try await eventually("the encoder's RadioText and RT+", timeout: .seconds(15), detail: { "\(rig.rds.commands)" }) {
                rig.rds.radioText == "Claudio Arrau - Clair de lune" && rig.rds.rtPlus != nil
            }
            #expect(rig.rds.rtPlus == "04,00,12,01,16,12", "artist 0 + 13, title 16 + 13 (lengths minus one)")
            #expect(rig.rds.commands.prefix(2) == ["RT1=Claudio Arrau - Clair de lune", "RTP=04,00,12,01,16,12"])
            try await eventually("the display's NOW:", detail: { "\(rig.udp.datagrams)" }) {
                rig.udp.datagrams.contains("NOW:Claudio Arrau – Clair de lune")
            }
            #expect(rig.udp.datagrams.contains("WARN:"))
            let dls = try await eventually("ODR-PadEnc's file with the song") {
                (try? String(contentsOfFile: rig.dlsPath, encoding: .utf8)).flatMap { $0.contains("Clair de lune") ? $0 : nil }
            }
            // EBU Latin has no en dash: the template's "–" is sent as "-".
            #expect(dls == """
                ##### parameters { #####
                DL_PLUS=1
                DL_PLUS_ITEM_TOGGLE=1
                DL_PLUS_ITEM_RUNNING=1
                DL_PLUS_TAG=4 0 12
                DL_PLUS_TAG=1 16 12
                ##### parameters } #####
                Claudio Arrau - Clair de lune

                """)
            // (Before the first title the station's text was its name: that went first.)
            let hook = try await eventually("the webhook's POST of the song") {
                rig.server.requests(to: "/hook").first { String(decoding: $0.body, as: UTF8.self).contains("Clair de lune") }
            }
            #expect(hook.method == "POST" && hook.header("content-type") == "application/json")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(hook.body)) as? [String: Any])
            #expect(body["text"] as? String == "Claudio Arrau – Clair de lune")
            #expect(((body["station"] as? [String: Any])?["now"] as? [String: Any])?["song"] != nil)
            let bodyFile = rig.sandbox.directory + "/hook-body.json"
            FileManager.default.createFile(atPath: bodyFile, contents: Data(hook.body))
            let hmac = try await runTool(try requireTool("openssl"), ["dgst", "-sha256", "-hmac", OutputKindsE2ETests.hookKey, bodyFile])
            let expected = "sha256=" + (hmac.stdout.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "")
            #expect(hook.header("x-streamd-signature-256") == expected, "openssl says \(hmac.stdout)")
            let tunein = try await eventually("TuneIn's GET") { rig.server.requests(to: "/Playing.ashx").first }
            #expect(tunein.query == "partnerId=P1&partnerKey=\(OutputKindsE2ETests.tuneinKey)&id=s12345&title=Clair%20de%20lune&artist=Claudio%20Arrau")
            // Every output ok in the state document, with what it sent.
            try await eventually("every output ok", detail: { "" }) {
                let outputs = try await rig.outputs(daemon)
                return outputs.count == 5 && outputs.allSatisfy { $0["status"] as? String == "ok" }
            }
            let outputs = try await rig.outputs(daemon)
            #expect(outputs.map { $0["kind"] as? String } == ["rds", "udp", "dls", "webhook", "tunein"])
            #expect(outputs.first?["lastText"] as? String == "Claudio Arrau - Clair de lune")
            #expect(outputs.first?["target"] as? String == "127.0.0.1:\(rig.rds.port)")
            // `streamd status` lists them.
            let status = try await StreamdProcess.run(["status", "--station", "test-fm", "--socket", rig.sandbox.socketPath])
            #expect(status.stdout.contains("output rds        ok       127.0.0.1:\(rig.rds.port)"), "\(status.stdout)")
            #expect(status.stdout.contains("output tunein"), "\(status.stdout)")
            // No secret anywhere a reader looks.
            let metrics = try await daemon.get("/metrics").text
            let state = try await daemon.get("/v1/state").text
            for secret in [OutputKindsE2ETests.hookKey, OutputKindsE2ETests.tuneinKey] {
                #expect(!daemon.stderr.contains(secret) && !metrics.contains(secret) && !state.contains(secret) && !status.stdout.contains(secret))
            }
        }
    }

    @Test("the encoder down, then back: the failure shows meanwhile, the latest text arrives once, the one in between never")
    func encoderDownAndBack() async throws {
        try await Rig.with { rig in
            let daemon = try await rig.start(rig.config())
            defer { Task { await daemon.terminate() } }
            try await eventually("the first RadioText", timeout: .seconds(15)) { rig.rds.radioText == "Claudio Arrau - Clair de lune" }
            await rig.rds.stop()
            rig.server.setTitle("Martha Argerich - Gaspard de la nuit", for: "/live")
            try await eventually("the rds output in error", timeout: .seconds(15)) {
                let rds = try await rig.outputs(daemon).first
                return rds?["status"] as? String == "error" && (rds?["pending"] as? Int ?? 0) >= 1
                    && ((rds?["error"] as? [String: Any])?["message"] as? String)?.contains("cannot reach the RDS encoder at 127.0.0.1:\(rig.rds.port)") == true
            }
            #expect(await daemon.waitForLog("output rds 127.0.0.1:\(rig.rds.port): cannot reach the RDS encoder"))
            rig.server.setTitle("Maria Joao Pires - Nocturne", for: "/live")
            try await Task.sleep(for: .seconds(2))
            try await rig.rds.listen()
            try await eventually("the latest RadioText after the encoder came back", timeout: .seconds(40), detail: { "\(rig.rds.commands)" }) {
                rig.rds.radioText == "Maria Joao Pires - Nocturne"
            }
            try await Task.sleep(for: .seconds(3))
            let texts = rig.rds.commands.filter { $0.hasPrefix("RT1=") }
            #expect(texts == ["RT1=Claudio Arrau - Clair de lune", "RT1=Maria Joao Pires - Nocturne"], "nothing twice, Argerich never")
            try await eventually("the rds output ok again") { try await rig.outputs(daemon).first?["status"] as? String == "ok" }
            #expect(await daemon.waitForLog("output rds 127.0.0.1:\(rig.rds.port): delivered again"))
        }
    }

    @Test("an encoder refusing a command: an error naming its answer, retried")
    func encoderRefuses() async throws {
        try await Rig.with { rig in
            rig.rds.refuseAll(true)
            let daemon = try await rig.start(rig.config())
            defer { Task { await daemon.terminate() } }
            try await eventually("the refusal in the state", timeout: .seconds(15)) {
                let error = (try await rig.outputs(daemon).first?["error"] as? [String: Any])
                return error?["kind"] as? String == "refused" && (error?["message"] as? String)?.contains("answered '-'") == true
            }
            rig.rds.refuseAll(false)
            try await eventually("taken once the encoder accepts", timeout: .seconds(20)) { rig.rds.radioText == "Claudio Arrau - Clair de lune" }
        }
    }

    @Test("the webhook and TuneIn failing (503), then well: retried with backoff, the latest song delivered once; the display, off then on, gets the text again")
    func webhookAndDisplayBack() async throws {
        try await Rig.with { rig in
            rig.hookStatus.withLock { $0 = 503 }
            await rig.udp.stop()
            let daemon = try await rig.start(rig.config(udpRepeat: "1s"))
            defer { Task { await daemon.terminate() } }
            try await eventually("the webhook in error", timeout: .seconds(15)) {
                let hook = try await rig.outputs(daemon).first { $0["kind"] as? String == "webhook" }
                return (hook?["error"] as? [String: Any])?["httpStatus"] as? Int == 503
            }
            let failed = rig.server.requests(to: "/hook").count
            rig.server.setTitle("Martha Argerich - Gaspard de la nuit", for: "/live")
            try await Task.sleep(for: .seconds(1))
            rig.hookStatus.withLock { $0 = 200 }
            try await eventually("the latest state posted", timeout: .seconds(40)) {
                rig.hookStatus.value == 200 && rig.server.requests(to: "/hook").contains { request in
                    String(decoding: request.body, as: UTF8.self).contains("\"text\":\"Martha Argerich – Gaspard de la nuit\"")
                }
            }
            try await eventually("TuneIn told the latest song", timeout: .seconds(40)) {
                rig.server.requests(to: "/Playing.ashx").last?.query?.contains("title=Gaspard%20de%20la%20nuit&artist=Martha%20Argerich") == true
            }
            #expect(failed >= 1)
            // Delivered: nothing more goes (no repeat of a delivered text), and Arrau's song, which
            // never got through before Argerich's came, is not sent after it.
            let (hooks, tuneins) = (rig.server.requests(to: "/hook").count, rig.server.requests(to: "/Playing.ashx").count)
            try await Task.sleep(for: .seconds(3))
            #expect(rig.server.requests(to: "/hook").count == hooks && rig.server.requests(to: "/Playing.ashx").count == tuneins)
            #expect(rig.server.requests(to: "/Playing.ashx").last?.query?.contains("Argerich") == true)
            try await rig.udp.listen()
            try await eventually("the display gets the text within its repeat", timeout: .seconds(10), detail: { "\(rig.udp.datagrams)" }) {
                rig.udp.datagrams.contains("NOW:Martha Argerich – Gaspard de la nuit")
            }
        }
    }

    @Test("receivers that hang (a webhook and TuneIn that never answer, an encoder gone): songs still reach the socket API and the display at once")
    func hangingReceiversSlowNothing() async throws {
        try await Rig.with { rig in
            var hang = LoopbackRoute.ok("late")
            hang.headDelay = .seconds(60)
            rig.server.route("/hook", hang)
            rig.server.route("/Playing.ashx", hang)
            await rig.rds.stop()
            let daemon = try await rig.start(rig.config())
            defer { Task { await daemon.terminate() } }
            for (index, title) in ["First Hang", "Second Hang", "Third Hang"].enumerated() {
                rig.server.setTitle("Artist \(index) - \(title)", for: "/live")
                try await eventually("\(title) in /v1/now", timeout: .seconds(10)) {
                    let now = try await daemon.get("/v1/now").text
                    return now.contains(title)
                }
                try await eventually("\(title) on the display", timeout: .seconds(10), detail: { "\(rig.udp.datagrams.suffix(3))" }) {
                    rig.udp.datagrams.contains("NOW:Artist \(index) – \(title)")
                }
            }
            let health = try await daemon.get("/v1/health")
            #expect(health.status == 200, "\(health)")
            let outputs = try await rig.outputs(daemon)
            let hook = outputs.first { $0["kind"] as? String == "webhook" }
            #expect((hook?["pending"] as? Int ?? 0) >= 1, "the webhook's POST is still in flight: \(hook ?? [:])")
            #expect(outputs.first { $0["kind"] as? String == "rds" }?["status"] as? String == "error")
        }
    }

    @Test("a secret that cannot be read: streamd and check-config refuse to start (exit 78), naming it")
    func unreadableSecret() async throws {
        try await Rig.with { rig in
            try rig.sandbox.writeConfig(rig.config())
            let run = try await StreamdProcess.run(["run", "--config", rig.sandbox.configPath], environment: [:], timeout: .seconds(20))
            #expect(run.status == 78, "\(run.stderr)")
            #expect(run.stderr.contains("TEST_TUNEIN_KEY") && run.stderr.contains("the TuneIn partner key variable is unset or empty"), "\(run.stderr)")
            let check = try await StreamdProcess.run(["check-config", rig.sandbox.configPath])
            #expect(check.status == 78 && check.stderr.contains("TEST_TUNEIN_KEY"), "\(check.stderr)")
        }
    }
}
