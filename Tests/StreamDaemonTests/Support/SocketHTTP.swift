import Foundation
import Synchronization
import Testing

/// A test failure with a message (setup problems, timeouts, missing tools).
struct E2EFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A value behind a lock, shareable with closures and threads.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

/// Runs `body` on a thread of its own: blocking calls (sockets, waiting for processes) must
/// not hold the few threads of the Swift concurrency pool (the machine has 2 cores).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// An HTTP answer: status, header fields (lower-cased names), body.
struct HTTPAnswer: Sendable, CustomStringConvertible {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        guard let value = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw E2EFailure("not a JSON object (HTTP \(status)): \(text.prefix(500))")
        }
        return value
    }

    /// The body as a JSON array.
    func array() throws -> [Any] {
        guard let value = try JSONSerialization.jsonObject(with: Data(body)) as? [Any] else {
            throw E2EFailure("not a JSON array (HTTP \(status)): \(text.prefix(500))")
        }
        return value
    }

    var description: String { "HTTP \(status) \(headers) \(text.prefix(400))" }
}

/// A connected Unix stream socket, blocking, used from threads of its own (see ``offPool``).
final class UnixSocket: @unchecked Sendable {
    let fd: Int32
    private let closed = Locked(false)

    /// Connects to `path`; `receiveBuffer` shrinks SO_RCVBUF so an unread socket fills fast.
    init(path: String, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw E2EFailure("socket(): \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            // deinit closes fd (a throwing class init runs it): never close twice
            throw E2EFailure("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            throw E2EFailure("connect \(path): \(message)")
        }
    }

    deinit { closeNow() }

    /// Closes the socket (once).
    func closeNow() {
        let first = closed.withLock { c -> Bool in defer { c = true }; return !c }
        if first { close(fd) }
    }

    /// Wakes a thread blocked reading this socket (shutdown both ways).
    func shutdownBoth() {
        // Only while still open: after close the number may belong to another connection.
        closed.withLock { c in if !c { shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    /// Sends all of `bytes`; false when the peer closed first (EPIPE, ECONNRESET).
    @discardableResult
    func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Reads what is available, waiting at most `timeout` seconds. nil: the peer closed (or
    /// an error); empty: nothing came in time.
    func readSome(timeout: TimeInterval, max: Int = 65536) -> [UInt8]? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(Swift.max(0, timeout * 1000)))
        if ready == 0 { return [] }
        if ready < 0 { return errno == EINTR ? [] : nil }
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0, errno == EINTR || errno == EAGAIN { return [] }
        if n <= 0 { return nil }
        return Array(buffer[0..<n])
    }

    /// Reads until the peer closes or `timeout` passes; returns the bytes and whether it closed.
    func readToEnd(timeout: TimeInterval) -> (bytes: [UInt8], closed: Bool) {
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return (data, false) }
            guard let chunk = readSome(timeout: left) else { return (data, true) }
            data += chunk
        }
    }
}

/// A small HTTP/1.1 client over the daemon's Unix socket: raw POSIX sockets (`SocketHTTP.request`)
/// and the `curl` binary (`SocketHTTP.curl`, the "real client" path). Every blocking call runs
/// on a thread of its own.
enum SocketHTTP {
    static let curlPath = "/usr/bin/curl"

    /// One request on a fresh connection (`Connection: close`), answer read to the end.
    static func request(_ socket: String, _ method: String = "GET", _ path: String,
                        headers: [(String, String)] = [], body: [UInt8] = [],
                        timeout: TimeInterval = 10) async throws -> HTTPAnswer {
        try await offPool { try requestNow(socket, method, path, headers: headers, body: body, timeout: timeout) }
    }

