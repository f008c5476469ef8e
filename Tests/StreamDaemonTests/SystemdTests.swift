import Foundation
import StreamTestSupport
import Testing

/// A `streamd run` for the systemd tests: the one daemon harness (``DaemonProcess``) with the
/// systemd environment a test gives it, optionally started through a launcher
/// (`systemd-socket-activate`), not waited for (the tests wait for READY=1 themselves).
private struct ServiceProcess: Sendable {
    let daemon: DaemonProcess

    static func start(streamURL: String, environment: [String: String], command: [String] = [], socketOverride: String? = nil,
                      extraConfig: String = "") async throws -> ServiceProcess {
        let sandbox = try DaemonSandbox()
        try sandbox.writeConfig(sandbox.oneStationConfig(streamURL: streamURL, extra: extraConfig))
        let daemon = try await DaemonProcess.start(sandbox, socket: socketOverride, environment: environment,
                                                   launcher: command, waitReady: false)
        return ServiceProcess(daemon: daemon)
    }

    var directory: String { daemon.sandbox.directory }
    var socket: String { daemon.socketPath }
    var stderr: String { daemon.stderr }
    func signal(_ number: Int32) { daemon.signal(number) }
    func waitForExit(timeout: Duration) async -> Int32? { await daemon.waitForExit(timeout: timeout) }

    func stop() async {
        _ = await daemon.stop()
        daemon.sandbox.cleanup()
    }
}

/// GET over the daemon's socket (status 0 when nothing answers).
private func socketGET(_ socket: String, _ path: String) async throws -> (status: Int, body: String) {
    guard let answer = try? await SocketHTTP.request(socket, "GET", path, timeout: 10) else { return (0, "") }
    return (answer.status, answer.text)
}

