import Foundation

/// Dead air: a stream whose loudest channel stays below a threshold for a while. Fed one
/// measured second at a time (``AudioLevelSecond``), it says since when the stream is silent
/// once that has lasted `after`, and clears at the first second above the threshold. Pure.
public struct SilenceDetector: Sendable, Equatable {
    /// The level under which a second counts as silent (dBFS, RMS of the loudest channel).
    public var thresholdDb: Double
    /// How long silence must last before it is reported.
    public var after: Duration
    /// Where a run of silent seconds began (nil while the audio is above the threshold).
    public private(set) var quietSince: Date?

    /// Silence below `thresholdDb` for `after`.
    public init(thresholdDb: Double, after: Duration) {
        self.thresholdDb = thresholdDb
        self.after = after
    }

    /// Takes the second that ended at `at`; returns when the silence began if the stream is
    /// silent now (it has been for at least `after`), else nil.
    public mutating func add(_ second: AudioLevelSecond, endingAt at: Date) -> Date? {
        if second.loudestRmsDb < thresholdDb {
            // The run began at the start of its first silent second.
            if quietSince == nil { quietSince = at.addingTimeInterval(-1) }
        } else {
            quietSince = nil
        }
        return silentSince(at: at)
    }

    /// When the silence began, if it has lasted `after` by `at`.
    public func silentSince(at: Date) -> Date? {
        guard let quietSince, at.timeIntervalSince(quietSince) >= Double(after.components.seconds)
                + Double(after.components.attoseconds) / 1e18 else { return nil }
        return quietSince
    }
}
