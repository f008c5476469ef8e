import Foundation
import StreamTestSupport
import Testing

/// Dead air through the real Icecast2: ffmpeg sends, in a 30 s cycle, 10 s of a tone at half
/// scale, 10 s of digital silence and 10 s of quiet music (−30 dBFS RMS), as MP3, as AAC
/// (ADTS) and as Ogg Vorbis (whose silence shrinks to a few hundred bytes a second: it must
/// not be taken for a stall); streamd follows the mount with `silence = { threshold = "-40dB", after = "3s" }`.
/// Its state, read every 250 ms: the tone measured, the silence reported (kind `silence`) only
/// while the audio is digital silence, the stream up again after it, and the quiet music never
/// taken for dead air. Then the stream's history holds the silent seconds.
///
/// How soon the silence is reported is printed, not asserted (no timed assertions here): from
/// the instant the source was started, the silence begins at 10 s, 40 s, … of the cycle (ffmpeg
/// `-re` plays in real time), so a state sample degraded at wall time w was detected w − start
/// − 10 − 30k seconds after its silence began (at most that: ffmpeg starts after the instant
/// taken). The loopback tests (DeadAirTests) assert it is never before `after`.
@Suite("Real Icecast: dead air", .timeLimit(.minutes(3)))
struct IcecastDeadAirTests {
    @Test("tone, silence, quiet music from an ffmpeg source: degraded for the silence only, up again after it; in the history",
          arguments: [IcecastHarness.SourceFormat.mp3, .aac, .ogg])
    func deadAir(format: IcecastHarness.SourceFormat) async throws {
        let tone = "0.5*sin(2*PI*440*t)", quiet = "0.04472*sin(2*PI*440*t)"
        let cycle = "if(lt(mod(t\\,30)\\,10)\\,\(tone)\\,if(lt(mod(t\\,30)\\,20)\\,0\\,\(quiet)))"
        let mount = "/deadair-\(format.rawValue).\(format.rawValue)"
        try await SharedIcecast.titles.with { ice in
            let sourceStart = Date()
            try await ice.startSource(mount, format: format, input: "aevalsrc=\(cycle)|\(cycle):s=44100")
            // "plain" follows the same mount unmetered: its dead air is judged by the stall rule
            // alone (Ogg pages, MP3 or ADTS frame headers as its clock), and must stay up.
            let stations = StationTOML.station("air", streams: [StationTOML.stream(ice.url(mount))
                                                                + "  silence = { threshold = \"-40dB\", after = \"3s\" }\n",
                                                                StationTOML.stream(ice.url(mount), id: "plain")])
            try await StreamdUnderTest.with(stations: stations) { streamd in
                var samples: [(status: String, level: Double?, kind: String?, at: Date)] = []
                var plain: [String] = []
                let end = ContinuousClock.now + .seconds(40)
                while ContinuousClock.now < end {
                    let state = try await streamd.daemon.get("/v1/state").object()
                    let streams = (state["stations"] as? [[String: Any]])?.first?["streams"] as? [[String: Any]] ?? []
                    let stream = streams.first { $0["id"] as? String == "main" } ?? [:]
                    samples.append((stream["status"] as? String ?? "?", (stream["audio"] as? [String: Any])?["levelDb"] as? Double,
                                    (stream["error"] as? [String: Any])?["kind"] as? String, Date()))
                    plain.append(streams.first { $0["id"] as? String == "plain" }?["status"] as? String ?? "?")
                    try await Task.sleep(for: .milliseconds(250))
                }
                let shown = samples.map { "\($0.status) \($0.level.map { String($0) } ?? "-")" }.joined(separator: ", ")
                #expect(samples.contains { $0.status == "up" && $0.level.map { abs($0 - -9) < 1.5 } == true }, "the tone: \(shown)")
                #expect(samples.contains { $0.status == "up" && $0.level.map { abs($0 - -30) < 1.5 } == true }, "quiet music: \(shown)")
                let silent = samples.filter { $0.status == "degraded" }
                #expect(!silent.isEmpty && silent.allSatisfy { $0.kind == "silence" && ($0.level ?? 0) < -90 },
                        "degraded for silence, and only while it is silent: \(shown)")
                // Ogg Vorbis silence is a few hundred bytes a second: still audio at its pace, never a stall.
                let firstUp = samples.firstIndex { $0.status == "up" } ?? samples.endIndex
                #expect(!samples[firstUp...].contains { $0.status == "stalled" || $0.status == "down" },
                        "once up, never stalled or down: \(samples.map(\.status))")
                let plainUp = plain.firstIndex(of: "up") ?? plain.endIndex
                #expect(plainUp < plain.endIndex && plain[plainUp...].allSatisfy { $0 == "up" },
                        "unmetered, through the silence too: up once up, never stalled: \(plain)")
                let first = try #require(samples.firstIndex { $0.status == "degraded" }, "never degraded: \(shown)")
                #expect(samples[first...].contains { $0.status == "up" }, "up again after the silence: \(shown)")
                Self.printLatencies(samples.map { ($0.status, $0.at) }, sourceStart: sourceStart, format: format)

                let history = try await streamd.daemon.get("/v1/streams/air/main/history").object()
                let seconds = history["seconds"] as? [String: Any] ?? [:]
                #expect((seconds["silent"] as? Int ?? 0) >= 1, "silent seconds in the history: \(history)")
                #expect((seconds["up"] as? Int ?? 0) >= 10, "up seconds in the history: \(history)")
                #expect((history["minutes"] as? String)?.suffix(2).contains("s") == true, "a silent minute: \(history["minutes"] ?? "")")
            }
        }
    }

    /// Prints when each silence was reported and each recovery seen, after the source's
    /// silence began (10 s into each 30 s cycle) and ended (20 s in).
    static func printLatencies(_ samples: [(status: String, at: Date)], sourceStart: Date, format: IcecastHarness.SourceFormat) {
        var figures: [String] = []
        for (previous, sample) in zip(samples, samples.dropFirst()) where previous.status != sample.status {
            let t = sample.at.timeIntervalSince(sourceStart)
            let cycle = (t / 30).rounded(.down) * 30
            if sample.status == "degraded" {
                figures.append(String(format: "silence reported %.1f s after it began", t - cycle - 10))
            } else if previous.status == "degraded" && sample.status == "up" {
                figures.append(String(format: "recovery seen %.1f s after the audio came back", t - cycle - 20))
            }
        }
        print("IcecastDeadAirTests \(format.rawValue) (after = 3 s): " + figures.joined(separator: "; "))
    }
}
