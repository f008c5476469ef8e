import Foundation

/// The single owner of the state: applies what watchers see, merges each station, and
/// publishes a new document version (sequence + 1) whenever something a reader would notice
/// changed.
///
/// Bookkeeping times (`checkedAt`, `okAt`, `seenAt`) alone do not make a new version unless
/// the published ones are over a minute old, so a quiet station costs one version a minute,
/// not one per poll.
///
/// Each station's observations are accepted only from the current generation of its
/// watchers (``WatcherGeneration``); what an older generation still reports is dropped and
/// counted, so a reload can never mix the old stream's news into the new one's.
///
/// Run ``consume(_:)`` (observations from the watchers, in order) and ``runClock()`` (time
/// alone ends programs and songs and makes sources stale) while the daemon runs.
public actor StateStore {
    private var specs: [StationSpec] {
        didSet { positions = Self.positions(of: specs) }
    }
    /// Each station's place in `specs` and in `document.stations` (the same order): a merge
    /// finds its station without scanning (with 1,000 stations the scans, each copying every
    /// station it passed, were most of a merge).
    private var positions: [String: Int]
    private var live: String?
    private var generations: [String: WatcherGeneration] = [:]
    private let clockWakeup = Wakeup()
    /// Observations dropped because an older generation of watchers made them.
    public private(set) var droppedObservations: UInt64 = 0
    private var inputs: [String: StationInputs] = [:]
    private var loaded: [String: StationState] = [:]
    private var publishedAt: [String: Date] = [:]
    private var document: StateDocument
    private let merger = StationMerger()
    private let clock: @Sendable () -> Date
    private var publishers: [any StatePublisher]
    /// Bookkeeping-only changes are published when the last version is older than this.
    private let timestampRefresh: TimeInterval = 60
    /// How long a loaded station is served as loaded while some of its streams have not had a
    /// result yet (a stream whose server hangs gets its result from the engine's timeouts;
    /// this bounds what a source that answers meanwhile waits for).
    public static let loadedGrace: TimeInterval = 20
    /// When the store started.
    private let startedAt: Date

    /// Creates the store. `previous` is the document loaded from the state file: it is
    /// served, marked stale, until each station's watchers report, and its sequence goes on.
    public init(stations: [StationSpec], live: String?, previous: StateDocument?,
                publishers: [any StatePublisher] = [], clock: @escaping @Sendable () -> Date = Date.init) {
        self.specs = stations
        positions = Self.positions(of: stations)
        self.live = live
        self.clock = clock
        self.publishers = publishers
        let now = clock()
        startedAt = now
        for spec in stations { inputs[spec.id] = StationInputs(spec: spec) }
        // Outputs' statuses are this run's: a loaded station starts with none (the outputs
        // report theirs as soon as they run).
        for var station in previous?.stations ?? [] {
            station.outputs = []
            loaded[station.id] = station
        }
        let merger = self.merger
        let loaded = self.loaded
        let stationStates = stations.map { spec in
            loaded[spec.id] ?? merger.merge(spec, StationInputs(spec: spec), now: now, previous: nil)
        }
        document = StateDocument(sequence: (previous?.sequence ?? 0) + 1, updatedAt: now, live: live,
                                 stale: previous != nil, stations: stationStates)
    }

    /// Adds a publisher (e.g. the API's event hub, once it runs).
    public func addPublisher(_ publisher: any StatePublisher) {
        publishers.append(publisher)
    }

    /// Publishes the current document to every publisher as a whole-document change.
    public func publishSnapshot() {
        for publisher in publishers { publisher.publish(document, changed: nil) }
    }

    /// The current document.
    public var current: StateDocument { document }

    /// Each metered stream's last measured second, by station and stream id. Newer than the
    /// document's `audio`, whose level alone refreshes it at most once a minute: `/metrics`
    /// exports these. Streams without a reading (not metered, not carrying audio) are absent.
    public var liveAudio: [String: [String: AudioStatus]] {
        var levels: [String: [String: AudioStatus]] = [:]
        for (station, input) in inputs {
            for record in input.streams {
                if let audio = record.audio { levels[station, default: [:]][record.spec.id] = audio }
            }
        }
        return levels
    }

    /// The configured stations.
    public var stations: [StationSpec] { specs }

    /// Applies one observation and publishes if its station changed. An observation from
    /// another generation than the station's current one is dropped; returns whether it
    /// was applied.
    @discardableResult
    public func apply(_ observation: Observation) -> Bool {
        let id = observation.station
        guard inputs[id] != nil, observation.generation == generation(of: id) else {
            droppedObservations += 1
            return false
        }
        let now = clock()
        let repeated = isRepeat(observation.event, of: id, now: now)
        switch observation.event {
        case .stream(let index, let event):
            inputs[id]?.apply(stream: index, event)
        case .source(let index, let event):
            inputs[id]?.apply(source: index, event)
        }
        if repeated {
            skippedMerges += 1   // only the record's timestamps moved; tick() publishes them
        } else {
            remerge(id, now: now)
        }
        return true
    }

    /// Merges skipped because an observation repeated what its record held (for tests and
    /// metrics).
    public private(set) var skippedMerges = 0

    /// Whether `event` only repeats what station `id`'s record already says: a source answer
    /// with the same snapshot (and schedule) from a source that is answering well, or the
    /// same measured bitrate. Such a poll or window moves only timestamps, which are published
    /// once a minute anyway (by the first observation after the minute, or ``tick()``), so
    /// the station is not merged again for it (it was a third of the CPU of polling 300
    /// unchanged sources).
    private func isRepeat(_ event: Observation.Event, of id: String, now: Date) -> Bool {
        guard let input = inputs[id], input.fresh, !document.stale,
              now.timeIntervalSince(publishedAt[id] ?? .distantPast) < timestampRefresh else { return false }
        switch event {
        case .source(let index, .ok(let snapshot, let schedule, _)):
            guard input.sources.indices.contains(index) else { return false }
            let record = input.sources[index]
            return record.error == nil && record.okAt != nil && !record.isStale(at: now)
                && record.snapshot == snapshot && (schedule == nil || schedule == record.schedule)
        case .stream(let index, .bitrate(let kbps, _)):
            guard input.streams.indices.contains(index) else { return false }
            return input.streams[index].measuredBitrate == kbps
        default:
            return false
        }
    }

    /// Applies the inbox's observations in order until it is finished and drained (or the
    /// task is cancelled).
    public func consume(_ inbox: ObservationInbox) async {
        for await observation in inbox.observations {
            apply(observation)
        }
    }

    /// The generation of `station`'s watchers whose observations count now.
    public func generation(of station: String) -> WatcherGeneration {
        generations[station] ?? .initial
    }

    /// Sets the generation of each listed station's watchers, before they start (the first
    /// launch keeps the loaded state; a reload uses ``reconfigure(stations:live:generations:)``).
    public func adopt(generations: [String: WatcherGeneration]) {
        self.generations.merge(generations) { $1 }
    }

    /// Re-merges when time alone changes the state (programs end, songs end, sources go
    /// stale), until the task is cancelled. A reconfiguration wakes it for new deadlines.
    public func runClock() async {
        while !Task.isCancelled {
            let wait = max(0.05, nextDeadline().timeIntervalSince(clock()))
            await clockWakeup.wait(for: .milliseconds(Int(wait * 1000)))
            if Task.isCancelled { return }
            tick()
        }
    }

    /// Re-merges every station at the current time (programs end, songs end, sources go
    /// stale without anyone reporting) and publishes what changed.
    public func tick() {
        let now = clock()
        for spec in specs { remerge(spec.id, now: now) }
    }

    /// The next instant at which time alone could change the document, at most a minute away.
    public func nextDeadline() -> Date {
        let now = clock()
        var deadline = now.addingTimeInterval(timestampRefresh)
        func consider(_ date: Date?) {
            if let date, date > now, date < deadline { deadline = date }
        }
        for station in document.stations {
            consider(station.now.program?.end)
            consider(station.next.first?.start)
            if let song = station.now.song, let start = song.start, let duration = song.duration {
                consider(start.addingTimeInterval(duration + merger.songGrace + 0.5))
            }
        }
        for (_, input) in inputs {
            for source in input.sources {
                if let reference = source.okAt ?? source.firstCheckedAt {
                    consider(reference.addingTimeInterval(3 * source.spec.interval.seconds + 0.5))
                }
            }
        }
        return deadline
    }

    /// Applies a new configuration: stations that watch the same as before (only their name
    /// or tagline may differ) keep their inputs (and their watchers, which the supervisor
    /// keeps); others start afresh. `generations`
    /// names the new watchers of the stations that changed: from now on only they count.
    public func reconfigure(stations: [StationSpec], live: String?, generations: [String: WatcherGeneration] = [:]) {
        self.generations.merge(generations) { $1 }
        let ids = Set(stations.map(\.id))
        self.generations = self.generations.filter { ids.contains($0.key) }
        var kept: [String: StationInputs] = [:]
        let old = Dictionary(uniqueKeysWithValues: specs.map { ($0.id, $0) })
        for spec in stations {
            if let previous = old[spec.id], previous.watchesSame(as: spec), let existing = inputs[spec.id] {
                kept[spec.id] = existing
            } else {
                kept[spec.id] = StationInputs(spec: spec)
            }
        }
        specs = stations
        self.live = live
        inputs = kept
        let now = clock()
        let previous = Dictionary(uniqueKeysWithValues: document.stations.map { ($0.id, $0) })
        document.stations = stations.map { spec in
            merger.merge(spec, kept[spec.id] ?? StationInputs(spec: spec), now: now, previous: previous[spec.id])
        }
        document.live = live
        bump(now: now, changed: nil)
        clockWakeup.fire()
    }

    /// Replaces station `id`'s output statuses (the outputs report each delivery, failure and
    /// wait) and publishes the station if they changed.
    public func setOutputs(_ outputs: [OutputStatus], of id: String) {
        guard let position = positions[id], document.stations.indices.contains(position),
              document.stations[position].outputs != outputs else { return }
        document.stations[position].outputs = outputs
        bump(now: clock(), changed: document.stations[position])
    }

    // MARK: Merging and publishing

    private static func positions(of specs: [StationSpec]) -> [String: Int] {
        Dictionary(specs.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func remerge(_ id: String, now: Date) {
        guard let position = positions[id], var input = inputs[id],
              document.stations.indices.contains(position), document.stations[position].id == id else { return }
        let spec = specs[position]
        guard serving(id, input, now: now) else { return }  // still serving the loaded state
        let previous = document.stations[position]
        var state = merger.merge(spec, input, now: now, previous: previous)
        state.outputs = previous.outputs
        if let old = previous.now.song, !old.sameSong(as: state.now.song) {
            input.history.removeAll { $0.sameSong(as: old) }
            input.history.insert(old, at: 0)
            input.history = Array(input.history.prefix(merger.recentLimit))
            inputs[id] = input
            state.recent = input.history
        }
        let significant = state.withoutBookkeeping() != previous.withoutBookkeeping()
        let refresh = state != previous
            && now.timeIntervalSince(publishedAt[id] ?? .distantPast) >= timestampRefresh
        guard significant || refresh || document.stale else { return }
        document.stations[position] = state
        publishedAt[id] = now
        let wasStale = document.stale
        // Stale while a configured station loaded at start is still served as loaded.
        document.stale = loaded.keys.contains { id in
            positions[id] != nil && !(inputs[id].map { serving(id, $0, now: now) } ?? true)
        }
        bump(now: now, changed: wasStale && !document.stale ? nil : state)
    }

    /// Whether station `id` is merged from its inputs (true) or still served as loaded at start:
    /// a station not loaded is always merged; a loaded one once its inputs settled, or once any
    /// watcher reported and the grace since start is over.
    private func serving(_ id: String, _ input: StationInputs, now: Date) -> Bool {
        guard loaded[id] != nil else { return input.fresh }
        return input.settled || (input.fresh && now.timeIntervalSince(startedAt) >= Self.loadedGrace)
    }

    private func bump(now: Date, changed: StationState?) {
        document.sequence += 1
        document.updatedAt = now
        for publisher in publishers { publisher.publish(document, changed: changed) }
    }
}

extension SongValue {
    /// Same title and artist (the song did not change, whatever the bookkeeping says).
    func sameSong(as other: SongValue?) -> Bool {
        guard let other else { return false }
        return title == other.title && artist == other.artist
    }
}

extension StationState {
    /// The state with the times that change on every poll blanked, for change detection.
    func withoutBookkeeping() -> StationState {
        var copy = self
        let epoch = Date(timeIntervalSince1970: 0)
        copy.changedAt = epoch
        // A metered stream's level moves every second: bookkeeping (its silence is not).
        copy.streams = streams.map { var s = $0; s.checkedAt = nil; s.error?.at = epoch; s.audio?.levelDb = 0; s.audio?.peakDb = 0; return s }
        copy.sources = sources.map { var s = $0; s.checkedAt = nil; s.okAt = nil; s.error?.at = epoch; return s }
        copy.now.program?.seenAt = epoch
        copy.now.song?.seenAt = epoch
        copy.next = next.map { var p = $0; p.seenAt = epoch; return p }
        return copy
    }
}
