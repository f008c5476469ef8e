import Foundation
import StreamTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a monotonic clock, from a fixed point of this test process (for measuring how
/// long something took; the same clock as ``SSEFrame/at``).
func monotonicNow() -> Double {
    seconds(ContinuousClock.now - monotonicOrigin)
}

/// The reference point of ``monotonicNow()``.
let monotonicOrigin = ContinuousClock.now

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Small blocking TCP helpers for 127.0.0.1 (run them through `onOwnThread`).
enum LoopbackTCP {
    /// A port nobody listens on right now.
    static func freePort() throws -> Int { try LoopbackPort.free() }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A connected socket with send/receive timeouts.
    static func connect(port: Int, timeout: Double) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket(): errno \(errno)") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw TestFailure("connect(127.0.0.1:\(port)): \(String(cString: strerror(code)))")
        }
        return fd
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestFailure("send(): errno \(errno)") }
            offset += sent
        }
    }

    /// An HTTP/1.0 answer read to the end of the connection (Icecast closes after each).
    struct Response: Sendable {
        var status: Int
        var head: String
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// `GET path` over HTTP/1.0; reads until the server closes (at most `limit` bytes).
    static func get(port: Int, path: String, headers: [(String, String)] = [], timeout: Double = 5,
                    limit: Int = 1 << 20) throws -> Response {
        let fd = try connect(port: port, timeout: timeout)
        defer { close(fd) }
        var request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: streamd-icecast-tests\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        try sendAll(fd, Array(request.utf8))
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while data.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw TestFailure("recv() from 127.0.0.1:\(port)\(path): errno \(errno)") }
            data += buffer[0..<count]
        }
        guard let end = headEnd(data) else { throw TestFailure("no HTTP head from 127.0.0.1:\(port)\(path)") }
        let head = String(decoding: data[..<end], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw TestFailure("bad status line \(statusLine)") }
        return Response(status: status, head: head, body: Array(data[(end + 4)...]))
    }

    /// The index of the `\r\n\r\n` that ends an HTTP head.
    static func headEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for index in 0...(data.count - 4)
        where data[index] == 13 && data[index + 1] == 10 && data[index + 2] == 13 && data[index + 3] == 10 {
            return index
        }
        return nil
    }
}
