import Foundation
import NIOConcurrencyHelpers
import StreamTestSupport
import Testing
@testable import StreamState

/// A stream's 24 hours, minute by minute: what an engineer shows management. Each minute
/// shows the worst condition seen in it; the seconds are counted exactly; a gap (the daemon
/// stopped) is unknown; the file form is small and refuses what is not a history.
@Suite("StreamHistory: 24 hours minute by minute")
struct StreamHistoryTests {
    /// 2026-12-04 10:00:00 UTC plus `seconds`.
    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_796_378_400 + seconds) }

    @Test("a minute shows the worst condition seen in it; seconds are counted exactly")
    func worstPerMinute() {
        var history = StreamHistory(start: Self.at(0))
        history.record(.up, at: Self.at(30))          // 10:00:30 up
        history.record(.down, at: Self.at(75))        // 10:01:15 down
        history.record(.up, at: Self.at(80))          // 10:01:20 up again
        history.record(.silent, at: Self.at(150))     // 10:02:30 silent
        history.advance(to: Self.at(185))             // 10:03:05
        #expect(history.letters.count == StreamHistory.capacity)
        #expect(history.letters.hasSuffix("-udss"))
        #expect(history.minutes.suffix(4).map(\.milliseconds) == [
            [30_000, 0, 0, 0], [55_000, 0, 0, 5_000], [30_000, 30_000, 0, 0], [0, 5_000, 0, 0],
        ])
        #expect(history.totals == [.up: 115_000, .silent: 35_000, .down: 5_000])
        let answer = HistoryAnswer(station: "wvia-fm", stream: "main", history: history)
        #expect(answer.seconds == .init(up: 115, silent: 35, stalled: 0, down: 5, unknown: 86_400 - 55 - 155))
        #expect(answer.uptime == 0.7419)  // 115 of 155 known seconds
        #expect(answer.condition == "silent")
        #expect(answer.to == Self.at(185))
        #expect(answer.from == Self.at(180 - 86_340))
    }

    @Test("unknown time counts nothing: pending, and the time before the first record")
    func unknown() {
        var history = StreamHistory(start: Self.at(0))
        history.record(.up, at: Self.at(10))
        history.record(nil, at: Self.at(20))
        history.advance(to: Self.at(200))
        #expect(history.totals == [.up: 10_000])
        #expect(history.letters.hasSuffix("u---"))
        #expect(HistoryAnswer(station: "a", stream: "b", history: history).condition == nil)
        #expect(HistoryAnswer(station: "a", stream: "b", history: StreamHistory(start: Self.at(0))).uptime == nil)
    }

    @Test("keeps 24 hours: after 25 hours up, 1,440 minutes, all up, the oldest gone")
    func capacity() {
        var history = StreamHistory(start: Self.at(0))
        history.record(.down, at: Self.at(0))
        history.record(.up, at: Self.at(3600))
        for hour in 2...25 { history.advance(to: Self.at(Double(hour) * 3600)) }
        #expect(history.minutes.count == StreamHistory.capacity)
        // The clock stands on the first second of a new minute: that minute is the last, empty.
        #expect(history.letters == String(repeating: "u", count: 1439) + "-")
        #expect(history.totals == [.up: 1439 * 60_000])
    }

    @Test("a long jump forward (a day off) leaves an unknown day, not a stretched condition")
    func longGap() {
        var history = StreamHistory(start: Self.at(0))
        history.record(.up, at: Self.at(0))
        history.record(nil, at: Self.at(120))
        history.advance(to: Self.at(3 * 86_400))
        #expect(history.letters == String(repeating: "-", count: 1440))
        #expect(history.totals.isEmpty)
    }

    @Test("a clock set back never makes a minute hold more than 60 seconds")
    func clockBack() {
        var history = StreamHistory(start: Self.at(0))
        history.record(.up, at: Self.at(0))
        history.advance(to: Self.at(50))
        history.advance(to: Self.at(20))
        history.advance(to: Self.at(40))
        // 0–50 counted; 20–40 again would be the same seconds twice: the minute is full at 60 s.
        #expect(history.totals == [.up: 60_000])
        #expect(history.minutes.last!.milliseconds.reduce(0) { $0 + Int($1) } <= 60_000)
    }

    @Test("the conditions a document shows: silence is its own, other degradation is up, pending unknown")
    func conditions() {
        func stream(_ status: StreamStatus.Status, kind: String? = nil) -> StreamStatus {
            StreamStatus(id: "main", url: "http://x", mode: "follow", status: status,
                         error: kind.map { ErrorValue(kind: $0, message: "", at: Self.at(0)) })
        }
        #expect(StreamCondition(stream(.up)) == .up)
        #expect(StreamCondition(stream(.degraded, kind: "silence")) == .silent)
        #expect(StreamCondition(stream(.degraded, kind: "metadata")) == .up)
        #expect(StreamCondition(stream(.stalled, kind: "stalled")) == .stalled)
        #expect(StreamCondition(stream(.down, kind: "http")) == .down)
        #expect(StreamCondition(stream(.pending)) == nil)
    }
}

