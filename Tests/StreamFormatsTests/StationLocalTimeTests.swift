import Foundation
import Testing
@testable import StreamFormats

/// An instant from an RFC 3339 string, by Foundation's own parser (an independent oracle).
private func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text) else { fatalError("bad test literal \(text)") }
    return date
}

private let newYork = StationLocalTime(timeZone: TimeZone(identifier: "America/New_York")!)

private func day(_ y: Int, _ m: Int, _ d: Int) -> StationLocalTime.Day { StationLocalTime.Day(year: y, month: m, day: d)! }
private func clock(_ h: Int, _ m: Int) -> StationLocalTime.Clock { StationLocalTime.Clock(hour: h, minute: m)! }

@Suite struct StationLocalTimeTests {
    @Test func clockForms() {
        #expect(StationLocalTime.Clock.parse("23:00") == clock(23, 0))
        #expect(StationLocalTime.Clock.parse("9:05") == clock(9, 5))
        #expect(StationLocalTime.Clock.parse("0:00:00") == clock(0, 0))
        #expect(StationLocalTime.Clock.parse("07:30:15.250") == StationLocalTime.Clock(hour: 7, minute: 30, second: 15))
        #expect(StationLocalTime.Clock.parse("24:00") == clock(24, 0))
        for bad in ["25:00", "7:60", "24:01", "", ":", "ab:cd", "123:00", "-1:00", "12", "1:2:3:4"] {
            #expect(StationLocalTime.Clock.parse(bad) == nil, "\(bad)")
        }
        #expect(clock(23, 59).asEndOfDay == clock(24, 0))
        #expect(clock(23, 58).asEndOfDay == clock(23, 58))
    }

    @Test func dayForms() {
        #expect(StationLocalTime.Day.parse("2016-07-31") == day(2016, 7, 31))
        #expect(StationLocalTime.Day.parse("02-18-2026") == day(2026, 2, 18))
        #expect(StationLocalTime.Day.parse("2/18/2026") == day(2026, 2, 18))
        #expect(StationLocalTime.Day.parse("2/29/2024") == day(2024, 2, 29))
        for bad in ["2026-02-30", "13/01/2026", "2/29/2026", "07302016", "", "2026-1", "x/y/zzzz"] {
            #expect(StationLocalTime.Day.parse(bad) == nil, "\(bad)")
        }
        #expect(day(2016, 12, 31).adding(days: 1) == day(2017, 1, 1))
        #expect(day(2024, 3, 1).adding(days: -1) == day(2024, 2, 29))
        #expect(day(2026, 11, 1).description == "2026-11-01")
    }

    /// Spring forward, 2026-03-08: 02:00 EST jumps to 03:00 EDT. A time in the gap is read
    /// with the offset before the gap (02:30 → 03:30 EDT).
    @Test func springForwardGapNewYork2026() {
        let march8 = day(2026, 3, 8)
        #expect(newYork.date(march8, clock(1, 30)) == utc("2026-03-08T06:30:00Z"))
        #expect(newYork.date(march8, clock(2, 30)) == utc("2026-03-08T07:30:00Z"))
        #expect(newYork.date(march8, clock(3, 30)) == utc("2026-03-08T07:30:00Z"))
        // A program from 01:00 to 03:00 that night lasts one hour.
        let start = newYork.date(march8, clock(1, 0))
        #expect(newYork.occurrence(of: clock(3, 0), after: start).timeIntervalSince(start) == 3600)
    }

    /// Fall back, 2026-11-01: 02:00 EDT goes back to 01:00 EST. A repeated time is the
    /// earlier one (01:30 EDT).
    @Test func fallBackRepeatedHourNewYork2026() {
        let november1 = day(2026, 11, 1)
        #expect(newYork.date(november1, clock(0, 30)) == utc("2026-11-01T04:30:00Z"))
        #expect(newYork.date(november1, clock(1, 30)) == utc("2026-11-01T05:30:00Z"))
        #expect(newYork.date(november1, clock(2, 30)) == utc("2026-11-01T07:30:00Z"))
        // A program from 01:00 to 03:00 that night lasts three hours.
        let start = newYork.date(november1, clock(1, 0))
        #expect(newYork.occurrence(of: clock(3, 0), after: start).timeIntervalSince(start) == 3 * 3600)
        // The station-local date across the repeated hour stays November 1.
        #expect(newYork.day(of: utc("2026-11-01T06:30:00Z")) == november1)
    }

