/// What is to be published: the latest payload of every retained topic, which of them the
/// broker has not been handed yet, and how many messages are in flight. Pure: the session
/// calls it under its lock.
///
/// Only the latest value per topic is kept: while the broker is away or slow, a station that
/// changes ten times is sent once, with its latest value. On every (re)connection every topic
/// is sent again, so the broker's retained copies are whole after it restarted empty.
public struct MQTTOutbox: Sendable {
    /// The latest payload per topic (an empty one clears the broker's retained message).
    public private(set) var latest: [String: [UInt8]] = [:]
    /// Topics whose latest payload is still to be sent, oldest change first, from `head` on.
    private var pending: [String] = []
    private var head = 0
    private var isPending: Set<String> = []
    /// Messages handed to the broker and not yet confirmed.
    public private(set) var inFlight = 0
    /// The most messages in flight at once.
    public let window: Int

    /// An empty outbox that lets `window` messages be in flight at once.
    public init(window: Int = 64) {
        self.window = max(1, window)
    }

    /// Sets `topic`'s latest payload; false (nothing to send) when it is the one already kept.
    @discardableResult
    public mutating func set(_ topic: String, _ payload: [UInt8]) -> Bool {
        guard latest[topic] != payload else { return false }
        latest[topic] = payload
        markPending(topic)
        return true
    }

    /// Clears every topic starting with `prefix` that is not in `keep` (a station removed by
    /// a reload): its retained message is replaced by an empty one, which deletes it.
    public mutating func clear(prefix: String, keeping keep: Set<String>) {
        for (topic, payload) in latest where topic.hasPrefix(prefix) && !keep.contains(topic) && !payload.isEmpty {
            set(topic, [])
        }
    }

    /// After a (re)connection: every topic is to be sent again; nothing is in flight.
    public mutating func connected() {
        inFlight = 0
        for topic in latest.keys.sorted() { markPending(topic) }
    }

    /// After the connection was lost: what was in flight is sent again on the next one.
    public mutating func disconnected() {
        inFlight = 0
    }

    /// The next messages to send now (as many as the window allows), counted in flight.
    public mutating func take() -> [(topic: String, payload: [UInt8])] {
        var messages: [(topic: String, payload: [UInt8])] = []
        while inFlight < window, head < pending.count {
            let topic = pending[head]
            head += 1
            isPending.remove(topic)
            guard let payload = latest[topic] else { continue }
            messages.append((topic, payload))
            inFlight += 1
        }
        if head == pending.count || head > 1024 {
            pending.removeFirst(head)
            head = 0
        }
        return messages
    }

    /// A message could not be handed over after `take()`: it stays to be sent.
    public mutating func putBack(_ topic: String) {
        inFlight = max(0, inFlight - 1)
        markPending(topic)
    }

    /// The broker confirmed a message (or, for QoS 0, it was written).
    public mutating func confirmed() {
        inFlight = max(0, inFlight - 1)
    }

    /// Whether everything kept has been sent and confirmed.
    public var isSettled: Bool { head == pending.count && inFlight == 0 }

    private mutating func markPending(_ topic: String) {
        if isPending.insert(topic).inserted { pending.append(topic) }
    }
}
