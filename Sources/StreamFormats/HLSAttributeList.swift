import Foundation

/// Small value parsers shared by the HLS playlists: attribute lists and dates.
enum HLSValues {
    /// Parses `KEY=VALUE` pairs separated by `separator`. Values may be quoted; inside
    /// quotes `\"` and `\\` are unescaped (an iHeart extension; plain HLS has no escapes)
    /// and the separator does not split. An unterminated quote runs to the end. Keys are
    /// kept as written; a later duplicate wins. Text that is not `KEY=` is skipped.
    static func attributes(_ text: Substring, separator: Character = ",") -> [String: String] {
        var result: [String: String] = [:]
        var i = text.startIndex
        func skip(while predicate: (Character) -> Bool) {
            while i < text.endIndex, predicate(text[i]) { i = text.index(after: i) }
        }
        while i < text.endIndex {
            skip { $0 == separator || $0 == " " || $0 == "\t" }
            let keyStart = i
            skip { $0 != "=" && $0 != separator }
            let key = text[keyStart ..< i].trimmingCharacters(in: .whitespaces)
            guard i < text.endIndex, text[i] == "=" else { continue }
            i = text.index(after: i)
            var value = ""
            if i < text.endIndex, text[i] == "\"" {
                i = text.index(after: i)
                while i < text.endIndex, text[i] != "\"" {
                    if text[i] == "\\", text.index(after: i) < text.endIndex {
                        i = text.index(after: i)
                    }
                    value.append(text[i])
                    i = text.index(after: i)
                }
                if i < text.endIndex { i = text.index(after: i) }   // closing quote
                skip { $0 != separator }                             // junk after a quote
            } else {
                let valueStart = i
                skip { $0 != separator }
                value = text[valueStart ..< i].trimmingCharacters(in: .whitespaces)
            }
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    /// Parses an ISO 8601 / RFC 3339 date-time: `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh[:]mm|±hh]`.
    /// A missing offset is read as UTC. Returns nil for anything else or out-of-range fields.
    static func date(_ text: Substring) -> Date? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= s.count else { return nil }
            var n = 0
            for c in s[i ..< i + width] {
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            i += width
            return n
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
              i < s.count, s[i] == 0x54 || s[i] == 0x74 || s[i] == 0x20 else { return nil }
        i += 1
        guard let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A), let second = number(2)
        else { return nil }
        var fraction = 0.0
        if i < s.count, s[i] == 0x2E || s[i] == 0x2C {
            i += 1
            var scale = 0.1
            let start = i
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                fraction += Double(s[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if i < s.count {
            if s[i] == 0x5A || s[i] == 0x7A {
                i += 1
            } else if s[i] == 0x2B || s[i] == 0x2D {
                let sign = s[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = number(2), oh <= 23 else { return nil }
                var om = 0
                if i < s.count {
                    _ = expect(0x3A)
                    guard let m = number(2), m <= 59 else { return nil }
                    om = m
                }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        let monthDays = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28,
                         31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard i == s.count, (1 ... 12).contains(month), day >= 1, day <= monthDays[month - 1],
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
