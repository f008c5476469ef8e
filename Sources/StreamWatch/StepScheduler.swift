import HeapModule
import NIOConcurrencyHelpers
import StreamHTTP
import StreamState

/// Runs the stepped watchers of every station (the sources' polls and the streams' probes)
/// from one heap of deadlines, instead of a task per watcher sleeping between steps.
///
/// A task that waits keeps the allocator slabs of the deepest call it ever made: with 1,000
/// stations the idle pollers' and probes' tasks held 23 MiB (`heaptrack`, the daemon's
/// largest use of memory). Here a watcher between steps is an entry in a table; each step runs
/// in a task of its own that ends with the step. At most one step per watcher runs at a time.
///
/// The steps are owned: ``remove(owners:)`` cancels the running steps of those owners and
/// returns when they have ended (their transfers too), and ``run()`` does the same for every
/// step when it is cancelled, so "stopped" stays a fact.
///
/// The heap's clock is the HTTP engine's own sleep (``CurlEngine/schedule(at:_:)``): due
/// steps start on the engine thread, and a watcher that offers a quick step (a poll that can
/// end there when its answer did not change) starts its transfer there and then, with no task
/// at all. Polling 1,000 stations, the thread hand-offs of a poll (a timer thread, the
/// scheduler's task, the step's task, the engine thread, the step's task again) were the
/// largest cost (Benchmarks/README.md).
final class StepScheduler: Sendable {
    fileprivate struct Job {
        let owner: WatcherGeneration
        let watcher: any SteppedWatcher
        /// When the next step is due (the heap holds it; an entry whose time differs is stale).
        var due: ContinuousClock.Instant
        /// The step under way.
        var running: StepRun?
        /// Asked to step at once while a step was under way: the next one follows without a wait.
        var stepAgainAtOnce = false
    }

    fileprivate struct Due: Comparable {
        let at: ContinuousClock.Instant
        let id: UInt64
        static func < (a: Due, b: Due) -> Bool { (a.at, a.id) < (b.at, b.id) }
    }

    fileprivate struct State {
        var jobs: [UInt64: Job] = [:]
        var owned: [WatcherGeneration: [UInt64]] = [:]
        var heap = Heap<Due>()
        var nextID: UInt64 = 0
        /// The earliest time the engine will run ``dispatch(armed:)`` at (a due time before it
        /// must be armed).
        var armedAt: ContinuousClock.Instant?
        /// ``run()`` has begun: steps start.
        var started = false
        var closed = false
        /// The earliest a newly added watcher's first step may be (see ``firstStepSpacing``).
        var nextFirstStep: ContinuousClock.Instant?
    }

    /// The least time between the first steps of watchers added one after another: 0.5 ms.
    ///
    /// At the daemon's start every source and probed stream was due at once: with 1,000
    /// stations about 1,900 transfers ran at the same moment, the heap peaked at 85 MB
    /// (libcurl's 16 KiB receive buffer and its easy handle for each), and what that left
    /// behind in the allocator's arenas stayed after `malloc_trim`. Spaced, 2,000 first
    /// steps take one second; one station's (a reload) start at once.
    static let firstStepSpacing: Duration = .microseconds(500)

    private let state = NIOLockedValueBox(State())
    private let engine: CurlEngine
    /// Ends ``run()``'s wait when it is cancelled.
    private let wakeup = Wakeup()

    /// A scheduler whose steps start on `engine`'s thread; nothing steps until ``run()`` runs.
    init(engine: CurlEngine) {
        self.engine = engine
    }

    /// Adds `owner`'s watchers, due at once but each at least ``firstStepSpacing`` after the
    /// previous addition's. Ignored after ``run()`` has ended.
    func add(_ watchers: [any SteppedWatcher], owner: WatcherGeneration) {
        guard !watchers.isEmpty else { return }
        let now = ContinuousClock.now
        let arm = state.withLockedValue { s -> ContinuousClock.Instant? in
            guard !s.closed else { return nil }
            for watcher in watchers {
                let due = max(now, s.nextFirstStep ?? now)
                s.nextFirstStep = due + Self.firstStepSpacing
                s.nextID += 1
                s.jobs[s.nextID] = Job(owner: owner, watcher: watcher, due: due)
                s.owned[owner, default: []].append(s.nextID)
                s.heap.insert(Due(at: due, id: s.nextID))
            }
            return s.armIfEarlier()
        }
        arm.map(self.arm)
    }

    /// Removes the watchers of `owners`: cancels their running steps and returns when those
    /// have ended.
    func remove(owners: [WatcherGeneration]) async {
        let removed = state.withLockedValue { s -> [Job] in
            owners.flatMap { owner in
                (s.owned.removeValue(forKey: owner) ?? []).compactMap { s.jobs.removeValue(forKey: $0) }
            }
        }
        await end(removed)
    }

