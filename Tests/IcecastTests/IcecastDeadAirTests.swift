import Foundation
import StreamTestSupport
import Testing

/// Dead air through the real Icecast2: ffmpeg sends, in a 30 s cycle, 10 s of a tone at half
/// scale, 10 s of digital silence and 10 s of quiet music (−30 dBFS RMS), as MP3; streamd
/// follows the mount with `silence = { threshold = "-40dB", after = "3s" }`. Its state, read
/// every 250 ms: the tone measured, the silence reported (kind `silence`) only while the audio
/// is digital silence, the stream up again after it, and the quiet music never taken for dead air.
@Suite("Real Icecast: dead air", .timeLimit(.minutes(3)))
struct IcecastDeadAirTests {
    @Test("tone, silence, quiet music from an ffmpeg source: degraded for the silence only, up again after it")
    func deadAir() async throws {
        let tone = "0.5*sin(2*PI*440*t)", quiet = "0.04472*sin(2*PI*440*t)"
        let cycle = "if(lt(mod(t\\,30)\\,10)\\,\(tone)\\,if(lt(mod(t\\,30)\\,20)\\,0\\,\(quiet)))"
        try await SharedIcecast.titles.with { ice in
            try await ice.startSource("/deadair.mp3", input: "aevalsrc=\(cycle)|\(cycle):s=44100")
            let stations = StationTOML.station("air", streams: [StationTOML.stream(ice.url("/deadair.mp3"))
                                                                + "  silence = { threshold = \"-40dB\", after = \"3s\" }\n"])
            try await StreamdUnderTest.with(stations: stations) { streamd in
                var samples: [(status: String, level: Double?, kind: String?)] = []
                let end = ContinuousClock.now + .seconds(40)
                while ContinuousClock.now < end {
                    let state = try await streamd.daemon.get("/v1/state").object()
                    let stream = ((state["stations"] as? [[String: Any]])?.first?["streams"] as? [[String: Any]])?.first ?? [:]
                    samples.append((stream["status"] as? String ?? "?", (stream["audio"] as? [String: Any])?["levelDb"] as? Double,
                                    (stream["error"] as? [String: Any])?["kind"] as? String))
                    try await Task.sleep(for: .milliseconds(250))
                }
                let shown = samples.map { "\($0.status) \($0.level.map { String($0) } ?? "-")" }.joined(separator: ", ")
                #expect(samples.contains { $0.status == "up" && $0.level.map { abs($0 - -9) < 1.5 } == true }, "the tone: \(shown)")
                #expect(samples.contains { $0.status == "up" && $0.level.map { abs($0 - -30) < 1.5 } == true }, "quiet music: \(shown)")
                let silent = samples.filter { $0.status == "degraded" }
                #expect(!silent.isEmpty && silent.allSatisfy { $0.kind == "silence" && ($0.level ?? 0) < -90 },
                        "degraded for silence, and only while it is silent: \(shown)")
                let first = try #require(samples.firstIndex { $0.status == "degraded" }, "never degraded: \(shown)")
                #expect(samples[first...].contains { $0.status == "up" }, "up again after the silence: \(shown)")
            }
        }
    }
}
