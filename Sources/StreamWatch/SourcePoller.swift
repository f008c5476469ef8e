import Foundation
import Logging
import StreamHTTP
import StreamState
import StreamFormats

/// Polls one now-playing source on its interval and reports each outcome.
///
/// A poll is a conditional GET (a 304 repeats the last snapshot), the kind's parser, and an
/// ``Observation``. Failures back off (interval × 2ⁿ, at most 8 intervals) with jitter; the
/// store decides staleness from the times of good answers. Composer and Cadence also fetch
/// the day's schedule once per station-local day (for Next Up); a failure there does not fail
/// the source.
public struct SourcePoller: Sendable {
    let station: StationSpec
    let index: Int
    let engine: CurlEngine
    let wakeup: Wakeup
    let reporter: WatchReporter
    let logger: Logger
    let clock: @Sendable () -> Date

    /// Creates a poller for `station.sources[index]`.
    public init(station: StationSpec, index: Int, engine: CurlEngine, wakeup: Wakeup, logger: Logger,
                clock: @escaping @Sendable () -> Date = Date.init, reporter: WatchReporter) {
        self.station = station
        self.index = index
        self.engine = engine
        self.wakeup = wakeup
        self.reporter = reporter
        self.logger = logger
        self.clock = clock
    }

    var spec: SourceSpec { station.sources[index] }

    /// Polls until the task is cancelled (the daemon steps its pollers from a
    /// ``StepScheduler`` instead; see ``stepped()``).
    public func run() async {
        var loop = Loop(spec, station: station.id)
        while let delay = await step(&loop) {
            await wakeup.wait(for: delay)
        }
    }

    /// What a poller carries from one poll to the next.
    struct Loop: Sendable {
        var state = PollState()
        var backoff: Backoff
        var failures: FailureLog
        var spreading = PollSpread()
        /// When the quick step under way began (the time its answer is reported at).
        var quickStartedAt: Date?

        init(_ spec: SourceSpec, station: String) {
            backoff = Backoff(initial: spec.interval, maximum: spec.interval * 8)
            failures = FailureLog(subject: "source \(station)/\(spec.kind.rawValue)")
        }
    }

    /// One poll, reported, with the day's schedule when it is due; returns the wait before
    /// the next poll, or nil when the task was cancelled (nothing more is reported).
    func step(_ loop: inout Loop) async -> Duration? {
        if Task.isCancelled { return nil }
        let startedAt = clock()
        let fetched = await fetch(loop.state)
        return await rest(&loop, fetched, startedAt: startedAt)
    }

    /// A step after its fetch: the answer decoded and reported, the day's schedule when due,
    /// and the wait before the next poll (nil when the task was cancelled).
    func rest(_ loop: inout Loop, _ fetched: Result<HTTPResponse, HTTPError>, startedAt: Date) async -> Duration? {
        if Task.isCancelled { return nil }
        // The now answer is reported before the day's schedule is fetched: a schedule that
        // hangs must not hold back (and age) the good answer it follows.
        // The schedule's fetch counts against the wait and takes at most one interval, so a
        // schedule that hangs never slows the polls down.
        let event = await answer(fetched, &loop.state, at: startedAt)
        if Task.isCancelled { return nil }
        reporter.source(index, event)
        let reported = ContinuousClock.now
        if case .ok(let snapshot, _, let at) = event, await refreshSchedule(&loop.state, now: at) {
            if Task.isCancelled { return nil }
            reporter.source(index, .ok(snapshot, schedule: loop.state.schedule, at: at))
        }
        return conclude(&loop, event, spent: ContinuousClock.now - reported)
    }

    /// The wait before the next poll after `event` (backing off after a failure, the
    /// interval spread otherwise, less `spent` since the report), with the failure log's line.
    private func conclude(_ loop: inout Loop, _ event: SourceEvent, spent: Duration) -> Duration {
        let delay: Duration
        let line: FailureLog.Line?
        if case .failed(let error) = event {
            delay = loop.backoff.nextDelay()
            line = loop.failures.failed("\(error.kind): \(error.message)", at: clock(), retry: delay)
        } else {
            loop.backoff.reset()
            delay = loop.spreading.next(spec.interval)
            line = loop.failures.recovered(at: clock())
        }
        if let line { logger.log(level: line.level, "\(line.text)") }
        return max(.zero, delay - spent)
    }

