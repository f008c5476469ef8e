import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client over the daemon's Unix socket: raw POSIX sockets (`SocketHTTP.request`)
/// and the `curl` binary (`SocketHTTP.curl`, the "real client" path). Every blocking call runs
/// on a thread of its own.
public enum SocketHTTP {
    static let curlPath = "/usr/bin/curl"

    /// One request on a fresh connection (`Connection: close`), answer read to the end.
    public static func request(_ socket: String, _ method: String = "GET", _ path: String,
                        headers: [(String, String)] = [], body: [UInt8] = [],
                        timeout: TimeInterval = 10) async throws -> HTTPAnswer {
        try await onOwnThread("test.socket") { try requestNow(socket, method, path, headers: headers, body: body, timeout: timeout) }
    }

    /// The blocking form of ``request``: for callers already on a thread of their own.
    public static func requestNow(_ socket: String, _ method: String = "GET", _ path: String,
                           headers: [(String, String)] = [], body: [UInt8] = [],
                           timeout: TimeInterval = 10) throws -> HTTPAnswer {
        let connection = try UnixSocket(path: socket)
        defer { connection.closeNow() }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: streamd\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        guard connection.sendAll(Array(head.utf8) + body) else {
            throw TestFailure("\(method) \(path): the daemon closed the connection while we sent the request")
        }
        let (bytes, closed) = connection.readToEnd(timeout: timeout)
        guard let answer = parse(bytes, headOnly: method == "HEAD") else {
            throw TestFailure("\(method) \(path): no complete HTTP answer within \(timeout) s (closed: \(closed)): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
        }
        return answer
    }

    /// Parses a whole HTTP/1.1 answer (Content-Length, chunked, or read to close).
    public static func parse(_ bytes: [UInt8], headOnly: Bool = false) -> HTTPAnswer? {
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[end.upperBound...])
        if headOnly || status == 304 || status == 204 {
            body = []
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = dechunk(body)
        } else if let length = headers["content-length"].flatMap(Int.init) {
            guard body.count >= length else { return nil }
            body = Array(body.prefix(length))
        }
        return HTTPAnswer(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var rest = bytes[...]
        while let lineEnd = rest.firstRange(of: [13, 10]) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            out += rest[start..<rest.index(start, offsetBy: size)]
            rest = rest[rest.index(start, offsetBy: size)...].dropFirst(2)
        }
        return out
    }

    // MARK: curl

    /// `curl -sS -i --unix-socket SOCKET ARGS http://streamd/PATH`: status, headers, body. Throws
    /// when curl fails or the answer is not HTTP.
    public static func curl(_ socket: String, _ path: String, _ arguments: [String] = [],
                            timeout: Int = 10) async throws -> HTTPAnswer {
        let result = try await Curl.run(["--unix-socket", socket] + arguments + ["http://streamd" + path], timeout: timeout)
        guard result.exitCode == 0, result.status > 0 else {
            throw TestFailure("curl \(path) exited \(result.exitCode): \(result.body.prefix(300))")
        }
        return HTTPAnswer(status: result.status, headers: result.headers, body: Array(result.body.utf8))
    }
}
