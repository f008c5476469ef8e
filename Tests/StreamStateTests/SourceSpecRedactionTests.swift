import Foundation
import Testing
import StreamState

/// A Spinitron token travels in a `SourceSpec`, and specs get printed wherever something
/// holding them is logged (ServiceLifecycle logged every service's value at `debug` before the
/// services were named), so the token must never print.
@Suite("SourceSpec: the token never prints")
struct SourceSpecRedactionTests {
    let source = SourceSpec(kind: .spinitron, url: "https://spinitron.com/api/spins", interval: .seconds(15),
                            token: "sekrit-token-123")

    @Test("String(describing:), interpolation and dump of a source spec, and of a station spec holding one, show <redacted>")
    func redacted() {
        let station = StationSpec(id: "s", name: "S", timeZone: TimeZone(identifier: "UTC")!, sources: [source])
        var dumped = ""
        dump(station, to: &dumped)
        for text in [String(describing: source), "\(source)", String(reflecting: source), String(describing: station),
                     "\([station])", dumped] {
            #expect(!text.contains("sekrit-token-123"), "the token printed: \(text)")
            #expect(text.contains("<redacted>"), "no <redacted> in: \(text)")
            #expect(text.contains("https://spinitron.com/api/spins"), "the other fields should still print: \(text)")
        }
        #expect(source.token == "sekrit-token-123")
        #expect(!String(describing: SourceSpec(kind: .triton, url: "https://x/np")).contains("redacted"))
    }
}