    /// This poller as a ``SteppedWatcher``, its loop kept between the steps. A poll that
    /// has a last answer to repeat begins on the engine thread and ends there when the answer
    /// did not change (a 304, or the same bytes): no task, no decode, no thread hand-off.
    func stepped() -> any SteppedWatcher {
        let quick = QuickFetch<Loop>(
            engine: engine,
            request: { [self] loop in quickRequest(&loop) },
            answer: { [self] loop, fetched in quickAnswer(&loop, fetched) },
            rest: { [self] loop, fetched in
                let startedAt = loop.quickStartedAt ?? clock()
                return await rest(&loop, fetched, startedAt: startedAt)
            })
        return LoopedWatcher(Loop(spec, station: station.id), quick: quick) { [self] loop in await step(&loop) }
    }

    /// The request of a quick step, or nil when this poll needs the full step (no answer yet
    /// to repeat, or the day's schedule is due).
    private func quickRequest(_ loop: inout Loop) -> HTTPRequest? {
        guard loop.state.lastSnapshot != nil else { return nil }
        let now = clock()
        guard scheduleDue(loop.state, now: now) == nil else { return nil }
        loop.quickStartedAt = now
        return request(loop.state)
    }

    /// On the engine thread: a quick step's answer when it repeats the last one, reported,
    /// with the wait before the next poll; nil when the full step must take it.
    private func quickAnswer(_ loop: inout Loop, _ fetched: Result<HTTPResponse, HTTPError>) -> Duration? {
        guard let startedAt = loop.quickStartedAt, case .success(let answered) = fetched,
              let response = try? answered.requireSuccess(), let last = repeated(response, &loop.state) else { return nil }
        let event = SourceEvent.ok(last, schedule: loop.state.schedule, at: startedAt)
        reporter.source(index, event)
        return conclude(&loop, event, spent: .zero)
    }

    /// What a poller remembers between polls.
    struct PollState {
        var validators: HTTPValidators?
        var lastSnapshot: SourceSnapshot?
        /// The body `lastSnapshot` was decoded from (not kept when a per-poll secondary answer
        /// also went into it): an identical body is not decoded again.
        var lastBody: [UInt8]?
        /// How many answers were skipped that way (for tests).
        var unchangedBodies = 0
        var schedule: [ProgramSlot]?
        var scheduleDay: StationLocalTime.Day?
        /// The secondary answer (Spinitron's playlists) failed last time: logged once until it
        /// answers again.
        var secondaryFailing = false
    }

    /// The secondary answer, or nil (the snapshot then goes without what it adds); a failure
    /// is logged when it starts and when it ends, not at every poll.
    private func fetchSecondary(_ url: String, _ state: inout PollState) async -> [UInt8]? {
        do {
            let body = try await fetchBody(url)
            if state.secondaryFailing {
                logger.notice("source \(station.id)/\(spec.kind.rawValue): \(url) answers again")
                state.secondaryFailing = false
            }
            return body
        } catch {
            if !state.secondaryFailing {
                logger.warning("source \(station.id)/\(spec.kind.rawValue): \(url) failed (\(error)); polling on without it")
                state.secondaryFailing = true
            }
            return nil
        }
    }

    /// One poll: fetch, parse, and (once a day) the schedule.
    func poll(_ state: inout PollState) async -> SourceEvent {
        let event = await pollNow(&state)
        guard case .ok(let snapshot, _, let at) = event else { return event }
        await refreshSchedule(&state, now: at)
        return .ok(snapshot, schedule: state.schedule, at: at)
    }

    /// One poll without the schedule: fetch and parse (the schedule as it stands).
    func pollNow(_ state: inout PollState) async -> SourceEvent {
        let now = clock()
        return await answer(await fetch(state), &state, at: now)
    }

