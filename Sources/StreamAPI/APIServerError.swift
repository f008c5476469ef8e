/// Why the socket API could not start: what went wrong and where.
public struct APIServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure.
    public enum Code: String, Sendable, Equatable {
        /// A TCP address is already in use by another process.
        case addressInUse = "address-in-use"
        /// A live server already answers on the Unix socket path (another streamd running).
        case daemonAlreadyRunning = "daemon-already-running"
        /// The path exists and is not a socket; streamd will not delete it.
        case notASocket = "not-a-socket"
        /// The folder that should hold the Unix socket is missing and cannot be created.
        case noSocketFolder = "no-socket-folder"
        /// The Unix socket path is longer than the system allows.
        case pathTooLong = "path-too-long"
        /// Binding, listening or setting the file mode failed for another reason.
        case bindFailed = "bind-failed"
        /// An inherited file descriptor could not be used as a listening socket.
        case badInheritedSocket = "bad-inherited-socket"
    }

    /// The class of failure.
    public var code: Code
    /// What happened, naming the path, address or descriptor.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
