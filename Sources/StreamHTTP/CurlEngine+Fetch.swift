extension CurlEngine {
    /// Fetches a whole response. Any status comes back as a response (use
    /// ``HTTPResponse/requireSuccess()`` to treat 4xx/5xx as errors); transport failures,
    /// a body over the cap and cancellation of the calling task throw ``HTTPError``.
    public func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let collector = ResponseCollector()
        let summary = try await perform(request, handler: collector).get()
        return HTTPResponse(head: collector.head, body: collector.body, summary: summary)
    }
}

/// Gathers a response for ``CurlEngine/fetch(_:)``. Filled on the engine thread; read by the
/// fetching task only after the transfer completed (the completion orders the two).
private final class ResponseCollector: HTTPBodyHandler, @unchecked Sendable {
    private(set) var head = HTTPResponseHead(status: 0)
    private(set) var body: [UInt8] = []

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
}
