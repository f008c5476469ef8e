/// Why publishing to the broker cannot start, with where.
public struct MQTTPublishError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// libmosquitto refused a setting (an out-of-memory or a library too old).
        case library
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong, for the log and the exit message.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