@Suite("SavedHistories: the history file's form")
struct SavedHistoriesTests {
    @Test("a day of one condition is one run; saved and read back, the minutes are the same, the gap unknown")
    func roundTrip() throws {
        var history = StreamHistory(start: StreamHistoryTests.at(0))
        history.record(.up, at: StreamHistoryTests.at(0))
        history.record(.down, at: StreamHistoryTests.at(600))
        history.record(.up, at: StreamHistoryTests.at(630))
        history.advance(to: StreamHistoryTests.at(1200))
        let saved = SavedHistories(savedAt: StreamHistoryTests.at(1200),
                                   streams: [.init(station: "wvia-fm", stream: "main", history: history)])
        #expect(saved.streams[0].runs == [[10, 60_000, 0, 0, 0], [1, 30_000, 0, 0, 30_000], [9, 60_000, 0, 0, 0], [1, 0, 0, 0, 0]])
        let bytes = try StateDocument.makeEncoder().encode(saved)
        #expect(bytes.count < 300)
        let decoded = try SavedHistories.decode(bytes)
        #expect(decoded == saved)
        // Restarted 5 minutes later: the same 21 minutes, then 5 unknown ones.
        let restored = try #require(try decoded.histories(start: StreamHistoryTests.at(1500))[StreamKey(station: "wvia-fm", stream: "main")])
        #expect(restored.letters.hasSuffix("uuuuuuuuuuduuuuuuuuu------"))
        #expect(restored.totals == history.totals)
        #expect(restored.condition == nil)
    }

