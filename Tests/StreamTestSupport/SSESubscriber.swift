import Foundation

/// One Server-Sent Events frame.
public struct SSEFrame: Sendable, Equatable {
    public var id: UInt64?
    public var event: String?
    public var data: String?
    public var comment: String?
    public var retry: String?
    /// When the frame was parsed.
    public var at = ContinuousClock.now

    /// An empty frame.
    public init() {}

    public static func == (a: SSEFrame, b: SSEFrame) -> Bool {
        a.id == b.id && a.event == b.event && a.data == b.data && a.comment == b.comment && a.retry == b.retry
    }

    /// The `data:` as a JSON object.
    public func object() throws -> [String: Any] {
        guard let value = try JSONSerialization.jsonObject(with: Data((data ?? "").utf8)) as? [String: Any] else {
            throw TestFailure("SSE data is not a JSON object: \((data ?? "").prefix(300))")
        }
        return value
    }
}

/// Undoes `Transfer-Encoding: chunked` on bytes as they arrive.
public struct Dechunker {
    /// A dechunker at the start of a body.
    public init() {}

    private var pending: [UInt8] = []
    /// Body bytes still expected in the current chunk (plus its CRLF: 2).
    private var left = 0
    private var trailer = 0

    public mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
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
public final class SSESubscriber: Sendable {
    private let connection: UnixSocket
    private let state = Locked<(status: Int?, frames: [SSEFrame], ended: Bool)>((nil, [], false))

    /// Connects and sends `GET path` with `headers` (e.g. `Last-Event-ID`).
    public init(socket: String, path: String = "/v1/events", headers: [(String, String)] = []) throws {
        connection = try UnixSocket(path: socket)
        var head = "GET \(path) HTTP/1.1\r\nHost: streamd\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        guard connection.sendAll(Array(head.utf8)) else { throw TestFailure("SSE: the daemon closed at once") }
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

    public static func parse(_ block: String) -> SSEFrame {
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

    public var status: Int? { state.withLock { $0.status } }
    public var frames: [SSEFrame] { state.withLock { $0.frames } }
    /// The frames with an `event:` (snapshots and station events), in order.
    public var events: [SSEFrame] { frames.filter { $0.event != nil } }
    public var ended: Bool { state.withLock { $0.ended } }

    /// Waits until `condition` holds for the event frames, or `timeout` passes.
    @discardableResult
    public func wait(timeout: Duration = .seconds(5), until condition: ([SSEFrame]) -> Bool) async -> Bool {
        await waitForFrames(timeout: timeout) { condition($0.filter { $0.event != nil }) }
    }

    /// Waits until `condition` holds for every frame so far (comments and `retry:` included).
    @discardableResult
    public func waitForFrames(timeout: Duration = .seconds(5), until condition: ([SSEFrame]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(frames) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(frames)
    }

    /// Waits until the daemon ends the stream (or `timeout` passes); whether it ended.
    public func waitForEnd(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !ended && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return ended
    }

    /// Ends the subscription (the reader thread sees the close and stops).
    public func close() { connection.shutdownBoth() }

    deinit { connection.shutdownBoth() }
}
