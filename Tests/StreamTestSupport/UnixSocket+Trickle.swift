import Foundation

/// How a trickled request ended: what the server answered, and when it closed.
public struct TrickleOutcome: Sendable {
    /// How many bytes were sent before the server closed (or all of them).
    public var sent: Int
    /// What the server sent back.
    public var answer: [UInt8]
    /// How long after the first byte the server closed; nil when it never did.
    public var closedAfter: Duration?

    /// The answer as text.
    public var text: String { String(decoding: answer, as: UTF8.self) }
}

extension UnixSocket {
    /// A slowloris client: sends `bytes` one at a time, `every` apart, and stops as soon as the
    /// server closes the connection (what it answered is kept). Blocking: call it on a thread
    /// of its own. After the last byte it keeps listening for `linger`.
    public func trickle(_ bytes: [UInt8], every: Duration = .seconds(1), linger: Duration = .zero) -> TrickleOutcome {
        let started = ContinuousClock.now
        var answer: [UInt8] = []
        var sent = 0
        let interval = TimeInterval(every.components.seconds) + TimeInterval(every.components.attoseconds) / 1e18
        // Listens for `seconds`: true when the server closed in that time.
        func listen(_ seconds: TimeInterval) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while true {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { return false }
                guard let chunk = readSome(timeout: left) else { return true }
                answer += chunk
            }
        }
        for byte in bytes {
            guard sendAll([byte]) else {
                _ = listen(1)  // a close while sending: take what was answered before it
                return TrickleOutcome(sent: sent, answer: answer, closedAfter: ContinuousClock.now - started)
            }
            sent += 1
            if listen(interval) {
                return TrickleOutcome(sent: sent, answer: answer, closedAfter: ContinuousClock.now - started)
            }
        }
        let lingerSeconds = TimeInterval(linger.components.seconds) + TimeInterval(linger.components.attoseconds) / 1e18
        if listen(lingerSeconds) {
            return TrickleOutcome(sent: sent, answer: answer, closedAfter: ContinuousClock.now - started)
        }
        return TrickleOutcome(sent: sent, answer: answer, closedAfter: nil)
    }
}
