/// Where `streamd watch` and `streamd screen` read the state's events from: the daemon's
/// socket (``EventFeed``) or a site on an MQTT broker (``MQTTEventFeed``). Both give a
/// snapshot first, then station changes, and say when the connection is lost and back.
public protocol StateEventSource: Sendable {
    /// Where the events come from, for messages: the socket's path, or the site and broker.
    var origin: String { get }
    /// Follows until the task is cancelled or `handle` returns false.
    func follow(_ handle: (EventFeed.Event) async -> Bool) async
    /// Why no connection was ever made (`loss` the last attempt's), in words, and whether
    /// it was a permission problem.
    func unreachable(_ loss: EventFeed.Loss) -> (message: String, permissionDenied: Bool)
}

extension EventFeed: StateEventSource {
    /// The socket's path.
    public var origin: String { client.socket }

    /// What the socket's file says: missing, not a socket, no daemon, no permission.
    public func unreachable(_ loss: EventFeed.Loss) -> (message: String, permissionDenied: Bool) {
        let access = SocketAccess.diagnose(client.socket)
        if case .permissionDenied = access { return (access.message(for: client.socket), true) }
        return (access.message(for: client.socket), false)
    }
}
