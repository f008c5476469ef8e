import Foundation

/// What the loopback server answers on one path. Build one with the static helpers and
/// adjust fields (delays, dribbling, abrupt close) as the test needs.
public struct LoopbackRoute: Sendable {
    /// The first line sent, e.g. `HTTP/1.1 200 OK` or `ICY 200 OK`.
    public var statusLine: String
    /// Header fields, sent in order.
    public var headers: [(String, String)]
    /// The body.
    public var body: Body
    /// Wait this long after the request before sending anything.
    public var headDelay: Duration = .zero
    /// Send the body in pieces: `bytes` every `interval` (nil sends it at once).
    public var dribble: (bytes: Int, interval: Duration)?
    /// Close the connection abruptly after this many body bytes.
    public var closeAfterBodyBytes: Int?
    /// For an ``Body/icy(metaint:bytesPerSecond:)`` body: after this many body bytes, send
    /// audio filler only, without metadata blocks (the stream changed format mid-way).
    public var icyPlainAfterBytes: Int?

    /// Where body bytes come from.
    public enum Body: Sendable {
        /// A fixed body, then the connection closes.
        case fixed([UInt8])
        /// An endless ICY stream: audio filler with a metadata block every `metaint` bytes
        /// carrying the path's current title (see ``LoopbackServer/setTitle(_:for:)``).
        case icy(metaint: Int, bytesPerSecond: Int)
        /// Chunks from a generator, one per dribble interval, until it returns nil.
        case generated(@Sendable (Int) -> [UInt8]?)
    }

    /// Creates a route.
    public init(statusLine: String, headers: [(String, String)] = [], body: Body = .fixed([])) {
        self.statusLine = statusLine
        self.headers = headers
        self.body = body
    }

    /// A response with a status code and a body.
    public static func status(_ code: Int, _ text: String = "", contentType: String = "text/plain",
                              headers: [(String, String)] = []) -> LoopbackRoute {
        let bytes = Array(text.utf8)
        return LoopbackRoute(
            statusLine: "HTTP/1.1 \(code) \(reason(code))",
            headers: [("Content-Type", contentType), ("Content-Length", "\(bytes.count)")] + headers,
            body: .fixed(bytes))
    }

    /// 200 with a body.
    public static func ok(_ text: String, contentType: String = "text/plain",
                          headers: [(String, String)] = []) -> LoopbackRoute {
        status(200, text, contentType: contentType, headers: headers)
    }

    /// 200 with raw bytes.
    public static func bytes(_ bytes: [UInt8], contentType: String = "application/octet-stream") -> LoopbackRoute {
        LoopbackRoute(statusLine: "HTTP/1.1 200 OK",
                      headers: [("Content-Type", contentType), ("Content-Length", "\(bytes.count)")],
                      body: .fixed(bytes))
    }

    /// A 302 to `location` (a path on this server or a full URL).
    public static func redirect(to location: String, code: Int = 302) -> LoopbackRoute {
        LoopbackRoute(statusLine: "HTTP/1.1 \(code) \(reason(code))",
                      headers: [("Location", location), ("Content-Length", "0")])
    }

    /// `text` gzip-compressed (by Debian's `gzip`), with `Content-Encoding: gzip`.
    public static func gzip(_ text: String) throws -> LoopbackRoute {
        let compressed = try GzipTool.compress(Array(text.utf8))
        return LoopbackRoute(statusLine: "HTTP/1.1 200 OK",
                             headers: [("Content-Type", "text/plain"), ("Content-Encoding", "gzip"),
                                       ("Content-Length", "\(compressed.count)")],
                             body: .fixed(compressed))
    }

    /// An endless ICY stream. `statusLine` may be `ICY 200 OK` (SHOUTcast v1) and the
    /// header spelling follows Icecast (`icy-metaint:16000`, no space) unless told otherwise.
    public static func icyStream(metaint: Int = 16000, bytesPerSecond: Int = 16000,
                                 statusLine: String = "HTTP/1.0 200 OK",
                                 extraHeaders: [(String, String)] = [("icy-name", "Loopback FM")]) -> LoopbackRoute {
        LoopbackRoute(statusLine: statusLine,
                      headers: [("Content-Type", "audio/mpeg"), ("icy-metaint", "\(metaint)")] + extraHeaders,
                      body: .icy(metaint: metaint, bytesPerSecond: bytesPerSecond))
    }

    static func reason(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 404: "Not Found"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// Compression through Debian's `gzip` binary, so the bytes are what a real server sends.
enum GzipTool {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(description: "gzip exited \(process.terminationStatus)") }
        return [UInt8](output)
    }
}
