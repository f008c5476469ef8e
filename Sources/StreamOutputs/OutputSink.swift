/// What delivers an output's messages: one per kind (a file, a UDP socket, an encoder's TCP
/// port, an HTTP endpoint). Its lane calls ``send(_:completion:)`` one message at a time.
public protocol OutputSink: Sendable {
    /// Delivers `message`, then calls `completion` once: `nil` when it arrived, else why not.
    /// Must not block the caller for long (network sinks complete from their own threads).
    func send(_ message: OutputMessage, completion: @escaping @Sendable (OutputFailure?) -> Void)
    /// Lets go of sockets and connections; nothing is sent afterwards.
    func shutdown()
}

extension OutputSink {
    /// Nothing to let go of.
    public func shutdown() {}
}

/// Why a message did not arrive: what went wrong and, for HTTP, the status.
public struct OutputFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// `write`, `connect`, `timeout`, `refused`, `http`, `dns`, ...
    public var kind: String
    /// What happened, for the log and the state document (never a secret).
    public var message: String
    /// The HTTP status, for `http` failures.
    public var httpStatus: Int?

    /// Creates a failure.
    public init(kind: String, message: String, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
    }

    /// The message.
    public var description: String { message }
}
