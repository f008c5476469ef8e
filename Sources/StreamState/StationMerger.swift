import Foundation
import StreamFormats

/// Merges what a station's watchers reported into its state. Pure: inputs and an instant in,
/// a ``StationState`` out.
///
/// The rules (the brief's "Merging"):
/// - **Program and Next Up** come from schedule sources (Composer, Cadence, Spinitron) that
///   are not stale: the program whose start ≤ now < end, from the day's schedule when there is
///   one, else from the source's own now/next.
/// - **Song** is the freshest item among the streams' own titles (streams that are up or
///   stalled) and the song sources' current items (not stale). If that freshest item is an
///   ad or a station ID, there is no song: an ad is on. An item whose start + duration is
///   more than a grace period ago is over and never shown.
/// - **onAir**: a stream is up; with no streams configured, a source answers.
/// - Every value keeps its source and when it was seen.
public struct StationMerger: Sendable {
    /// How long after its announced end a song may still show (feeds lag).
    public var songGrace: TimeInterval = 30
    /// How many upcoming programs to list.
    public var nextLimit = 3
    /// How many recent songs to keep.
    public var recentLimit = 10

    /// Creates a merger with the default rules.
    public init() {}

    /// The station's state at `now`. `previous` supplies `changedAt` when nothing changed.
    public func merge(_ spec: StationSpec, _ inputs: StationInputs, now: Date, previous: StationState?) -> StationState {
        let program = currentProgram(inputs, now: now)
        let song = currentSong(inputs, now: now)
        let streams = inputs.streams.map(streamStatus)
        let sources = inputs.sources.map { sourceStatus($0, now: now) }
        let onAir = streams.isEmpty
            ? sources.contains { $0.status == .ok || $0.status == .error }
            : streams.contains { $0.status.carriesAudio }
        let text = Self.text(song: song, program: program, station: spec.name)
        var state = StationState(
            id: spec.id, name: spec.name, tagline: spec.tagline, timezone: spec.timeZoneName, onAir: onAir,
            now: NowState(program: program, song: song, text: text),
            next: upcoming(inputs, now: now),
            recent: Array(inputs.history.prefix(recentLimit)),
            streams: streams, sources: sources,
            changedAt: previous?.changedAt ?? now)
        if let previous, previous.withoutBookkeeping() != state.withoutBookkeeping() {
            state.changedAt = now
        } else if previous == nil {
            state.changedAt = now
        } else if let previous {
            state.changedAt = previous.changedAt
        }
        return state
    }

    /// "Artist – Title" while a song plays, else the program name, else the station name.
    static func text(song: SongValue?, program: ProgramValue?, station: String) -> String {
        if let song {
            if let artist = song.artist { return "\(artist) – \(song.title)" }
            return song.title
        }
        return program?.name ?? station
    }

    // MARK: Program and Next Up

    /// The sources that say what airs when: those answering first, then stale ones. A stale
    /// source's schedule still vouches for what it says about now and next (a schedule is
    /// written ahead of time); its `seenAt` tells how old that is, and the screens mark it.
    private func scheduleSources(_ inputs: StationInputs, now: Date) -> [SourceRecord] {
        let known = inputs.sources.filter { $0.spec.kind.carriesSchedule && $0.okAt != nil }
        return known.filter { !$0.isStale(at: now) } + known.filter { $0.isStale(at: now) }
    }

    func currentProgram(_ inputs: StationInputs, now: Date) -> ProgramValue? {
        for record in scheduleSources(inputs, now: now) {
            let seen = record.okAt ?? now
            let kind = record.spec.kind.rawValue
            // A stale source vouches only for a program whose end it gave.
            let stale = record.isStale(at: now)
            if let schedule = record.schedule, let slot = ComposerDay.onNow(at: now, in: schedule), covers(slot, now),
               !stale || slot.end != nil {
                return ProgramValue(slot, source: kind, seenAt: seen)
            }
            if let slot = record.snapshot?.program, covers(slot, now), !stale || slot.end != nil {
                return ProgramValue(slot, source: kind, seenAt: seen)
            }
        }
        return nil
    }

