import NIOHTTP1

/// The body of every error answer: `{"error":{"code":"not-found","message":"..."}}`.
public struct APIErrorBody: Codable, Sendable, Equatable {
    /// The code and message.
    public struct Detail: Codable, Sendable, Equatable {
        /// A stable, machine-readable code: `not-found`, `method-not-allowed`, `bad-request`,
        /// `too-large`, `head-too-large`, `request-timeout`, `forbidden`, `reload-refused`, `unavailable`.
        public var code: String
        /// What went wrong, for people.
        public var message: String
    }

    /// The error.
    public var error: Detail

    /// Creates an error body.
    public init(code: String, message: String) {
        self.error = Detail(code: code, message: message)
    }
}

/// An error answer: its status, body and any extra headers (`Allow` for 405).
struct APIError: Error, Sendable {
    var status: HTTPResponseStatus
    var body: APIErrorBody
    var headers: [(String, String)] = []

    init(_ status: HTTPResponseStatus, _ code: String, _ message: String, headers: [(String, String)] = []) {
        self.status = status
        self.body = APIErrorBody(code: code, message: message)
        self.headers = headers
    }

    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not-found", message) }
    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad-request", message) }
    static func methodNotAllowed(_ method: String, _ path: String, allow: [String]) -> APIError {
        APIError(.methodNotAllowed, "method-not-allowed", "\(method) is not allowed on \(path); use \(allow.joined(separator: " or "))",
                 headers: [("Allow", allow.joined(separator: ", "))])
    }
    static func headTooLarge(_ limit: Int) -> APIError {
        APIError(.requestHeaderFieldsTooLarge, "head-too-large", "the request head is over the \(limit)-byte limit")
    }
    static func requestTimeout(_ limit: Duration) -> APIError {
        APIError(.requestTimeout, "request-timeout", "the request did not arrive within \(limit.apiMilliseconds / 1000) s")
    }
    static func bodyTooLarge(_ limit: Int) -> APIError {
        APIError(.payloadTooLarge, "too-large", "the request body is over the \(limit)-byte limit")
    }
    static func tooManySubscribers(_ limit: Int) -> APIError {
        APIError(.serviceUnavailable, "unavailable", "too many event subscribers (limit \(limit)); try again shortly",
                 headers: [("Retry-After", "2")])
    }
    static func tooManyConnections(_ limit: Int) -> APIError {
        APIError(.serviceUnavailable, "unavailable", "too many connections (limit \(limit)); try again shortly",
                 headers: [("Retry-After", "1")])
    }
}
