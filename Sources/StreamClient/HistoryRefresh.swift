import Foundation
import StreamState

/// When the terminal screen asks the daemon for its streams' histories: at once for streams
/// it has not asked about (at start, when the displayed station or its streams change), soon
/// after one of them changes condition (so the strip's last minute turns red when the stream
/// goes down, at most every ``changeSpacing``), and otherwise once a minute; never every
/// frame. Pure: the caller says what it shows and when it asked.
public struct HistoryRefresh: Sendable, Equatable {
    /// How often the histories are fetched again (they change by the minute).
    public static let interval: TimeInterval = 60
    /// The least time between two fetches caused by conditions changing (a flapping stream
    /// does not cause a fetch a second).
    public static let changeSpacing: TimeInterval = 5

    /// The streams of the last fetch.
    public private(set) var fetchedKeys: [StreamKey] = []
    /// Their conditions then.
    public private(set) var fetchedConditions: [StreamCondition?] = []
    /// When the last fetch began.
    public private(set) var fetchedAt: Date?

    /// No fetch yet.
    public init() {}

    /// Whether to fetch the histories of `keys` (whose conditions are now `conditions`) at
    /// `now`: they are not the last fetch's streams, or a minute has passed (or the clock
    /// went back), or a condition changed at least ``changeSpacing`` after the last fetch.
    /// Never for no streams.
    public func isDue(for keys: [StreamKey], conditions: [StreamCondition?], at now: Date) -> Bool {
        guard !keys.isEmpty else { return false }
        guard let fetchedAt, keys == fetchedKeys else { return true }
        let since = now.timeIntervalSince(fetchedAt)
        if since >= Self.interval || since < 0 { return true }
        return conditions != fetchedConditions && since >= Self.changeSpacing
    }

    /// Notes a fetch of `keys`, whose conditions were `conditions`, begun at `now`.
    public mutating func fetched(_ keys: [StreamKey], conditions: [StreamCondition?], at now: Date) {
        fetchedKeys = keys
        fetchedConditions = conditions
        fetchedAt = now
    }
}
