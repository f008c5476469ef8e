import Synchronization

extension CurlEngine {
    /// Fetches a whole response. Any status comes back as a response (use
    /// ``HTTPResponse/requireSuccess()`` to treat 4xx/5xx as errors); transport failures,
    /// a body over the cap and cancellation of the calling task throw ``HTTPError``.
    public func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let collector = ResponseCollector()
        let transfer = CurlTransfer(request: request, handler: collector)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                collector.continuation = continuation
                submit(transfer)
            }
        } onCancel: {
            cancel(transfer)
        }
        return try result.get()
    }
}

/// Gathers a response for ``CurlEngine/fetch(_:)``. Touched only on the engine thread
/// after `submit`, and only by the submitting task before it.
private final class ResponseCollector: HTTPStreamHandler, @unchecked Sendable {
    var continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>?
    private var head = HTTPResponseHead(status: 0)
    private var body: [UInt8] = []

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
        let response = result.map { HTTPResponse(head: head, body: body, summary: $0) }
        continuation?.resume(returning: response)
        continuation = nil
    }
}
