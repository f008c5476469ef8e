extension CurlEngine {
    /// Fetches a whole response. Any status comes back as a response (use
    /// ``HTTPResponse/requireSuccess()`` to treat 4xx/5xx as errors); transport failures,
    /// a body over the cap and cancellation of the calling task throw ``HTTPError``.
    public func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let collector = ResponseCollector()
        let summary = try await perform(request, handler: collector).get()
        return HTTPResponse(head: collector.head, body: collector.body, summary: summary)
    }

    /// Fetches a whole response without a task: `completed` receives it (or the error) on the
    /// engine thread, once, also after a cancel through the handle. For work that finishes
    /// there (a poll whose answer did not change); `completed` must be quick.
    @discardableResult
    public func startFetch(_ request: HTTPRequest,
                           completed: @escaping @Sendable (Result<HTTPResponse, HTTPError>) -> Void) -> HTTPTransferHandle {
        let collector = ResponseCollector()
        collector.completed = completed
        return start(request, handler: collector)
    }
}

/// Gathers a response for ``CurlEngine/fetch(_:)`` and ``CurlEngine/startFetch(_:completed:)``.
/// Filled on the engine thread; read by the fetching task only after the transfer completed
/// (the completion orders the two).
private final class ResponseCollector: HTTPStreamHandler, @unchecked Sendable {
    private(set) var head = HTTPResponseHead(status: 0)
    private(set) var body: [UInt8] = []
    /// Set before the transfer starts, for ``CurlEngine/startFetch(_:completed:)``.
    var completed: (@Sendable (Result<HTTPResponse, HTTPError>) -> Void)?

    func transferDidReceiveHead(_ head: HTTPResponseHead) {
        self.head = head
        if let length = head.headers["content-length"].flatMap(Int.init), length > 0 {
            body.reserveCapacity(min(length, 4 << 20))
        }
    }

    func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        body.append(contentsOf: bytes)
        return true
    }

    func transferDidComplete(_ result: Result<HTTPTransferSummary, HTTPError>) {
        completed?(result.map { HTTPResponse(head: head, body: body, summary: $0) })
    }
}