@Suite("systemd: notification, watchdog, socket activation", .serialized, .timeLimit(.minutes(2)))
struct SystemdTests {
    @Test("READY after the socket listens, STATUS, WATCHDOG pings that stop while the engine hangs, RELOADING/READY around SIGHUP, STOPPING on SIGTERM")
    func notifySequence() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        server.setTitle("Notify - Test", for: "/live")
        let receiver = try NotifyReceiver()
        let daemon = try await ServiceProcess.start(streamURL: server.url("/live"), environment: [
            "NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "1000000", "STREAMD_TEST_HOOKS": "1",
            "STREAMD_TEST_HANG_SECONDS": "3",
        ])
        do {
            let ready = try await receiver.wait(for: "READY=1") { $0.contains("READY=1") }
            #expect(ready.contains("STATUS="), "READY carries the first status line")
            let health = try await socketGET(daemon.socket, "/v1/health")
            #expect(health.status == 200 || health.status == 503, "the socket answers once READY=1 was sent")
            try await receiver.wait(for: "a STATUS line naming the stations") { $0.hasPrefix("STATUS=") && $0.contains("station") }

            // Watchdog: pings every ~0.5 s while the engine turns.
            try await Task.sleep(for: .seconds(2))
            let pings = receiver.messages.filter { $0 == "WATCHDOG=1" }.count
            #expect(pings >= 2, "watchdog pings: \(pings)")

            // Hang the engine for 3 s: the pings stop, then resume.
            daemon.signal(SIGUSR2)
            try await Task.sleep(for: .milliseconds(800))
            let hangStart = Date()
            try await Task.sleep(for: .milliseconds(1500))
            let duringHang = receiver.timedMessages.filter { $0.message == "WATCHDOG=1" && $0.at > hangStart }.count
            #expect(duringHang == 0, "no pings while the engine is stuck")
            try await Task.sleep(for: .seconds(2))
            let afterHang = receiver.timedMessages.filter { $0.message == "WATCHDOG=1" && $0.at > hangStart }.count
            #expect(afterHang >= 1, "pings resume when the engine turns again")

            // Reload: RELOADING=1 with MONOTONIC_USEC, then READY=1.
            let before = receiver.messages.count
            daemon.signal(SIGHUP)
            try await receiver.wait(for: "READY=1 after RELOADING=1") { _ in
                let later = receiver.messages.dropFirst(before)
                guard let reloading = later.firstIndex(where: { $0.contains("RELOADING=1") }) else { return false }
                return later[reloading...].dropFirst().contains { $0.contains("READY=1") }
            }
            let reloading = try #require(receiver.messages.dropFirst(before).first { $0.contains("RELOADING=1") })
            #expect(reloading.range(of: #"MONOTONIC_USEC=\d+"#, options: .regularExpression) != nil)

            // Stop: STOPPING=1, exit 0 within 5 s, socket file removed.
            daemon.signal(SIGTERM)
            try await receiver.wait(for: "STOPPING=1") { $0.contains("STOPPING=1") }
            let status = await daemon.waitForExit(timeout: .seconds(5))
            #expect(status == 0, "exit status \(String(describing: status)); stderr: \(daemon.stderr)")
            #expect(!FileManager.default.fileExists(atPath: daemon.socket))
        } catch {
            Issue.record("stderr: \(daemon.stderr)")
            await daemon.stop()
            receiver.stop()
            await server.shutdown()
            throw error
        }
        await daemon.stop()
        receiver.stop()
        await server.shutdown()
    }

    @Test("an abstract NOTIFY_SOCKET (@name) gets READY=1")
    func abstractNotifySocket() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        let receiver = try NotifyReceiver(abstract: true)
        let daemon = try await ServiceProcess.start(streamURL: server.url("/live"), environment: ["NOTIFY_SOCKET": receiver.address])
        defer { receiver.stop() }
        do {
            try await receiver.wait(for: "READY=1 on an abstract socket") { $0.contains("READY=1") }
        } catch {
            Issue.record("stderr: \(daemon.stderr)")
        }
        await daemon.stop()
        await server.shutdown()
    }

    @Test("socket activation through systemd-socket-activate: the API serves on the inherited socket")
    func socketActivation() async throws {
        let tool = "/usr/bin/systemd-socket-activate"
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            Issue.record("\(tool) is missing: apt-get install systemd (make test does)")
            return
        }
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        let activated = FileManager.default.temporaryDirectory.appendingPathComponent("activated-\(UUID().uuidString.prefix(8)).sock").path
        let daemon = try await ServiceProcess.start(streamURL: server.url("/live"), environment: [:],
                                        command: [tool, "-l", activated, "--fdname=streamd", "--"], socketOverride: activated)
        do {
            // systemd-socket-activate starts streamd on the first connection.
            var answer = (status: 0, body: "")
            for _ in 0..<50 where answer.status == 0 {
                answer = try await socketGET(activated, "/v1/stations")
                if answer.status == 0 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(answer.status == 200, "stderr: \(daemon.stderr)")
            #expect(answer.body.contains("test-fm"))
            // The log line and the first answer race (the API can serve before the line reaches the file).
            try await eventually("the log line 'listening on fd:3'", timeout: .seconds(5), detail: { daemon.stderr }) {
                daemon.stderr.contains("listening on fd:3")
            }
            #expect(!FileManager.default.fileExists(atPath: daemon.directory + "/streamd.sock"),
                    "the configured path is not bound when systemd passes a socket")
        } catch {
            Issue.record("stderr: \(daemon.stderr)")
            await daemon.stop()
            throw error
        }
        await daemon.stop()
        unlink(activated)
        await server.shutdown()
    }

    @Test("under journald (JOURNAL_STREAM set) log lines carry <N> priorities; the Spinitron token is sent but never logged")
    func journaldLogging() async throws {
        let server = try await LoopbackServer.start()
        server.route("/live", .icyStream(metaint: 1000))
        server.route("/api/spins", .status(500, "boom"))
        let token = "SECRET-TOKEN-4f9a"
        let daemon = try await ServiceProcess.start(streamURL: server.url("/live"), environment: ["JOURNAL_STREAM": "8:12345"], extraConfig: """

              [[station.source]]
              kind = "spinitron"
              url = "\(server.url("/api"))"
              token = "\(token)"
              interval = "1s"
            """)
        do {
            for _ in 0..<100 where !daemon.stderr.contains("spinitron") {
                try await Task.sleep(for: .milliseconds(50))
            }
            let lines = daemon.stderr.split(separator: "\n")
            #expect(!lines.isEmpty)
            #expect(lines.allSatisfy { $0.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("<4>") && $0.contains("spinitron") }, "a failing source is a warning: \(lines)")
            #expect(server.requests(to: "/api/spins").first?.header("Authorization") == "Bearer \(token)")
            #expect(!daemon.stderr.contains(token), "the token must never be logged")
            let state = try String(contentsOfFile: daemon.directory + "/state.json", encoding: .utf8)
            #expect(!state.contains(token))
        } catch {
            Issue.record("stderr: \(daemon.stderr)")
        }
        await daemon.stop()
        await server.shutdown()
    }
}