    /// The blocking form of ``request``: for callers already on a thread of their own.
    static func requestNow(_ socket: String, _ method: String = "GET", _ path: String,
                           headers: [(String, String)] = [], body: [UInt8] = [],
                           timeout: TimeInterval = 10) throws -> HTTPAnswer {
        let connection = try UnixSocket(path: socket)
        defer { connection.closeNow() }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: streamd\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        guard connection.sendAll(Array(head.utf8) + body) else {
            throw E2EFailure("\(method) \(path): the daemon closed the connection while we sent the request")
        }
        let (bytes, closed) = connection.readToEnd(timeout: timeout)
        guard let answer = parse(bytes, headOnly: method == "HEAD") else {
            throw E2EFailure("\(method) \(path): no complete HTTP answer within \(timeout) s (closed: \(closed)): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
        }
        return answer
    }

    /// Parses a whole HTTP/1.1 answer (Content-Length, chunked, or read to close).
    static func parse(_ bytes: [UInt8], headOnly: Bool = false) -> HTTPAnswer? {
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

    /// `curl -sS -i --unix-socket SOCKET ARGS http://streamd/PATH`: status, headers, body.
    static func curl(_ socket: String, _ path: String, _ arguments: [String] = [],
                     timeout: Int = 10) async throws -> HTTPAnswer {
        try await offPool {
            guard FileManager.default.isExecutableFile(atPath: curlPath) else {
                throw E2EFailure("\(curlPath) is missing: the end-to-end tests need the curl binary (apt-get install curl; make test installs it)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: curlPath)
            process.arguments = ["-sS", "-i", "--max-time", String(timeout), "--unix-socket", socket]
                + arguments + ["http://streamd" + path]
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let headOnly = arguments.contains("-I") || arguments.contains("--head")
            guard process.terminationStatus == 0, let answer = parse([UInt8](data), headOnly: headOnly) else {
                throw E2EFailure("curl \(path) exited \(process.terminationStatus): \(errorText) \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
            return answer
        }
    }
}

/// One Server-Sent Events frame.
struct SSEFrame: Sendable, Equatable {
    var id: UInt64?
    var event: String?
    var data: String?
    var comment: String?
    var retry: String?
    /// When the frame was parsed.
    var at = ContinuousClock.now

    static func == (a: SSEFrame, b: SSEFrame) -> Bool {
        a.id == b.id && a.event == b.event && a.data == b.data && a.comment == b.comment && a.retry == b.retry
    }

    /// The `data:` as a JSON object.
    func object() throws -> [String: Any] {
        guard let value = try JSONSerialization.jsonObject(with: Data((data ?? "").utf8)) as? [String: Any] else {
            throw E2EFailure("SSE data is not a JSON object: \((data ?? "").prefix(300))")
        }
        return value
    }
}

/// Undoes `Transfer-Encoding: chunked` on bytes as they arrive.
struct Dechunker {
    private var pending: [UInt8] = []
    /// Body bytes still expected in the current chunk (plus its CRLF: 2).
    private var left = 0
    private var trailer = 0

    mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        pending += bytes
        var out: [UInt8] = []
        while true {
            if trailer > 0 {
                let n = min(trailer, pending.count)
                pending.removeFirst(n)
                trailer -= n
                if trailer > 0 { return out }
            }
            if left > 0 {
                let n = min(left, pending.count)
                out += pending[..<n]
                pending.removeFirst(n)
                left -= n
                if left > 0 { return out }
                trailer = 2
                continue
            }
            guard let lineEnd = pending.firstRange(of: [13, 10]) else { return out }
            let sizeText = String(decoding: pending[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            pending.removeSubrange(..<lineEnd.upperBound)
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return out }
            if size == 0 { return out }
            left = size
        }
    }
}

/// A subscriber of `/v1/events` on a raw socket, read by a thread of its own, frames collected.
final class SSESubscriber: Sendable {
    private let connection: UnixSocket
    private let state = Locked<(status: Int?, frames: [SSEFrame], ended: Bool)>((nil, [], false))

    /// Connects and sends `GET path` with `headers` (e.g. `Last-Event-ID`).
    init(socket: String, path: String = "/v1/events", headers: [(String, String)] = []) throws {
        connection = try UnixSocket(path: socket)
        var head = "GET \(path) HTTP/1.1\r\nHost: streamd\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        guard connection.sendAll(Array(head.utf8)) else { throw E2EFailure("SSE: the daemon closed at once") }
        let connection = self.connection
        let state = self.state
        let thread = Thread {
            var raw: [UInt8] = []
            var buffer: [UInt8] = []
            var inBody = false
            var chunked = false
            var dechunker = Dechunker()
            while true {
                guard let chunk = connection.readSome(timeout: 0.5) else { break }
                if chunk.isEmpty { continue }
                if inBody {
                    buffer += chunked ? dechunker.feed(chunk) : chunk
                } else {
                    raw += chunk
                    guard let end = raw.firstRange(of: [13, 10, 13, 10]) else { continue }
                    let head = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
                    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
                    chunked = head.lowercased().contains("transfer-encoding: chunked")
                    state.withLock { $0.status = status }
                    let rest = Array(raw[end.upperBound...])
                    buffer += chunked ? dechunker.feed(rest) : rest
                    inBody = true
                }
                while let end = buffer.firstRange(of: [10, 10]) {
                    let block = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                    buffer.removeSubrange(..<end.upperBound)
                    let frame = SSESubscriber.parse(block)
                    state.withLock { $0.frames.append(frame) }
                }
            }
            state.withLock { $0.ended = true }
        }
        thread.start()
    }

    static func parse(_ block: String) -> SSEFrame {
        var frame = SSEFrame()
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") { frame.comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces); continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            switch line[..<colon] {
            case "id": frame.id = UInt64(value)
            case "event": frame.event = String(value)
            case "data": frame.data = (frame.data.map { $0 + "\n" } ?? "") + value
            case "retry": frame.retry = String(value)
            default: break
            }
        }
        return frame
    }

    var status: Int? { state.withLock { $0.status } }
    var frames: [SSEFrame] { state.withLock { $0.frames } }
    /// The frames with an `event:` (snapshots and station events), in order.
    var events: [SSEFrame] { frames.filter { $0.event != nil } }
    var ended: Bool { state.withLock { $0.ended } }

    /// Waits until `condition` holds for the event frames, or `timeout` passes.
    @discardableResult
    func wait(timeout: Duration = .seconds(5), until condition: ([SSEFrame]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(events) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(events)
    }

    /// Waits until the daemon ends the stream (or `timeout` passes); whether it ended.
    func waitForEnd(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !ended && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return ended
    }

    /// Ends the subscription (the reader thread sees the close and stops).
    func close() { connection.shutdownBoth() }

    deinit { connection.shutdownBoth() }
}
