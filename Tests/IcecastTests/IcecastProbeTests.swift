import Foundation
import StreamTestSupport
import Testing

/// Probe mode against a real Icecast: a new listener first gets a burst (64 KiB, about 3 to
/// 4 s at 128 kbit/s) that replays the title current when that audio went out.
///
/// streamd's documented policy (docs/watching.md, "Probe"): the probe shows the first title
/// the server sends after connecting, which is the burst's. Right after an update that is
/// still the previous title, although Icecast (its status page, and a listener that stayed
/// connected) already has the new one.
@Suite("Real Icecast: probe mode and the connect burst", .timeLimit(.minutes(3)))
struct IcecastProbeTests {
    /// `streamd probe icy URL`: the track it prints as "artist|title".
    func probe(_ url: String) async throws -> String? {
        let result = try await StreamdCommand.run(["probe", "icy", url, "--timeout", "10"])
        #expect(result.status == 0, "streamd probe: \(result.stdout) \(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let stream = try #require(json?["stream"] as? [String: Any], "probe output: \(result.stdout)")
        #expect(stream["status"] as? String == "up")
        guard let track = stream["track"] as? [String: Any], let title = track["title"] as? String else { return nil }
        return "\(track["artist"] as? String ?? "-")|\(title)"
    }

    @Test("the first title after connecting is the burst's: the old title right after an update, the new one once the burst carries it")
    func probeShowsTheBurstsTitle() async throws {
        try await SharedIcecast.titles.with { ice in
            try await ice.startSource("/probe.mp3", frequency: 550)
            let url = ice.url("/probe.mp3")
            let wire = try await IcyWireReader(port: ice.port, mount: "/probe.mp3")
            defer { wire.stop() }
            try await ice.setTitle("Old Artist - Old Song", mount: "/probe.mp3")
            try await wire.waitForBlock(containing: Array("Old Artist - Old Song".utf8))
            // Let the whole burst carry the old title.
            try await Task.sleep(for: .seconds(6))
            #expect(try await probe(url) == "Old Artist|Old Song")

            let stations = StationTOML.station("probe", streams: [StationTOML.stream(url, mode: "probe", interval: "1s")])
            try await StreamdUnderTest.with(stations: stations) { streamd in
                let first = try await streamd.events.waitFor("probe", "the probe's first title") { $0.now.song != nil }
                #expect(first.songKey == "Old Artist|Old Song")
                #expect(first.streams.first?.mode == "probe")

                try await ice.setTitle("New Artist - New Song", mount: "/probe.mp3")
                let updated = monotonicNow()
                let rightAfter = try await probe(url)
                let probedAfter = monotonicNow() - updated
                // Icecast already says the new title is current, and a connected listener gets it...
                // (its status page can lag the update by a moment under load: poll it)
                var statusTitle: String?
                for _ in 0..<30 {
                    statusTitle = try await ice.mounts().first { $0.path == "/probe.mp3" }?.title
                    if statusTitle == "New Artist - New Song" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(statusTitle == "New Artist - New Song")
                try await wire.waitForBlock(containing: Array("New Artist - New Song".utf8), timeout: .seconds(5))
                // ...but a probe that connects now gets the burst, which starts with the old title.
                if probedAfter < 1.5 {
                    #expect(rightAfter == "Old Artist|Old Song",
                            "a probe \(String(format: "%.2f", probedAfter)) s after the update shows the burst's title")
                } else {
                    Issue.record("the probe ran \(probedAfter) s after the update: too late to see the burst's old title")
                }

                // Once the burst carries the new title (about 4 s), the probe shows it.
                let wait = max(0, 6 - (monotonicNow() - updated))
                try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
                #expect(try await probe(url) == "New Artist|New Song")

                // The daemon's probe mode follows the same rule: old, then new, never back.
                try await streamd.events.waitFor("probe", "the new title in probe mode", timeout: .seconds(20)) {
                    $0.songKey == "New Artist|New Song"
                }
                #expect(streamd.events.songSequence("probe") == ["Old Artist|Old Song", "New Artist|New Song"])
                let afterUp = streamd.events.history("probe").drop { $0.station.streams.first?.status != "up" }
                #expect(afterUp.allSatisfy { $0.station.streams.first?.status == "up" },
                        "hanging up after each probe is not an outage")
                #expect(streamd.events.problems.isEmpty, "\(streamd.events.problems)")
            }
        }
    }
}
