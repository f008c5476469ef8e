import CCurl
import Foundation
import Synchronization
import NIOConcurrencyHelpers

/// The one thread that makes every HTTP transfer of the process.
///
/// A dedicated thread drives a libcurl multi handle through libcurl's socket interface: it
/// sleeps in `epoll_wait` (``EngineSockets``) until a socket libcurl watches is ready, libcurl's
/// timeout or a timer of its own is due, or another thread hands it work (a write to its wake
/// pipe); it tells libcurl which sockets are ready (`curl_multi_socket_action`), and finishes
/// the transfers libcurl reports done. No thread or process
/// per request; an idle engine wakes once a second (`heartbeat`), which the watchdog reads.
///
/// Run a transfer with ``fetch(_:)`` (whole response) or ``perform(_:handler:)`` (body in
/// libcurl's buffer as it arrives); both end the transfer when the calling task is cancelled,
/// at once: the easy handle leaves the multi handle and its connection closes on the engine's
/// next turn. Call ``shutdown()`` once at the end: every transfer still running completes as
/// cancelled and the thread exits.
///
/// Memory safety: the multi handle and the wake pipe are freed only by ``shutdown()``, after
/// the thread has exited and under the inbox lock that every waker holds, so no call can reach
/// a freed handle or a closed pipe. Everything else libcurl owns is touched only on the
/// engine thread, which debug builds assert (``EngineThread``).
public final class CurlEngine: @unchecked Sendable {
    // `multi` is valid until the inbox says `.freed`; `active` belongs to the engine thread.
    private let multi: UnsafeMutableRawPointer
    private let sockets: EngineSockets
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// The engine thread runs timed work (``schedule(at:_:)``): what it submits is added in
    /// the same turn, without waking the thread. Read and written on the engine thread only.
    private var runningTimers = false
    private let inbox: NIOLockedValueBox<Inbox>
    private let stopped = DispatchSemaphore(value: 0)
    private let beats = Atomic<UInt64>(0)
    let thread = EngineThread()

    private struct Inbox {
        enum Phase { case running, shuttingDown, exited, freed }
        var additions: [CurlTransfer] = []
        var cancellations: [CurlTransfer] = []
        var phase = Phase.running
        var stall: Duration?
        var userAgent: String
        var timers = EngineTimers()
    }

    /// Starts the engine thread. Throws when libcurl cannot be initialised.
    public init(name: String = "streamd.curl", userAgentSuffix: String? = nil) throws(HTTPError) {
        guard CurlGlobal.initialized else {
            throw HTTPError(kind: .other, message: "curl_global_init failed", url: "")
        }
        guard let multi = curl_multi_init() else {
            throw HTTPError(kind: .other, message: "curl_multi_init failed", url: "")
        }
        guard let sockets = EngineSockets() else {
            curl_multi_cleanup(multi)
            throw HTTPError(kind: .other, message: "cannot make the engine's epoll set and wake pipe: \(String(cString: strerror(errno)))", url: "")
        }
        sockets.attach(to: multi)
        self.sockets = sockets
        // Keep idle connections between polls: libcurl's default cache is four per transfer
        // *in* the multi, and between polls almost none are, so most polls reconnected
        // (Benchmarks/poll_vs_c.py: 78-82 % of polls reused a connection before this).
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, Self.idleConnections)
        self.multi = multi
        inbox = NIOLockedValueBox(Inbox(userAgent: Self.userAgent(suffix: userAgentSuffix)))
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// How many idle connections the engine keeps for reuse (one per polled server for up to
    /// this many stations' sources).
    public static let idleConnections = 4096

    /// `streamd/VERSION libcurl/VERSION`, then the configured suffix (`[daemon]
    /// user_agent_suffix`, e.g. a contact address) if any.
    public static func userAgent(suffix: String?) -> String {
        let base = "streamd/\(StreamdVersion.string) \(CurlGlobal.versionSummary)"
        guard let suffix, !suffix.isEmpty else { return base }
        return base + " " + suffix
    }

    /// The `User-Agent` sent with every request that does not set its own.
    public var userAgent: String {
        inbox.withLockedValue { $0.userAgent }
    }

    /// Changes the suffix of the `User-Agent` for transfers started from now on (a reload).
    public func setUserAgentSuffix(_ suffix: String?) {
        let agent = Self.userAgent(suffix: suffix)
        inbox.withLockedValue { $0.userAgent = agent }
    }

