import Foundation
import Logging
import Synchronization
import StreamHTTP
import StreamState

/// Runs the watchers of every station and feeds the store: one task per stream and per
/// source (all their transfers go through the one engine thread), one task applying
/// observations in order, and one waking the store when time alone changes the state.
public final class Supervisor: Sendable {
    /// The engine every transfer goes through.
    public let engine: CurlEngine
    /// The state store the watchers feed.
    public let store: StateStore
    private let tuning: MonitorTuning
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let observations: AsyncStream<Observation>.Continuation
    private let state = Mutex(Running())
    private let timerWakeup = Wakeup()

    private struct Running {
        var stations: [String: StationTasks] = [:]
        var background: [Task<Void, Never>] = []
    }

    /// The tasks watching one station and how to wake them.
    private struct StationTasks {
        var spec: StationSpec
        var tasks: [Task<Void, Never>]
        var wakeups: [Wakeup]
    }

    /// Creates the supervisor; call ``start(_:)`` to begin watching.
    public init(engine: CurlEngine, store: StateStore, tuning: MonitorTuning = MonitorTuning(), logger: Logger,
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.engine = engine
        self.store = store
        self.tuning = tuning
        self.logger = logger
        self.clock = clock
        let (stream, continuation) = AsyncStream<Observation>.makeStream()
        observations = continuation
        let applier = Task { [store] in
            for await observation in stream { await store.apply(observation) }
        }
        let timer = Task { [store, timerWakeup] in
            while !Task.isCancelled {
                let deadline = await store.nextDeadline()
                await timerWakeup.wait(for: .milliseconds(max(50, Int(deadline.timeIntervalSince(clock()) * 1000))))
                if Task.isCancelled { return }
                await store.tick()
            }
        }
        state.withLock { $0.background = [applier, timer] }
    }

    /// Starts watching `stations`.
    public func start(_ stations: [StationSpec]) {
        for spec in stations { launch(spec) }
    }

    /// Switches to a new set of stations: unchanged stations keep their watchers (and open
    /// stream connections); changed ones restart; removed ones stop.
    public func reconfigure(_ stations: [StationSpec], live: String?) async {
        let keep = Set(stations.map(\.id))
        let stopped = state.withLock { running -> [StationTasks] in
            var out: [StationTasks] = []
            for (id, tasks) in running.stations where !keep.contains(id) || stations.first(where: { $0.id == id }) != tasks.spec {
                out.append(tasks)
                running.stations[id] = nil
            }
            return out
        }
        for station in stopped { station.tasks.forEach { $0.cancel() } }
        await store.reconfigure(stations: stations, live: live)
        let running = state.withLock { Set($0.stations.keys) }
        for spec in stations where !running.contains(spec.id) { launch(spec) }
        timerWakeup.fire()
    }

    /// Polls now: every source and probed stream of `station` (`nil`: of every station).
    /// Returns false when no such station runs.
    @discardableResult
    public func refresh(station: String?) -> Bool {
        let wakeups = state.withLock { running -> [Wakeup]? in
            if let station { return running.stations[station]?.wakeups }
            return running.stations.values.flatMap(\.wakeups)
        }
        guard let wakeups else { return false }
        wakeups.forEach { $0.fire() }
        return true
    }

    /// True while the engine thread turns (its heartbeat moved within `window`).
    public func engineAlive(window: Duration = .seconds(3)) async -> Bool {
        let before = engine.heartbeat
        engine.wake()  // a live engine turns at once, even when idle
        let deadline = ContinuousClock.now + window
        while ContinuousClock.now < deadline {
            if engine.heartbeat != before { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Stops every watcher and the engine. Transfers end as cancelled.
    public func shutdown() async {
        let tasks = state.withLock { running -> [Task<Void, Never>] in
            defer { running = Running() }
            return running.stations.values.flatMap(\.tasks) + running.background
        }
        tasks.forEach { $0.cancel() }
        observations.finish()
        for task in tasks { await task.value }
        engine.shutdown()
    }

    private func launch(_ spec: StationSpec) {
        var tasks: [Task<Void, Never>] = []
        var wakeups: [Wakeup] = []
        let emit: @Sendable (Observation) -> Void = { [observations] in observations.yield($0) }
        let stationLogger = logger
        for index in spec.streams.indices {
            let wakeup = Wakeup()
            let watcher = StreamWatcher(station: spec, index: index, engine: engine, wakeup: wakeup, tuning: tuning,
                                        logger: stationLogger, clock: clock, emit: emit)
            wakeups.append(wakeup)
            tasks.append(Task { await watcher.run() })
        }
        for index in spec.sources.indices {
            let wakeup = Wakeup()
            let poller = SourcePoller(station: spec, index: index, engine: engine, wakeup: wakeup,
                                      logger: stationLogger, clock: clock, emit: emit)
            wakeups.append(wakeup)
            tasks.append(Task { await poller.run() })
        }
        state.withLock { $0.stations[spec.id] = StationTasks(spec: spec, tasks: tasks, wakeups: wakeups) }
    }
}
