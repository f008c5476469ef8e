/// One HTTP (or `file://`) transfer to make through the ``CurlEngine``.
///
/// The defaults suit a small now-playing poll: 10 s to connect, 30 s in all, 5 redirects,
/// compressed bodies accepted, TLS verified, a 4 MiB body cap. Streams set `totalTimeout`
/// to `nil` and rely on `lowSpeed` and `idleLimit` to notice a stall.
public struct HTTPRequest: Sendable, Equatable {
    /// The URL: `http`, `https` or `file`.
    public var url: String
    /// Extra request headers, e.g. `("Icy-MetaData", "1")`.
    public var headers: [(name: String, value: String)]
    /// How long connecting (DNS, TCP, TLS) may take.
    public var connectTimeout: Duration
    /// How long the whole transfer may take; `nil` for endless streams.
    public var totalTimeout: Duration?
    /// Abort with a `stalled` error when fewer than `bytesPerSecond` arrive for `window`.
    public var lowSpeed: LowSpeedLimit?
    /// Abort with a `stalled` error when, once body bytes have begun, none arrive for this
    /// long: checked by the engine itself, to the engine's turn, where libcurl's low-speed
    /// limit averages over its last 5 seconds (bytes that stop are noticed 5 s after its window).
    public var idleLimit: Duration?
    /// How many redirects to follow; 0 follows none.
    public var maxRedirects: Int
    /// Largest body accepted; more stops the transfer with a `too-large` error.
    public var maxBodyBytes: Int?
    /// Send `Accept-Encoding` for gzip/deflate and decode the body.
    public var acceptCompressed: Bool
    /// Validators from an earlier response, for a conditional GET (304 → not modified).
    public var validators: HTTPValidators?
    /// Verify the server's TLS certificate and host name (leave on outside tests).
    public var verifyTLS: Bool
    /// Connect to this Unix socket instead of the URL's host (the client commands use it
    /// to reach the daemon: `http://streamd/v1/now` over `/run/streamd/streamd.sock`).
    public var unixSocketPath: String?
    /// A body to POST (the outputs' webhooks); `nil`: a GET.
    public var body: [UInt8]?

    /// Creates a request with the poll defaults described on the type.
    public init(
        url: String,
        headers: [(name: String, value: String)] = [],
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration? = .seconds(30),
        lowSpeed: LowSpeedLimit? = nil,
        idleLimit: Duration? = nil,
        maxRedirects: Int = 5,
        maxBodyBytes: Int? = 4 << 20,
        acceptCompressed: Bool = true,
        validators: HTTPValidators? = nil,
        verifyTLS: Bool = true,
        unixSocketPath: String? = nil,
        body: [UInt8]? = nil
    ) {
        self.url = url
        self.headers = headers
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeed = lowSpeed
        self.idleLimit = idleLimit
        self.maxRedirects = maxRedirects
        self.maxBodyBytes = maxBodyBytes
        self.acceptCompressed = acceptCompressed
        self.validators = validators
        self.verifyTLS = verifyTLS
        self.unixSocketPath = unixSocketPath
        self.body = body
    }

    /// Requests compare by value; headers compare in order.
    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.url == b.url && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
            && a.connectTimeout == b.connectTimeout && a.totalTimeout == b.totalTimeout
            && a.lowSpeed == b.lowSpeed && a.idleLimit == b.idleLimit && a.maxRedirects == b.maxRedirects
            && a.maxBodyBytes == b.maxBodyBytes && a.acceptCompressed == b.acceptCompressed
            && a.validators == b.validators && a.verifyTLS == b.verifyTLS
            && a.unixSocketPath == b.unixSocketPath && a.body == b.body
    }
}

/// The slowest a transfer may be before it counts as stalled.
public struct LowSpeedLimit: Sendable, Equatable {
    /// Minimum average rate, in bytes per second.
    public var bytesPerSecond: Int
    /// Over this window (libcurl counts whole seconds; at least 1 s).
    public var window: Duration

    /// Creates a low-speed limit.
    public init(bytesPerSecond: Int, window: Duration) {
        self.bytesPerSecond = bytesPerSecond
        self.window = window
    }
}

/// `ETag` and `Last-Modified` from an earlier response, sent back as
/// `If-None-Match` / `If-Modified-Since`.
public struct HTTPValidators: Sendable, Equatable {
    /// The entity tag, exactly as the server sent it (quotes included).
    public var etag: String?
    /// The `Last-Modified` date, exactly as the server sent it.
    public var lastModified: String?

    /// Creates validators.
    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    /// The validators a response carries, or `nil` when it has neither header.
    public init?(from headers: HTTPHeaders) {
        let etag = headers["etag"]
        let lastModified = headers["last-modified"]
        guard etag != nil || lastModified != nil else { return nil }
        self.init(etag: etag, lastModified: lastModified)
    }

    /// The conditional request headers these validators produce.
    public var requestHeaders: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        if let etag { out.append(("If-None-Match", etag)) }
        if let lastModified { out.append(("If-Modified-Since", lastModified)) }
        return out
    }
}