    @Test("a day's file (the fixture): its minutes, letters and seconds as written")
    func dayFixture() throws {
        let saved = try SavedHistories.decode(Data(try Fixture.bytes("history/day.history.json")))
        let histories = try saved.histories(start: ISO8601DateFormatter().date(from: "2026-12-04T10:15:42Z")!)
        let main = try #require(histories[StreamKey(station: "wvia-fm", stream: "main")])
        #expect(main.letters == String(repeating: "-", count: 600) + String(repeating: "u", count: 701) + "ddd" + "t"
                + String(repeating: "u", count: 40) + "ssss" + "s" + String(repeating: "u", count: 90))
        let answer = HistoryAnswer(station: "wvia-fm", stream: "main", history: main)
        #expect(answer.seconds.down == 149 && answer.seconds.stalled == 48 && answer.seconds.silent == 207)
        #expect(histories[StreamKey(station: "wvia-fm", stream: "backup")]?.letters == String(repeating: "u", count: 1440))
    }

    @Test("what is not a history is refused with where", arguments: [
        ("", "the file is empty"),
        ("{", "not valid JSON"),
        (#"{"schema":2,"savedAt":"2026-12-04T10:00:00Z","streams":[]}"#, "schema 2"),
        (#"{"schema":1,"savedAt":"2026-12-04T10:00:00Z"}"#, "missing streams"),
        (#"{"schema":1,"savedAt":"2026-12-04T10:00:00Z","streams":[{"station":"a","stream":"b","lastMinute":"2026-12-04T10:00:00Z","runs":[[1,2,3]]}]}"#,
         "a/b run 1: 3 numbers, not 5"),
        (#"{"schema":1,"savedAt":"2026-12-04T10:00:00Z","streams":[{"station":"a","stream":"b","lastMinute":"2026-12-04T10:00:00Z","runs":[[1,60000,1,0,0]]}]}"#,
         "a/b run 1: [60000, 1, 0, 0] ms is not a minute"),
        (#"{"schema":1,"savedAt":"2026-12-04T10:00:00Z","streams":[{"station":"a","stream":"b","lastMinute":"2026-12-04T10:00:00Z","runs":[[1441,0,0,0,0]]}]}"#,
         "a/b run 1: 1441 minutes"),
        (#"{"schema":1,"savedAt":"2026-12-04T10:00:00Z","streams":[{"station":"a","stream":"b","lastMinute":"2026-12-04T10:00:00Z","runs":[[0,0,0,0,0]]}]}"#,
         "a/b run 1: 0 minutes"),
        (#"{"schema":1,"savedAt":"2026-12-04T10:00:00Z","streams":[{"station":"a","stream":"b","lastMinute":"2026-12-04T10:00:00Z","runs":[[1,-5,0,0,0]]}]}"#,
         "is not a minute"),
    ])
    func refused(text: String, message: String) {
        #expect {
            let saved = try SavedHistories.decode(Data(text.utf8))
            _ = try saved.histories(start: StreamHistoryTests.at(0))
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}

@Suite("HistoryRecorder: the histories from the documents")
struct HistoryRecorderTests {
    final class Clock: Sendable {
        let now = NIOLockedValueBox(StreamHistoryTests.at(0))
        func set(_ seconds: Double) { now.withLockedValue { $0 = StreamHistoryTests.at(seconds) } }
    }

    static func document(_ statuses: [String: StreamStatus.Status], stale: Bool = false, silence: Bool = false) -> StateDocument {
        let streams = statuses.keys.sorted().map { id in
            StreamStatus(id: id, url: "http://x/\(id)", mode: "follow", status: statuses[id]!,
                         error: silence ? ErrorValue(kind: "silence", message: "silent", at: StreamHistoryTests.at(0)) : nil)
        }
        let station = StationState(id: "wvia-fm", name: "WVIA", tagline: nil, timezone: "America/New_York", onAir: true,
                                   now: NowState(program: nil, song: nil, text: "WVIA"), next: [], recent: [],
                                   streams: streams, sources: [], changedAt: StreamHistoryTests.at(0), outputs: [])
        return StateDocument(sequence: 1, updatedAt: StreamHistoryTests.at(0), live: nil, stale: stale, stations: [station])
    }

    @Test("records changes as documents arrive; a stale document is unknown; seconds since start exclude the loaded day")
    func records() throws {
        let clock = Clock()
        var loaded = StreamHistory(start: StreamHistoryTests.at(-7200))
        loaded.record(.up, at: StreamHistoryTests.at(-7200))
        loaded.record(nil, at: StreamHistoryTests.at(-3600))  // the daemon stopped
        let key = StreamKey(station: "wvia-fm", stream: "main")
        let recorder = HistoryRecorder(loaded: [key: loaded, StreamKey(station: "gone", stream: "x"): loaded],
                                       clock: { clock.now.withLockedValue { $0 } })
        recorder.publish(Self.document(["main": .up], stale: true), changed: nil)   // loaded at start: says up, not known
        clock.set(10)
        recorder.publish(Self.document(["main": .up]), changed: nil)
        clock.set(40)
        recorder.publish(Self.document(["main": .degraded], silence: true), changed: nil)
        clock.set(70)
        let answer = try #require(recorder.answer(station: "wvia-fm", stream: "main"))
        #expect(answer.seconds.up == 3600 + 30)
        #expect(answer.seconds.silent == 30)
        #expect(answer.condition == "silent")
        #expect(answer.minutes.hasSuffix("ss"))
        let since = recorder.secondsSinceStart()
        #expect(since.map(\.key) == [key])
        #expect(since[0].seconds[.up] == 30 && since[0].seconds[.silent] == 30)
        #expect(recorder.answer(station: "gone", stream: "x") == nil)
        #expect(recorder.saved().streams.map(\.stream) == ["main"])
    }

    @Test("a reload that removes a stream drops its history; one that keeps it keeps counting")
    func reload() throws {
        let clock = Clock()
        let recorder = HistoryRecorder(clock: { clock.now.withLockedValue { $0 } })
        recorder.publish(Self.document(["main": .up, "backup": .down]), changed: nil)
        clock.set(30)
        recorder.publish(Self.document(["main": .up]), changed: nil)   // backup removed by a reload
        clock.set(60)
        #expect(recorder.answer(station: "wvia-fm", stream: "backup") == nil)
        #expect(recorder.answer(station: "wvia-fm", stream: "main")?.seconds.up == 60)
        #expect(recorder.saved().streams.map(\.stream) == ["main"])
    }
}
