import Foundation
import StreamTestSupport
import Testing

/// `[publish.mqtt]` against a real Mosquitto broker: what a screen or a site elsewhere sees
/// when it subscribes late, when streamd is killed or stopped, when the broker restarts empty,
/// with TLS and with wrong credentials. Subscribers are Debian's `mosquitto_sub`.
@Suite("MQTT: publishing the state to a real broker", .timeLimit(.minutes(3)))
struct MQTTPublishTests {
    @Test("a subscriber arriving after the change gets the retained station, document and status at once")
    func retainedForLateSubscriber() async throws {
        try await MQTTRig.with { rig in
            let daemon = try await rig.start(rig.config())
            #expect(await daemon.waitForLog("MQTT: connected to \(rig.broker.url)", timeout: .seconds(10)))
            let metrics = try await daemon.get("/metrics").text
            #expect(metrics.contains("streamd_mqtt_connected 1"), "\(metrics)")
            #expect(metrics.contains("streamd_mqtt_messages_total "), "\(metrics)")
            // The document goes at most once a second: wait for it, then subscribe late.
            try await Task.sleep(for: .seconds(1.5))
            let messages = try await rig.broker.messages("streamd/test/#", count: 3)
            let byTopic = Dictionary(messages.map { ($0.topic, $0) }, uniquingKeysWith: { $1 })
            #expect(messages.allSatisfy { $0.retained }, "\(messages)")
            #expect(byTopic["streamd/test/status"]?.payload == "online")
            let station = try #require(byTopic["streamd/test/stations/test-fm"]?.json)
            #expect((station["station"] as? [String: Any])?["name"] as? String == "Test FM")
            let stationSequence = try #require(station["sequence"] as? Int)
            #expect(byTopic["streamd/test/state"]?.json?["stations"] != nil)
            // The document is coalesced (at most one a second): it catches up with the station.
            try await eventually("the retained document at the station's sequence \(stationSequence) or later",
                                 timeout: .seconds(5)) {
                let state = try await rig.broker.messages("streamd/test/state", count: 1).first?.json
                return (state?["sequence"] as? Int ?? 0) >= stationSequence
            }
        }
    }

    @Test("a change (a reload renaming the station) reaches a subscriber that is already there")
    func changeReachesSubscriber() async throws {
        try await MQTTRig.with { rig in
            let daemon = try await rig.start(rig.config())
            #expect(await daemon.waitForLog("MQTT: connected", timeout: .seconds(10)))
            _ = try await rig.broker.messages("streamd/test/stations/test-fm", count: 1)
            let subscriber = try rig.broker.subscribe("streamd/test/stations/test-fm", count: 2)
            try await Task.sleep(for: .milliseconds(500))
            try rig.sandbox.writeConfig(rig.config(name: "Test FM Renamed"))
            daemon.hangup()
            let messages = try await subscriber.messages()
            #expect(messages.first?.retained == true)
            let live = try #require(messages.last)
            #expect(!live.retained)
            #expect((live.json?["station"] as? [String: Any])?["name"] as? String == "Test FM Renamed")
        }
    }

    @Test("a station removed by a reload is cleared from the broker; the one kept stays")
    func removedStationCleared() async throws {
        try await MQTTRig.with { rig in
            let second = """

                [[station]]
                id = "other-fm"
                name = "Other FM"

                  [[station.stream]]
                  id = "main"
                  url = "http://127.0.0.1:1/other"
                """
            let daemon = try await rig.start(rig.config() + second)
            let both = try await rig.broker.messages("streamd/test/stations/+", count: 2)
            #expect(Set(both.map(\.topic)) == ["streamd/test/stations/test-fm", "streamd/test/stations/other-fm"])
            try rig.sandbox.writeConfig(rig.config())
            daemon.hangup()
            #expect(await daemon.waitForLog("reloaded", timeout: .seconds(10)))
            try await eventually("other-fm's retained message cleared", timeout: .seconds(10), every: .milliseconds(200)) {
                // Nothing retained there any more: the subscription times out with no message.
                (try? await rig.broker.messages("streamd/test/stations/other-fm", count: 1, timeout: 1)) == nil
            }
            let kept = try await rig.broker.messages("streamd/test/stations/+", count: 1)
            #expect(kept.map(\.topic) == ["streamd/test/stations/test-fm"])
        }
    }

