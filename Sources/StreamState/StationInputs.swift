import Foundation
import StreamFormats

/// Everything the watchers of one station have reported, before merging.
public struct StationInputs: Sendable, Equatable {
    /// One record per configured stream, in configuration order.
    public var streams: [StreamRecord]
    /// One record per configured source, in configuration order.
    public var sources: [SourceRecord]
    /// Songs shown before the current one, newest first.
    public var history: [SongValue] = []
    /// True once any watcher of this station has reported since start.
    public var fresh = false

    /// True once every stream has had a result since start (up, down, stalled, degraded or a
    /// title; connecting is no result), or, for a station without streams, once a source
    /// answered. Until then a state loaded at start is served as it was: a source that
    /// answers before the streams must not take the station off the air for a moment.
    public var settled: Bool {
        streams.isEmpty ? fresh : streams.allSatisfy(\.reported)
    }

    /// Empty records for a station's spec.
    public init(spec: StationSpec) {
        streams = spec.streams.map { StreamRecord(spec: $0) }
        sources = spec.sources.map { SourceRecord(spec: $0) }
    }

    /// Applies a stream event to record `index`.
    public mutating func apply(stream index: Int, _ event: StreamEvent) {
        guard streams.indices.contains(index) else { return }
        // Connecting (and a head whose audio is still being checked) says nothing about what
        // plays: the loaded state stays until real news.
        switch event {
        case .connecting, .connected: break
        default: fresh = true
        }
        streams[index].apply(event)
    }

    /// Applies a source event to record `index`.
    public mutating func apply(source index: Int, _ event: SourceEvent) {
        guard sources.indices.contains(index) else { return }
        fresh = true
        sources[index].apply(event)
    }
}

/// What is known about one stream.
public struct StreamRecord: Sendable, Equatable {
    /// The spec it watches.
    public var spec: StreamSpec
    /// Up, stalled, down or pending.
    public var status: StreamStatus.Status = .pending
    /// When `status` last changed.
    public var since: Date?
    /// When it was last heard from.
    public var checkedAt: Date?
    /// The last head.
    public var head: StreamHead?
    /// The measured bitrate, kbit/s.
    public var measuredBitrate: Int?
    /// The last error, while not up.
    public var error: ErrorValue?
    /// The title the stream carries now (`nil`: none or unusable).
    public var track: Track?
    /// `icy`, `ogg` or `hls`: where the title came from.
    public var container: String?
    /// When the current title first appeared.
    public var trackSince: Date?
    /// Connections made since the stream was last up (0 while up).
    public var reconnects = 0
    /// The audio's last measured second, while a metered stream carries audio.
    public var audio: AudioStatus?
    /// Whether a connection was ever attempted (the first is not a reconnection).
    var attempted = false
    /// Whether the stream has had a result since start (anything but connecting).
    public var reported = false

    init(spec: StreamSpec) {
        self.spec = spec
    }

    mutating func apply(_ event: StreamEvent) {
        switch event {
        case .connecting, .connected: break
        default: reported = true
        }
        switch event {
        case .connecting(let at):
            checkedAt = at
            if status == .pending { since = at }
            // A connection made while up (a probe's next check) is no reconnection: counting it
            // showed a healthy probed stream with a reconnect, and made two document versions
            // (and two events to every subscriber) per probe.
            if attempted && status != .up { reconnects += 1 }
            attempted = true
        case .connected(let head, let at):
            checkedAt = at
            self.head = head
        case .up(let head, let at):
            set(.up, at: at)
            self.head = head
            error = nil
            reconnects = 0
        case .metadata(let track, let container, let at):
            checkedAt = at
            if track != self.track || self.container != container {
                self.track = track
                self.container = container
                trackSince = at
            }
        case .bitrate(let kbps, let at):
            checkedAt = at
            measuredBitrate = kbps
        case .audio(let reading, let at):
            checkedAt = at
            audio = status.carriesAudio ? reading : nil
        case .degraded(let error):
            set(.degraded, at: error.at)
            self.error = error
            track = nil  // what the stream said last is not to be trusted now
        case .stalled(let error):
            set(.stalled, at: error.at)
            self.error = error
            audio = nil
        case .down(let error):
            set(.down, at: error.at)
            self.error = error
            measuredBitrate = nil
            audio = nil
        }
    }

    private mutating func set(_ status: StreamStatus.Status, at: Date) {
        checkedAt = at
        if self.status != status {
            self.status = status
            since = at
        }
    }
}

/// What is known about one now-playing source.
public struct SourceRecord: Sendable, Equatable {
    /// The spec it polls.
    public var spec: SourceSpec
    /// When it was last polled.
    public var checkedAt: Date?
    /// When it was first polled.
    public var firstCheckedAt: Date?
    /// When it last answered well.
    public var okAt: Date?
    /// The last error, if the last poll failed.
    public var error: ErrorValue?
    /// The last good snapshot.
    public var snapshot: SourceSnapshot?
    /// The day's schedule, for schedule kinds.
    public var schedule: [ProgramSlot]?
    /// When the current item (`snapshot.current`) was first reported.
    public var currentSince: Date?

    init(spec: SourceSpec) {
        self.spec = spec
    }

    mutating func apply(_ event: SourceEvent) {
        switch event {
        case .ok(let snapshot, let schedule, let at):
            checkedAt = at
            if firstCheckedAt == nil { firstCheckedAt = at }
            okAt = at
            error = nil
            if snapshot.current != self.snapshot?.current { currentSince = at }
            self.snapshot = snapshot
            if let schedule { self.schedule = schedule }
        case .failed(let error):
            checkedAt = error.at
            if firstCheckedAt == nil { firstCheckedAt = error.at }
            self.error = error
        }
    }

    /// A source with no good answer for 3 of its intervals is stale.
    public func isStale(at now: Date) -> Bool {
        guard let reference = okAt ?? firstCheckedAt else { return false }
        return now.timeIntervalSince(reference) > 3 * spec.interval.seconds
    }

    /// Its status as the document shows it.
    public func status(at now: Date) -> SourceStatus.Status {
        if checkedAt == nil { return .pending }
        if isStale(at: now) { return .stale }
        return error == nil ? .ok : .error
    }
}