    @Test func occurrencesAroundMidnight() {
        let halfPastMidnight = utc("2026-11-27T05:30:00Z")          // 00:30 EST on Nov 27
        #expect(newYork.day(of: halfPastMidnight) == day(2026, 11, 27))
        #expect(newYork.occurrence(of: clock(23, 0), atOrBefore: halfPastMidnight) == utc("2026-11-27T04:00:00Z"))
        #expect(newYork.occurrence(of: clock(0, 30), atOrBefore: halfPastMidnight) == halfPastMidnight)
        #expect(newYork.occurrence(of: clock(1, 0), after: halfPastMidnight) == utc("2026-11-27T06:00:00Z"))
        #expect(newYork.occurrence(of: clock(24, 0), after: utc("2026-11-27T04:00:00Z")) == utc("2026-11-27T05:00:00Z"))
    }

    @Test func stationLocalTimestamps() {
        #expect(newYork.timestamp("02-18-2026 00:00:00") == utc("2026-02-18T05:00:00Z"))
        #expect(newYork.timestamp("02/17/2026 23:28:42") == utc("2026-02-18T04:28:42Z"))
        #expect(newYork.timestamp("2/18/2026 0:00:00") == utc("2026-02-18T05:00:00Z"))
        #expect(newYork.timestamp("2016-07-31 23:00") == utc("2016-08-01T03:00:00Z"))
        #expect(newYork.timestamp("2026-11-26T23:00:00") == utc("2026-11-27T04:00:00Z"))
        for bad in ["", "02-18-2026", "02-18-2026 25:00:00", "tomorrow at noon", "2016-07-31  "] {
            #expect(newYork.timestamp(bad) == nil, "\(bad)")
        }
    }

    @Test func javaScriptDateStrings() {
        #expect(StationLocalTime.javaScriptDate("Sun Jul 31 2016 05:00:00 GMT-0400 (EDT)") == utc("2016-07-31T09:00:00Z"))
        #expect(StationLocalTime.javaScriptDate("Sun Jul 31 2016 23:59:00 GMT-0400 (EDT)") == utc("2016-08-01T03:59:00Z"))
        #expect(StationLocalTime.javaScriptDate("Mon Feb 02 2026 10:00:00 GMT+0100") == utc("2026-02-02T09:00:00Z"))
        #expect(newYork.timestamp("Sun Jul 31 2016 05:00:00 GMT-0400 (EDT)") == utc("2016-07-31T09:00:00Z"))
        #expect(StationLocalTime.javaScriptDate("Sun Foo 31 2016 05:00:00 GMT-0400") == nil)
        #expect(StationLocalTime.javaScriptDate("Sun Jul 31 2016 05:00:00") == nil)
    }

    @Test func iso8601OffsetForms() {
        let noon = utc("2024-01-01T12:00:00Z")
        #expect(StationLocalTime.iso8601("2024-01-01T12:00:00+0000") == noon)
        #expect(StationLocalTime.iso8601("2024-01-01T12:00:00+00:00") == noon)
        #expect(StationLocalTime.iso8601("2024-01-01T12:00:00Z") == noon)
        #expect(StationLocalTime.iso8601("2024-01-01 12:00:00.000Z") == noon)
        #expect(StationLocalTime.iso8601("2024-01-01T07:00:00-05:00") == noon)
        #expect(StationLocalTime.iso8601("2024-01-01T07:00:00-0500") == noon)
        #expect(StationLocalTime.iso8601("2024-01-01T13:00+01") == noon)
        #expect(StationLocalTime.iso8601("2024-01-01T12:00:00") == nil)
        #expect(StationLocalTime.iso8601("2024-01-01T12:00:00", assumingOffset: 0) == noon)
        for bad in ["2024-13-01T12:00:00Z", "2024-01-01T12:00:00+25:00", "2024-01-01T12:00:00+0", "2024-01-01T12:00:00 UTC"] {
            #expect(StationLocalTime.iso8601(bad) == nil, "\(bad)")
        }
    }

    @Test func garbageNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let length = Int.random(in: 0...30, using: &generator)
            let text = String(decoding: (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }, as: UTF8.self)
            _ = newYork.timestamp(text)
            _ = StationLocalTime.Clock.parse(text)
            _ = StationLocalTime.Day.parse(text)
        }
        _ = newYork.day(of: .distantFuture)
        _ = newYork.day(of: Date(timeIntervalSince1970: .infinity))
        #expect(newYork.timestamp("9999-12-31 24:00") != nil)
    }
}