    @Test("kill -9: the broker publishes the last will, offline, retained; SIGTERM: offline too, after the final state")
    func offlineOnKillAndStop() async throws {
        try await MQTTRig.with { rig in
            let killed = try await rig.start(rig.config())
            #expect(await killed.waitForLog("MQTT: connected", timeout: .seconds(10)))
            let watcher = try rig.broker.subscribe("streamd/test/status", count: 2)
            try await Task.sleep(for: .milliseconds(500))
            killed.kill9()
            _ = await killed.waitForExit(timeout: .seconds(5))
            let seen = try await watcher.messages()
            #expect(seen.map(\.payload) == ["online", "offline"])
            let will = try await rig.broker.messages("streamd/test/status", count: 1)
            #expect(will.first?.payload == "offline" && will.first?.retained == true)

            let stopped = try await rig.start(rig.config())
            #expect(await stopped.waitForLog("MQTT: connected", timeout: .seconds(10)))
            let online = try await rig.broker.messages("streamd/test/status", count: 1)
            #expect(online.first?.payload == "online")
            let (status, _) = await stopped.stop()
            #expect(status == 0)
            #expect(stopped.output().contains("MQTT: published offline"))
            let after = try await rig.broker.messages("streamd/test/status", count: 1)
            #expect(after.first?.payload == "offline" && after.first?.retained == true)
            // The final state file and the final retained document agree.
            let file = try #require(try rig.sandbox.stateDocument())
            let retained = try #require(try await rig.broker.messages("streamd/test/state", count: 1).first?.json)
            #expect(retained["sequence"] as? Int == file["sequence"] as? Int)
        }
    }

    @Test("the broker restarts empty: streamd reconnects and publishes every retained topic again")
    func brokerRestart() async throws {
        try await MQTTRig.with { rig in
            let daemon = try await rig.start(rig.config())
            #expect(await daemon.waitForLog("MQTT: connected", timeout: .seconds(10)))
            await rig.broker.stop()
            #expect(await daemon.waitForLog("MQTT: lost the connection", timeout: .seconds(10)))
            try await rig.broker.resume()
            // A late subscriber finds all three again, retained (the broker had none after its restart).
            try await eventually("status, state and station retained again", timeout: .seconds(20), every: .milliseconds(200)) {
                let messages = try? await rig.broker.messages("streamd/test/#", count: 3, timeout: 1)
                return messages.map { found in
                    Set(found.map(\.topic)) == ["streamd/test/status", "streamd/test/state", "streamd/test/stations/test-fm"]
                        && found.allSatisfy { $0.retained }
                } ?? false
            }
            #expect(daemon.isRunning)
        }
    }

    @Test("no broker at start: streamd runs and serves, says why it cannot publish, and publishes once the broker is there")
    func brokerLate() async throws {
        try await MQTTRig.with { rig in
            await rig.broker.stop()
            let daemon = try await rig.start(rig.config())
            #expect(await daemon.waitForLog("cannot connect to \(rig.broker.url): Connection refused", timeout: .seconds(10)))
            let served = try await daemon.get("/v1/state")
            #expect(served.status == 200)
            try await rig.broker.resume()
            let messages = try await rig.broker.messages("streamd/test/stations/test-fm", count: 1, timeout: 20)
            #expect((messages.first?.json?["station"] as? [String: Any])?["id"] as? String == "test-fm")
        }
    }

    @Test("wrong credentials: a clear error naming the keys to check, the daemon keeps serving; the right ones publish")
    func credentials() async throws {
        try await MQTTRig.with(.init(users: ["studio": "s3cret"])) { rig in
            try "wrong\n".write(toFile: rig.sandbox.directory + "/wrong.pw", atomically: true, encoding: .utf8)
            try "s3cret\n".write(toFile: rig.sandbox.directory + "/right.pw", atomically: true, encoding: .utf8)
            let refused = try await rig.start(rig.config(mqtt: "username = \"studio\"\npassword_file = \"wrong.pw\""))
            #expect(await refused.waitForLog("refused the connection: Connection Refused: not authorised. (check [publish.mqtt] username and password_file)",
                                             timeout: .seconds(10)), "\(refused.output())")
            #expect(!refused.output().contains("wrong"), "the password must not be logged")
            let served = try await refused.get("/v1/state")
            #expect(served.status == 200)
            _ = await refused.stop()

