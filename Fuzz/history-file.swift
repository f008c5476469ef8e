// The history file (`state.history.json`): SavedHistories.decode, then the histories it
// describes, then what the API answers and what the next save writes. Every promise is
// checked: a violation crashes, which the fuzzer reports.
import Foundation
import StreamState

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    guard let saved = try? SavedHistories.decode(Data(bytes: data, count: size)),
          let histories = try? saved.histories(start: fuzzNow) else { return 0 }
    for (key, var history) in histories {
        check(history.minutes.count <= StreamHistory.capacity, "at most 1,440 minutes")
        check(history.letters.count == StreamHistory.capacity, "always 1,440 letters")
        for minute in history.minutes {
            check(minute.milliseconds.reduce(0) { $0 + Int($1) } <= 60_000, "a minute holds at most 60 s")
        }
        // A day of counting from the loaded state keeps every promise.
        history.record(.up, at: fuzzNow.addingTimeInterval(30))
        history.record(.down, at: fuzzNow.addingTimeInterval(95))
        history.advance(to: fuzzNow.addingTimeInterval(200))
        check(history.minutes.count <= StreamHistory.capacity, "at most 1,440 minutes after counting")
        for minute in history.minutes {
            check(minute.milliseconds.reduce(0) { $0 + Int($1) } <= 60_000, "a minute holds at most 60 s after counting")
        }
        let answer = HistoryAnswer(station: key.station, stream: key.stream, history: history)
        check(answer.minutes.count == StreamHistory.capacity, "the answer has 1,440 letters")
        check(answer.uptime.map { $0 >= 0 && $0 <= 1 } ?? true, "uptime between 0 and 1")
        // What the next save writes reads back as the same minutes.
        let again = SavedHistories.Stream(station: key.station, stream: key.stream, history: history)
        guard let reread = try? again.history(start: fuzzNow.addingTimeInterval(200)) else {
            check(false, "a saved history reads back")
            return 0
        }
        check(reread.minutes == history.minutes, "saved and read back, the same minutes")
    }
    return 0
}
