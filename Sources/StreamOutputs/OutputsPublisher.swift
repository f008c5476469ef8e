import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import StreamState

/// Sends each output's text when its station's now-playing changes: one more
/// `StatePublisher` of the store. The text is worked out at once and sent `delay` later (in
/// order: each output has a queue of its own); an unchanged text is not sent again. A failed
/// write is logged (once while it repeats) and never slows the store or the other outputs.
public final class OutputsPublisher: StatePublisher, Sendable {
    /// Runs `work` after `delay`, on `queue` (a test passes its own clock).
    public typealias Scheduler = @Sendable (_ delay: Duration, _ queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) -> Void

    private struct Output: Sendable {
        var spec: OutputSpec
        var queue: DispatchQueue
    }

    private struct State {
        /// The text last scheduled per output.
        var scheduled: [String?]
        /// The problem last logged per output.
        var problems: [String?]
    }

    private let outputs: [Output]
    private let state: NIOLockedValueBox<State>
    private let logger: Logger
    private let schedule: Scheduler

    /// The scheduler of the daemon: `DispatchQueue.asyncAfter`.
    public static let dispatch: Scheduler = { delay, queue, work in
        if delay <= .zero {
            queue.async(execute: work)
        } else {
            let nanoseconds = Int(delay / .nanoseconds(1))
            queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: work)
        }
    }

    /// Publishes to `outputs`.
    public init(_ outputs: [OutputSpec], logger: Logger, schedule: @escaping Scheduler = OutputsPublisher.dispatch) {
        self.outputs = outputs.enumerated().map { index, spec in
            Output(spec: spec, queue: DispatchQueue(label: "streamd.output.\(index)"))
        }
        self.state = NIOLockedValueBox(State(scheduled: Array(repeating: nil, count: outputs.count),
                                             problems: Array(repeating: nil, count: outputs.count)))
        self.logger = logger
        self.schedule = schedule
    }

    /// Works out the text of every output of the changed station (all, for a document-level
    /// change) and schedules those that changed.
    public func publish(_ document: StateDocument, changed: StationState?) {
        for (index, output) in outputs.enumerated() {
            guard changed == nil || changed?.id == output.spec.station,
                  let station = changed?.id == output.spec.station ? changed : document.station(output.spec.station)
            else { continue }
            let text = OutputText.text(output.spec, station: station)
            let isNew = state.withLockedValue { state -> Bool in
                guard state.scheduled[index] != text else { return false }
                state.scheduled[index] = text
                return true
            }
            guard isNew else { continue }
            schedule(output.spec.delay, output.queue) { [self] in send(text, to: index) }
        }
    }

    private func send(_ text: String, to index: Int) {
        let spec = outputs[index].spec
        let problem: String?
        switch spec.target {
        case .file(let path):
            do {
                try FileOutputWriter.write(text, to: path)
                problem = nil
            } catch {
                problem = "cannot write \(path): \((error as NSError).localizedFailureReason ?? error.localizedDescription)"
            }
        }
        let previous = state.withLockedValue { state -> String? in
            defer { state.problems[index] = problem }
            return state.problems[index]
        }
        if let problem, problem != previous {
            logger.error("output \(spec.name): \(problem)")
        } else if problem == nil, previous != nil {
            logger.notice("output \(spec.name): written again")
        }
    }
}