            let accepted = try await rig.start(rig.config(mqtt: "username = \"studio\"\npassword_file = \"right.pw\""))
            #expect(await accepted.waitForLog("MQTT: connected", timeout: .seconds(10)))
            let messages = try await rig.broker.messages("streamd/test/status", count: 1, user: ("studio", "s3cret"))
            #expect(messages.first?.payload == "online")
        }
    }

    @Test("a password_file that cannot be read stops the start (exit 78) with an error that names it")
    func missingPasswordFile() async throws {
        try await MQTTRig.with { rig in
            let daemon = try await rig.start(rig.config(mqtt: "username = \"studio\"\npassword_file = \"missing.pw\""),
                                             waitReady: false)
            let status = await daemon.waitForExit(timeout: .seconds(10))
            #expect(status == 78)
            #expect(daemon.stderr.contains("\(rig.sandbox.directory)/missing.pw"), "\(daemon.stderr)")
            #expect(daemon.stderr.contains("cannot open: No such file or directory"), "\(daemon.stderr)")
        }
    }

    @Test("TLS: mqtts:// with the test CA publishes; without it the certificate is refused, clearly")
    func tls() async throws {
        try await MQTTRig.with(.init(tls: true)) { rig in
            let trusted = try await rig.start(rig.config(mqtt: "ca_file = \"\(rig.broker.caFile)\""))
            #expect(await trusted.waitForLog("MQTT: connected to \(rig.broker.url)", timeout: .seconds(10)), "\(trusted.output())")
            let messages = try await rig.broker.messages("streamd/test/status", count: 1)
            #expect(messages.first?.payload == "online")
            _ = await trusted.stop()

            let untrusted = try await rig.start(rig.config())
            #expect(await untrusted.waitForLog("MQTT: cannot connect to \(rig.broker.url): the TLS handshake failed (is ca_file",
                                               timeout: .seconds(10)), "\(untrusted.output())")
            #expect(!untrusted.output().contains("MQTT: connected"))
        }
    }
}

/// A broker, a sandbox, and the daemons a test starts in it: every one of them stopped, and
/// the broker too, however the test ends.
final class MQTTRig: Sendable {
    let broker: MosquittoBroker
    let sandbox: DaemonSandbox
    private let daemons = Locked<[DaemonProcess]>([])

    private init(broker: MosquittoBroker, sandbox: DaemonSandbox) {
        self.broker = broker
        self.sandbox = sandbox
    }

    /// Runs `body` with a broker started with `options` and an empty sandbox.
    static func with(_ options: MosquittoBroker.Options = .init(), _ body: (MQTTRig) async throws -> Void) async throws {
        let broker = try await MosquittoBroker.start(options)
        let rig: MQTTRig
        do {
            rig = MQTTRig(broker: broker, sandbox: try DaemonSandbox())
        } catch {
            await broker.cleanup()
            throw error
        }
        var failure: (any Error)?
        do {
            try await body(rig)
        } catch {
            failure = error
        }
        for daemon in rig.daemons.value {
            _ = await daemon.stop()
            daemon.removeOutput()
        }
        await broker.cleanup()
        rig.sandbox.cleanup()
        if let failure { throw failure }
    }

    /// Writes `config` (as `name` in the sandbox) and starts `streamd run` with it, its socket
    /// at `socket` when not the sandbox's.
    func start(_ config: String, name: String = "streamd.toml", socket: String? = nil,
               waitReady: Bool = true) async throws -> DaemonProcess {
        let path = try sandbox.writeConfig(config, name: name)
        let daemon = try await DaemonProcess.start(sandbox, config: path, socket: socket, waitReady: waitReady)
        daemons.withLock { $0.append(daemon) }
        return daemon
    }

    /// One station (its stream refused: the station is off the air, which is state too),
    /// publishing to the broker as `site` (`test`), with `mqtt` lines added to `[publish.mqtt]`.
    /// Another site has its own socket and state file in the sandbox.
    func config(mqtt: String = "", name: String = "Test FM", site: String = "test") -> String {
        """
        [daemon]
        socket = "\(site == "test" ? sandbox.socketPath : sandbox.directory + "/\(site).sock")"
        state_file = "\(site == "test" ? sandbox.stateFilePath : sandbox.directory + "/\(site).json")"

        [publish.mqtt]
        url = "\(broker.url)"
        site = "\(site)"
        \(mqtt)

        [[station]]
        id = "test-fm"
        name = "\(name)"

          [[station.stream]]
          id = "main"
          url = "http://127.0.0.1:1/live"
        """
    }
}
