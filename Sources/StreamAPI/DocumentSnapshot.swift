import NIOConcurrencyHelpers
import StreamState

/// The newest state document, readable at once from any thread: a publisher of the state
/// store. The socket API answers its read routes from it on the event loop, with no task
/// and no hop to the store's actor per request.
public final class DocumentSnapshot: StatePublisher {
    private let document = NIOLockedValueBox<StateDocument?>(nil)

    /// An empty snapshot (no document until the first `publish`).
    public init() {}

    /// The newest document published, if any.
    public var current: StateDocument? { document.withLockedValue { $0 } }

    /// Keeps `document` if it is newer than the one held.
    public func publish(_ document: StateDocument, changed: StationState?) {
        self.document.withLockedValue { held in
            if held == nil || held!.sequence <= document.sequence { held = document }
        }
    }
}
