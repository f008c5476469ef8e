import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

private func utc(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test literal \(text)") }
    return date
}

private let eastern = TimeZone(identifier: "America/New_York")!

private func bytes(_ json: String) -> [UInt8] { Array(json.utf8) }

@Suite struct CadenceTests {
    /// Synthetic widget answer in the shape public Cadence clients read (no capture exists).
    @Test func syntheticWidget() throws {
        let payload = try Fixture.bytes("cadence/synthetic_widget_now.json")
        let snapshot = try CadenceWidget.parse(payload, timeZone: eastern, now: utc("2026-11-27T04:12:00Z"))
        let program = try #require(snapshot.program)
        #expect(program.name == "Jazz Overnight")
        #expect(program.start == utc("2026-11-27T04:00:00Z"))          // 23:00 EST on Nov 26
        #expect(program.end == utc("2026-11-27T06:00:00Z"))            // 01:00 the next day
        let song = try #require(snapshot.current)
        #expect(song.title == "Blue in Green")
        #expect(song.artist == "Miles Davis, Bill Evans")
        #expect(song.start == utc("2026-11-27T04:10:00Z"))
        #expect(song.duration == nil)
        #expect(snapshot.next.isEmpty)
    }

    /// Synthetic day: `{utc, local}` times, utc preferred, local read in the station's zone.
    @Test func syntheticDay() throws {
        let slots = try CadenceWidget.parseDay(Fixture.bytes("cadence/synthetic_day.json"), timeZone: eastern)
        #expect(slots.map(\.name) == ["Jazz Overnight", "Morning Edition", "NPR News"])
        #expect(slots[0].start == utc("2026-11-27T04:00:00Z"))
        #expect(slots[0].end == utc("2026-11-27T11:00:00Z"))
        #expect(slots[2].start == utc("2026-11-27T15:00:00Z"))
        #expect(slots[2].end == utc("2026-11-27T15:05:00Z"))
        #expect(ComposerDay.onNow(at: utc("2026-11-27T15:02:00Z"), in: slots)?.name == "NPR News")
    }

    /// Cadence reported to answer in Composer's shape too: read as Composer's.
    @Test func composerShapedAnswers() throws {
        let now = utc("2026-02-18T05:03:00Z")
        let payload = try Fixture.bytes("composer/composer_now_wmht_2026-02-18_doc_excerpt.json")
        #expect(try CadenceWidget.parse(payload, timeZone: eastern, now: now)
                == ComposerNow.parse(payload, timeZone: eastern, now: now))
        let day = try Fixture.bytes("composer/composer_day_wwfm_2016-07-31.json")
        #expect(try CadenceWidget.parseDay(day, timeZone: eastern).count == 13)
    }

    /// `?callback=` answers are JSONP; bare "6:00 PM" times and string hosts are read.
    @Test func jsonpAndTwelveHourTimes() throws {
        let json = #"callback({"onNow":{"programName":"Evening Jazz","startTime":"6:00 PM","endTime":"9:00 pm","hosts":["Sue Ray"]},"nextUp":[{"programName":"Late Set","startTime":"21:00"}]});"#
        let snapshot = try CadenceWidget.parse(bytes(json), timeZone: eastern, now: utc("2026-11-27T23:30:00Z"))
        #expect(snapshot.program?.start == utc("2026-11-27T23:00:00Z"))
        #expect(snapshot.program?.end == utc("2026-11-28T02:00:00Z"))
        #expect(snapshot.program?.hosts == ["Sue Ray"])
        #expect(snapshot.next.first?.start == utc("2026-11-28T02:00:00Z"))
        #expect(snapshot.current == nil)
    }

    @Test func malformedAnswersNameTheirPlace() {
        let now = utc("2026-11-27T12:00:00Z")
        func widgetError(_ json: String) -> ParseError? {
            do { _ = try CadenceWidget.parse(bytes(json), timeZone: eastern, now: now); return nil } catch { return error }
        }
        func dayError(_ json: String) -> ParseError? {
            do { _ = try CadenceWidget.parseDay(bytes(json), timeZone: eastern); return nil } catch { return error }
        }
        #expect(widgetError(#"{"episodes":[]}"#)?.location == "onNow")
        #expect(widgetError(#"{"onNow":{"programName":"A","startTime":"13:61"}}"#)?.location == "onNow.startTime")
        #expect(widgetError(#"{"onNow":{"programName":"","startTime":"13:00"},"currentlyPlayingSong":null}"#)?.location == "onNow.programName")
        #expect(widgetError("")?.format == "cadence-widget")
        #expect(dayError(#"{"episodes":{}}"#)?.location == "episodes")
        #expect(dayError(#"{"episodes":[{"episode":{"programName":"A","start":{"utc":"yesterday"}}}]}"#)?.location == "episodes[0].episode.start")
        #expect(dayError(#"{"data":[]}"#)?.location == "episodes")
        #expect(dayError(#"{"episodes":null}"#) == nil)
    }
}
