import Foundation
import NIOConcurrencyHelpers

/// Keeps every configured stream's ``StreamHistory`` from the documents the store publishes:
/// each change of a stream's condition is recorded when the document carrying it arrives.
/// A stale document (loaded at start, not refreshed) records nothing: what it says was true
/// before the restart, not now. Also counts the seconds of each condition since the daemon
/// started (`streamd_stream_seconds_total`).
///
/// Called on the store's executor (``publish(_:changed:)``), the socket API and the history
/// service (``advance(to:)``, ``answer(station:stream:)``, ``saved()``): one lock, held briefly.
public final class HistoryRecorder: StatePublisher {
    private struct Book {
        var histories: [StreamKey: StreamHistory] = [:]
        /// Milliseconds of each condition counted since this process started, per stream.
        var counted: [StreamKey: [Int]] = [:]
        /// The streams of the newest document, in its order.
        var order: [StreamKey] = []
    }

    private let book: NIOLockedValueBox<Book>
    private let clock: @Sendable () -> Date

    /// A recorder holding `loaded` (histories read from the history file; those of streams
    /// no longer configured go at the first document), reading the time from `clock`.
    public init(loaded: [StreamKey: StreamHistory] = [:], clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
        book = NIOLockedValueBox(Book(histories: loaded))
    }

    /// Records the condition of the changed station's streams (every station's when `changed`
    /// is nil), as of now.
    public func publish(_ document: StateDocument, changed: StationState?) {
        let now = clock()
        book.withLockedValue { book in
            if changed == nil || book.order.isEmpty {
                // A whole-document change (start, reload, stale ending): the set of streams
                // may have changed. Histories of streams gone from the configuration go.
                var order: [StreamKey] = []
                for station in document.stations {
                    for stream in station.streams { order.append(StreamKey(station: station.id, stream: stream.id)) }
                }
                if order != book.order {
                    let kept = Set(order)
                    book.histories = book.histories.filter { kept.contains($0.key) }
                    book.counted = book.counted.filter { kept.contains($0.key) }
                    book.order = order
                }
            }
            for station in changed.map({ [$0] }) ?? document.stations {
                for stream in station.streams {
                    let key = StreamKey(station: station.id, stream: stream.id)
                    let condition = document.stale ? nil : StreamCondition(stream)
                    var history = book.histories[key] ?? StreamHistory(start: now)
                    if history.condition != condition || book.histories[key] == nil {
                        count(history.record(condition, at: now), for: key, in: &book)
                    }
                    book.histories[key] = history
                }
            }
        }
    }

    /// Counts every stream's condition up to `date` (the history service calls this each
    /// minute, a scrape and a read before answering).
    public func advance(to date: Date? = nil) {
        let now = date ?? clock()
        book.withLockedValue { book in
            for key in book.order {
                guard var history = book.histories[key] else { continue }
                count(history.advance(to: now), for: key, in: &book)
                book.histories[key] = history
            }
        }
    }

    private func count(_ milliseconds: [StreamCondition: Int], for key: StreamKey, in book: inout Book) {
        guard !milliseconds.isEmpty else { return }
        var counted = book.counted[key] ?? [0, 0, 0, 0]
        for (condition, value) in milliseconds { counted[condition.rawValue] += value }
        book.counted[key] = counted
    }

    /// The history answer of one stream, counted up to now; `nil` when the stream has none
    /// (not configured).
    public func answer(station: String, stream: String) -> HistoryAnswer? {
        let now = clock()
        let key = StreamKey(station: station, stream: stream)
        return book.withLockedValue { book in
            guard var history = book.histories[key] else { return nil }
            count(history.advance(to: now), for: key, in: &book)
            book.histories[key] = history
            return HistoryAnswer(station: station, stream: stream, history: history)
        }
    }

    /// Seconds of each condition since the daemon started, per stream, in the document's
    /// order, counted up to now.
    public func secondsSinceStart() -> [(key: StreamKey, seconds: [StreamCondition: Double])] {
        advance()
        return book.withLockedValue { book in
            book.order.compactMap { key in
                guard book.histories[key] != nil else { return nil }
                let counted = book.counted[key] ?? [0, 0, 0, 0]
                var seconds: [StreamCondition: Double] = [:]
                for condition in StreamCondition.allCases { seconds[condition] = Double(counted[condition.rawValue]) / 1000 }
                return (key, seconds)
            }
        }
    }

    /// Every stream's history as the history file keeps it, counted up to now.
    public func saved() -> SavedHistories {
        let now = clock()
        advance(to: now)
        return book.withLockedValue { book in
            SavedHistories(savedAt: now, streams: book.order.compactMap { key in
                book.histories[key].map { SavedHistories.Stream(station: key.station, stream: key.stream, history: $0) }
            })
        }
    }
}
