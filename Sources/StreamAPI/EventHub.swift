import NIOCore
import StreamState
import NIOConcurrencyHelpers

/// Fans every change of the state document out to event-stream subscribers.
///
/// The daemon's store calls ``publish(_:changed:)`` after each change; each subscriber gets
/// the encoded frame in its own bounded queue (encoded once, shared). The hub keeps the last
/// `replayLimit` station events so a client that reconnects with `Last-Event-ID` gets what it
/// missed instead of a new snapshot. Publishing never blocks on a subscriber: one that falls
/// behind by more than its buffer is dropped.
public final class EventHub: Sendable {
    private let replayLimit: Int
    private let state = NIOLockedValueBox(State())

    struct State {
        var document: StateDocument?
        /// The encoded snapshot of `document`, made on first need.
        var snapshot: ByteBuffer?
        /// Station events after `replayBase`, oldest first, contiguous in document changes.
        var replay: [(sequence: UInt64, frame: ByteBuffer)] = []
        /// Every station event after this sequence is in `replay`.
        var replayBase: UInt64?
        var subscribers: [UInt64: EventSubscription] = [:]
        var nextID: UInt64 = 1
        var dropped: UInt64 = 0
    }

    /// Creates a hub that keeps the last `replayLimit` station events for reconnecting clients.
    public init(replayLimit: Int = 1024) {
        self.replayLimit = max(0, replayLimit)
    }

    /// After every change of the document. `changed` is the station that changed (each
    /// document change touches one station; its event id is `document.sequence`). `nil` is a
    /// document-level change (e.g. the stale flag): subscribers get a new snapshot, and replay
    /// restarts after it. A document older than the last one published is ignored. Call from
    /// one task at a time (the store's), in sequence order.
    public func publish(_ document: StateDocument, changed: StationState?) {
        let stationFrame = changed.map { SSEEncoding.station($0, sequence: document.sequence) }
        let snapshotFrame = changed == nil ? SSEEncoding.snapshot(document) : nil
        var wakes: [@Sendable () -> Void] = []
        state.withLockedValue { s in
            if let current = s.document, document.sequence < current.sequence { return }
            let hadDocument = s.document != nil
            s.document = document
            s.snapshot = snapshotFrame
            if let stationFrame, hadDocument, replayLimit > 0 {
                s.replay.append((document.sequence, stationFrame))
                if s.replay.count > replayLimit {
                    let evicted = s.replay.count - replayLimit
                    s.replayBase = s.replay[evicted - 1].sequence
                    s.replay.removeFirst(evicted)
                }
            } else {
                s.replay.removeAll()
                s.replayBase = document.sequence
            }
            for (id, subscriber) in s.subscribers {
                let wantsSnapshot = stationFrame == nil || subscriber.needsSnapshot
                let frame = wantsSnapshot ? Self.snapshot(of: &s) : (stationFrame ?? Self.snapshot(of: &s))
                let (accepted, wake) = subscriber.enqueue(frame, isSnapshot: wantsSnapshot)
                if !accepted {
                    s.subscribers[id] = nil
                    s.dropped += 1
                }
                if let wake { wakes.append(wake) }
            }
        }
        for wake in wakes { wake() }
    }

    /// Subscribes. With `lastEventID` the hub still covers, the subscription starts with the
    /// station events after it (nothing, when it is the latest); otherwise with a snapshot of
    /// the current document (or of the first one published, when there is none yet). More than
    /// `bufferLimit` bytes waiting untaken drops the subscriber.
    public func subscribe(lastEventID: UInt64?, bufferLimit: Int) -> EventSubscription {
        subscribe(lastEventID: lastEventID, bufferLimit: bufferLimit, limit: .max)!
    }

    /// Subscribes as ``subscribe(lastEventID:bufferLimit:)`` does, unless `limit` subscribers
    /// are already there: then nil (checked and counted under one lock, so never more).
    public func subscribe(lastEventID: UInt64?, bufferLimit: Int, limit: Int) -> EventSubscription? {
        state.withLockedValue { s in
            guard s.subscribers.count < limit else { return nil }
            let id = s.nextID
            s.nextID += 1
            var initial: [ByteBuffer] = []
            var initialIsSnapshot = false
            var needsSnapshot = false
            if let document = s.document {
                if let last = lastEventID, let base = s.replayBase, last >= base, last <= document.sequence {
                    initial = s.replay.lazy.filter { $0.sequence > last }.map(\.frame)
                } else {
                    initial = [Self.snapshot(of: &s)]
                    initialIsSnapshot = true
                }
            } else {
                needsSnapshot = true
            }
            let subscription = EventSubscription(id: id, bufferLimit: bufferLimit, initial: initial,
                                                 initialIsSnapshot: initialIsSnapshot, needsSnapshot: needsSnapshot) { [weak self] id in
                self?.remove(id)
            }
            s.subscribers[id] = subscription
            return subscription
        }
    }

    /// How many subscribers are attached.
    public var subscriberCount: Int { state.withLockedValue { $0.subscribers.count } }

    /// How many subscribers were dropped for falling behind, since the hub was made.
    var droppedCount: UInt64 { state.withLockedValue { $0.dropped } }

    /// The latest document published (or seeded), if any.
    var latestDocument: StateDocument? { state.withLockedValue { $0.document } }

    /// Gives the hub its first document without notifying anyone, if it has none yet (the
    /// API does this from the backend so a subscriber never waits for a first change).
    func seed(_ document: StateDocument) {
        state.withLockedValue { s in
            guard s.document == nil else { return }
            s.document = document
            s.replayBase = document.sequence
        }
    }

    private func remove(_ id: UInt64) {
        _ = state.withLockedValue { $0.subscribers.removeValue(forKey: id) }
    }

    private static func snapshot(of s: inout State) -> ByteBuffer {
        if let cached = s.snapshot { return cached }
        guard let document = s.document else { return ByteBuffer() }
        let frame = SSEEncoding.snapshot(document)
        s.snapshot = frame
        return frame
    }
}
