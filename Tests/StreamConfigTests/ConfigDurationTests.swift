import Testing
@testable import StreamConfig

@Suite("Configuration durations")
struct ConfigDurationTests {
    @Test("accepted forms", arguments: [
        ("15s", Duration.seconds(15)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("500ms", .milliseconds(500)),
        ("1m30s", .seconds(90)), ("1h2m3s4ms", .milliseconds(3_723_004)), ("1.5s", .milliseconds(1500)), ("0s", .zero),
    ])
    func accepted(text: String, expected: Duration) {
        #expect(ConfigDuration.parse(text) == expected)
    }

    @Test("refused forms", arguments: ["", "15", "s", "15 s", "-1s", "1s1m", "1m1m", "1.s", ".5s", "1d", "15S", "1e3s"])
    func refused(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test("written back as configured")
    func format() {
        #expect(ConfigDuration.format(.seconds(90)) == "1m30s")
        #expect(ConfigDuration.format(.milliseconds(500)) == "500ms")
        #expect(ConfigDuration.format(.seconds(3600)) == "1h")
        #expect(ConfigDuration.format(.zero) == "0s")
    }
}
