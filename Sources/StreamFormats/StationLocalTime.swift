import Foundation

/// Turns a station's wall-clock times ("23:00", "02-18-2026 00:00:00", "2016-07-31 23:00")
/// into absolute instants, in the station's IANA time zone.
///
/// DST rule (the one RFC 5545, java.time and JavaScript use):
/// - a wall time that does not exist (the spring-forward gap, 02:30 on 2026-03-08 in
///   America/New_York) is read with the offset in force *before* the gap, so it lands as
///   far after the gap as it was into it: 02:30 becomes 03:30 EDT (07:30Z);
/// - a wall time that happens twice (the fall-back hour, 01:30 on 2026-11-01) is the
///   *earlier* one, still in daylight time: 01:30 EDT (05:30Z).
///
/// Calendar arithmetic is done here, not with `Calendar`, so the rule above is explicit.
public struct StationLocalTime: Sendable {
    /// A calendar date in the station's zone (no time of day, no offset).
    public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The year, 1...9999.
        public let year: Int
        /// The month, 1...12.
        public let month: Int
        /// The day of the month, 1...31.
        public let day: Int

        /// A valid date, or nil (February 30 is nil).
        public init?(year: Int, month: Int, day: Int) {
            guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
                  day <= Self.daysIn(month: month, year: year) else { return nil }
            self.year = year
            self.month = month
            self.day = day
        }

        /// Parses "YYYY-MM-DD", "MM-DD-YYYY" or "M/D/YYYY" (either separator).
        public static func parse(_ text: String) -> Day? {
            let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
            guard parts.count == 3, let numbers = StationLocalTime.integers(parts) else { return nil }
            if parts[0].count == 4 { return Day(year: numbers[0], month: numbers[1], day: numbers[2]) }
            if parts[2].count == 4 { return Day(year: numbers[2], month: numbers[0], day: numbers[1]) }
            return nil
        }

        /// The date `days` later (earlier if negative).
        public func adding(days: Int) -> Day {
            let (y, m, d) = StationLocalTime.civil(fromDays: ordinal &+ days)
            return Day(year: y, month: m, day: d) ?? self
        }

        /// "YYYY-MM-DD".
        public var description: String {
            String(format: "%04d-%02d-%02d", year, month, day)
        }

        /// Days since 1970-01-01.
        var ordinal: Int { StationLocalTime.days(fromCivil: year, month, day) }

        /// Earlier dates sort first.
        public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

        private static func daysIn(month: Int, year: Int) -> Int {
            switch month {
            case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }
    }

    /// A wall-clock time of day; `24:00` is allowed and means the end of the day.
    public struct Clock: Sendable, Hashable {
        /// 0...24 (24 only with zero minutes and seconds).
        public let hour: Int
        /// 0...59.
        public let minute: Int
        /// 0...59 (fractions are dropped).
        public let second: Int

        /// A valid time of day, or nil.
        public init?(hour: Int, minute: Int, second: Int = 0) {
            guard (0...24).contains(hour), (0...59).contains(minute), (0...59).contains(second),
                  hour < 24 || (minute == 0 && second == 0) else { return nil }
            self.hour = hour
            self.minute = minute
            self.second = second
        }

        /// Parses "HH:mm", "H:mm", "HH:mm:ss" or "H:mm:ss(.fff)".
        public static func parse(_ text: String) -> Clock? {
            var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || parts.count == 3 else { return nil }
            if parts.count == 3, let dot = parts[2].firstIndex(of: ".") {
                parts[2] = String(parts[2][..<dot])
            }
            guard parts.allSatisfy({ (1...2).contains($0.count) }),
                  let n = StationLocalTime.integers(parts) else { return nil }
            return Clock(hour: n[0], minute: n[1], second: n.count == 3 ? n[2] : 0)
        }

        /// Composer's end-of-day convention: "23:59" as an end time means midnight (24:00).
        public var asEndOfDay: Clock {
            hour == 23 && minute == 59 && second == 0 ? Clock(hour: 24, minute: 0)! : self
        }

        var secondsIntoDay: Int { hour * 3600 + minute * 60 + second }
    }

    /// The station's zone.
    public let timeZone: TimeZone

