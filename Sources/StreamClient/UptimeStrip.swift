import Foundation
import StreamState

/// One stream's last 24 hours as the studio screens draw it: the daemon's minute letters
/// (``HistoryAnswer/minutes``) and its uptime, squeezed into as many cells as there is room
/// for. Pure: a history answer in, cells and text out.
public struct UptimeStrip: Sendable, Equatable {
    /// The stream's id.
    public var stream: String
    /// One condition a minute, oldest first (`nil`: unknown); the last is the current minute.
    public var minutes: [StreamCondition?]
    /// Up seconds over known seconds (0 to 1), nil when nothing is known.
    public var uptime: Double?

    /// The strip of `answer`. Letters other than `u`, `s`, `t`, `d` count as unknown.
    public init(_ answer: HistoryAnswer) {
        self.init(stream: answer.stream, letters: answer.minutes, uptime: answer.uptime)
    }

    /// A strip from minute letters (`u` up, `s` silent, `t` stalled, `d` down, anything else
    /// unknown).
    public init(stream: String, letters: String, uptime: Double?) {
        self.stream = stream
        self.minutes = letters.map(Self.condition)
        self.uptime = uptime
    }

    /// The condition a history letter stands for (nil: unknown).
    public static func condition(_ letter: Character) -> StreamCondition? {
        StreamCondition.allCases.first { $0.letter == letter }
    }

    /// The worst of two minutes: down, stalled, silent, up, unknown, from worst to best.
    public static func worst(_ a: StreamCondition?, _ b: StreamCondition?) -> StreamCondition? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }

    /// The minutes in `count` cells, oldest first: each cell covers `minutes.count / count`
    /// minutes (spread evenly, the spans differing by at most one minute) and shows the worst
    /// in its span, so a single down minute is never averaged away. With more cells than
    /// minutes, each minute takes one or more cells.
    public func cells(_ count: Int) -> [StreamCondition?] {
        let total = minutes.count
        guard count > 0, total > 0 else { return [] }
        return (0..<count).map { cell in
            let start = cell * total / count
            let end = max(start + 1, (cell + 1) * total / count)
            return minutes[start..<min(end, total)].reduce(nil as StreamCondition?, Self.worst)
        }
    }

    /// The uptime as the screens print it: "99.95 % up", "100 % up" (only when nothing but up
    /// is known: 99.996 % reads "99.99 % up", never 100), or "no data" when nothing is known.
    public var uptimeText: String {
        guard let uptime else { return "no data" }
        if uptime >= 1 { return "100 % up" }
        let hundredths = min(9_999, max(0, Int((uptime * 10_000).rounded())))
        return "\(hundredths / 100).\(String(format: "%02d", hundredths % 100)) % up"
    }
}
