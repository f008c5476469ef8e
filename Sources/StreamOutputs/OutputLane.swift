import Dispatch
import Foundation
import NIOConcurrencyHelpers
import StreamState

/// One output's way from a change to its receiver: each message waits its delay, then its
/// turn (one in flight, the minimum hold, the rate limit, a retry's backoff); a newer message
/// replaces one still waiting, and a message equal to the one last delivered is not sent
/// again. A failure is retried with the latest message, 1 s doubling to 60 s.
final class OutputLane: Sendable {
    let spec: OutputSpec
    private let sink: any OutputSink
    private let queue: DispatchQueue
    private let clock: any OutputClock
    /// Called with the output's status after each change of it.
    private let report: @Sendable (OutputStatus) -> Void

    /// The first wait after a failure, and the longest.
    static let firstRetry: Duration = .seconds(1)
    static let longestRetry: Duration = .seconds(60)

    private struct State {
        var delayed = 0
        var waiting: OutputMessage?
        var inFlight = false
        var delivered: String?
        var pacing: OutputPacing
        var retryAt: Duration?
        var backoff = OutputLane.firstRetry
        var wakeAt: Duration?
        var status: OutputStatus
        var stopped = false
        /// The message last delivered, and which repeat of it is the live one.
        var last: OutputMessage?
        var repeatToken = 0

        var pending: Int { delayed + (waiting == nil ? 0 : 1) + (inFlight ? 1 : 0) }

        /// Sets the status's pending count; returns the status if that changed it.
        mutating func updatedPending() -> OutputStatus? {
            guard status.pending != pending else { return nil }
            status.pending = pending
            return status
        }
    }

    private let state: NIOLockedValueBox<State>

    init(spec: OutputSpec, sink: any OutputSink, queue: DispatchQueue, clock: any OutputClock,
         report: @escaping @Sendable (OutputStatus) -> Void) {
        self.spec = spec
        self.sink = sink
        self.queue = queue
        self.clock = clock
        self.report = report
        state = NIOLockedValueBox(State(pacing: OutputPacing(minHold: spec.minHold, perMinute: spec.perMinute),
                                        status: OutputStatus(kind: spec.kind, target: spec.targetDescription)))
    }

    /// The output's status now.
    var status: OutputStatus { state.withLockedValue { $0.status } }

    /// Takes a new message: it goes after the output's delay.
    func accept(_ message: OutputMessage) {
        let status = state.withLockedValue { state -> OutputStatus? in
            guard !state.stopped else { return nil }
            state.delayed += 1
            return state.updatedPending()
        }
        guard let status else { return }
        report(status)
        clock.schedule(after: spec.delay, on: queue) { [self] in arrived(message) }
    }

    /// Stops: what waits is dropped, the sink lets go.
    func stop() {
        state.withLockedValue { $0.stopped = true }
        sink.shutdown()
    }

    private func arrived(_ message: OutputMessage) {
        state.withLockedValue { state in
            state.delayed -= 1
            if message.key == state.delivered, !state.inFlight {
                state.waiting = nil   // back to what the receiver shows: nothing to send
            } else {
                state.waiting = message
            }
        }
        pump()
    }

    /// Sends the waiting message if its turn has come, else wakes up when it does.
    private func pump() {
        let now = clock.now
        enum Step { case idle(OutputStatus?), wake(Duration), send(OutputMessage, OutputStatus?) }
        let step = state.withLockedValue { state -> Step in
            guard !state.stopped, !state.inFlight, let message = state.waiting else { return .idle(state.updatedPending()) }
            let at = max(state.pacing.earliest(now: now), state.retryAt ?? now)
            guard at <= now else {
                if state.wakeAt.map({ $0 <= at && $0 > now }) == true { return .idle(state.updatedPending()) }
                state.wakeAt = at
                return .wake(at - now)
            }
            state.waiting = nil
            state.inFlight = true
            return .send(message, state.updatedPending())
        }
        switch step {
        case .idle(let status):
            if let status { report(status) }
        case .wake(let delay):
            clock.schedule(after: delay, on: queue) { [self] in
                state.withLockedValue { $0.wakeAt = nil }
                pump()
            }
        case .send(let message, let status):
            if let status { report(status) }
            sink.send(message) { [self] failure in
                clock.schedule(after: .zero, on: queue) { self.finished(message, failure) }
            }
        }
    }

    private func finished(_ message: OutputMessage, _ failure: OutputFailure?) {
        let now = clock.now
        let (status, token) = state.withLockedValue { state -> (OutputStatus, Int?) in
            state.inFlight = false
            if let failure {
                state.retryAt = now + state.backoff
                state.backoff = min(state.backoff * 2, Self.longestRetry)
                if state.waiting == nil { state.waiting = message }
                state.status.status = .error
                state.status.error = ErrorValue(kind: failure.kind, message: failure.message, at: Date(),
                                                httpStatus: failure.httpStatus)
            } else {
                state.delivered = message.key
                state.last = message
                state.repeatToken += 1
                state.pacing.record(now)
                state.retryAt = nil
                state.backoff = Self.firstRetry
                state.status.status = .ok
                state.status.error = nil
                state.status.lastText = message.text
                state.status.lastSentAt = Date()
                if state.waiting?.key == message.key { state.waiting = nil }
            }
            state.status.pending = state.pending
            return (state.status, failure == nil ? state.repeatToken : nil)
        }
        report(status)
        if let token, spec.repeatEvery > .zero {
            clock.schedule(after: spec.repeatEvery, on: queue) { [self] in repeatLast(token) }
        }
        pump()
    }

    /// Sends the last message again, unless something newer came since.
    private func repeatLast(_ token: Int) {
        let again = state.withLockedValue { state -> Bool in
            guard !state.stopped, state.repeatToken == token, !state.inFlight, state.waiting == nil, let last = state.last else { return false }
            state.waiting = last
            return true
        }
        if again { pump() }
    }
}
