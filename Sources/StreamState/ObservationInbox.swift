/// The queue from the watchers to the store: any thread sends (the engine thread among
/// them, from inside libcurl's callbacks), never blocking; ``StateStore/consume(_:)``
/// applies in order.
public struct ObservationInbox: Sendable {
    let observations: AsyncStream<Observation>
    private let continuation: AsyncStream<Observation>.Continuation

    /// An empty, open inbox.
    public init() {
        (observations, continuation) = AsyncStream.makeStream(of: Observation.self, bufferingPolicy: .unbounded)
    }

    /// Queues an observation (dropped once the inbox is finished).
    public func send(_ observation: Observation) {
        continuation.yield(observation)
    }

    /// No more observations: the consumer applies what is queued, then returns.
    public func finish() {
        continuation.finish()
    }
}