    /// Times for a station in `timeZone`.
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// The instant the station's clocks show `clock` on `day`, by the DST rule above.
    public func date(_ day: Day, _ clock: Clock) -> Date {
        let wall = day.ordinal * 86_400 + clock.secondsIntoDay      // wall time read as if UTC
        let before = offset(at: wall - 43_200)                       // offsets either side of
        let after = offset(at: wall + 43_200)                        // any transition near it
        let valid = Set([before, after]).map { wall - $0 }.filter { wall - offset(at: $0) == $0 }
        let instant = valid.min() ?? (wall - before)                 // repeated: earlier; gap: pre-gap offset
        return Date(timeIntervalSince1970: TimeInterval(instant))
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int { ((a % b) + b) % b }

    /// The station-local date at `instant`.
    public func day(of instant: Date) -> Day {
        let seconds = Self.clampedSeconds(instant)
        let local = seconds + offset(at: seconds)
        let (y, m, d) = Self.civil(fromDays: Self.floorDiv(local, 86_400))
        return Day(year: y, month: m, day: d) ?? Day(year: 1970, month: 1, day: 1)!
    }

    /// Whether the station's clocks show 23:59:00 at `instant` (Composer's end of the day).
    public func isEndOfDayClock(_ instant: Date) -> Bool {
        let seconds = Self.clampedSeconds(instant)
        let local = seconds + offset(at: seconds)
        return Self.floorMod(local, 86_400) == 23 * 3600 + 59 * 60
    }

    /// The latest instant at or before `instant` when the station's clocks show `clock`.
    public func occurrence(of clock: Clock, atOrBefore instant: Date) -> Date {
        let today = day(of: instant)
        let candidate = date(today, clock)
        return candidate <= instant ? candidate : date(today.adding(days: -1), clock)
    }

    /// The earliest instant strictly after `instant` when the station's clocks show `clock`.
    public func occurrence(of clock: Clock, after instant: Date) -> Date {
        let today = day(of: instant)
        let candidate = date(today, clock)
        return candidate > instant ? candidate : date(today.adding(days: 1), clock)
    }

    /// Parses a timestamp: with an offset or `Z` it is absolute (ISO 8601 or a JavaScript
    /// date string); without one it is station-local: "MM-DD-YYYY HH:MM:SS" (`-` or `/`),
    /// "M/D/YYYY H:mm", "YYYY-MM-DD HH:mm[:ss]" or "YYYY-MM-DDTHH:mm[:ss]".
    public func timestamp(_ text: String) -> Date? {
        if let absolute = Self.iso8601(text) ?? Self.javaScriptDate(text) { return absolute }
        let parts = text.trimmingCharacters(in: .whitespaces)
            .split(whereSeparator: { $0 == " " || $0 == "T" }).map(String.init)
        guard parts.count == 2, let day = Day.parse(parts[0]), let clock = Clock.parse(parts[1]) else {
            return nil
        }
        return date(day, clock)
    }

    /// Parses ISO 8601 / RFC 3339 with an offset: "2024-01-01T12:00:00+0000", "+00:00", "+00",
    /// "Z", optional fractional seconds, `T` or a space. Without an offset the text is read
    /// with `assumingOffset` seconds east of UTC if given, else it is not accepted.
    public static func iso8601(_ text: String, assumingOffset: Int? = nil) -> Date? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        guard s.count >= 16, let year = number(s, 0, 4), s[4] == 0x2D, let month = number(s, 5, 2),
              s[7] == 0x2D, let dayOfMonth = number(s, 8, 2), s[10] == 0x54 || s[10] == 0x20,
              let hour = number(s, 11, 2), s[13] == 0x3A, let minute = number(s, 14, 2) else { return nil }
        var i = 16
        var second = 0
        if i < s.count, s[i] == 0x3A {
            guard let sec = number(s, i + 1, 2) else { return nil }
            second = sec
            i += 3
            if i < s.count, s[i] == 0x2E || s[i] == 0x2C {           // fraction: dropped
                i += 1
                while i < s.count, (0x30...0x39).contains(s[i]) { i += 1 }
            }
        }
        guard let day = Day(year: year, month: month, day: dayOfMonth),
              let clock = Clock(hour: hour, minute: minute, second: second),
              let offset = offsetSeconds(s[i...]) ?? (i == s.count ? assumingOffset : nil) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(day.ordinal * 86_400 + clock.secondsIntoDay - offset))
    }

    /// Parses JavaScript's `Date.toString()` form, "Sun Jul 31 2016 05:00:00 GMT-0400 (EDT)"
    /// (Composer's `start_utc`): absolute, the offset is in the text; the weekday and the
    /// zone name in parentheses are ignored.
    public static func javaScriptDate(_ text: String) -> Date? {
        let words = text.split(separator: " ").map(String.init)
        guard words.count >= 6, let month = monthNames.firstIndex(of: words[1].lowercased()),
              let dayOfMonth = Int(words[2]), let year = Int(words[3]), words[3].count == 4,
              let day = Day(year: year, month: month + 1, day: dayOfMonth),
              let clock = Clock.parse(words[4]), clock.hour < 24,
              words[5].uppercased().hasPrefix("GMT") || words[5].uppercased().hasPrefix("UTC"),
              let offset = offsetSeconds(ArraySlice(words[5].utf8.dropFirst(3))) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(day.ordinal * 86_400 + clock.secondsIntoDay - offset))
    }

    // MARK: - Arithmetic

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"]

    private func offset(at seconds: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// "Z", "+HH:MM", "+HHMM", "+HH" (or `-`) to seconds east of UTC; nil if anything else.
    private static func offsetSeconds(_ s: ArraySlice<UInt8>) -> Int? {
        let t = Array(s)
        if t == [0x5A] || t == [0x7A] { return 0 }
        guard let sign = t.first, sign == 0x2B || sign == 0x2D else { return nil }
        let digits = t.dropFirst().filter { $0 != 0x3A }
        guard digits.count == 2 || digits.count == 4, t.count - 1 - digits.count <= 1,
              let hours = number(Array(digits), 0, 2), hours <= 18 else { return nil }
        let minutes = digits.count == 4 ? number(Array(digits), 2, 2) : 0
        guard let minutes, minutes < 60 else { return nil }
        return (sign == 0x2D ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// `count` ASCII digits at `start`, or nil.
    private static func number(_ s: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, start + count <= s.count else { return nil }
        var value = 0
        for b in s[start..<(start + count)] {
            guard (0x30...0x39).contains(b) else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    /// All-digit strings of at most 4 digits as integers, or nil.
    static func integers(_ parts: [String]) -> [Int]? {
        var out: [Int] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 4, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = Int(p) else { return nil }
            out.append(n)
        }
        return out
    }

    private static func clampedSeconds(_ date: Date) -> Int {
        let t = date.timeIntervalSince1970
        guard t.isFinite else { return 0 }
        return Int(min(max(t, -62_000_000_000), 253_000_000_000).rounded(.down))
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    package static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - (153 * mp + 2) / 5 + 1)
    }
}
