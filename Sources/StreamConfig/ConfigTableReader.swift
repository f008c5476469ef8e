import Foundation
import TOMLKit

/// Reads the keys of one TOML table, reporting wrong types and values to the problem log
/// and remembering which keys were read, so the rest can be reported as unknown.
final class ConfigTableReader {
    /// The table's key path (`""` for the root, `station[0]`, `daemon`).
    let path: String
    let log: ConfigProblemLog
    private let table: TOMLTable

    init(_ table: TOMLTable, path: String, log: ConfigProblemLog) {
        self.table = table
        self.path = path
        self.log = log
    }

    /// The key path of `key` in this table.
    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Reports a problem with `key`.
    func report(_ key: String, _ message: String) { log.report(keyPath(key), message) }

    /// Whether the table has `key`.
    func has(_ key: String) -> Bool { table[key] != nil }

    /// The keys written in this table.
    var keys: [String] { table.freedKeys }

    // MARK: Values

    /// The string at `key`, if it is one; reports nothing.
    func peekString(_ key: String) -> String? { table[key]?.freedString }

    /// The integer at `key`, if it is one; reports nothing.
    func integerValue(_ key: String) -> Int? { table[key]?.freedInt }

    /// A string; nil (with a problem) when absent and `required`, or of another type.
    func string(_ key: String, required: Bool = false, hint: String = "") -> String? {
        guard let value = value(key, required: required, hint: hint) else { return nil }
        guard let text = value.freedString else {
            report(key, "expected a string, got \(Self.render(value))")
            return nil
        }
        if required && text.trimmingCharacters(in: .whitespaces).isEmpty {
            report(key, "must not be empty")
            return nil
        }
        return text
    }

    /// A string or an array of strings (`url = "a"` or `url = ["a", "b"]`), as a list; nil
    /// (with a problem) when absent and `required`, empty, or of another type.
    func strings(_ key: String, required: Bool = false, hint: String = "") -> [String]? {
        guard let value = value(key, required: required, hint: hint) else { return nil }
        if let text = value.freedString { return [text] }
        guard let array = value.array, !array.isEmpty else {
            report(key, "expected a string or a non-empty array of strings, got \(Self.render(value))")
            return nil
        }
        var texts: [String] = []
        for element in array {
            guard let text = element.freedString else {
                report(key, "expected a string or a non-empty array of strings, got an element \(Self.render(element))")
                return nil
            }
            texts.append(text)
        }
        return texts
    }

