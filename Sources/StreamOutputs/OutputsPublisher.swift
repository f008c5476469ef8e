import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import StreamState

/// Sends each output's message when its station's now-playing changes: one more
/// `StatePublisher` of the store. The message is worked out at once (``OutputMessage``) and
/// handed to the output's ``OutputLane`` (delay, hold, rate limit, retries); an unchanged
/// message is not handed on again. A failure is logged once while it repeats, shows in the
/// output's status, and never slows the store or the other outputs.
public final class OutputsPublisher: StatePublisher, Sendable {
    /// Receives a station's output statuses whenever one changes (the daemon puts them into
    /// the state document).
    public typealias StatusHandler = @Sendable (_ station: String, _ outputs: [OutputStatus]) -> Void

    private struct State {
        /// The key of the message last handed on, per output.
        var handed: [String?]
        /// The status last reported, per output, with its station.
        var statuses: [(station: String, status: OutputStatus)]
        /// Stations whose statuses changed and go to the handler at the next flush.
        var dirty: Set<String> = []
    }

    /// Statuses go to the handler at most this often per station: a song change moves each
    /// output's status two or three times within milliseconds (waiting, sent), and each would
    /// be a new version of the document for every reader.
    public static let statusCoalescing: Duration = .milliseconds(100)

    private let lanes: [OutputLane]
    private let state: NIOLockedValueBox<State>
    private let handler = NIOLockedValueBox<StatusHandler?>(nil)
    private let logger: Logger
    private let clock: any OutputClock
    private let statusQueue = DispatchQueue(label: "streamd.outputs.status")

    /// Publishes `outputs`, each through its sink (`sinks[i]` for `outputs[i]`).
    public init(_ outputs: [OutputSpec], sinks: [any OutputSink], clock: any OutputClock = DispatchOutputClock(), logger: Logger) {
        precondition(outputs.count == sinks.count, "one sink per output")
        self.logger = logger
        self.clock = clock
        state = NIOLockedValueBox(State(handed: Array(repeating: nil, count: outputs.count),
                                        statuses: outputs.map { ($0.station, OutputStatus(kind: $0.kind, target: $0.targetDescription)) }))
        let reported = NIOLockedValueBox<(@Sendable (Int, OutputSpec, OutputStatus) -> Void)?>(nil)
        var lanes: [OutputLane] = []
        for (index, (spec, sink)) in zip(outputs, sinks).enumerated() {
            lanes.append(OutputLane(spec: spec, sink: sink, queue: DispatchQueue(label: "streamd.output.\(index)"), clock: clock,
                                    report: { status in reported.withLockedValue { $0 }?(index, spec, status) }))
        }
        self.lanes = lanes
        reported.withLockedValue { $0 = { [weak self] index, spec, status in self?.reported(status, index: index, spec: spec) } }
    }

    /// Where statuses go from now on; called at once with every station's.
    public func onStatus(_ handler: @escaping StatusHandler) {
        self.handler.withLockedValue { $0 = handler }
        let statuses = state.withLockedValue { $0.statuses }
        for station in Set(statuses.map(\.station)) {
            handler(station, statuses.filter { $0.station == station }.map(\.status))
        }
    }

    /// The statuses of every output, in configuration order.
    public var statuses: [OutputStatus] { state.withLockedValue { $0.statuses.map(\.status) } }

    /// Works out the message of every output of the changed station (all, for a
    /// document-level change) and hands on those that changed; nothing while the document is
    /// stale.
    public func publish(_ document: StateDocument, changed: StationState?) {
        // A document loaded at start says what was on before the restart, not what is on now:
        // nothing goes out until the watchers refreshed it (then the whole document comes).
        guard !document.stale else { return }
        for (index, lane) in lanes.enumerated() {
            let spec = lane.spec
            guard changed == nil || changed?.id == spec.station,
                  let station = changed?.id == spec.station ? changed : document.station(spec.station)
            else { continue }
            let message = OutputMessage(spec, station: station)
            let isNew = state.withLockedValue { state -> Bool in
                guard state.handed[index] != message.key else { return false }
                state.handed[index] = message.key
                return true
            }
            guard isNew, message.isSent(by: spec) else { continue }
            lane.accept(message)
        }
    }

    /// Stops every output: what waits is dropped (its time has passed with the audio), sockets
    /// close.
    public func shutdown() {
        for lane in lanes { lane.stop() }
    }

    private func reported(_ status: OutputStatus, index: Int, spec: OutputSpec) {
        let (previous, flush) = state.withLockedValue { state -> (OutputStatus, Bool) in
            let previous = state.statuses[index].status
            state.statuses[index].status = status
            guard previous != status else { return (previous, false) }
            return (previous, state.dirty.insert(spec.station).inserted)
        }
        guard previous != status else { return }
        if let error = status.error, error.message != previous.error?.message {
            logger.error("output \(spec.name): \(error.message)")
        } else if status.status == .ok, previous.status == .error {
            logger.notice("output \(spec.name): delivered again")
        }
        if flush {
            clock.schedule(after: Self.statusCoalescing, on: statusQueue) { [weak self] in self?.flush(spec.station) }
        }
    }

    /// Hands station `station`'s statuses as they are now to the handler.
    private func flush(_ station: String) {
        let list = state.withLockedValue { state -> [OutputStatus] in
            state.dirty.remove(station)
            return state.statuses.filter { $0.station == station }.map(\.status)
        }
        handler.withLockedValue { $0 }?(station, list)
    }
}
