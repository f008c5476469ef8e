import CCurl
import Foundation
import Synchronization

/// The one thread that makes every HTTP transfer of the process.
///
/// A dedicated thread drives a libcurl multi handle: it sleeps in `curl_multi_poll` until a
/// socket is ready, a timer is due or another thread hands it work (`curl_multi_wakeup`), runs
/// `curl_multi_perform`, and finishes the transfers libcurl reports done. No thread or process
/// per request; an idle engine wakes once a second (`heartbeat`), which the watchdog reads.
///
/// Submit with ``fetch(_:)`` (whole response) or ``start(_:handler:)`` / ``stream(_:)``
/// (body in chunks as it arrives). Call ``shutdown()`` once at the end: every transfer still
/// running completes as cancelled and the thread exits.
public final class CurlEngine: @unchecked Sendable {
    // `multi` and `active` belong to the engine thread; `inbox` is the only shared state.
    private let multi: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private let inbox = Mutex(Inbox())
    private let stopped = DispatchSemaphore(value: 0)
    private let beats = Atomic<UInt64>(0)
    /// The `User-Agent` sent with every request.
    public let userAgent: String

    private struct Inbox {
        var additions: [CurlTransfer] = []
        var cancellations: [CurlTransfer] = []
        var shuttingDown = false
        var threadExited = false
        var stall: Duration?
    }

    /// Starts the engine thread. Throws when libcurl cannot be initialised.
    public init(name: String = "streamd.curl") throws(HTTPError) {
        guard CurlGlobal.initialized else {
            throw HTTPError(kind: .other, message: "curl_global_init failed", url: "")
        }
        guard let multi = curl_multi_init() else {
            throw HTTPError(kind: .other, message: "curl_multi_init failed", url: "")
        }
        self.multi = multi
        self.userAgent = "streamd/\(StreamdVersion.string) \(CurlGlobal.versionSummary)"
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// Loop iterations so far: grows at least once a second while the engine thread is alive
    /// and not stuck. The service watchdog pings only while this moves.
    public var heartbeat: UInt64 { beats.load(ordering: .relaxed) }

    // MARK: - Submitting work (any thread)

    /// Starts a transfer whose events go to `handler` on the engine thread.
    @discardableResult
    public func start(_ request: HTTPRequest, handler: any HTTPStreamHandler) -> HTTPTransferHandle {
        let transfer = CurlTransfer(request: request, handler: handler)
        submit(transfer)
        return HTTPTransferHandle(transfer: transfer, engine: self)
    }

    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.shuttingDown else { return false }
            inbox.additions.append(transfer)
            return true
        }
        if accepted {
            curl_multi_wakeup(multi)
        } else {
            transfer.finish(HTTPError(kind: .cancelled, message: "the HTTP engine has shut down", url: transfer.request.url))
        }
    }

    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .relaxed)
        let queued = inbox.withLock { inbox -> Bool in
            guard !inbox.threadExited else { return false }
            inbox.cancellations.append(transfer)
            return true
        }
        if queued { curl_multi_wakeup(multi) }
    }

    /// Stops the engine: transfers still running complete as cancelled, the thread exits,
    /// and later submissions complete at once as cancelled. Returns when the thread is gone.
    public func shutdown() {
        let first = inbox.withLock { inbox -> Bool in
            defer { inbox.shuttingDown = true }
            return !inbox.shuttingDown
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        stopped.wait()
        curl_multi_cleanup(multi)
    }

    /// Wakes the engine thread for one turn of its loop (the watchdog does this before
    /// checking that ``heartbeat`` moved).
    public func wake() {
        inbox.withLock { inbox in
            if !inbox.shuttingDown { curl_multi_wakeup(multi) }
        }
    }

    /// Test hook: blocks the engine thread for `duration`, as a hung libcurl call would, so
    /// tests can see the watchdog pings stop. The daemon only wires it when
    /// `STREAMD_TEST_HOOKS=1`.
    public func simulateHang(for duration: Duration) {
        inbox.withLock { $0.stall = duration }
        curl_multi_wakeup(multi)
    }

    // MARK: - The engine thread

    private func run() {
        var running: Int32 = 0
        while true {
            beats.add(1, ordering: .relaxed)
            let (additions, cancellations, shuttingDown, stall) = inbox.withLock { inbox in
                defer { inbox.additions.removeAll(); inbox.cancellations.removeAll(); inbox.stall = nil }
                return (inbox.additions, inbox.cancellations, inbox.shuttingDown, inbox.stall)
            }
            if let stall { Thread.sleep(forTimeInterval: Double(stall.components.seconds) + Double(stall.components.attoseconds) / 1e18) }
            for transfer in additions { add(transfer) }
            for transfer in cancellations { remove(transfer, because: "transfer cancelled") }
            if shuttingDown { break }

            curl_multi_perform(multi, &running)
            collectFinished()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for transfer in Array(active.values) { remove(transfer, because: "the HTTP engine is shutting down") }
        // Anything submitted in the race with shutdown is finished here too.
        let late = inbox.withLock { inbox in
            inbox.threadExited = true
            defer { inbox.additions.removeAll() }
            return inbox.additions
        }
        for transfer in late {
            transfer.finish(HTTPError(kind: .cancelled, message: "the HTTP engine has shut down", url: transfer.request.url))
        }
        stopped.signal()
    }

    private func add(_ transfer: CurlTransfer) {
        if transfer.cancelRequested.load(ordering: .relaxed) {
            transfer.finish(HTTPError(kind: .cancelled, message: "transfer cancelled", url: transfer.request.url))
            return
        }
        guard let easy = transfer.makeEasyHandle(userAgent: userAgent) else { return }
        let code = curl_multi_add_handle(multi, easy)
        guard code == CURLM_OK else {
            transfer.finish(HTTPError(kind: .other, message: String(cString: curl_multi_strerror(code)), url: transfer.request.url))
            return
        }
        active[easy] = transfer
    }

    private func remove(_ transfer: CurlTransfer, because reason: String) {
        guard let easy = transfer.easy, active.removeValue(forKey: easy) != nil else { return }
        curl_multi_remove_handle(multi, easy)
        transfer.finish(HTTPError(kind: .cancelled, message: reason, url: transfer.request.url))
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = active.removeValue(forKey: easy) else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            transfer.finish(code: code)
        }
    }
}

/// `curl_global_init`, once per process, before the first transfer.
enum CurlGlobal {
    static let initialized: Bool = ccurl_global_init_all() == CURLE_OK

    /// e.g. `libcurl/7.88.1` (the first word of `curl_version()`).
    static let versionSummary: String = {
        let full = String(cString: ccurl_version())
        return full.split(separator: " ").first.map(String.init) ?? "libcurl"
    }()
}

/// The version of streamd, as the User-Agent and `--version` give it.
public enum StreamdVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
}
