/// Receives the head and body of one transfer on the engine's thread, in order: the head
/// (once, before any body and before a successful completion), then body chunks as they
/// arrive. Used with ``CurlEngine/perform(_:handler:)``, which returns the completion.
///
/// Calls come from the engine thread that drives every transfer: return quickly and never
/// block. The body bytes are libcurl's own buffer, valid only during the call: parse them in
/// place (the zero-copy path for audio) or copy what you keep. After the transfer is
/// cancelled no call comes (a call in progress finishes first).
public protocol HTTPBodyHandler: AnyObject, Sendable {
    /// The final response's status line and headers arrived (after any redirects).
    func transferDidReceiveHead(_ head: HTTPResponseHead)
    /// Body bytes arrived. Return `false` to stop the transfer (it completes as cancelled).
    func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> Bool
}

/// An ``HTTPBodyHandler`` that also hears the completion (exactly once, also after a
/// cancel), for transfers started with ``CurlEngine/start(_:handler:)``.
public protocol HTTPStreamHandler: HTTPBodyHandler {
    /// The transfer ended: normally (the server finished the body) or with an error.
    func transferDidComplete(_ result: Result<HTTPTransferSummary, HTTPError>)
}

/// A transfer in flight; cancel it from any thread or task.
public struct HTTPTransferHandle: Sendable {
    let transfer: CurlTransfer
    let engine: CurlEngine

    /// Stops the transfer: when this returns its handler receives no more head or body, and
    /// it completes with a `cancelled` error (unless it already completed); libcurl drops the
    /// handle on the engine's next turn. Safe to call more than once, from any thread.
    public func cancel() {
        engine.cancel(transfer)
    }
}
