/// Response header fields in arrival order; look-ups ignore case.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    /// The fields as received, names in the server's spelling.
    public private(set) var fields: [(name: String, value: String)]

    /// Creates headers from fields.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// The first value of `name` (any case), or `nil`.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Every value of `name` (any case), in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// Appends a field.
    public mutating func append(name: String, value: String) {
        fields.append((name, value))
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Headers compare field by field, in order.
    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.elementsEqual(b.fields, by: { $0 == $1 })
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self.utf8.count == other.utf8.count && self.lowercased() == other.lowercased()
    }
}

/// The status line and headers of a response: what a streaming transfer learns first.
public struct HTTPResponseHead: Sendable, Equatable {
    /// The status code (200 for a successful `file://` read).
    public var status: Int
    /// The raw status line, e.g. `HTTP/1.0 200 OK` or `ICY 200 OK`; empty for `file://`.
    public var statusLine: String
    /// The final response's headers (after redirects).
    public var headers: HTTPHeaders

    /// Creates a response head.
    public init(status: Int, statusLine: String = "", headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.statusLine = statusLine
        self.headers = headers
    }

    /// True for a 2xx status.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Where the time of a transfer went, measured by libcurl from the start of the transfer.
public struct HTTPTimings: Sendable, Equatable, Codable {
    /// Until the name was resolved.
    public var nameLookup: Duration
    /// Until the TCP connection was up.
    public var connect: Duration
    /// Until the TLS handshake was done (zero for plain HTTP).
    public var tlsHandshake: Duration
    /// Until the first byte of the response arrived.
    public var firstByte: Duration
    /// The whole transfer.
    public var total: Duration

    /// Creates timings.
    public init(nameLookup: Duration = .zero, connect: Duration = .zero, tlsHandshake: Duration = .zero,
                firstByte: Duration = .zero, total: Duration = .zero) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }
}

/// How a transfer ended, beyond its head: where it ended up, how much came, how long it took.
public struct HTTPTransferSummary: Sendable, Equatable {
    /// The URL after redirects.
    public var effectiveURL: String
    /// How many redirects were followed.
    public var redirectCount: Int
    /// Body bytes received (after decompression).
    public var bodyBytes: Int
    /// Timings from libcurl.
    public var timings: HTTPTimings
    /// The server address, when there was one.
    public var remoteAddress: String?

    /// Creates a summary.
    public init(effectiveURL: String, redirectCount: Int = 0, bodyBytes: Int = 0,
                timings: HTTPTimings = HTTPTimings(), remoteAddress: String? = nil) {
        self.effectiveURL = effectiveURL
        self.redirectCount = redirectCount
        self.bodyBytes = bodyBytes
        self.timings = timings
        self.remoteAddress = remoteAddress
    }
}

/// A complete response from ``CurlEngine/fetch(_:)``.
public struct HTTPResponse: Sendable, Equatable {
    /// Status line and headers.
    public var head: HTTPResponseHead
    /// The body, decompressed; empty for 304.
    public var body: [UInt8]
    /// Where it came from and how long it took.
    public var summary: HTTPTransferSummary

    /// Creates a response.
    public init(head: HTTPResponseHead, body: [UInt8], summary: HTTPTransferSummary) {
        self.head = head
        self.body = body
        self.summary = summary
    }

    /// The status code.
    public var status: Int { head.status }
    /// The response headers.
    public var headers: HTTPHeaders { head.headers }
    /// True when a conditional GET answered 304: the earlier body still holds.
    public var notModified: Bool { head.status == 304 }
    /// The body as text (UTF-8, invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The response if its status is 2xx or 304, else an `http` error naming the status.
    public func requireSuccess() throws(HTTPError) -> HTTPResponse {
        guard head.isSuccess || notModified else {
            throw HTTPError(kind: .http, message: "HTTP \(head.status) from \(summary.effectiveURL)",
                            url: summary.effectiveURL, httpStatus: head.status)
        }
        return self
    }
}
