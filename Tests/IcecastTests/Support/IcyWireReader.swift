import Foundation
import StreamTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A plain ICY listener on a thread of its own: connects with `Icy-MetaData: 1`, skips the
/// audio and keeps every metadata block's raw bytes. It shows what Icecast really puts on
/// the wire (Latin-1 with `&#NNNN;`, or UTF-8), independently of streamd.
final class IcyWireReader: @unchecked Sendable {
    private let lock = NSLock()
    private var blocks: [[UInt8]] = []
    private var failure: String?
    private var fd: Int32 = -1
    private var stopped = false

    /// Connects to `mount` on the Icecast at `port` and starts reading.
    init(port: Int, mount: String) async throws {
        let fd = try await onOwnThread("icy connect") { try LoopbackTCP.connect(port: port, timeout: 10) }
        lock.withLock { self.fd = fd }
        let thread = Thread { [self] in
            do {
                try read(fd: fd, port: port, mount: mount)
            } catch {
                lock.withLock { if !stopped { failure = "\(error)" } }
            }
        }
        thread.name = "icy reader \(mount)"
        thread.start()
    }

    private func read(fd: Int32, port: Int, mount: String) throws {
        try LoopbackTCP.sendAll(fd, Array("GET \(mount) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nIcy-MetaData: 1\r\n\r\n".utf8))
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16384)
        func fill(_ count: Int) throws {
            while buffer.count < count {
                let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard got > 0 else { throw TestFailure(got == 0 ? "the server closed the stream" : "recv: errno \(errno)") }
                buffer += chunk[0..<got]
            }
        }
        while LoopbackTCP.headEnd(buffer) == nil { try fill(buffer.count + 1) }
        let end = LoopbackTCP.headEnd(buffer)!
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeSubrange(..<(end + 4))
        guard let line = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("icy-metaint:") }),
              let metaint = Int(line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)) else {
            throw TestFailure("no icy-metaint in \(head)")
        }
        while true {
            try fill(metaint + 1)
            let length = Int(buffer[metaint]) * 16
            try fill(metaint + 1 + length)
            if length > 0 {
                let payload = Array(buffer[(metaint + 1)..<(metaint + 1 + length)].prefix { $0 != 0 })
                lock.withLock { blocks.append(payload) }
            }
            buffer.removeSubrange(..<(metaint + 1 + length))
        }
    }

    /// Every metadata block so far (NUL padding removed).
    var received: [[UInt8]] { lock.withLock { blocks } }

    /// Waits until a block's bytes contain `bytes`; returns that block.
    @discardableResult
    func waitForBlock(containing bytes: [UInt8], timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await eventually("an ICY metadata block containing \(Self.show(bytes))", timeout: timeout,
                             detail: { self.lock.withLock { (self.blocks.last.map(Self.show) ?? "none") + (self.failure.map { " error: \($0)" } ?? "") } }) {
            self.received.last { $0.firstRange(of: bytes) != nil }
        }
    }

    /// Bytes as text with non-ASCII shown as `\xNN`.
    static func show(_ bytes: [UInt8]) -> String {
        bytes.map { (0x20...0x7E).contains($0) ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
    }

    /// Closes the connection.
    func stop() {
        lock.withLock {
            stopped = true
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }
}
