import Foundation

/// A value that writes its own JSON, byte for byte what ``StateDocument/makeEncoder(pretty:)``
/// (compact) makes of it: keys sorted, explicit `null`s, RFC 3339 UTC dates in whole seconds.
public protocol StateJSONEncodable: Encodable {
    /// Appends the value's JSON to `writer`.
    func writeJSON(to writer: inout StateJSONWriter)
}

extension StateJSONEncodable {
    /// The value's JSON.
    public var jsonBytes: [UInt8] {
        var writer = StateJSONWriter()
        writeJSON(to: &writer)
        return writer.bytes
    }
}

/// Appends JSON straight into a byte array, for the state types (``StateJSONEncodable``).
///
/// Foundation's `JSONEncoder` builds a tree of boxed values, sorts each object's keys and
/// then writes; for the state document that was most of the CPU of each state-file write and
/// SSE event (Benchmarks/README.md). The writer appends as it goes; each type writes its keys
/// already in sorted order. What it writes is what that encoder writes (a test compares the
/// two on every fixture document and on random ones): strings escaped as it escapes them
/// (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00xx`; `/` and non-ASCII as
/// they are), integral doubles without `.0`, dates as `yyyy-MM-ddTHH:mm:ssZ` rounded down.
public struct StateJSONWriter {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends `text` as it is (punctuation and keys, e.g. `,"name":`).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `null`.
    public mutating func null() { raw("null") }

    /// Appends `true` or `false`.
    public mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    /// Appends an integer.
    public mutating func int(_ value: some BinaryInteger) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Appends a double as Swift's `description` writes it, without a trailing `.0`.
    /// (Not finite: `null`; the state never holds one.)
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends a date: `"yyyy-MM-ddTHH:mm:ssZ"` in UTC, the second rounded down.
    public mutating func date(_ value: Date) {
        // Years 1 to 9999 here; the encoder's own formatter for the rest (a broken payload's).
        guard let seconds = Int64(exactly: value.timeIntervalSince1970.rounded(.down)),
              (-62_135_596_800...253_402_300_799).contains(seconds) else {
            return string(value.formatted(.iso8601))
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        bytes.append(UInt8(ascii: "\""))
        twoDigits(Int(year / 100))
        twoDigits(Int(year % 100))
        bytes.append(UInt8(ascii: "-"))
        twoDigits(month)
        bytes.append(UInt8(ascii: "-"))
        twoDigits(day)
        bytes.append(UInt8(ascii: "T"))
        twoDigits(secondOfDay / 3600)
        bytes.append(UInt8(ascii: ":"))
        twoDigits(secondOfDay / 60 % 60)
        bytes.append(UInt8(ascii: ":"))
        twoDigits(secondOfDay % 60)
        raw("Z\"")
    }

    private mutating func twoDigits(_ value: Int) {
        bytes.append(UInt8(ascii: "0") + UInt8(value / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Appends a string, quoted and escaped.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    raw("u00")
                    hex.withUTF8Buffer { digits in
                        bytes.append(digits[Int(byte >> 4)])
                        bytes.append(digits[Int(byte & 0xF)])
                    }
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `value`, or `null`.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// Appends `value`, or `null`.
    public mutating func date(_ value: Date?) {
        if let value { date(value) } else { null() }
    }

    /// Appends `value`, or `null`.
    public mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    /// Appends `value`, or `null`.
    public mutating func double(_ value: Double?) {
        if let value { double(value) } else { null() }
    }

    /// Appends `value`, or `null`.
    public mutating func value(_ value: (some StateJSONEncodable)?) {
        if let value { value.writeJSON(to: &self) } else { null() }
    }

    /// Appends an array of `values`.
    public mutating func array(_ values: [some StateJSONEncodable]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            value.writeJSON(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Appends an array of strings.
    public mutating func array(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

extension Array: StateJSONEncodable where Element: StateJSONEncodable {
    /// The elements, in order.
    public func writeJSON(to writer: inout StateJSONWriter) {
        writer.array(self)
    }
}
