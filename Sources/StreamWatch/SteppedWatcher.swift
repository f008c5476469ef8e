import NIOConcurrencyHelpers
import StreamHTTP

/// A watcher that works in steps: one poll or one probe, then a wait that the
/// ``StepScheduler`` keeps for it, with no task of its own alive in between.
protocol SteppedWatcher: Sendable {
    /// One poll or probe. Returns the wait before the next step; nil when the watcher has
    /// nothing more to do (it was cancelled). A step may also run for as long as the watcher
    /// lives: a probe that finds an HLS playlist watches the playlist until cancelled.
    func step() async -> Duration?

    /// Begins the next step on the engine thread, without a task, when this watcher can (a
    /// poll whose answer may well be unchanged): the transfer, started; `ended` is called
    /// once, with the wait when the answer ended the step there, or with the rest of the step
    /// to run in a task. nil when the next step needs ``step()``.
    func startQuickStep(_ ended: @escaping @Sendable (QuickStepEnd) -> Void) -> HTTPTransferHandle?

    /// The watcher was removed and its last step has ended (metrics it owns go).
    func close()
}

extension SteppedWatcher {
    func startQuickStep(_ ended: @escaping @Sendable (QuickStepEnd) -> Void) -> HTTPTransferHandle? { nil }
}

/// How a step begun by ``SteppedWatcher/startQuickStep(_:)`` ended on the engine thread.
enum QuickStepEnd: Sendable {
    /// The step is over: the wait before the next one (nil: the watcher is done).
    case wait(Duration?)
    /// The answer needs more than the engine thread should do (a changed body to decode, a
    /// failure to back off from, a schedule to fetch): the rest of the step, returning the wait.
    case continueInTask(@Sendable () async -> Duration?)
}

/// A ``SteppedWatcher`` made of a loop's one-step function and the state it carries from one
/// step to the next (a poller's validators and backoff, a probe's backoff).
struct LoopedWatcher<Loop: Sendable>: SteppedWatcher {
    private let loop: NIOLockedValueBox<Loop>
    private let body: @Sendable (inout Loop) async -> Duration?
    private let quick: QuickFetch<Loop>?
    private let onClose: @Sendable () -> Void

    /// Steps with `body`, starting from `loop`, or with `quick` when it offers a request;
    /// `onClose` runs when the watcher is removed.
    init(_ loop: Loop, quick: QuickFetch<Loop>? = nil, onClose: @escaping @Sendable () -> Void = {},
         body: @escaping @Sendable (inout Loop) async -> Duration?) {
        self.loop = NIOLockedValueBox(loop)
        self.body = body
        self.quick = quick
        self.onClose = onClose
    }

    func step() async -> Duration? {
        // One step at a time (the scheduler's promise): the state is taken out and put back.
        var current = loop.withLockedValue { $0 }
        defer { loop.withLockedValue { $0 = current } }
        return await body(&current)
    }

    func startQuickStep(_ ended: @escaping @Sendable (QuickStepEnd) -> Void) -> HTTPTransferHandle? {
        guard let quick, let request = loop.withLockedValue({ quick.request(&$0) }) else { return nil }
        return quick.engine.startFetch(request) { [loop] fetched in
            // On the engine thread; the scheduler starts no other step of this watcher meanwhile.
            if let wait = loop.withLockedValue({ quick.answer(&$0, fetched) }) {
                ended(.wait(wait))
                return
            }
            ended(.continueInTask {
                var current = loop.withLockedValue { $0 }
                defer { loop.withLockedValue { $0 = current } }
                return await quick.rest(&current, fetched)
            })
        }
    }

    func close() { onClose() }
}

/// The quick step of a ``LoopedWatcher``: a fetch begun without a task, its answer taken on
/// the engine thread when that is cheap, and the rest of the step in a task when it is not.
struct QuickFetch<Loop: Sendable>: Sendable {
    /// The engine the fetch runs on.
    let engine: CurlEngine
    /// The request of the next step when it can begin this way (nil: it needs the full step);
    /// may note in the loop what the answer will need (the time the poll began).
    let request: @Sendable (inout Loop) -> HTTPRequest?
    /// On the engine thread: ends the step with the wait before the next one, or returns nil
    /// when the answer needs ``rest``. Must be quick.
    let answer: @Sendable (inout Loop, Result<HTTPResponse, HTTPError>) -> Duration?
    /// The rest of the step, in a task: what the full step does after its fetch.
    let rest: @Sendable (inout Loop, Result<HTTPResponse, HTTPError>) async -> Duration?
}
