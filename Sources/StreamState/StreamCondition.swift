/// What a stream's history records for each moment: the four conditions an engineer reports
/// (up, silent, stalled, down). A moment in none of them (the daemon not running, a stream
/// not checked yet, a document loaded at start and not refreshed) is *unknown*.
public enum StreamCondition: Int, CaseIterable, Sendable, Comparable {
    /// Audio arrives and, if metered, is not silent. A stream `degraded` for another reason
    /// (its metadata lost sync) counts as up: the listeners hear the programme.
    case up
    /// Audio arrives but has been silent for the stream's `after` (dead air).
    case silent
    /// Bytes stopped or slowed.
    case stalled
    /// Refused, failing or ended.
    case down

    /// The condition of `stream` as the document shows it; `nil` (unknown) while pending.
    public init?(_ stream: StreamStatus) {
        switch stream.status {
        case .pending: return nil
        case .up: self = .up
        case .degraded: self = stream.error?.kind == "silence" ? .silent : .up
        case .stalled: self = .stalled
        case .down: self = .down
        }
    }

    /// Its name in the API and the metrics: `up`, `silent`, `stalled`, `down`.
    public var name: String {
        switch self {
        case .up: "up"
        case .silent: "silent"
        case .stalled: "stalled"
        case .down: "down"
        }
    }

    /// Its letter in a history's minute string: `u`, `s`, `t`, `d` (`-` is unknown).
    public var letter: Character {
        switch self {
        case .up: "u"
        case .silent: "s"
        case .stalled: "t"
        case .down: "d"
        }
    }

    /// The letter of an unknown minute.
    public static let unknownLetter: Character = "-"

    /// Ordered from best to worst: a minute shows the worst condition seen in it.
    public static func < (a: StreamCondition, b: StreamCondition) -> Bool { a.rawValue < b.rawValue }
}
