import StreamState
import Testing
@testable import StreamConfig

/// A stream's `silence` key: the presets, a table, and each mistake refused at its key.
@Suite("Configuration: a stream's silence")
struct SilenceConfigTests {
    private func silence(_ value: String) throws -> SilenceSpec? {
        try StreamdConfiguration.parse(minimalConfig(stream: "silence = \(value)"), file: "t.toml").stations.first?.streams.first?.silence
    }

    @Test("presets, a table, a table with one key (the other is music's), none")
    func values() throws {
        #expect(try silence("\"music\"") == SilenceSpec(thresholdDb: -40, after: .seconds(20)))
        #expect(try silence("\"talk\"") == SilenceSpec(thresholdDb: -50, after: .seconds(30)))
        #expect(try silence("{ threshold = \"-35.5dB\", after = \"8s\" }") == SilenceSpec(thresholdDb: -35.5, after: .seconds(8)))
        #expect(try silence("{ threshold = -60 }") == SilenceSpec(thresholdDb: -60, after: .seconds(20)))
        #expect(try silence("{ after = \"1m\" }") == SilenceSpec(thresholdDb: -40, after: .seconds(60)))
        #expect(try StreamdConfiguration.parse(minimalConfig(), file: "t.toml").stations.first?.streams.first?.silence == nil)
        let spec = try StreamdConfiguration.parse(minimalConfig(stream: "silence = \"talk\""), file: "t.toml").stationSpecs()
        #expect(spec.first?.streams.first?.silence == .talk)
    }

    @Test("mistakes, each at its key", arguments: [
        ("silence = \"loud\"", "station[0].stream[0].silence",
         "expected \"music\", \"talk\" or a table { threshold = \"-40dB\", after = \"20s\" }, got \"loud\""),
        ("silence = { threshold = \"-5dB\" }", "station[0].stream[0].silence.threshold",
         "expected a level in dBFS from \"-90dB\" to \"-10dB\", like \"-40dB\", got \"-5dB\""),
        ("silence = { threshold = \"quiet\" }", "station[0].stream[0].silence.threshold",
         "expected a level in dBFS from \"-90dB\" to \"-10dB\", like \"-40dB\", got \"quiet\""),
        ("silence = { after = \"500ms\" }", "station[0].stream[0].silence.after", "must be at least 1s, got \"500ms\""),
        ("silence = { level = -40 }", "station[0].stream[0].silence.level", "unknown key 'level'"),
        ("mode = \"probe\"\nsilence = \"music\"", "station[0].stream[0].silence",
         "a probed stream is not listened to: silence needs mode = \"follow\""),
    ])
    func mistakes(line: String, keyPath: String, message: String) throws {
        let problem = try #require(configProblem(minimalConfig(stream: line)))
        #expect(problem.keyPath == keyPath)
        #expect(problem.message.hasPrefix(message), "\(problem.message)")
    }
}
