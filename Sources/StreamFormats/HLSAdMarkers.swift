import Foundation

/// An ad cue tag of a media playlist (the SCTE-35 cue tags packagers write).
public enum HLSCue: Sendable, Equatable {
    /// `#EXT-X-CUE-OUT[:30 | :DURATION=30]`: a break starts, lasting `duration` seconds if given.
    case out(duration: Double?)
    /// `#EXT-X-CUE-OUT-CONT:ElapsedTime=10,Duration=30` (or `:10/30`): still in the break.
    case continued(elapsed: Double?, duration: Double?)
    /// `#EXT-X-CUE-IN`: the break is over.
    case cueIn

    /// The cue a playlist line holds, or nil when it is not a cue tag.
    init?(line: Substring) {
        if let v = HLSLines.value(of: "#EXT-X-CUE-OUT-CONT", in: line) {
            if let slash = v.firstIndex(of: "/"), !v.contains("=") {
                self = .continued(elapsed: Self.seconds(v[..<slash]), duration: Self.seconds(v[v.index(after: slash)...]))
            } else {
                let a = Self.caseInsensitive(HLSValues.attributes(v))
                self = .continued(elapsed: a["elapsedtime"].flatMap { Self.seconds($0[...]) },
                                  duration: a["duration"].flatMap { Self.seconds($0[...]) })
            }
        } else if let v = HLSLines.value(of: "#EXT-X-CUE-OUT", in: line) {
            let duration = v.contains("=")
                ? Self.caseInsensitive(HLSValues.attributes(v))["duration"].flatMap { Self.seconds($0[...]) }
                : Self.seconds(v)
            self = .out(duration: duration)
        } else if HLSLines.value(of: "#EXT-X-CUE-IN", in: line) != nil {
            self = .cueIn
        } else {
            return nil
        }
    }

