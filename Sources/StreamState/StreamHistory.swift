import Foundation

/// One stream's last 24 hours, minute by minute: how many milliseconds of each minute it was
/// up, silent, stalled or down (the rest of the minute is unknown). Pure: the caller says
/// what the condition became and when; nothing here reads a clock.
///
/// Time is wall-clock time (minutes start on the minute, UTC). A condition holds until the
/// next ``record(_:at:)``: ``advance(to:)`` counts it up to a moment (for a read, a scrape or
/// a save). After a clock set back, counting goes on from the new time; a minute never holds
/// more than 60 seconds.
public struct StreamHistory: Sendable, Equatable {
    /// How many minutes a history keeps: 24 hours.
    public static let capacity = 1440

    /// The milliseconds of each condition in one minute (at most 60,000 together).
    public struct Minute: Sendable, Equatable {
        /// Milliseconds up, silent, stalled, down (``StreamCondition`` order).
        public var milliseconds: [UInt16]

        /// A minute with nothing known.
        public static let unknown = Minute(milliseconds: [0, 0, 0, 0])

        /// Creates a minute from its milliseconds in ``StreamCondition`` order.
        public init(milliseconds: [UInt16]) {
            self.milliseconds = milliseconds
        }

        /// The milliseconds of `condition`.
        public subscript(condition: StreamCondition) -> UInt16 {
            get { milliseconds[condition.rawValue] }
            set { milliseconds[condition.rawValue] = newValue }
        }

        /// The worst condition seen in the minute; `nil` when none is known.
        public var worst: StreamCondition? {
            StreamCondition.allCases.last { self[$0] > 0 }
        }

        /// The minute's letter: its worst condition's, or `-`.
        public var letter: Character { worst?.letter ?? StreamCondition.unknownLetter }
    }

    /// The minutes kept, oldest first; the last is minute ``lastMinute``.
    public private(set) var minutes: [Minute]
    /// The newest minute kept, as minutes since 1970 (UTC).
    public private(set) var lastMinute: Int
    /// The condition now (`nil`: unknown), counted from ``countedUntil``.
    public private(set) var condition: StreamCondition?
    /// How far the history has been counted.
    public private(set) var countedUntil: Date

    /// An empty history starting at `start` (every minute unknown).
    public init(start: Date) {
        minutes = []
        lastMinute = Self.minute(of: start)
        condition = nil
        countedUntil = start
    }

    /// A history from saved minutes (oldest first, ending with `lastMinute`), its condition
    /// unknown from `start` (a daemon starting: what the stream does is not known yet).
    public init(minutes: [Minute], lastMinute: Int, start: Date) {
        self.minutes = Array(minutes.suffix(Self.capacity))
        self.lastMinute = lastMinute
        condition = nil
        countedUntil = start
        advance(to: start)
    }

    /// The minute (since 1970, UTC) that `date` falls in.
    public static func minute(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    /// Counts the condition so far up to `date`, then makes `condition` the condition from
    /// `date` on. Returns the milliseconds counted, per condition.
    @discardableResult
    public mutating func record(_ condition: StreamCondition?, at date: Date) -> [StreamCondition: Int] {
        let counted = advance(to: date)
        self.condition = condition
        return counted
    }

    /// Counts the current condition up to `date` (and makes the minutes up to `date`'s exist,
    /// dropping those older than 24 hours). Returns the milliseconds counted, per condition.
    @discardableResult
    public mutating func advance(to date: Date) -> [StreamCondition: Int] {
        let newest = Self.minute(of: date)
        guard date >= countedUntil else {
            // The clock went back: start counting again from here, nothing counted twice.
            countedUntil = date
            if newest < lastMinute - Self.capacity { minutes = []; lastMinute = newest }
            return [:]
        }
        var counted: [StreamCondition: Int] = [:]
        if let condition {
            var from = countedUntil.timeIntervalSince1970
            let to = date.timeIntervalSince1970
            // Only the last 24 hours can hold anything.
            from = max(from, Double(newest - Self.capacity + 1) * 60)
            while from < to {
                let minute = Int((from / 60).rounded(.down))
                let end = min(to, Double(minute + 1) * 60)
                let milliseconds = Int(((end - from) * 1000).rounded())
                extend(to: minute)
                let index = minutes.count - 1 - (lastMinute - minute)
                if index >= 0, milliseconds > 0 {
                    let room = 60_000 - minutes[index].milliseconds.reduce(0) { $0 + Int($1) }
                    let added = min(milliseconds, max(room, 0))
                    minutes[index][condition] += UInt16(added)
                    counted[condition, default: 0] += added
                }
                from = end
            }
        }
        extend(to: newest)
        countedUntil = date
        return counted
    }

    /// Makes minute `minute` the newest (unknown minutes fill any gap), keeping 24 hours.
    private mutating func extend(to minute: Int) {
        guard minute > lastMinute || minutes.isEmpty else { return }
        let gap = minutes.isEmpty ? 1 : minute - lastMinute
        if gap >= Self.capacity {
            minutes = Array(repeating: .unknown, count: Self.capacity)
        } else {
            minutes.append(contentsOf: repeatElement(.unknown, count: gap))
            if minutes.count > Self.capacity { minutes.removeFirst(minutes.count - Self.capacity) }
        }
        lastMinute = minute
    }

    /// The 24 hours ending with minute ``lastMinute``, one letter a minute, oldest first:
    /// `u` up, `s` silent, `t` stalled, `d` down (the worst seen in the minute), `-` unknown.
    /// Always ``capacity`` letters.
    public var letters: String {
        var text = String(repeating: StreamCondition.unknownLetter, count: Self.capacity - minutes.count)
        text.reserveCapacity(Self.capacity)
        for minute in minutes { text.append(minute.letter) }
        return text
    }

    /// The milliseconds of each condition over the minutes kept.
    public var totals: [StreamCondition: Int] {
        var totals: [StreamCondition: Int] = [:]
        for minute in minutes {
            for condition in StreamCondition.allCases where minute[condition] > 0 {
                totals[condition, default: 0] += Int(minute[condition])
            }
        }
        return totals
    }

    /// When the first of the 24 hours of ``letters`` begins.
    public var windowStart: Date {
        Date(timeIntervalSince1970: Double(lastMinute - Self.capacity + 1) * 60)
    }
}
