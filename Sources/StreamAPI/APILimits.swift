/// The limits that hold against hostile or broken clients. Every one is configurable;
/// the defaults suit a studio daemon with a handful of screens and scripts.
public struct APILimits: Sendable, Equatable {
    /// Largest request head (request line and headers); beyond it the answer is 431 and the
    /// connection is closed. Default 16 KiB.
    public var maxHeadBytes: Int
    /// Largest request body; beyond it the answer is 413 and the connection is closed.
    /// Default 64 KiB.
    public var maxBodyBytes: Int
    /// Most connections open at once, over every listener; one more is answered 503 and
    /// closed. Default 1024 (`[daemon] max_connections`).
    public var maxConnections: Int
    /// Most event-stream subscribers at once (`GET /v1/events`); one more is answered 503
    /// and closed, while plain requests are still served up to ``maxConnections``. Default
    /// 1000 (`[daemon] max_subscribers`).
    public var maxSubscribers: Int
    /// How long a connection may sit without sending a request before it is closed. Event
    /// streams are exempt. Default 60 s.
    public var idleTimeout: Duration
    /// How long one request (request line, headers and body) may take to arrive, counted from
    /// its first byte; beyond it the answer is 408 and the connection is closed. The idle
    /// timeout restarts with every byte, so without this a client sending a byte a second
    /// (slowloris) would hold its connection for ever. Time the server itself spends answering
    /// an earlier request on the connection does not count. Default 20 s.
    public var requestTimeout: Duration
    /// Most event bytes a subscriber may have waiting (not yet taken by its connection
    /// because the client does not read); a subscriber over it is dropped. Default 256 KiB.
    public var sseBufferBytes: Int
    /// How often an event stream sends a `: heartbeat` comment. Default 15 s.
    public var heartbeatInterval: Duration
    /// The reconnect delay announced to event-stream clients (`retry:`). Default 2 s.
    public var sseRetry: Duration

    /// Creates limits; every argument has the default described on its property.
    public init(maxHeadBytes: Int = 16 << 10, maxBodyBytes: Int = 64 << 10, maxConnections: Int = 1024,
                maxSubscribers: Int = 1000, idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(20),
                sseBufferBytes: Int = 256 << 10,
                heartbeatInterval: Duration = .seconds(15), sseRetry: Duration = .seconds(2)) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.maxSubscribers = maxSubscribers
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.sseBufferBytes = sseBufferBytes
        self.heartbeatInterval = heartbeatInterval
        self.sseRetry = sseRetry
    }
}

extension Duration {
    /// Whole milliseconds (rounded down), for NIO time amounts and `retry:`.
    var apiMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
