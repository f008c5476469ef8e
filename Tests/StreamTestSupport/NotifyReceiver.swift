import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A test stand-in for systemd's notification socket: a Unix datagram socket (a path, or an
/// abstract name) that records every message a daemon sends to `$NOTIFY_SOCKET`.
public final class NotifyReceiver: Sendable {
    /// The value to put in `NOTIFY_SOCKET` (`@name` for an abstract socket).
    public let address: String
    private let fd: Int32
    private let received = Locked<[(at: Date, message: String)]>([])
    private let stopped = Locked(false)

    /// Binds a receiver; `abstract` uses the abstract namespace.
    public init(abstract: Bool = false) throws {
        let name = abstract ? "@streamd-test-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                            : FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        address = name
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard rc == 0 else { close(fd); throw Failure(message: "bind \(name): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in self.readLoop() }
        thread.start()
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !stopped.withLock({ $0 }) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                let message = String(decoding: buffer[..<n], as: UTF8.self)
                received.withLock { $0.append((Date(), message)) }
            }
        }
        close(fd)
    }

    /// Every message so far, in order (one datagram each, lines joined by newlines).
    public var messages: [String] { received.withLock { $0.map(\.message) } }

    /// Messages with the time they arrived.
    public var timedMessages: [(at: Date, message: String)] { received.withLock { $0 } }

    /// Waits until a message satisfying `match` arrives, or fails after `timeout`.
    @discardableResult
    public func wait(for what: String, timeout: Duration = .seconds(10), _ match: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let hit = messages.first(where: match) { return hit }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(message: "no \(what) within \(timeout); got \(messages)")
    }

    /// Stops reading and removes a path socket.
    public func stop() {
        stopped.withLock { $0 = true }
        if !address.hasPrefix("@") { unlink(address) }
    }

    /// A receiver failure.
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        /// Creates the error.
        public init(message: String) { self.message = message }
        public var description: String { message }
    }
}
