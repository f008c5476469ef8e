import Foundation

/// A bare Unix-socket client for what HTTP libraries will not send: garbage, huge heads,
/// a subscriber that never reads.
final class RawSocketClient: @unchecked Sendable {
    let fd: Int32

    /// Connects to `path`; `receiveBuffer` shrinks SO_RCVBUF so an unread socket fills fast.
    init(path: String, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw APITestFailure("socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            // no close here: a throwing init of a class runs deinit, which closes fd once
            // (closing twice could close a descriptor another test just opened)
            throw APITestFailure("connect \(path): \(message)")
        }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false if the server closed first (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        (try? await apiBlocking { self.sendNow(bytes) }) ?? false
    }

    private func sendNow(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Reads until the server closes or `timeout` passes; returns what came and whether it closed.
    func readToEnd(timeout: TimeInterval = 5) async -> (text: String, closed: Bool) {
        (try? await apiBlocking { self.readNow(timeout: timeout) }) ?? ("", false)
    }

    private func readNow(timeout: TimeInterval) -> (text: String, closed: Bool) {
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (String(decoding: data, as: UTF8.self), true) }
            data.append(contentsOf: buffer[0..<n])
        }
        return (String(decoding: data, as: UTF8.self), false)
    }
}
