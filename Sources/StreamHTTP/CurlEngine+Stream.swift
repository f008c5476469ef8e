extension CurlEngine {
    /// Opens a streaming transfer as an async sequence: `.head` first, then `.body` chunks as
    /// they arrive, ending when the server ends the body or throwing ``HTTPError`` on failure.
    /// Leaving the loop (or cancelling the task) cancels the transfer.
    ///
    /// Each chunk is a copy. The watchers use ``start(_:handler:)`` instead, which parses
    /// libcurl's buffer in place.
    public func stream(_ request: HTTPRequest) -> HTTPByteStream {
        let (events, continuation) = AsyncThrowingStream<HTTPStreamEvent, any Error>.makeStream()
        let handle = start(request, handler: StreamForwarder(continuation: continuation))
        continuation.onTermination = { termination in
            if case .cancelled = termination { handle.cancel() }
        }
        return HTTPByteStream(events: events, handle: handle)
    }
}

/// One event of a streaming transfer.
public enum HTTPStreamEvent: Sendable, Equatable {
    /// Status line and headers of the final response.
    case head(HTTPResponseHead)
    /// Body bytes, in arrival order.
    case body([UInt8])
}

/// The events of a streaming transfer; iterate once.
public struct HTTPByteStream: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = HTTPStreamEvent
    let events: AsyncThrowingStream<HTTPStreamEvent, any Error>
    /// Cancels the transfer; iteration then throws a `cancelled` ``HTTPError``.
    public let handle: HTTPTransferHandle

    /// The iterator.
    public func makeAsyncIterator() -> AsyncThrowingStream<HTTPStreamEvent, any Error>.AsyncIterator {
        events.makeAsyncIterator()
    }
}

private final class StreamForwarder: HTTPStreamHandler {
    let continuation: AsyncThrowingStream<HTTPStreamEvent, any Error>.Continuation

    init(continuation: AsyncThrowingStream<HTTPStreamEvent, any Error>.Continuation) {
        self.continuation = continuation
    }

    func transferDidReceiveHead(_ head: HTTPResponseHead) {
        continuation.yield(.head(head))
    }

    func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if case .terminated = continuation.yield(.body([UInt8](bytes))) { return false }
        return true
    }

    func transferDidComplete(_ result: Result<HTTPTransferSummary, HTTPError>) {
        switch result {
        case .success: continuation.finish()
        case .failure(let error): continuation.finish(throwing: error)
        }
    }
}
