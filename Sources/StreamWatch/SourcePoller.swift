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

    /// Polls until the task is cancelled.
    public func run() async {
        var state = PollState()
        var backoff = Backoff(initial: spec.interval, maximum: spec.interval * 8)
        var failures = FailureLog(subject: "source \(station.id)/\(spec.kind.rawValue)")
        var spreading = PollSpread()
        while !Task.isCancelled {
            let event = await poll(&state)
            if Task.isCancelled { return }
            reporter.source(index, event)
            let delay: Duration
            let line: FailureLog.Line?
            if case .failed(let error) = event {
                delay = backoff.nextDelay()
                line = failures.failed("\(error.kind): \(error.message)", at: clock(), retry: delay)
            } else {
                backoff.reset()
                delay = spreading.next(spec.interval)
                line = failures.recovered(at: clock())
            }
            if let line { logger.log(level: line.level, "\(line.text)") }
            await wakeup.wait(for: delay)
        }
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
        let now = clock()
        do {
            var request = HTTPRequest(url: spec.url, totalTimeout: spec.timeout, validators: state.validators)
            if let token = spec.token { request.headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await engine.fetch(request).requireSuccess()
            let snapshot: SourceSnapshot
            let perPollSecondary = spec.secondaryURL != nil && !SourceDecoder.secondaryIsDaily(spec.kind)
            if response.notModified, let last = state.lastSnapshot {
                snapshot = last
            } else if !perPollSecondary, let last = state.lastSnapshot, response.body == state.lastBody {
                // The same bytes as last time (a server without validators): nothing to decode.
                snapshot = last
                state.unchangedBodies += 1
            } else {
                var secondary: [UInt8]?
                if let url = spec.secondaryURL, !SourceDecoder.secondaryIsDaily(spec.kind) {
                    secondary = await fetchSecondary(url, &state)
                }
                snapshot = try SourceDecoder.snapshot(spec.kind, body: response.body, secondary: secondary,
                                                      selector: spec.selector, timeZone: station.timeZone, now: now)
                state.validators = HTTPValidators(from: response.headers)
                state.lastSnapshot = snapshot
                state.lastBody = perPollSecondary ? nil : response.body
            }
            await refreshSchedule(&state, now: now)
            return .ok(snapshot, schedule: state.schedule, at: now)
        } catch {
            return .failed(ErrorValue(any: error, at: now))
        }
    }

    private func refreshSchedule(_ state: inout PollState, now: Date) async {
        guard let url = spec.secondaryURL, SourceDecoder.secondaryIsDaily(spec.kind) else { return }
        let today = StationLocalTime(timeZone: station.timeZone).day(of: now)
        guard state.scheduleDay != today else { return }
        let dated = url + (url.contains("?") ? "&" : "?") + "date=\(today)"
        do {
            let body = try await fetchBody(dated)
            state.schedule = try SourceDecoder.schedule(spec.kind, body: body, timeZone: station.timeZone)
            state.scheduleDay = today
            for overlap in ComposerDay.overlaps(in: state.schedule ?? []) {
                logger.warning("source \(station.id)/\(spec.kind.rawValue): day schedule \(today): \(overlap); the one that started last is shown")
            }
        } catch {
            logger.notice("source \(station.id)/\(spec.kind.rawValue): day schedule unavailable: \(error)")
        }
    }

    private func fetchBody(_ url: String) async throws -> [UInt8] {
        var request = HTTPRequest(url: url, totalTimeout: spec.timeout)
        if let token = spec.token { request.headers.append(("Authorization", "Bearer \(token)")) }
        return try await engine.fetch(request).requireSuccess().body
    }
}
