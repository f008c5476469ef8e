import Foundation

/// What came back for bytes sent as they are: the raw answer, whether the server closed, and
/// the answer parsed when it is whole.
public struct RawExchange: Sendable, CustomStringConvertible {
    /// Every byte the server sent.
    public var bytes: [UInt8]
    /// Whether the server closed the connection (within the timeout).
    public var closed: Bool
    /// The first answer, parsed; nil when none came whole.
    public var answer: HTTPAnswer?

    /// The bytes as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether it closed, and the start of the answer, for failure messages.
    public var description: String { "closed: \(closed), \(text.prefix(400))" }
}

extension SocketHTTP {
    /// Sends `bytes` exactly as given on a fresh connection (no header added), then reads until
    /// the server closes or `timeout` passes. For requests a well-behaved client never sends:
    /// odd method tokens, bad targets, malformed heads.
    public static func exchange(_ socket: String, _ bytes: [UInt8], headOnly: Bool = false,
                                timeout: TimeInterval = 5) async throws -> RawExchange {
        try await onOwnThread("test.socket.raw") {
            let connection = try UnixSocket(path: socket)
            defer { connection.closeNow() }
            _ = connection.sendAll(bytes)  // the server may close before all of it is sent
            let (received, closed) = connection.readToEnd(timeout: timeout)
            return RawExchange(bytes: received, closed: closed, answer: parse(received, headOnly: headOnly))
        }
    }

    /// ``exchange(_:_:headOnly:timeout:)`` with a request line and header lines, each ended with
    /// CRLF, then a blank line: `Host: streamd` and `Connection: close` come first.
    public static func exchange(_ socket: String, requestLine: String, headers: [String] = [],
                                timeout: TimeInterval = 5) async throws -> RawExchange {
        let lines = [requestLine, "Host: streamd", "Connection: close"] + headers
        let head = lines.joined(separator: "\r\n") + "\r\n\r\n"
        let isHead = requestLine.hasPrefix("HEAD ")
        return try await exchange(socket, Array(head.utf8), headOnly: isHead, timeout: timeout)
    }
}
