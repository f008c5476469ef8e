import Foundation
import StreamHTTP
import StreamState

/// Talks to a running daemon over its Unix socket, through the engine (libcurl's
/// `CURLOPT_UNIX_SOCKET_PATH`): what the client commands and the terminal screen use.
public struct DaemonClient: Sendable {
    /// The daemon's socket.
    public let socket: String
    let engine: CurlEngine

    /// A client for the daemon listening on `socket`.
    public init(socket: String, engine: CurlEngine) {
        self.socket = socket
        self.engine = engine
    }

    /// GETs `path` and decodes the JSON answer. Throws ``DaemonClientError``.
    public func get<T: Decodable>(_ path: String, as type: T.Type) async throws(DaemonClientError) -> T {
        let body = try await getBody(path)
        do {
            return try StateDocument.makeDecoder().decode(T.self, from: Data(body))
        } catch {
            throw DaemonClientError(code: .badAnswer, message: "the daemon's answer to \(path) did not decode: \(error)")
        }
    }

    /// GETs `path` and returns the body of a 2xx answer (or of a status in `alsoAccepted`,
    /// such as `/v1/health`'s 503 "down", which still carries the report).
    public func getBody(_ path: String, alsoAccepted: Set<Int> = []) async throws(DaemonClientError) -> [UInt8] {
        let response: HTTPResponse
        do {
            response = try await engine.fetch(request(path))
        } catch {
            throw DaemonClientError(unreachable: socket, error)
        }
        guard response.head.isSuccess || alsoAccepted.contains(response.status) else {
            throw DaemonClientError(answer: response, path: path)
        }
        return response.body
    }

    /// The request for `path` on the daemon's socket.
    public func request(_ path: String, streaming: Bool = false) -> HTTPRequest {
        HTTPRequest(url: "http://streamd" + path, connectTimeout: .seconds(3),
                    totalTimeout: streaming ? nil : .seconds(10), maxBodyBytes: streaming ? nil : 16 << 20,
                    unixSocketPath: socket)
    }
}

/// A client command that could not get its answer.
public struct DaemonClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// Nothing answers on the socket (exit 69).
        case unreachable
        /// The user may not use the socket (exit 77).
        case permissionDenied
        /// The daemon answered with an error (e.g. unknown station).
        case refused
        /// The answer was not what the client expected.
        case badAnswer
    }

    /// What went wrong.
    public var code: Code
    /// One line for the user.
    public var message: String
    /// The HTTP status, when the daemon answered.
    public var status: Int?

    /// Creates an error.
    public init(code: Code, message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    init(unreachable socket: String, _ error: HTTPError) {
        if error.kind == .timeout {
            self.init(code: .unreachable, message: "streamd on \(socket) did not answer in time; is the daemon hung?")
            return
        }
        let access = SocketAccess.diagnose(socket)
        if case .permissionDenied = access {
            self.init(code: .permissionDenied, message: access.message(for: socket))
        } else {
            self.init(code: .unreachable, message: access.message(for: socket))
        }
    }

    init(answer: HTTPResponse, path: String) {
        let detail = (try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(answer.body)))?.error.message
        self.init(code: .refused, message: detail ?? "HTTP \(answer.status) for \(path)", status: answer.status)
    }

    /// The message.
    public var description: String { message }

    private struct ErrorEnvelope: Decodable {
        struct Body: Decodable { let message: String }
        let error: Body
    }
}
