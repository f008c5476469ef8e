import Foundation
import Testing
@testable import StreamFormats

private func at(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test literal \(text)") }
    return date
}

/// Overlaps are every pair that claims the same time, not only neighbours.
@Suite struct ScheduleOverlapTests {
    @Test func aNestedNewscastDoesNotHideALaterOverlap() {
        let long = ProgramSlot(name: "Morning Edition", start: at("2026-11-27T10:00:00Z"), end: at("2026-11-27T14:00:00Z"))
        let news = ProgramSlot(name: "Newscast", start: at("2026-11-27T12:00:00Z"), end: at("2026-11-27T12:05:00Z"))
        let special = ProgramSlot(name: "Special Coverage", start: at("2026-11-27T13:00:00Z"), end: at("2026-11-27T15:00:00Z"))
        let open = ProgramSlot(name: "Open", start: at("2026-11-27T14:30:00Z"))
        let found = ComposerDay.overlaps(in: [open, special, news, long])
        #expect(found.map { [$0.first.name, $0.second.name] } == [
            ["Morning Edition", "Newscast"], ["Morning Edition", "Special Coverage"], ["Special Coverage", "Open"],
        ])
        #expect(found[0].to == at("2026-11-27T12:05:00Z"))
        #expect(found[1].from == at("2026-11-27T13:00:00Z"))
        #expect(found[1].to == at("2026-11-27T14:00:00Z"))
        #expect(found[2].to == at("2026-11-27T15:00:00Z"))     // an open-ended second: until the first ends
        #expect(ComposerDay.overlaps(in: []).isEmpty)
    }
}
