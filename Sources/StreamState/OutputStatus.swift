import Foundation

/// How one of a station's outputs is doing (an `[[output]]` table: a file, an RDS encoder, a
/// webhook, ...): what it last sent and when, what waits, what went wrong.
public struct OutputStatus: Codable, Sendable, Equatable {
    /// Where the output stands.
    public enum Status: String, Codable, Sendable {
        /// Nothing sent yet since the daemon started.
        case idle
        /// The last text was delivered.
        case ok
        /// The last attempt failed; the latest text is tried again.
        case error
    }

    /// The output's kind: `file`, `dls`, `rds`, `udp`, `icecast`, `webhook`, `tunein`.
    public var kind: String
    /// Where it sends: a path, `host:port` or a URL without its query (never a secret).
    public var target: String
    /// Idle, ok or error.
    public var status: Status
    /// The text last delivered (`null` before the first).
    public var lastText: String?
    /// When it was last delivered.
    public var lastSentAt: Date?
    /// Texts waiting: held back by the output's delay, its minimum hold or rate limit, or a
    /// retry.
    public var pending: Int
    /// The last failure, while `status` is `error`.
    public var error: ErrorValue?

    /// Creates an output status.
    public init(kind: String, target: String, status: Status = .idle, lastText: String? = nil, lastSentAt: Date? = nil,
                pending: Int = 0, error: ErrorValue? = nil) {
        self.kind = kind
        self.target = target
        self.status = status
        self.lastText = lastText
        self.lastSentAt = lastSentAt
        self.pending = pending
        self.error = error
    }

    enum CodingKeys: String, CodingKey { case kind, target, status, lastText, lastSentAt, pending, error }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(target, forKey: .target)
        try c.encode(status, forKey: .status)
        try c.encode(lastText, forKey: .lastText)
        try c.encode(lastSentAt, forKey: .lastSentAt)
        try c.encode(pending, forKey: .pending)
        try c.encode(error, forKey: .error)
    }
}

extension OutputStatus: StateJSONEncodable {
    /// The output's JSON, keys sorted.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"error\":"); w.value(error)
        w.raw(",\"kind\":"); w.string(kind)
        w.raw(",\"lastSentAt\":"); w.date(lastSentAt)
        w.raw(",\"lastText\":"); w.string(lastText)
        w.raw(",\"pending\":"); w.int(pending)
        w.raw(",\"status\":"); w.string(status.rawValue)
        w.raw(",\"target\":"); w.string(target)
        w.raw("}")
    }
}
