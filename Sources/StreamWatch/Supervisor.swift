import Foundation
import Logging
import StreamHTTP
import StreamState
import NIOConcurrencyHelpers

/// Runs the watchers of every station and feeds the store, as one tree of child tasks.
///
/// ``run(_:)`` owns everything it starts: a task applying observations to the store in
/// order, the store's clock, the ``StepScheduler`` that steps every source's polls and every
/// probed stream's probes (a task per step, none between steps), and a child task per
/// station with followed streams, whose own children watch those streams (all their transfers
/// go through the one engine thread). It returns only when every watcher has ended and
/// everything they reported has been applied, so the caller can write the final state.
///
/// A reconfiguration (``reconfigure(_:live:)``) is carried out by the run loop itself, one
/// at a time: the watchers of changed and removed stations are stopped and awaited (their
/// connections are closed when that returns), the store learns the new stations and the new
/// generations, and only then do the replacements start. Unchanged stations keep their
/// watchers and open connections.
///
/// One supervisor runs once.
public final class Supervisor: Sendable {
    /// The engine every transfer goes through.
    public let engine: CurlEngine
    /// The state store the watchers feed.
    public let store: StateStore
    private let tuning: MonitorTuning
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let inbox = ObservationInbox()
    private let commands: AsyncStream<Command>
    private let commandContinuation: AsyncStream<Command>.Continuation
    private let state = NIOLockedValueBox(State())
    /// The sources' polls and the streams' probes, stepped from one heap of deadlines.
    private let scheduler: StepScheduler

    private enum Command: Sendable {
        case reconfigure([StationSpec], live: String?, reply: UInt64)
    }

    private struct State {
        enum Phase { case idle, running, stopped }
        var phase = Phase.idle
        var stations: [String: StationRun] = [:]
        var generation = WatcherGeneration.initial
        var replies: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var nextReply: UInt64 = 0

        mutating func nextGeneration() -> WatcherGeneration {
            generation = generation.next
            return generation
        }
    }

    /// Creates the supervisor; ``run(_:)`` starts the watching.
    public init(engine: CurlEngine, store: StateStore, tuning: MonitorTuning = MonitorTuning(), logger: Logger,
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.engine = engine
        scheduler = StepScheduler(engine: engine)
        self.store = store
        self.tuning = tuning
        self.logger = logger
        self.clock = clock
        (commands, commandContinuation) = AsyncStream.makeStream(of: Command.self)
    }

    // MARK: Running

    /// Watches `stations` until ``stop()`` is called or the task is cancelled. Returns when
    /// every watcher has ended and every observation has been applied to the store.
    public func run(_ stations: [StationSpec]) async {
        let first = state.withLockedValue { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .running
            return true
        }
        guard first else {
            logger.error("supervisor: run called twice; ignored")
            return
        }
        await withDiscardingTaskGroup { applying in
            applying.addTask { [store, inbox] in await store.consume(inbox) }
            await withDiscardingTaskGroup { watching in
                watching.addTask { [store] in await store.runClock() }
                watching.addTask { [scheduler] in await scheduler.run() }
                let runs = state.withLockedValue { state in stations.map { StationRun(spec: $0, generation: state.nextGeneration()) } }
                await store.adopt(generations: Dictionary(uniqueKeysWithValues: runs.map { ($0.spec.id, $0.generation) }))
                for run in runs { launch(run, in: &watching) }
                for await command in commands {
                    switch command {
                    case .reconfigure(let stations, let live, let reply):
                        await apply(stations, live: live, in: &watching)
                        resume(reply, with: true)
                    }
                }
                // stop() or cancellation: every station's watchers and the clock stop.
                watching.cancelAll()
            }
            inbox.finish()  // the applier drains what the watchers reported, then ends
        }
        let abandoned = state.withLockedValue { state -> [CheckedContinuation<Bool, Never>] in
            state.phase = .stopped
            state.stations.removeAll()
            defer { state.replies.removeAll() }
            return Array(state.replies.values)
        }
        abandoned.forEach { $0.resume(returning: false) }
    }

    /// Stops watching: ``run(_:)`` stops every watcher, applies what they reported and
    /// returns. Returns at once.
    public func stop() {
        commandContinuation.finish()
    }

