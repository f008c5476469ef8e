import Foundation

/// A decoded JSON value, with lenient accessors for the now-playing sources whose servers
/// send numbers as strings (SHOUTcast `bitrate`), flip between object and array (Icecast
/// `source`) or use `[]` for an empty object (AzuraCast `custom_fields`).
enum LooseJSON: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([LooseJSON])
    case object([String: LooseJSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([LooseJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: LooseJSON].self))
        }
    }

    /// Parses `bytes` as JSON; on failure throws a `ParseError` naming the line, column
    /// and byte where the JSON went wrong. `allowingLineComments` blanks `//` comments
    /// (outside strings) first, keeping byte offsets intact.
    static func parse(_ bytes: [UInt8], format: String,
                      allowingLineComments: Bool = false) throws(ParseError) -> LooseJSON {
        let input = allowingLineComments ? blankingLineComments(bytes) : bytes
        guard input.contains(where: { !isJSONWhitespace($0) }) else {
            throw ParseError(format: format, location: "byte 0", message: "invalid JSON: empty body")
        }
        do {
            return try JSONDecoder().decode(LooseJSON.self, from: Data(input))
        } catch {
            throw syntaxError(in: input, format: format)
        }
    }

    // MARK: Lenient accessors

    /// The member `key` of an object, else nil.
    subscript(key: String) -> LooseJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A string, or a number written as text; nil for anything else.
    var string: String? {
        switch self {
        case .string(let value): return value
        case .number(let value):
            if let whole = LooseJSON.integer(value) { return String(whole) }
            return String(value)
        default: return nil
        }
    }

    /// A non-empty string after trimming whitespace, else nil.
    var text: String? {
        guard let value = string?.trimmingCharacters(in: .whitespacesAndNewlines),
              !value.isEmpty else { return nil }
        return value
    }

    /// A number, or a string holding one (`"128"`); nil for anything else.
    var double: Double? {
        switch self {
        case .number(let value): return value.isFinite ? value : nil
        case .string(let value):
            guard let parsed = Double(value.trimmingCharacters(in: .whitespaces)),
                  parsed.isFinite else { return nil }
            return parsed
        default: return nil
        }
    }

    /// `double` truncated to an `Int` when it fits, else nil.
    var int: Int? { double.flatMap { LooseJSON.integer($0.rounded(.towardZero)) } }

    /// A boolean, or 0/1 as a number or string.
    var bool: Bool? {
        if case .bool(let value) = self { return value }
        switch int {
        case 0: return false
        case 1: return true
        default: return nil
        }
    }

    /// The elements of an array; a lone object counts as a one-element array; null or
    /// anything else as none. (Icecast's `source` is all three.)
    var elements: [LooseJSON] {
        switch self {
        case .array(let values): return values
        case .object: return [self]
        default: return []
        }
    }

    /// Seconds since 1970 as a date, if this is a plausible epoch number.
    var epochSeconds: Date? {
        guard let seconds = double, seconds > 0, seconds < 1e11 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    // MARK: Errors

    /// Builds the error for invalid JSON, asking JSONSerialization where it failed,
    /// because JSONDecoder does not say.
    private static func syntaxError(in input: [UInt8], format: String) -> ParseError {
        var detail = "not valid JSON"
        var offset = input.count
        do {
            _ = try JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed])
        } catch {
            let description = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
            if !description.isEmpty { detail = description }
            if let at = characterOffset(in: description) { offset = min(at, input.count) }
        }
        let (line, column) = lineAndColumn(of: offset, in: input)
        let place = offset >= input.count ? "end of input" : "byte \(offset)"
        return ParseError(format: format, location: "line \(line), column \(column) (\(place))",
                          message: "invalid JSON: \(detail)")
    }

    /// The N in Foundation's "... around character N." message.
    private static func characterOffset(in description: String) -> Int? {
        guard let range = description.range(of: "character ") else { return nil }
        let digits = description[range.upperBound...].prefix(while: \.isNumber)
        return Int(digits)
    }

    /// 1-based line and column of a byte offset.
    private static func lineAndColumn(of offset: Int, in input: [UInt8]) -> (Int, Int) {
        var line = 1, column = 1
        for byte in input.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line &+= 1; column = 1 } else { column &+= 1 }
        }
        return (line, column)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Replaces `// ...` up to the end of the line with spaces, outside string literals.
    private static func blankingLineComments(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var inString = false, escaped = false, inComment = false
        var index = 0
        while index < out.count {
            let byte = out[index]
            if inComment {
                if byte == UInt8(ascii: "\n") { inComment = false } else { out[index] = 0x20 }
            } else if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "/"), index + 1 < out.count, out[index + 1] == UInt8(ascii: "/") {
                inComment = true
                out[index] = 0x20
            }
            index += 1
        }
        return out
    }

    /// `Int(exactly:)` that also refuses NaN, infinities and huge values without trapping.
    static func integer(_ value: Double) -> Int? {
        guard value.isFinite, abs(value) < 9.0e15 else { return nil }
        return Int(exactly: value)
    }
}
