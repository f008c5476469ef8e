import NIOCore
import NIOConcurrencyHelpers

/// One subscriber of an ``EventHub``: a bounded queue of encoded Server-Sent Events frames.
///
/// The hub fills it from whatever thread publishes; the consumer (an event-stream connection)
/// takes the frames when its client can accept them. When more than `bufferLimit` bytes wait
/// untaken, besides the newest snapshot, the subscriber is dropped: the hub forgets it,
/// ``isDropped`` turns true and the ready handler runs so the consumer can close. Publishing
/// never waits on a subscriber.
///
/// The newest snapshot waiting is not counted because it can be larger than the whole limit
/// (the state document of 200 stations with errors is about 370 KB): counted, a document-level
/// change dropped every subscriber that had one event not yet taken, and the next event
/// dropped the ones that had not taken the snapshot yet, however fast they read
/// (`scripts/soak`). What a client that never reads holds stays bounded: one snapshot and
/// `bufferLimit` bytes.
public final class EventSubscription: Sendable {
    /// A number unique within its hub.
    public let id: UInt64
    /// Most bytes that may wait untaken.
    public let bufferLimit: Int
    private let state: NIOLockedValueBox<State>
    private let detach: @Sendable (UInt64) -> Void

    struct State {
        var frames: [ByteBuffer] = []
        var pendingBytes = 0
        /// The size of the newest snapshot among `frames` (0 when none waits): the limit
        /// allows it on top of `bufferLimit`.
        var snapshotBytes = 0
        var dropped = false
        var cancelled = false
        var needsSnapshot = false
        var onReady: (@Sendable () -> Void)?
        var wakeScheduled = false
    }

    init(id: UInt64, bufferLimit: Int, initial: [ByteBuffer], initialIsSnapshot: Bool = false, needsSnapshot: Bool,
         detach: @escaping @Sendable (UInt64) -> Void) {
        self.id = id
        self.bufferLimit = bufferLimit
        self.detach = detach
        var state = State()
        state.frames = initial
        state.pendingBytes = initial.reduce(0) { $0 + $1.readableBytes }
        state.snapshotBytes = initialIsSnapshot ? state.pendingBytes : 0
        state.needsSnapshot = needsSnapshot
        self.state = NIOLockedValueBox(state)
    }

    /// Sets the handler that runs (on the publishing thread; keep it short) when frames are
    /// waiting or the subscription was dropped. It runs once per batch: again only after
    /// ``take()``. If frames already wait, it runs now.
    public func setReadyHandler(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLockedValue { s -> Bool in
            s.onReady = handler
            guard (!s.frames.isEmpty || s.dropped), !s.wakeScheduled else { return false }
            s.wakeScheduled = true
            return true
        }
        if runNow { handler() }
    }

    /// Takes every waiting frame, oldest first, and frees their room in the buffer.
    public func take() -> [ByteBuffer] {
        state.withLockedValue { s in
            s.wakeScheduled = false
            s.pendingBytes = 0
            s.snapshotBytes = 0
            defer { s.frames.removeAll(keepingCapacity: true) }
            return s.frames
        }
    }

    /// True once the hub dropped this subscriber for falling behind.
    public var isDropped: Bool { state.withLockedValue { $0.dropped } }

    /// Stops the subscription; the hub forgets it. Safe to call more than once.
    public func cancel() {
        let first = state.withLockedValue { s -> Bool in
            defer { s.cancelled = true }
            s.frames.removeAll()
            s.onReady = nil
            return !s.cancelled
        }
        if first { detach(id) }
    }

    // Used by the hub, under its lock.

    var needsSnapshot: Bool { state.withLockedValue { $0.needsSnapshot } }

    /// Queues `frame`. Returns whether it fit and the ready handler to run after the hub's
    /// lock is released (if a wake is due). A frame that does not fit drops the subscriber
    /// (a lone frame always fits, so one large event cannot drop an idle subscriber; the
    /// newest snapshot waiting is allowed on top of the limit).
    func enqueue(_ frame: ByteBuffer, isSnapshot: Bool) -> (accepted: Bool, wake: (@Sendable () -> Void)?) {
        state.withLockedValue { s in
            guard !s.cancelled, !s.dropped else { return (false, nil) }
            let allowance = isSnapshot ? frame.readableBytes : s.snapshotBytes
            if s.pendingBytes > 0 && s.pendingBytes + frame.readableBytes > bufferLimit + allowance {
                s.dropped = true
                s.frames.removeAll()
                s.pendingBytes = 0
                s.snapshotBytes = 0
            } else {
                s.frames.append(frame)
                s.pendingBytes += frame.readableBytes
                if isSnapshot {
                    s.needsSnapshot = false
                    s.snapshotBytes = frame.readableBytes
                }
            }
            // A drop always wakes the consumer: it may be waiting for a client that never reads.
            guard let onReady = s.onReady, !s.wakeScheduled || s.dropped else { return (!s.dropped, nil) }
            s.wakeScheduled = true
            return (!s.dropped, onReady)
        }
    }
}