    private static func seconds(_ text: Substring) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else { return nil }
        return value
    }

    private static func caseInsensitive(_ attributes: [String: String]) -> [String: String] {
        Dictionary(attributes.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// An `#EXT-X-DATERANGE` (RFC 8216 section 4.3.2.7), the tag that carries SCTE-35 ad
/// breaks and interstitials in a media playlist.
public struct HLSDateRange: Sendable, Equatable {
    /// `ID`.
    public var id: String
    /// `CLASS`, if given.
    public var rangeClass: String?
    /// `START-DATE`.
    public var startDate: Date
    /// `END-DATE`, if given.
    public var endDate: Date?
    /// `DURATION` in seconds, if given.
    public var duration: Double?
    /// `PLANNED-DURATION` in seconds, if given.
    public var plannedDuration: Double?
    /// `END-ON-NEXT=YES`: it ends where the next range of its class starts.
    public var endOnNext: Bool
    /// `SCTE35-OUT`, `SCTE35-IN`, `SCTE35-CMD` as written (hex), if given.
    public var scte35Out: String?, scte35In: String?, scte35Cmd: String?
    /// All attributes as written (client attributes `X-…` included).
    public var attributes: [String: String]
    /// The start of the next range of the same class, for `END-ON-NEXT` (set by the playlist).
    public var nextStart: Date?

    /// Reads a (merged) attribute list; nil without `ID` or a readable `START-DATE`.
    init?(attributes a: [String: String]) {
        guard let id = a["ID"], let start = a["START-DATE"].flatMap({ HLSValues.date($0[...]) }) else { return nil }
        func seconds(_ key: String) -> Double? { a[key].flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
        self.id = id
        rangeClass = a["CLASS"]
        startDate = start
        endDate = a["END-DATE"].flatMap { HLSValues.date($0[...]) }
        duration = seconds("DURATION")
        plannedDuration = seconds("PLANNED-DURATION")
        endOnNext = a["END-ON-NEXT"] == "YES"
        scte35Out = a["SCTE35-OUT"]
        scte35In = a["SCTE35-IN"]
        scte35Cmd = a["SCTE35-CMD"]
        attributes = a
    }

    /// Whether it marks an ad break: it carries SCTE-35 (`SCTE35-OUT`, `-IN` or `-CMD`), or
    /// its `CLASS` names ads (a word `ad`, `ads`, `adbreak`, `advertisement`, `scte35`) or
    /// an HLS interstitial (`com.apple.hls.interstitial`).
    public var isAdBreak: Bool {
        if scte35Out != nil || scte35In != nil || scte35Cmd != nil { return true }
        guard let rangeClass = rangeClass?.lowercased() else { return false }
        if rangeClass == "com.apple.hls.interstitial" { return true }
        let words = rangeClass.split { !$0.isLetter && !$0.isNumber }
        return words.contains { ["ad", "ads", "adbreak", "advertisement", "scte35"].contains($0) }
    }

    /// When it ends: `END-DATE`, else start + `DURATION`, else the next range of its class
    /// (`END-ON-NEXT`), else start + `PLANNED-DURATION` unless `SCTE35-IN` says it already
    /// ended; nil when unknown (still open).
    public var end: Date? {
        if let endDate { return endDate }
        if let duration { return startDate.addingTimeInterval(duration) }
        if endOnNext, let nextStart { return nextStart }
        if scte35In != nil { return startDate }
        return plannedDuration.map { startDate.addingTimeInterval($0) }
    }

    /// Whether `date` falls inside it (from its start, up to but not including its end).
    public func covers(_ date: Date) -> Bool {
        date >= startDate && end.map { date < $0 } ?? true
    }

    /// The ranges of a playlist's tags (attribute lists in order): tags with the same `ID`
    /// merged, the first value of an attribute kept and later tags adding theirs (RFC 8216's
    /// own example closes a splice with a tag that has only `ID`, `DURATION` and
    /// `SCTE35-IN`), then `END-ON-NEXT` ends filled in. A range without `ID` or a readable
    /// `START-DATE` after merging is dropped.
    static func merged(_ tags: [[String: String]]) -> [HLSDateRange] {
        var order: [String] = []
        var byID: [String: [String: String]] = [:]
        for tag in tags {
            guard let id = tag["ID"] else { continue }
            if byID[id] == nil { order.append(id) }
            byID[id, default: [:]].merge(tag) { old, _ in old }
        }
        var result = order.compactMap { byID[$0].flatMap(HLSDateRange.init(attributes:)) }
        for i in result.indices where result[i].endOnNext {
            result[i].nextStart = result.filter { $0.rangeClass == result[i].rangeClass && $0.startDate > result[i].startDate }
                .map(\.startDate).min()
        }
        return result
    }
}

extension HLSMediaPlaylist {
    /// Whether the newest segment plays inside an ad break: the watcher's "a break is on".
    public var isInAdBreak: Bool { segments.last?.inAdBreak ?? false }

    /// The ad `#EXT-X-DATERANGE` covering `date`, if any.
    public func adBreak(at date: Date) -> HLSDateRange? {
        dateRanges.last { $0.isAdBreak && $0.covers(date) }
    }

    /// Sets each segment's `inAdBreak`. Cue tags: `CUE-OUT` opens a break (for its duration,
    /// counted in segment durations, when it has one), `CUE-OUT-CONT` is inside one (for
    /// what remains of its duration), `CUE-IN` closes it. Date ranges: a segment whose
    /// program date-time falls in an ad range is in a break.
    mutating func markAdBreaks() {
        var inBreak = false
        var remaining: Double?
        for k in segments.indices {
            for cue in segments[k].cues {
                switch cue {
                case .out(let duration): inBreak = true; remaining = duration
                case .continued(let elapsed, let duration):
                    inBreak = true
                    remaining = duration.map { $0 - (elapsed ?? 0) }
                case .cueIn: inBreak = false; remaining = nil
                }
            }
            var marked = inBreak && (remaining.map { $0 > 0.001 } ?? true)
            if marked, let left = remaining {
                remaining = left - segments[k].duration
                if let now = remaining, now <= 0.001 { inBreak = false }
            }
            if !marked, let date = segments[k].programDateTime, adBreak(at: date) != nil { marked = true }
            segments[k].inAdBreak = marked
        }
    }
}
