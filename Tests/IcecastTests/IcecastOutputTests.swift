import Foundation
import StreamTestSupport
import Testing

/// The `icecast` output against the real Icecast2: streamd follows one mount, and pushes what
/// it hears to another mount through `/admin/metadata?mode=updinfo` (a relay whose encoder
/// carries no titles); the title is read back from that mount's own ICY stream. Then the mount
/// goes away and comes back: the failure shows in the state, and the latest title arrives.
@Suite("Real Icecast: the icecast output", .timeLimit(.minutes(3)))
struct IcecastOutputTests {
    // Mounts of its own: the Icecast is shared with the other suites, which run at the same time.
    @Test("a followed title is pushed to another mount (UTF-8 with its charset: Icecast stores Latin-1 and entities); the mount gone and back, the latest arrives")
    func pushedAndReadBack() async throws {
        try await SharedIcecast.titles.with { ice in
            try await ice.startSource("/output-source.mp3")
            try await ice.startSource("/output-relay.mp3", frequency: 550)
            let passwordFile = NSTemporaryDirectory() + "streamd-icecast-\(UUID().uuidString).pass"
            try ice.sourcePassword.write(toFile: passwordFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: passwordFile) }
            let config = StationTOML.station("src", streams: [StationTOML.stream(ice.url("/output-source.mp3"))]) + """

                [[output]]
                kind = "icecast"
                station = "src"
                url = "\(ice.url("/output-relay.mp3"))"
                user = "source"
                password_file = "\(passwordFile)"
                """
            try await StreamdUnderTest.with(stations: config) { streamd in
                try await streamd.events.waitFor("src", "the stream is up") { $0.streams.first?.status == "up" }
                var wire = try await IcyWireReader(port: ice.port, mount: "/output-relay.mp3")
                try await ice.setTitle("Miles Davis - So What", mount: "/output-source.mp3")
                try await wire.waitForBlock(containing: IcecastTitleTests.latin1("StreamTitle='Miles Davis &#8211; So What';"), timeout: .seconds(15))
                try await ice.setTitle("Beyoncé - Déjà Vu", mount: "/output-source.mp3", charset: "UTF-8")
                try await wire.waitForBlock(containing: IcecastTitleTests.latin1("StreamTitle='Beyoncé &#8211; Déjà Vu';"), timeout: .seconds(15))
                wire.stop()

                // The relay's source goes away: updates fail, and the state says why.
                try await ice.stopSource("/output-relay.mp3")
                try await ice.setTitle("Elton John - Rocket Man", mount: "/output-source.mp3")
                try await eventually("the icecast output in error", timeout: .seconds(15)) {
                    let state = try await streamd.daemon.get("/v1/state").object()
                    let output = ((state["stations"] as? [[String: Any]])?.first?["outputs"] as? [[String: Any]])?.first
                    return output?["status"] as? String == "error" && output?["target"] as? String == ice.url("/output-relay.mp3")
                }
                try await ice.startSource("/output-relay.mp3", frequency: 550)
                wire = try await IcyWireReader(port: ice.port, mount: "/output-relay.mp3")
                defer { wire.stop() }
                try await wire.waitForBlock(containing: IcecastTitleTests.latin1("StreamTitle='Elton John &#8211; Rocket Man';"), timeout: .seconds(40))
                let log = streamd.daemon.stderr
                #expect(!log.contains(ice.sourcePassword), "the password never in the log")
            }
        }
    }
}
