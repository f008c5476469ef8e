import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A connected Unix stream socket, blocking, used from threads of its own (see ``offPool``).
public final class UnixSocket: @unchecked Sendable {
    public let fd: Int32
    private let closed = Locked(false)

    /// Connects to `path`; `receiveBuffer` shrinks SO_RCVBUF so an unread socket fills fast.
    public init(path: String, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket(): \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            // deinit closes fd (a throwing class init runs it): never close twice
            throw TestFailure("socket path too long: \(path)")
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
            throw TestFailure("connect \(path): \(message)")
        }
    }

    deinit { closeNow() }

    /// Closes the socket (once).
    public func closeNow() {
        let first = closed.withLock { c -> Bool in defer { c = true }; return !c }
        if first { close(fd) }
    }

    /// Wakes a thread blocked reading this socket (shutdown both ways).
    public func shutdownBoth() {
        // Only while still open: after close the number may belong to another connection.
        closed.withLock { c in if !c { shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    /// Sends all of `bytes`; false when the peer closed first (EPIPE, ECONNRESET).
    @discardableResult
    public func sendAll(_ bytes: [UInt8]) -> Bool {
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
    public func readSome(timeout: TimeInterval, max: Int = 65536) -> [UInt8]? {
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
    public func readToEnd(timeout: TimeInterval) -> (bytes: [UInt8], closed: Bool) {
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return (data, false) }
            guard let chunk = readSome(timeout: left) else { return (data, true) }
            data += chunk
        }
    }

    // MARK: From async code (each call on a thread of its own)

    /// Sends all of `bytes`; false when the peer closed first.
    @discardableResult
    public func send(_ bytes: [UInt8]) async -> Bool {
        (try? await onOwnThread("test.socket.send") { self.sendAll(bytes) }) ?? false
    }

    /// Sends `text` as UTF-8; false when the peer closed first.
    @discardableResult
    public func send(_ text: String) async -> Bool {
        await send(Array(text.utf8))
    }

    /// Reads until the peer closes or `timeout` passes: what came, as text, and whether it
    /// closed.
    public func readAll(timeout: TimeInterval = 5) async -> (text: String, closed: Bool) {
        let result: (bytes: [UInt8], closed: Bool) = (try? await onOwnThread("test.socket.read") { self.readToEnd(timeout: timeout) }) ?? ([], false)
        return (String(decoding: result.bytes, as: UTF8.self), result.closed)
    }
}
