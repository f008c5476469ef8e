import Foundation

/// A secret from the configuration (an API token). Printing, interpolating, dumping or
/// mirroring it shows `<redacted>`; only ``value`` gives the text.
public struct ConfigSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    /// The secret itself. Never log it.
    public let value: String

    /// Wraps a secret.
    public init(_ value: String) {
        self.value = value
    }

    /// `<redacted>`.
    public var description: String { "<redacted>" }
    /// `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror without children, so `dump` shows nothing of the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension ConfigSecret {
    /// The secret held in the file at `path`, surrounding whitespace removed; `what` names it
    /// in the error (`token`, `password`). Throws when the file cannot be read or is empty.
    public static func read(file path: String, what: String) throws(ConfigError) -> ConfigSecret {
        let text = try ConfigFileReader.contents(of: path).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw ConfigError(file: path, problems: [ConfigProblem(keyPath: "", message: "the \(what) file is empty")])
        }
        return ConfigSecret(text)
    }
}