    /// Switches to a new set of stations (see the type's description). Returns true once the
    /// new stations are watched; false when the supervisor has stopped.
    @discardableResult
    public func reconfigure(_ stations: [StationSpec], live: String?) async -> Bool {
        await withCheckedContinuation { continuation in
            let id = state.withLockedValue { state -> UInt64? in
                guard state.phase != .stopped else { return nil }
                state.nextReply += 1
                state.replies[state.nextReply] = continuation
                return state.nextReply
            }
            guard let id else {
                continuation.resume(returning: false)
                return
            }
            if case .terminated = commandContinuation.yield(.reconfigure(stations, live: live, reply: id)) {
                resume(id, with: false)
            }
        }
    }

    /// Polls now: every source and probed stream of `station` (`nil`: of every station).
    /// Returns false when no such station runs.
    @discardableResult
    public func refresh(station: String?) -> Bool {
        let runs = state.withLockedValue { state -> [StationRun]? in
            if let station { return state.stations[station].map { [$0] } }
            return Array(state.stations.values)
        }
        guard let runs else { return false }
        runs.forEach { $0.wakeups.forEach { $0.fire() } }
        scheduler.stepNow(owners: station == nil ? nil : runs.map(\.generation))
        return true
    }

    /// The generation of each station's running watchers.
    public var generations: [String: WatcherGeneration] {
        state.withLockedValue { $0.stations.mapValues(\.generation) }
    }

    // MARK: The run loop's work

    private func resume(_ reply: UInt64, with value: Bool) {
        state.withLockedValue { $0.replies.removeValue(forKey: reply) }?.resume(returning: value)
    }

    private func apply(_ stations: [StationSpec], live: String?, in group: inout DiscardingTaskGroup) async {
        let wanted = Dictionary(stations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let stopping = state.withLockedValue { state -> [StationRun] in
            // A station whose display fields alone changed keeps its watchers (the store
            // takes its new name and tagline).
            let gone = state.stations.values.filter { run in wanted[run.spec.id].map { !$0.watchesSame(as: run.spec) } ?? true }
            for run in gone { state.stations[run.spec.id] = nil }
            return gone
        }
        for run in stopping { run.stop() }
        await scheduler.remove(owners: stopping.map(\.generation))
        for run in stopping { await run.stopped() }
        let starting = state.withLockedValue { state in
            stations.filter { state.stations[$0.id] == nil }.map { StationRun(spec: $0, generation: state.nextGeneration()) }
        }
        await store.reconfigure(stations: stations, live: live,
                                generations: Dictionary(uniqueKeysWithValues: starting.map { ($0.spec.id, $0.generation) }))
        for run in starting { launch(run, in: &group) }
        logger.debug("supervisor: \(stopping.count) station(s) stopped, \(starting.count) started, \(stations.count - starting.count) kept")
    }

    private func launch(_ run: StationRun, in group: inout DiscardingTaskGroup) {
        state.withLockedValue { $0.stations[run.spec.id] = run }
        let (tasks, steps) = makeWatchers(run)
        scheduler.add(steps, owner: run.generation)
        if tasks.isEmpty {
            run.markIdle()
        } else {
            group.addTask { await run.run(tasks) }
        }
    }

    /// The station's watchers: those that keep a task (followed streams, HLS playlists) and
    /// those the scheduler steps (sources, probed streams).
    private func makeWatchers(_ run: StationRun) -> (tasks: [@Sendable () async -> Void], steps: [any SteppedWatcher]) {
        let spec = run.spec
        let reporter = WatchReporter(station: spec.id, generation: run.generation) { [inbox] in inbox.send($0) }
        var tasks: [@Sendable () async -> Void] = []
        var steps: [any SteppedWatcher] = []
        for index in spec.streams.indices {
            let watcher = StreamWatcher(station: spec, index: index, engine: engine, wakeup: run.wakeups[index],
                                        tuning: tuning, logger: logger, clock: clock, reporter: reporter)
            if watcher.isStepped {
                steps.append(watcher.stepped())
            } else {
                tasks.append { await watcher.run() }
            }
        }
        for index in spec.sources.indices {
            let poller = SourcePoller(station: spec, index: index, engine: engine,
                                      wakeup: run.wakeups[spec.streams.count + index],
                                      logger: logger, clock: clock, reporter: reporter)
            steps.append(poller.stepped())
        }
        return (tasks, steps)
    }
}