    /// A boolean (`true` or `false`); nil (with a problem) when of another type.
    func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.freedBool else {
            report(key, "expected true or false, got \(Self.render(value))")
            return nil
        }
        return flag
    }

    /// An integer in `range`, else `defaultValue` (with a problem if it was written wrong).
    func integer(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let value = value(key) else { return defaultValue }
        guard let number = value.freedInt else {
            report(key, "expected an integer, got \(Self.render(value))")
            return defaultValue
        }
        guard range.contains(number) else {
            report(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
            return defaultValue
        }
        return number
    }

    /// A duration (`"15s"`, or an integer of seconds) of at least `minimum`.
    func duration(_ key: String, default defaultValue: Duration, minimum: Duration) -> Duration {
        guard let value = value(key) else { return defaultValue }
        let parsed: Duration?
        if let text = value.freedString {
            parsed = ConfigDuration.parse(text)
        } else if let seconds = value.freedInt, seconds >= 0 {
            parsed = .seconds(seconds)
        } else {
            parsed = nil
        }
        guard let duration = parsed else {
            report(key, "expected a duration like \"15s\", \"2m\", \"500ms\" or \"1m30s\", got \(Self.render(value))")
            return defaultValue
        }
        guard duration >= minimum else {
            report(key, "must be at least \(ConfigDuration.format(minimum)), got \(Self.render(value))")
            return defaultValue
        }
        return duration
    }

    /// One of an enumeration's raw values; `defaultValue` when absent (nil: required).
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: E?) -> E?
    where E.RawValue == String {
        guard let text = string(key, required: defaultValue == nil) else { return defaultValue }
        if let value = E(rawValue: text) { return value }
        let names = E.allCases.map(\.rawValue)
        report(key, "expected \(ConfigSuggestion.list(names)), got \"\(text)\"\(ConfigSuggestion.hint(for: text, in: names))")
        return defaultValue
    }

    /// A URL with one of `schemes` (lowercase).
    func url(_ key: String, schemes: [String], required: Bool = false, hint: String = "") -> String? {
        guard let text = string(key, required: required, hint: hint) else { return nil }
        if let message = Self.urlProblem(text, schemes: schemes) {
            report(key, message)
            return nil
        }
        return text
    }

    /// An id: lowercase letters, digits and `-`.
    func identifier(_ key: String) -> String? {
        guard let id = string(key, required: true) else { return nil }
        let valid = id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard valid else {
            report(key, "must be lowercase letters, digits and '-' (like 'wvia-fm'), got \"\(id)\"")
            return nil
        }
        return id
    }

    // MARK: Tables

    /// A sub-table (`[daemon]`); nil when absent or not a table.
    func table(_ key: String) -> ConfigTableReader? {
        guard let value = value(key) else { return nil }
        guard let table = value.table else {
            report(key, "expected a table ([\(keyPath(key))]), got \(Self.render(value))")
            return nil
        }
        return ConfigTableReader(table, path: keyPath(key), log: log)
    }

    /// An array of tables (`[[station]]`), each with its path `key[i]`; empty when absent.
    func tables(_ key: String) -> [ConfigTableReader] {
        guard let value = value(key) else { return [] }
        guard let array = value.array else {
            let form = value.type == .table ? "a single table; write [[...]] instead of [...]" : Self.render(value)
            report(key, "expected an array of tables, got \(form)")
            return []
        }
        var readers: [ConfigTableReader] = []
        for (index, element) in array.enumerated() {
            let path = "\(keyPath(key))[\(index)]"
            guard let table = element.table else {
                log.report(path, "expected a table, got \(Self.render(element))")
                continue
            }
            readers.append(ConfigTableReader(table, path: path, log: log))
        }
        return readers
    }

    // MARK: Unknown keys

    /// Reports every key not in `known`. `elsewhere` may explain a key that is valid in other
    /// circumstances (for example another source kind); return nil to fall back to "unknown".
    func rejectUnknownKeys(known: [String], elsewhere: (String) -> String? = { _ in nil }) {
        for key in keys.sorted() where !known.contains(key) {
            report(key, elsewhere(key) ?? "unknown key '\(key)'\(ConfigSuggestion.hint(for: key, in: known))")
        }
    }

    // MARK: Helpers

    private func value(_ key: String, required: Bool = false, hint: String = "") -> TOMLValueConvertible? {
        guard let value = table[key] else {
            if required { report(key, "missing required key '\(key)'\(hint)") }
            return nil
        }
        return value
    }

    /// A value as an error message shows it: `"text"`, `15`, `15.5`, `true`, `a table`.
    static func render(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string: return "\"\(value.freedString ?? "")\""
        case .int: return value.freedInt.map(String.init) ?? "an integer"
        case .double: return value.freedDouble.map { "\($0)" } ?? "a number"
        case .bool: return value.freedBool.map { "\($0)" } ?? "a boolean"
        case .table: return "a table"
        case .array: return "an array"
        case .date, .time, .dateTime: return "a \(value.type)"
        }
    }

    /// What is wrong with `text` as a URL with one of `schemes`, or nil.
    static func urlProblem(_ text: String, schemes: [String]) -> String? {
        guard !text.contains(where: \.isWhitespace), let url = URL(string: text),
              let scheme = url.scheme?.lowercased() else {
            return "not a valid URL: \"\(text)\""
        }
        guard schemes.contains(scheme) else {
            return "unsupported URL scheme '\(scheme)' in \"\(text)\" (expected \(ConfigSuggestion.list(schemes)))"
        }
        if scheme != "file" && (url.host ?? "").isEmpty {
            return "URL has no host: \"\(text)\""
        }
        return nil
    }
}
