import Foundation

/// An HTTP answer: status, header fields (lower-cased names), body.
public struct HTTPAnswer: Sendable, CustomStringConvertible {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object.
    public func object() throws -> [String: Any] {
        guard let value = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestFailure("not a JSON object (HTTP \(status)): \(text.prefix(500))")
        }
        return value
    }

    /// The body as a JSON array.
    public func array() throws -> [Any] {
        guard let value = try JSONSerialization.jsonObject(with: Data(body)) as? [Any] else {
            throw TestFailure("not a JSON array (HTTP \(status)): \(text.prefix(500))")
        }
        return value
    }

    public var description: String { "HTTP \(status) \(headers) \(text.prefix(400))" }
}