    /// Makes the watchers of `owners` (nil: of every owner) step now; one that is stepping
    /// steps again as soon as it has finished.
    func stepNow(owners: [WatcherGeneration]?) {
        let now = ContinuousClock.now
        let arm = state.withLockedValue { s -> ContinuousClock.Instant? in
            let ids = owners.map { $0.flatMap { s.owned[$0] ?? [] } } ?? Array(s.jobs.keys)
            for id in ids {
                guard var job = s.jobs[id] else { continue }
                if job.running != nil {
                    job.stepAgainAtOnce = true
                } else {
                    job.due = now
                    s.heap.insert(Due(at: now, id: id))
                }
                s.jobs[id] = job
            }
            return s.armIfEarlier()
        }
        arm.map(self.arm)
    }

    /// How many watchers are scheduled (for tests).
    var count: Int { state.withLockedValue { $0.jobs.count } }

    /// Starts each step when it is due, until cancelled; then cancels the running steps and
    /// returns when they have ended.
    func run() async {
        let arm = state.withLockedValue { s -> ContinuousClock.Instant? in
            s.started = !s.closed
            return s.armIfEarlier(force: true)
        }
        arm.map(self.arm)
        while !Task.isCancelled {
            await wakeup.wait(for: .seconds(3600))
        }
        let all = state.withLockedValue { s -> [Job] in
            s.closed = true
            s.owned.removeAll()
            defer { s.jobs.removeAll() }
            return Array(s.jobs.values)
        }
        await end(all)
    }

    /// Has the engine run ``dispatch(armed:)`` at `deadline`.
    private func arm(_ deadline: ContinuousClock.Instant) {
        engine.schedule(at: deadline) { [self] in dispatch(armed: deadline) }
    }

    /// On the engine thread, at a time armed for: starts the steps due now, and arms the next.
    private func dispatch(armed: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        var starting: [(id: UInt64, watcher: any SteppedWatcher, run: StepRun)] = []
        let next = state.withLockedValue { s -> ContinuousClock.Instant? in
            if s.armedAt == armed { s.armedAt = nil }
            guard s.started, !s.closed else { return nil }
            while let first = s.heap.min, first.at <= now {
                s.heap.removeMin()
                guard var job = s.jobs[first.id], job.running == nil, job.due == first.at else { continue }
                let run = StepRun()
                job.running = run
                s.jobs[first.id] = job
                starting.append((first.id, job.watcher, run))
            }
            return s.armIfEarlier()
        }
        for (id, watcher, run) in starting { begin(id, watcher, run) }
        next.map(self.arm)
    }

    /// Starts one step: quick on the engine thread when the watcher offers it, else in a task.
    private func begin(_ id: UInt64, _ watcher: any SteppedWatcher, _ run: StepRun) {
        let transfer = watcher.startQuickStep { [self] end in
            switch end {
            case .wait(let wait): ended(id, run, wait: wait)
            case .continueInTask(let rest): run.attach(Task { ended(id, run, wait: await rest()) })
            }
        }
        if let transfer {
            run.attach(transfer)
        } else {
            run.attach(Task { ended(id, run, wait: await watcher.step()) })
        }
    }

    /// A step's end: its outcome taken (``finished(_:wait:)``), then its run marked ended, so
    /// that whoever waits for the run finds the job settled.
    private func ended(_ id: UInt64, _ run: StepRun, wait: Duration?) {
        finished(id, wait: wait)
        run.end()
    }

    /// A step ended: the watcher is due again after `wait` (at once when asked meanwhile).
    private func finished(_ id: UInt64, wait: Duration?) {
        let now = ContinuousClock.now
        let (arm, done) = state.withLockedValue { s -> (ContinuousClock.Instant?, (any SteppedWatcher)?) in
            guard var job = s.jobs[id] else { return (nil, nil) }  // removed: remove(owners:) waits for this step
            job.running = nil
            guard let wait else {
                s.jobs[id] = nil
                s.owned[job.owner]?.removeAll { $0 == id }
                return (nil, job.watcher)
            }
            job.due = job.stepAgainAtOnce ? now : now + max(.zero, wait)
            job.stepAgainAtOnce = false
            s.jobs[id] = job
            s.heap.insert(Due(at: job.due, id: id))
            return (s.armIfEarlier(), nil)
        }
        done?.close()
        arm.map(self.arm)
    }

    /// Cancels the running steps of `jobs`, waits for them to end, and closes the watchers.
    private func end(_ jobs: [Job]) async {
        let running = jobs.compactMap(\.running)
        for run in running { run.cancel() }
        for run in running { await run.ended() }
        for job in jobs { job.watcher.close() }
    }
}

extension StepScheduler.State {
    /// The earliest due time, when the engine is not yet armed for it (or `force`); noted as
    /// armed, for the caller to arm outside the lock.
    mutating func armIfEarlier(force: Bool = false) -> ContinuousClock.Instant? {
        guard started, !closed, let first = heap.min?.at else { return nil }
        if !force, let armedAt, armedAt <= first { return nil }
        armedAt = first
        return first
    }
}
