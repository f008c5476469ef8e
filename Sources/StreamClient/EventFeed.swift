import StreamHTTP

/// Follows a daemon's `/v1/events` for as long as the caller wants: each message as it
/// arrives, a loss when the connection ends, and a new connection a moment later that
/// resumes with `Last-Event-ID` (the daemon replays what was missed, or sends a snapshot).
/// `streamd watch` and `streamd screen` both read the daemon through it.
public struct EventFeed: Sendable {
    /// What the feed saw.
    public enum Event: Sendable, Equatable {
        /// The daemon accepted the event stream.
        case connected
        /// One Server-Sent Events message.
        case message(SSEParser.Message)
        /// The connection ended or could not be made; the feed retries after `retryDelay`.
        case disconnected(Loss)
    }

    /// Why a connection ended.
    public struct Loss: Sendable, Equatable {
        /// One line for the user.
        public var detail: String
        /// The HTTP status, when the daemon answered with an error.
        public var status: Int?
        /// Whether any connection of this feed was accepted so far.
        public var everConnected: Bool
    }

    /// The daemon to follow.
    public let client: DaemonClient
    /// The pause between a loss and the next connection.
    public var retryDelay: Duration
    /// Silence after which a connection counts as dead (the daemon sends a heartbeat every
    /// 15 s).
    public var idleLimit: Duration

    /// A feed from `client`'s daemon.
    public init(client: DaemonClient, retryDelay: Duration = .seconds(1), idleLimit: Duration = .seconds(45)) {
        self.client = client
        self.retryDelay = retryDelay
        self.idleLimit = idleLimit
    }

    /// Follows until the task is cancelled or `handle` returns false; the open transfer is
    /// cancelled before this returns.
    public func follow(_ handle: (Event) async -> Bool) async {
        var lastID: UInt64?
        var everConnected = false
        while !Task.isCancelled {
            var request = client.request("/v1/events", streaming: true)
            request.lowSpeed = LowSpeedLimit(bytesPerSecond: 1, window: idleLimit)
            if let lastID { request.headers.append(("Last-Event-ID", String(lastID))) }
            var parser = SSEParser()
            var loss = Loss(detail: "the daemon ended the event stream", status: nil, everConnected: everConnected)
            let stream = client.engine.stream(request)
            defer { stream.handle.cancel() }
            do {
                reading: for try await event in stream {
                    switch event {
                    case .head(let head):
                        guard head.isSuccess else {
                            loss = Loss(detail: "the daemon answered HTTP \(head.status)", status: head.status,
                                        everConnected: everConnected)
                            break reading
                        }
                        everConnected = true
                        guard await handle(.connected) else { return }
                    case .body(let bytes):
                        for message in parser.feed(bytes) {
                            if let id = message.id { lastID = id }
                            guard await handle(.message(message)) else { return }
                        }
                    }
                }
            } catch {
                loss.detail = (error as? HTTPError)?.message ?? "\(error)"
            }
            loss.everConnected = everConnected
            if Task.isCancelled { return }
            guard await handle(.disconnected(loss)) else { return }
            try? await Task.sleep(for: retryDelay)
        }
    }
}
