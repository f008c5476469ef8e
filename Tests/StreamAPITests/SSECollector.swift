import Foundation
import Synchronization
import StreamHTTP

/// One Server-Sent Events frame as a client parses it.
struct SSEFrame: Equatable {
    var id: String?
    var event: String?
    var data: String?
    var comment: String?
    var retry: String?
}

/// Follows an event stream with the engine and collects its frames.
final class SSECollector: Sendable {
    private final class Box: Sendable {
        let state = Mutex<(frames: [SSEFrame], status: Int?, ended: Bool)>(([], nil, false))
    }
    private let box = Box()
    private let task: Task<Void, Never>

    init(engine: CurlEngine, socketPath: String, path: String = "/v1/events", headers: [(name: String, value: String)] = []) {
        let request = HTTPRequest(url: "http://streamd\(path)", headers: headers, totalTimeout: nil, acceptCompressed: false,
                                  unixSocketPath: socketPath)
        let box = self.box
        task = Task {
            var pending = ""
            do {
                for try await event in engine.stream(request) {
                    switch event {
                    case .head(let head):
                        box.state.withLock { $0.status = head.status }
                    case .body(let bytes):
                        pending += String(decoding: bytes, as: UTF8.self)
                        while let end = pending.range(of: "\n\n") {
                            let block = String(pending[..<end.lowerBound])
                            pending = String(pending[end.upperBound...])
                            let frame = SSECollector.parse(block)
                            box.state.withLock { $0.frames.append(frame) }
                        }
                    }
                }
            } catch {}
            box.state.withLock { $0.ended = true }
        }
    }

    static func parse(_ block: String) -> SSEFrame {
        var frame = SSEFrame()
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") { frame.comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces); continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            switch line[..<colon] {
            case "id": frame.id = String(value)
            case "event": frame.event = String(value)
            case "data": frame.data = String(value)
            case "retry": frame.retry = String(value)
            default: break
            }
        }
        return frame
    }

    var frames: [SSEFrame] { box.state.withLock { $0.frames } }
    var status: Int? { box.state.withLock { $0.status } }
    var ended: Bool { box.state.withLock { $0.ended } }

    /// The event frames (those with an `event:`), in order.
    var events: [SSEFrame] { frames.filter { $0.event != nil } }

    /// Waits until `condition` holds for the frames (polling), or `timeout` passes.
    @discardableResult
    func wait(timeout: Duration = .seconds(5), until condition: ([SSEFrame]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(frames) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(frames)
    }

    func cancel() { task.cancel() }
}
