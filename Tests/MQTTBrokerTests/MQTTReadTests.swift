import Foundation
import StreamTestSupport
import Testing

/// The client commands reading a site from the broker (`--mqtt URL --site SITE`) instead of
/// the socket: the same answers as the socket's, every site listed, `watch` following a
/// change and the site going away.
@Suite("MQTT: reading sites from a real broker", .timeLimit(.minutes(3)))
struct MQTTReadTests {
    @Test("now, next and status from the broker say what the socket says; stations lists every site")
    func commandsMatchTheSocket() async throws {
        try await MQTTRig.with { rig in
            let test = try await rig.start(rig.config())
            let other = try await rig.start(rig.config(name: "Other FM", site: "other"), name: "other.toml",
                                            socket: rig.sandbox.directory + "/other.sock")
            #expect(await test.waitForLog("MQTT: connected", timeout: .seconds(10)))
            #expect(await other.waitForLog("MQTT: connected", timeout: .seconds(10)))
            let mqtt = ["--mqtt", rig.broker.url, "--site", "test"]
            let socket = ["--socket", rig.sandbox.socketPath]
            // The stream's retries change the station now and then: compare once both agree.
            let seen = Locked("")
            try await eventually("now --json by the broker and by the socket alike", timeout: .seconds(15), every: .milliseconds(300),
                                 detail: { seen.value }) {
                let viaBroker = try await StreamdProcess.run(["now", "--json"] + mqtt)
                let viaSocket = try await StreamdProcess.run(["now", "--json"] + socket)
                seen.withLock { $0 = "broker: \(viaBroker)\nsocket: \(viaSocket)" }
                return viaBroker.status == 0 && viaBroker.stdout == viaSocket.stdout
            }
            let next = try await StreamdProcess.run(["next", "--json"] + mqtt)
            #expect(next.status == 0 && next.stdout.contains("\"station\":\"test-fm\""), "\(next)")

            let status = try await StreamdProcess.run(["status"] + mqtt)
            let socketStatus = try await StreamdProcess.run(["status"] + socket)
            #expect(status.status == socketStatus.status, "broker \(status), socket \(socketStatus)")
            #expect(status.stdout.contains("Test FM (test-fm)  OFF AIR"), "\(status.stdout)")

            let sites = try await StreamdProcess.run(["stations", "--mqtt", rig.broker.url])
            #expect(sites.status == 0)
            #expect(sites.stdout.contains("site other (online)\n  test-fm          OFF AIR Other FM"), "\(sites.stdout)")
            #expect(sites.stdout.contains("site test (online)\n  test-fm          OFF AIR Test FM"), "\(sites.stdout)")

            _ = await other.stop()
            let after = try await StreamdProcess.run(["stations", "--mqtt", rig.broker.url])
            #expect(after.stdout.contains("site other (offline)"), "\(after.stdout)")
        }
    }

    @Test("mistakes: --mqtt without --site, a site nobody publishes, no broker, a bad URL; each with its exit status")
    func mistakes() async throws {
        try await MQTTRig.with { rig in
            let noSite = try await StreamdProcess.run(["now", "--mqtt", rig.broker.url])
            #expect(noSite.status == 64 && noSite.stderr.contains("now --mqtt needs --site SITE"), "\(noSite)")
            let unknown = try await StreamdProcess.run(["now", "--mqtt", rig.broker.url, "--site", "nobody"])
            #expect(unknown.status == 69 && unknown.stderr.contains("no state for site streamd/nobody"), "\(unknown)")
            let badURL = try await StreamdProcess.run(["status", "--mqtt", "http://\(rig.broker.url.dropFirst(7))", "--site", "test"])
            #expect(badURL.status == 64 && badURL.stderr.contains("--mqtt: expected mqtt://HOST[:PORT]"), "\(badURL)")
            let stray = try await StreamdProcess.run(["now", "--site", "test", "--socket", rig.sandbox.socketPath])
            #expect(stray.status == 64 && stray.stderr.contains("go with --mqtt"), "\(stray)")
            await rig.broker.stop()
            let down = try await StreamdProcess.run(["now", "--mqtt", rig.broker.url, "--site", "test"])
            #expect(down.status == 69 && down.stderr.contains("Connection refused"), "\(down)")
        }
    }

    @Test("watch --mqtt: the snapshot, a change as it happens, and the site going offline when its daemon is killed")
    func watchFollowsASite() async throws {
        try await MQTTRig.with { rig in
            let daemon = try await rig.start(rig.config())
            #expect(await daemon.waitForLog("MQTT: connected", timeout: .seconds(10)))
            try await Task.sleep(for: .seconds(1.2))  // the retained document is there
            let watch = try await StreamdProcess.start(["watch", "--json", "--mqtt", rig.broker.url, "--site", "test"])
            do {
                try await eventually("the snapshot", detail: { watch.stdout }) { watch.stdout.contains("\"event\":\"snapshot\"") }
                try rig.sandbox.writeConfig(rig.config(name: "Test FM Renamed"))
                daemon.hangup()
                try await eventually("the renamed station as a station event", detail: { watch.stdout }) {
                    watch.stdout.split(separator: "\n").contains { $0.contains("\"event\":\"station\"") && $0.contains("Test FM Renamed") }
                }
                daemon.kill9()
                try await eventually("the site reported offline", detail: { watch.stderr }) {
                    watch.stderr.contains("site streamd/test is offline")
                }
                #expect(watch.isRunning, "watch keeps following after the site went away")
            } catch {
                _ = await watch.stop()
                watch.removeOutput()
                throw error
            }
            _ = await watch.stop()
            watch.removeOutput()
        }
    }
}