    /// The conditional GET of a poll.
    private func request(_ state: PollState) -> HTTPRequest {
        var request = HTTPRequest(url: spec.url, totalTimeout: spec.timeout, validators: state.validators)
        if let token = spec.token { request.headers.append(("Authorization", "Bearer \(token)")) }
        return request
    }

    private func fetch(_ state: PollState) async -> Result<HTTPResponse, HTTPError> {
        do {
            return .success(try await engine.fetch(request(state)))
        } catch {
            return .failure(error)
        }
    }

    /// Whether each poll also fetches a secondary answer (Spinitron's playlists).
    private var perPollSecondary: Bool {
        spec.secondaryURL != nil && !SourceDecoder.secondaryIsDaily(spec.kind)
    }

    /// What a poll's answer says: the last snapshot again for a 304 or the same bytes, else
    /// the kind's parser on the body (with the secondary answer, when the kind has one).
    private func answer(_ fetched: Result<HTTPResponse, HTTPError>, _ state: inout PollState, at now: Date) async -> SourceEvent {
        do {
            let response = try fetched.get().requireSuccess()
            let snapshot: SourceSnapshot
            if let last = repeated(response, &state) {
                snapshot = last
            } else {
                var secondary: [UInt8]?
                if let url = spec.secondaryURL, perPollSecondary {
                    secondary = await fetchSecondary(url, &state)
                }
                snapshot = try SourceDecoder.snapshot(spec.kind, body: response.body, secondary: secondary,
                                                      selector: spec.selector, timeZone: station.timeZone, now: now)
                state.validators = HTTPValidators(from: response.headers)
                state.lastSnapshot = snapshot
                state.lastBody = perPollSecondary ? nil : response.body
            }
            return .ok(snapshot, schedule: state.schedule, at: now)
        } catch {
            return .failed(ErrorValue(any: error, at: now))
        }
    }

    /// The last snapshot when a successful `response` repeats it: a 304, or the same bytes as
    /// last time (a server without validators; counted), so there is nothing to decode.
    private func repeated(_ response: HTTPResponse, _ state: inout PollState) -> SourceSnapshot? {
        guard let last = state.lastSnapshot else { return nil }
        if response.notModified { return last }
        guard !perPollSecondary, response.body == state.lastBody else { return nil }
        state.unchangedBodies += 1
        return last
    }

    /// The station-local day whose schedule is due (the kind has one and this day has none
    /// yet), or nil.
    private func scheduleDue(_ state: PollState, now: Date) -> StationLocalTime.Day? {
        guard spec.secondaryURL != nil, SourceDecoder.secondaryIsDaily(spec.kind) else { return nil }
        let today = StationLocalTime(timeZone: station.timeZone).day(of: now)
        return state.scheduleDay == today ? nil : today
    }

    /// Fetches the day's schedule when the station-local day has none yet; true when it
    /// fetched one.
    @discardableResult
    private func refreshSchedule(_ state: inout PollState, now: Date) async -> Bool {
        guard let url = spec.secondaryURL, let today = scheduleDue(state, now: now) else { return false }
        let dated = url + (url.contains("?") ? "&" : "?") + "date=\(today)"
        do {
            let body = try await fetchBody(dated, timeout: min(spec.timeout, spec.interval))
            state.schedule = try SourceDecoder.schedule(spec.kind, body: body, timeZone: station.timeZone)
            state.scheduleDay = today
            for overlap in ComposerDay.overlaps(in: state.schedule ?? []) {
                logger.warning("source \(station.id)/\(spec.kind.rawValue): day schedule \(today): \(overlap); the one that started last is shown")
            }
            return true
        } catch {
            logger.notice("source \(station.id)/\(spec.kind.rawValue): day schedule unavailable: \(error)")
            return false
        }
    }

    private func fetchBody(_ url: String, timeout: Duration? = nil) async throws -> [UInt8] {
        var request = HTTPRequest(url: url, totalTimeout: timeout ?? spec.timeout)
        if let token = spec.token { request.headers.append(("Authorization", "Bearer \(token)")) }
        return try await engine.fetch(request).requireSuccess().body
    }
}
