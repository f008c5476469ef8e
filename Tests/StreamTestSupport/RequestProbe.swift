import Foundation

/// A plain client on a thread of its own: `GET path` on a fresh connection every `interval`
/// until stopped, each status (0: no answer) and how long the exchange took on that thread.
/// For "the server keeps answering others while ..." checks: timed on its own thread, the
/// figures do not include waiting for a turn on the (small) Swift concurrency pool.
public final class RequestProbe: @unchecked Sendable {
    /// One request's outcome.
    public struct Sample: Sendable {
        /// The HTTP status; 0 when no whole answer came.
        public var status: Int
        /// Connect, send and read to the end.
        public var took: Duration
    }

    private let samples = Locked<[Sample]>([])
    private let stopped = Locked(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts probing `socket`.
    public init(socket: String, path: String = "/v1/now", interval: Duration = .milliseconds(250), timeout: TimeInterval = 10) {
        let seconds = TimeInterval(interval.components.seconds) + TimeInterval(interval.components.attoseconds) / 1e18
        let thread = Thread { [samples, stopped, finished] in
            while !stopped.value {
                let started = ContinuousClock.now
                let status = (try? SocketHTTP.requestNow(socket, "GET", path, timeout: timeout).status) ?? 0
                samples.withLock { $0.append(Sample(status: status, took: ContinuousClock.now - started)) }
                Thread.sleep(forTimeInterval: seconds)
            }
            finished.signal()
        }
        thread.name = "test.probe"
        thread.start()
    }

    /// Stops (after the request under way) and returns every sample.
    public func stop() async -> [Sample] {
        stopped.withLock { $0 = true }
        let finished = self.finished
        _ = try? await onOwnThread("test.probe.stop") { finished.wait() }
        return samples.value
    }
}

extension Array where Element == RequestProbe.Sample {
    /// The median time taken (zero when empty).
    public var medianTook: Duration {
        let times = map(\.took).sorted()
        return times.isEmpty ? .zero : times[times.count / 2]
    }

    /// The longest time taken (zero when empty).
    public var slowestTook: Duration { map(\.took).max() ?? .zero }
}
