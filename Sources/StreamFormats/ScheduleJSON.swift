import Foundation

/// JSON access shared by the schedule parsers (Composer, Cadence, Spinitron), tolerant of
/// what those feeds really send: NUL characters (raw or `\u0000`) inside strings, `{}` or
/// `null` where a string belongs, numbers sent as strings, a JSONP `callback(...)` wrapper
/// and a UTF-8 byte order mark.
enum ScheduleJSON {
    /// Decodes `bytes` to a top-level JSON object, or throws a `ParseError` for `format`.
    static func root(_ bytes: [UInt8], format: String) throws(ParseError) -> [String: Any] {
        guard let object = try document(bytes, format: format) as? [String: Any] else {
            throw ParseError(format: format, location: "$", message: "expected a JSON object at the top level")
        }
        return object
    }

    /// Decodes `bytes` to any JSON value, or throws a `ParseError` for `format`.
    static func document(_ bytes: [UInt8], format: String) throws(ParseError) -> Any {
        var body = ArraySlice(bytes.filter { $0 != 0 })          // NUL is never valid JSON
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        body = unwrapJSONP(trimmed(body))
        guard !body.isEmpty else {
            throw ParseError(format: format, location: "byte 0", message: "empty body")
        }
        do {
            return try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw ParseError(format: format, location: nil,
                             message: "not valid JSON" + (detail.map { ": \($0)" } ?? ""))
        }
    }

    /// A non-empty string with NULs removed and whitespace trimmed; numbers become their
    /// text; anything else (`{}`, `[]`, `null`, booleans) is absent.
    static func string(_ value: Any?) -> String? {
        let text: String
        switch value {
        case let s as String: text = s
        case let n as NSNumber where !isBool(n): text = n.stringValue
        default: return nil
        }
        let cleaned = text.replacingOccurrences(of: "\u{0}", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? nil : cleaned
    }

    /// A finite number, from a JSON number or a numeric string.
    static func number(_ value: Any?) -> Double? {
        let result: Double?
        switch value {
        case let n as NSNumber where !isBool(n): result = n.doubleValue
        case let s as String: result = Double(s.trimmingCharacters(in: .whitespaces))
        default: result = nil
        }
        guard let result, result.isFinite else { return nil }
        return result
    }

    /// The value as a JSON object, if it is one.
    static func object(_ value: Any?) -> [String: Any]? { value as? [String: Any] }

    /// The value as a JSON array, if it is one.
    static func array(_ value: Any?) -> [Any]? { value as? [Any] }

    /// Whether a key is absent or `null` (both mean "not given" in these feeds).
    static func isMissing(_ value: Any?) -> Bool { value == nil || value is NSNull }

    /// Names from a list given as strings or as objects with a `name` field, empty ones
    /// dropped (Composer sends `hosts: [{"name": ""}]`); a single string counts as a list of one.
    static func names(_ value: Any?) -> [String] {
        let items = array(value) ?? (value.map { [$0] } ?? [])
        return items.compactMap { string($0) ?? string(object($0)?["name"]) }
    }

    private static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = s.firstIndex(where: { !isSpace($0) }),
              let last = s.lastIndex(where: { !isSpace($0) }) else { return [] }
        return s[first...last]
    }

    /// `name(...)` or `name(...);` around a JSON body becomes the body.
    private static func unwrapJSONP(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let open = s.firstIndex(of: UInt8(ascii: "(")), open > s.startIndex,
              s[s.startIndex..<open].allSatisfy({ isIdentifierByte($0) }),
              let close = s.lastIndex(of: UInt8(ascii: ")")), close > open else { return s }
        let tail = s[s.index(after: close)...]
        guard tail.allSatisfy({ $0 == UInt8(ascii: ";") || $0 == 0x20 }) else { return s }
        return trimmed(s[s.index(after: open)..<close])
    }

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b == UInt8(ascii: ".")
    }
}