    /// Loop iterations so far: grows at least once a second while the engine thread is alive
    /// and not stuck. The service watchdog pings only while this moves.
    public var heartbeat: UInt64 { beats.load(ordering: .relaxed) }

    // MARK: - Submitting work (any thread)

    /// Starts a transfer whose events go to `handler` on the engine thread, not tied to any
    /// task: cancel it with the handle. Prefer ``perform(_:handler:)``, whose transfer ends
    /// with the task that awaits it.
    @discardableResult
    public func start(_ request: HTTPRequest, handler: any HTTPStreamHandler) -> HTTPTransferHandle {
        let transfer = CurlTransfer(request: request, handler: handler, thread: thread, onComplete: handler.transferDidComplete)
        submit(transfer)
        return HTTPTransferHandle(transfer: transfer, engine: self)
    }

    /// Runs a transfer to its end: `handler` sees the head and the body on the engine thread,
    /// and the result comes back here. Cancelling the calling task cancels the transfer at
    /// once; when this returns, libcurl is done with it (the handle is removed, and an
    /// unfinished connection is closed).
    public func perform(_ request: HTTPRequest, handler: any HTTPBodyHandler) async -> Result<HTTPTransferSummary, HTTPError> {
        let box = CompletionBox()
        let transfer = CurlTransfer(request: request, handler: handler, thread: thread) { box.complete($0) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                box.wait(continuation)
                submit(transfer)
            }
        } onCancel: {
            cancel(transfer)
        }
    }

    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLockedValue { inbox -> Bool in
            guard inbox.phase == .running else { return false }
            inbox.additions.append(transfer)
            if !(thread.isInside && runningTimers) { sockets.wake() }
            return true
        }
        if !accepted {
            transfer.finish(HTTPError(kind: .cancelled, message: "the HTTP engine has shut down", url: transfer.request.url))
        }
    }

    func cancel(_ transfer: CurlTransfer) {
        transfer.closeDelivery()
        inbox.withLockedValue { inbox in
            guard inbox.phase == .running || inbox.phase == .shuttingDown else { return }
            inbox.cancellations.append(transfer)
            sockets.wake()
        }
    }

    /// Stops the engine: transfers still running complete as cancelled, the thread exits,
    /// and later submissions complete at once as cancelled. The first call returns when the
    /// thread is gone and the multi handle freed; later calls return at once.
    public func shutdown() {
        let first = inbox.withLockedValue { inbox -> Bool in
            guard inbox.phase == .running else { return false }
            inbox.phase = .shuttingDown
            sockets.wake()
            return true
        }
        guard first else { return }
        stopped.wait()
        inbox.withLockedValue { inbox in
            inbox.phase = .freed
            curl_multi_cleanup(multi)
            sockets.close()
        }
    }

    /// Runs `work` on the engine thread once `deadline` has come (at its next turn when it has
    /// passed): the engine's sleep ends at the earliest such deadline, so no other thread wakes
    /// for it. `work` must be quick and must not block (every transfer waits for it); it may
    /// start transfers, which begin in the same turn. Work not yet due when the engine shuts
    /// down never runs.
    public func schedule(at deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () -> Void) {
        inbox.withLockedValue { inbox in
            guard inbox.phase == .running else { return }
            if inbox.timers.insert(at: deadline, work) { sockets.wake() }
        }
    }

    /// Wakes the engine thread for one turn of its loop (the watchdog does this before
    /// checking that ``heartbeat`` moved).
    public func wake() {
        inbox.withLockedValue { inbox in
            if inbox.phase == .running { sockets.wake() }
        }
    }

    /// True when the engine thread turns: it is woken, and its heartbeat must move within
    /// `window`. Feeds `/v1/health`.
    public func isTurning(within window: Duration = .seconds(3)) async -> Bool {
        let before = heartbeat
        wake()  // a live engine turns at once, even when idle
        let deadline = ContinuousClock.now + window
        while ContinuousClock.now < deadline {
            if heartbeat != before { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Test hook: blocks the engine thread for `duration`, as a hung libcurl call would, so
    /// tests can see the watchdog pings stop. The daemon only wires it when
    /// `STREAMD_TEST_HOOKS=1`.
    public func simulateHang(for duration: Duration) {
        inbox.withLockedValue { inbox in
            guard inbox.phase == .running else { return }
            inbox.stall = duration
            sockets.wake()
        }
    }

    // MARK: - The engine thread

    private func run() {
        thread.adoptCurrentThread()
        var running: Int32 = 0
        while true {
            beats.add(1, ordering: .relaxed)
            // Timed work first, so that the transfers it starts are added in this turn.
            let due = inbox.withLockedValue { $0.timers.wake(now: .now) }
            runningTimers = true
            for work in due { work() }
            runningTimers = false
            let (additions, cancellations, shuttingDown, stall, userAgent) = inbox.withLockedValue { inbox in
                defer { inbox.additions.removeAll(); inbox.cancellations.removeAll(); inbox.stall = nil }
                return (inbox.additions, inbox.cancellations, inbox.phase != .running, inbox.stall, inbox.userAgent)
            }
            if let stall { Thread.sleep(forTimeInterval: Double(stall.components.seconds) + Double(stall.components.attoseconds) / 1e18) }
            for transfer in additions { add(transfer, userAgent: userAgent) }
            for transfer in cancellations { remove(transfer, because: "transfer cancelled") }
            if shuttingDown { break }

            let timeout = inbox.withLockedValue { $0.timers.sleep(now: .now, longest: .seconds(1)) }
            for (socket, bits) in sockets.wait(milliseconds: timeout) {
                curl_multi_socket_action(multi, socket, bits, &running)
            }
            if sockets.takeCurlTimeout(now: .now) {
                curl_multi_socket_action(multi, ccurl_socket_timeout(), 0, &running)
            }
            collectFinished()
        }
        for transfer in Array(active.values) { remove(transfer, because: "the HTTP engine is shutting down") }
        // Anything submitted in the race with shutdown is finished here too.
        let late = inbox.withLockedValue { inbox in
            inbox.phase = .exited
            inbox.timers.removeAll()
            defer { inbox.additions.removeAll(); inbox.cancellations.removeAll() }
            return inbox.additions
        }
        for transfer in late {
            transfer.finish(HTTPError(kind: .cancelled, message: "the HTTP engine has shut down", url: transfer.request.url))
        }
        stopped.signal()
    }

    private func add(_ transfer: CurlTransfer, userAgent: String) {
        thread.assertInside("adding a transfer")
        if transfer.cancelRequested {
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
        if let limit = transfer.request.idleLimit { watchIdle(transfer, limit: limit, at: .now + limit) }
    }

    /// Checks `transfer` at `deadline` for body bytes within its idle limit; ends it as
    /// stalled when none arrived for `limit`, else looks again `limit` after the last ones.
    /// Before the first body bytes it only looks again: libcurl's low-speed limit and time
    /// limits cover a server that never answers. One timer per transfer, rearmed.
    private func watchIdle(_ transfer: CurlTransfer, limit: Duration, at deadline: ContinuousClock.Instant) {
        schedule(at: deadline) { [weak self, weak transfer] in
            guard let self, let transfer, let easy = transfer.easy, self.active[easy] === transfer else { return }
            let now = ContinuousClock.now
            guard let last = transfer.lastArrival else { return self.watchIdle(transfer, limit: limit, at: now + limit) }
            guard now - last >= limit else { return self.watchIdle(transfer, limit: limit, at: last + limit) }
            self.remove(transfer, with: HTTPError(kind: .stalled, message: "nothing arrived for \(limit.components.seconds) s",
                                                  url: transfer.request.url))
        }
    }

    private func remove(_ transfer: CurlTransfer, because reason: String) {
        remove(transfer, with: HTTPError(kind: .cancelled, message: reason, url: transfer.request.url))
    }

    /// Takes a running transfer out of libcurl and finishes it with `error`.
    private func remove(_ transfer: CurlTransfer, with error: HTTPError) {
        thread.assertInside("removing a transfer")
        guard let easy = transfer.easy, active.removeValue(forKey: easy) != nil else { return }
        curl_multi_remove_handle(multi, easy)
        transfer.finish(error)
    }

    private func collectFinished() {
        thread.assertInside("collecting finished transfers")
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

/// Hands a transfer's result to the task awaiting ``CurlEngine/perform(_:handler:)``: the
/// continuation is stored before the transfer is submitted, so the engine thread always
/// finds it.
private final class CompletionBox: Sendable {
    private let continuation = NIOLockedValueBox<CheckedContinuation<Result<HTTPTransferSummary, HTTPError>, Never>?>(nil)

    func wait(_ continuation: CheckedContinuation<Result<HTTPTransferSummary, HTTPError>, Never>) {
        self.continuation.withLockedValue { $0 = continuation }
    }

    func complete(_ result: Result<HTTPTransferSummary, HTTPError>) {
        continuation.withLockedValue { stored in
            stored?.resume(returning: result)
            stored = nil
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
