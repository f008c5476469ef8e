import StreamState
/// What the socket API serves and asks of the daemon. The daemon's state store implements
/// it; the API layer (routes, SSE, limits) knows nothing else about the daemon.
public protocol StateAPIBackend: Sendable {
    /// The current state document.
    func currentDocument() async -> StateDocument
    /// Poll the station's sources and streams now (`nil`: every station).
    /// Returns false when `station` names no configured station.
    func refresh(station: String?) async -> Bool
    /// Reload the configuration, as SIGHUP does. Throws ``ReloadError`` when the new
    /// configuration is refused (the old one keeps running).
    func reload() async throws(ReloadError)
    /// Whether the engine is alive (its loop is turning); feeds `/v1/health`.
    func engineAlive() async -> Bool
    /// The newest document at once, when the backend keeps one (a ``DocumentSnapshot``
    /// publishing from its store): the read routes are then answered on the event loop.
    var snapshot: DocumentSnapshot? { get }
    /// The streams' histories (`/v1/streams/{station}/{stream}/history`, the seconds counters
    /// of `/metrics`), when the backend keeps them.
    var history: HistoryRecorder? { get }
    /// Each metered stream's last measured second, by station and stream id, when the backend
    /// has newer readings than the document (whose level alone refreshes at most once a minute).
    func liveAudio() async -> [String: [String: AudioStatus]]
}

extension StateAPIBackend {
    /// No snapshot: every route is answered through ``currentDocument()``.
    public var snapshot: DocumentSnapshot? { nil }
    /// No histories: the history route answers 404.
    public var history: HistoryRecorder? { nil }
    /// No readings beyond the document's.
    public func liveAudio() async -> [String: [String: AudioStatus]] { [:] }
}

/// A refused reload: what is wrong with the new configuration.
public struct ReloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where and what, e.g. `/etc/streamd/streamd.toml: station[1].id: duplicate id "wvia-fm"`.
    public var message: String

    /// Creates a reload error.
    public init(message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
