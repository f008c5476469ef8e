/// Receives the events of one transfer on the engine's thread, in order: the head (once,
/// before any body and before a successful completion), body chunks as they arrive, then the
/// completion (exactly once, also after a cancel).
///
/// Calls come from the engine thread that drives every transfer: return quickly and never
/// block. The body bytes are libcurl's own buffer, valid only during the call: parse them in
/// place (the zero-copy path for audio) or copy what you keep.
public protocol HTTPStreamHandler: AnyObject, Sendable {
    /// The final response's status line and headers arrived (after any redirects).
    func transferDidReceiveHead(_ head: HTTPResponseHead)
    /// Body bytes arrived. Return `false` to stop the transfer (it completes as cancelled).
    func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// The transfer ended: normally (the server finished the body) or with an error.
    func transferDidComplete(_ result: Result<HTTPTransferSummary, HTTPError>)
}

/// A transfer in flight; cancel it from any thread or task.
public struct HTTPTransferHandle: Sendable {
    let transfer: CurlTransfer
    let engine: CurlEngine

    /// Stops the transfer. Its handler completes with a `cancelled` error (unless it already
    /// completed). Safe to call more than once, from any thread.
    public func cancel() {
        engine.cancel(transfer)
    }
}