    func upcoming(_ inputs: StationInputs, now: Date) -> [ProgramValue] {
        for record in scheduleSources(inputs, now: now) {
            let seen = record.okAt ?? now
            let kind = record.spec.kind.rawValue
            var slots = record.schedule.map { ComposerDay.upcoming(after: now, in: $0, limit: nextLimit) } ?? []
            // The day's schedule ends at midnight: continue with the source's own Next Up.
            let last = slots.last?.start ?? now
            slots += (record.snapshot?.next ?? []).filter { ($0.start ?? .distantPast) > last }
            slots = Array(slots.prefix(nextLimit))
            if !slots.isEmpty { return slots.map { ProgramValue($0, source: kind, seenAt: seen) } }
        }
        return []
    }

    private func covers(_ slot: ProgramSlot, _ now: Date) -> Bool {
        if let start = slot.start, start > now { return false }
        if let end = slot.end, end <= now { return false }
        return true
    }

    // MARK: Song

    /// A candidate for "the song": an item with where and when it was seen.
    struct Candidate {
        var track: Track
        var source: String
        /// When this item began, as best known: its start, else when it first appeared.
        var began: Date
        var seenAt: Date
    }

    func currentSong(_ inputs: StationInputs, now: Date) -> SongValue? {
        var candidates: [Candidate] = []
        for record in inputs.streams where record.status == .up || record.status == .stalled {
            guard let track = record.track, let since = record.trackSince else { continue }
            candidates.append(Candidate(track: track, source: record.container ?? "icy", began: since,
                                        seenAt: record.checkedAt ?? since))
        }
        for record in inputs.sources where !record.isStale(at: now) {
            guard let track = record.snapshot?.current, let okAt = record.okAt else { continue }
            // Icecast and SHOUTcast give "Artist - Title" as one string, as the stream does:
            // split it the same way so both read alike.
            let oneString = track.artist == nil && (record.spec.kind == .icecast || record.spec.kind == .shoutcast)
            let cleaned = oneString
                ? SongText.track(fromTitle: track.title, streamName: record.snapshot?.streamName).map { var t = $0; t.kind = track.kind; return t }
                : SongText.track(title: track.title, artist: track.artist, album: track.album, kind: track.kind,
                                 composer: track.composer)
            guard var item = cleaned else { continue }
            item.start = track.start
            item.duration = track.duration
            candidates.append(Candidate(track: item, source: record.spec.kind.rawValue,
                                        began: track.start ?? record.currentSince ?? okAt, seenAt: okAt))
        }
        let live = candidates.filter { !isOver($0.track, now: now) }
        guard let freshest = live.max(by: { $0.began < $1.began }), freshest.track.kind == .song else { return nil }
        let t = freshest.track
        return SongValue(title: t.title, artist: t.artist, album: t.album, composer: t.composer, start: t.start ?? freshest.began,
                         duration: t.duration, source: freshest.source, seenAt: freshest.seenAt)
    }

    private func isOver(_ track: Track, now: Date) -> Bool {
        guard let start = track.start, let duration = track.duration, duration > 0 else { return false }
        return start.addingTimeInterval(duration + songGrace) < now
    }

    // MARK: Status rows

    private func streamStatus(_ record: StreamRecord) -> StreamStatus {
        // Dead air: an up stream whose audio has been silent for the stream's `after`.
        let silentSince = record.status == .up ? record.audio?.silentSince : nil
        let silence = silentSince.map { since in
            ErrorValue(kind: "silence", message: "silent (below \(Int((record.spec.silence?.thresholdDb ?? -40).rounded())) dBFS) since "
                       + Self.rfc3339(since), at: since)
        }
        return StreamStatus(id: record.spec.id, url: record.spec.url, mode: record.spec.mode.rawValue,
                            status: silence == nil ? record.status : .degraded,
                            contentType: record.head?.contentType,
                            bitrate: record.status.carriesAudio ? (record.measuredBitrate ?? record.head?.announcedBitrate) : nil,
                            name: record.head?.name, since: silentSince ?? record.since, checkedAt: record.checkedAt,
                            error: silence ?? (record.status == .up ? nil : record.error), reconnects: record.reconnects,
                            audio: record.status.carriesAudio ? record.audio : nil)
    }

    private static func rfc3339(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private func sourceStatus(_ record: SourceRecord, now: Date) -> SourceStatus {
        SourceStatus(kind: record.spec.kind.rawValue, url: record.spec.url, status: record.status(at: now),
                     checkedAt: record.checkedAt, okAt: record.okAt, error: record.error)
    }
}

extension ProgramValue {
    init(_ slot: ProgramSlot, source: String, seenAt: Date) {
        self.init(name: slot.name, hosts: slot.hosts, start: slot.start, end: slot.end, source: source, seenAt: seenAt)
    }
}
