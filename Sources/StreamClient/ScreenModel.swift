import Foundation
import StreamState

/// What the studio screen shows at one instant, computed from the state document: the clock,
/// the station, ON AIR / OFF AIR, the program with its progress ("elapsed / total", the
/// player's "0:00 / 0:00") and the time remaining, the song, Next Up, the other stations, and
/// every stale or failing source or stream. Pure: document + time + connection in, values out;
/// ``ScreenRenderer`` turns it into terminal lines and the kiosk page does the same in
/// JavaScript.
public struct ScreenModel: Sendable, Equatable {
    /// How the screen's feed from the daemon is doing.
    public enum Connection: Sendable, Equatable {
        /// Connected; events arrive.
        case live
        /// Not connected yet (no state seen so far). `detail` says why, when known.
        case connecting(detail: String?)
        /// Lost the daemon; showing the last state seen while reconnecting.
        case reconnecting(since: Date, detail: String?)
    }

    /// How close the program is to its end.
    public enum Phase: String, Sendable, Equatable {
        /// More than five minutes left.
        case normal
        /// Five minutes or less left.
        case ending
        /// The last minute.
        case lastMinute
        /// Over (the daemon will move to the next program at its next merge).
        case over
    }

    /// The program on now, with its progress at ``ScreenModel/now``.
    public struct Program: Sendable, Equatable {
        /// The program name.
        public var name: String
        /// Its hosts, possibly empty.
        public var hosts: [String]
        /// Whole seconds since it started (rounded down), when its span is known.
        public var elapsed: Int?
        /// Its length in seconds, when its span is known.
        public var total: Int?
        /// Whole seconds until it ends (rounded up), when its span is known.
        public var remaining: Int?
        /// Elapsed / total, 0...1, when its span is known.
        public var fraction: Double?
        /// Station-local start and end, "HH:mm".
        public var startText: String?
        /// Station-local end, "HH:mm".
        public var endText: String?
        /// Normal, ending (≤ 5 min), last minute, over.
        public var phase: Phase
        /// True when the source it came from is stale or the document is (shown, but flagged).
        public var stale: Bool

        /// "elapsed / total" as the player shows it ("0:00 / 0:00"; h:mm:ss from an hour on).
        public var progressText: String? {
            guard let elapsed, let total else { return nil }
            return "\(ClientText.clock(elapsed)) / \(ClientText.clock(total))"
        }

        /// "m:ss" remaining.
        public var remainingText: String? { remaining.map(ClientText.clock) }

        /// Creates a program.
        public init(name: String, hosts: [String], elapsed: Int?, total: Int?, remaining: Int?, fraction: Double?,
                    startText: String?, endText: String?, phase: Phase, stale: Bool) {
            self.name = name
            self.hosts = hosts
            self.elapsed = elapsed
            self.total = total
            self.remaining = remaining
            self.fraction = fraction
            self.startText = startText
            self.endText = endText
            self.phase = phase
            self.stale = stale
        }
    }

    /// The song playing now.
    public struct Song: Sendable, Equatable {
        /// Title.
        public var title: String
        /// Artist, if known.
        public var artist: String?
        /// Album, if known.
        public var album: String?
        /// Composer, when known and not already the artist.
        public var composer: String?
        /// Whole seconds into the song, when its start is known.
        public var elapsed: Int?
        /// Its length, when known.
        public var duration: Int?
        /// True when its source is stale or the document is.
        public var stale: Bool

        /// "Artist – Title", or the title alone.
        public var line: String { artist.map { "\($0) – \(title)" } ?? title }

        /// Creates a song.
        public init(title: String, artist: String?, album: String?, composer: String? = nil, elapsed: Int?, duration: Int?,
                    stale: Bool) {
            self.title = title
            self.artist = artist
            self.album = album
            self.composer = composer
            self.elapsed = elapsed
            self.duration = duration
            self.stale = stale
        }
    }

    /// The next program.
    public struct Next: Sendable, Equatable {
        /// The program name.
        public var name: String
        /// Its hosts.
        public var hosts: [String]
        /// Station-local start, "HH:mm".
        public var startText: String?
        /// Whole seconds until it starts (0 once it has).
        public var startsIn: Int?

        /// "in 49 s", "in 2 min" (``ScreenModel/untilText(_:)``), nil when unknown, started or an
        /// hour or more away.
        public var startsInText: String? { startsIn.flatMap(ScreenModel.untilText) }

        /// Creates a next program.
        public init(name: String, hosts: [String], startText: String?, startsIn: Int?) {
            self.name = name
            self.hosts = hosts
            self.startText = startText
            self.startsIn = startsIn
        }
    }

    /// Another station, in one compact line.
    public struct Other: Sendable, Equatable {
        /// The station id.
        public var id: String
        /// Display name.
        public var name: String
        /// Whether it is on the air.
        public var onAir: Bool
        /// Its one-line now text; when that is only its name, its first problem (e.g. "stream
        /// main down (http: HTTP 404)"), else empty.
        public var text: String
        /// True when any of its streams is not up or a source is stale or failing.
        public var trouble: Bool

        /// Creates a line for another station.
        public init(id: String, name: String, onAir: Bool, text: String, trouble: Bool) {
            self.id = id
            self.name = name
            self.onAir = onAir
            self.text = text
            self.trouble = trouble
        }
    }

    /// A stale or failing source or stream (or a stale document).
    public struct Alert: Sendable, Equatable {
        /// How bad it is.
        public enum Severity: String, Sendable, Equatable {
            /// Stale values or a pending check: shown, but not current.
            case warning
            /// Down or failing.
            case error
        }

        /// Warning or error.
        public var severity: Severity
        /// One line, e.g. "source composer stale: no answer since 14:02:11 (timeout)".
        public var text: String

        /// Creates an alert.
        public init(severity: Severity, text: String) {
            self.severity = severity
            self.text = text
        }
    }

    /// The instant the model describes.
    public var now: Date
    /// The zone the clock and times are shown in (the station's; before the station is known,
    /// the fallback, used only for the "away since" time and never for the clock).
    public var timeZone: TimeZone
    /// Whether ``timeZone`` is the station's own. Until it is, the clock shows
    /// ``clockPlaceholder`` rather than the machine's time passed off as the station's.
    public var zoneKnown: Bool
    /// "HH:mm:ss" in the station's zone, or ``clockPlaceholder`` while its zone is unknown.
    public var clock: String
    /// "Friday, November 27", or empty while the station's zone is unknown.
    public var dateText: String
    /// The displayed station's id, when there is one.
    public var stationID: String?
    /// The station name (or "streamd" before any state arrived).
    public var stationName: String
    /// The tagline, e.g. "89.9 FM".
    public var tagline: String?
    /// Whether the station is on the air (nil before any state arrived).
    public var onAir: Bool?
    /// Dead air: the first stream of the station that is silent (its `silence` detection),
    /// with when the silence began, in the station's time (`HH:mm:ss`); nil when none is.
    public var deadAir: DeadAir?

    /// A silent stream, for the DEAD AIR banner.
    public struct DeadAir: Sendable, Equatable {
        /// The stream's id.
        public var stream: String
        /// When its silence began, `HH:mm:ss` in the station's time.
        public var since: String
    }
    /// Whether the displayed station is the one the site's "Play Live Radio" button plays.
    public var isLive: Bool
    /// The program on now.
    public var program: Program?
    /// The song playing now.
    public var song: Song?
    /// The station's one-line now text when it says more than the station's name (shown when
    /// there is neither program nor song); nil when it is only the name, which is never shown
    /// as if it were the program.
    public var text: String?
    /// The next program.
    public var next: Next?
    /// The other stations, in configuration order.
    public var others: [Other]
    /// Stale or failing sources and streams of the displayed station, and a stale document.
    public var alerts: [Alert]
    /// The feed's state.
    public var connection: Connection
    /// The document's sequence, when one arrived.
    public var sequence: UInt64?
    /// Set when `--station` named a station the daemon does not have.
    public var unknownStation: String?
    /// The streams whose 24-hour history the screen shows (the first ``maxStrips`` of the
    /// displayed station, in configuration order): what to ask the daemon for.
    public var stripKeys: [StreamKey]
    /// The condition now of each of ``stripKeys``' streams (nil: unknown, e.g. pending).
    public var stripConditions: [StreamCondition?]
    /// The uptime strips of those streams whose history is known, in the same order.
    public var strips: [UptimeStrip]

    /// The screen for `document` (nil before the first snapshot) at `now`. `stationID` picks
    /// the station (default: the document's `live`, else the first). `histories` are the
    /// daemon's history answers the screen has (any stations'; those of ``stripKeys`` become
    /// ``strips``).
    public init(document: StateDocument?, stationID: String? = nil, now: Date,
                connection: Connection = .live, fallbackTimeZone: TimeZone = .current,
                histories: [HistoryAnswer] = []) {
        self.now = now
        self.connection = connection
        self.sequence = document?.sequence
        let wanted = stationID ?? document?.live
        let station = document.flatMap { d in wanted.flatMap(d.station) ?? (stationID == nil ? d.stations.first : nil) }
        self.unknownStation = (document != nil && stationID != nil && station == nil) ? stationID : nil
        let stationZone = station.flatMap { TimeZone(identifier: $0.timezone) }
        let zone = stationZone ?? fallbackTimeZone
        self.timeZone = zone
        self.zoneKnown = stationZone != nil
        self.clock = stationZone != nil ? Self.format(now, zone: zone, "HH:mm:ss") : Self.clockPlaceholder
        self.dateText = stationZone != nil ? Self.format(now, zone: zone, "EEEE, MMMM d") : ""
        self.stationID = station?.id
        self.stationName = station?.name ?? stationID ?? "streamd"
        self.tagline = station?.tagline
        self.onAir = station?.onAir
        self.deadAir = station?.streams.lazy.compactMap { stream in
            stream.audio?.silentSince.map { DeadAir(stream: stream.id, since: Self.format($0, zone: zone, "HH:mm:ss")) }
        }.first
        self.isLive = station != nil && station?.id == document?.live
        self.stripKeys = station.map(Self.stripStreams) ?? []
        self.stripConditions = station.map { $0.streams.prefix(Self.maxStrips).map(StreamCondition.init) } ?? []
        self.strips = Self.strips(for: stripKeys, from: histories)
        self.others = []
        self.alerts = []
        guard let document, let station else { return }

        let documentStale = document.stale
        func sourceStale(_ kind: String) -> Bool {
            documentStale || station.sources.contains { $0.kind == kind && $0.status == .stale }
        }

        if let p = station.now.program {
            self.program = Self.program(p, now: now, zone: zone, stale: sourceStale(p.source))
        }
        if let s = station.now.song {
            let elapsed = s.start.map { Int(max(0, now.timeIntervalSince($0)).rounded(.down)) }
            let duration = s.duration.flatMap { $0 > 0 ? Int(exactly: $0.rounded()) : nil }  // 1e20 s: no figure, no trap
            let composer = s.composer.flatMap { $0.isEmpty || $0 == s.artist ? nil : $0 }
            self.song = Song(title: s.title, artist: s.artist.flatMap { $0.isEmpty ? nil : $0 }, album: s.album, composer: composer,
                             elapsed: duration.map { d in min(elapsed ?? 0, d) } ?? elapsed,
                             duration: duration, stale: sourceStale(s.source))
        }
        self.text = station.now.text.isEmpty || station.now.text == station.name ? nil : station.now.text
        if let n = station.upcoming(at: now).first(where: { p in p.start.map { $0 > now.addingTimeInterval(-1) } ?? true }) {
            self.next = Next(name: n.name, hosts: n.hosts,
                             startText: n.start.map { Self.format($0, zone: zone, "HH:mm") },
                             startsIn: n.start.map { Int(max(0, $0.timeIntervalSince(now)).rounded(.up)) })
        }
        self.others = document.stations.filter { $0.id != station.id }.map { other in
            // Its now text, or (when that is only its name) what is wrong with it.
            let problem = Self.alerts(other, documentStale: false, zone: zone).first?.text
            let text = other.now.text != other.name ? other.now.text : problem ?? ""
            return Other(id: other.id, name: other.name, onAir: other.onAir, text: text,
                         trouble: other.streams.contains { $0.status == .down || $0.status == .stalled }
                             || other.sources.contains { $0.status == .stale || $0.status == .error })
        }
        self.alerts = Self.alerts(station, documentStale: documentStale, zone: zone)
    }

    /// The clock while the station's zone is not known yet.
    public static let clockPlaceholder = "--:--:--"

    /// What the NOW slot says when no program is known.
    public static let noProgramText = "No program information"

    /// The one rounding rule for times still to come, shared by both screens (the kiosk
    /// page's `until()` is the same): whole `seconds` (rounded up from the instant, as
    /// ``Program/remaining`` and ``Next/startsIn`` are), minutes rounded down. So "2:09 left"
    /// and "in 2 min" describe the same moment, and "0:49 left" is "in 49 s". Nil at 0 or
    /// less and from an hour on.
    public static func untilText(_ seconds: Int) -> String? {
        guard seconds > 0, seconds < 3600 else { return nil }
        return seconds < 60 ? "in \(seconds) s" : "in \(seconds / 60) min"
    }

    /// The feed's state in words, for the status line: whether this screen is connected to
    /// streamd. It says nothing about the air (that is ON AIR / OFF AIR), so it never says
    /// "live".
    public var connectionText: String {
        switch connection {
        case .live: "● streamd connected"
        case .connecting: "connecting to streamd…"
        case .reconnecting: "streamd disconnected · reconnecting…"
        }
    }

    /// True when the screen shows a state it is not receiving updates for.
    public var isDisconnected: Bool {
        if case .live = connection { return false }
        return true
    }

    static func program(_ p: ProgramValue, now: Date, zone: TimeZone, stale: Bool) -> Program {
        var program = Program(name: p.name, hosts: p.hosts, elapsed: nil, total: nil, remaining: nil, fraction: nil,
                              startText: p.start.map { format($0, zone: zone, "HH:mm") },
                              endText: p.end.map { format($0, zone: zone, "HH:mm") },
                              phase: .normal, stale: stale)
        if let start = p.start, let end = p.end, end > start {
            let total = end.timeIntervalSince(start)
            let into = min(max(now.timeIntervalSince(start), 0), total)
            let remaining = Int((total - into).rounded(.up))
            program.elapsed = Int(into.rounded(.down))
            program.total = Int(total.rounded())
            program.remaining = remaining
            program.fraction = into / total
            program.phase = remaining <= 0 ? .over : remaining <= 60 ? .lastMinute : remaining <= 300 ? .ending : .normal
        }
        return program
    }

    static func alerts(_ station: StationState, documentStale: Bool, zone: TimeZone) -> [Alert] {
        var alerts: [Alert] = []
        if documentStale {
            alerts.append(Alert(severity: .warning, text: "state not refreshed since the daemon started"))
        }
        for stream in station.streams {
            let error = stream.error.map { " (\($0.kind): \($0.message))" } ?? ""
            switch stream.status {
            case .up: continue
            case .pending: alerts.append(Alert(severity: .warning, text: "stream \(stream.id) connecting"))
            case .degraded: alerts.append(Alert(severity: .warning, text: "stream \(stream.id) degraded\(error)"))
            case .stalled: alerts.append(Alert(severity: .error, text: "stream \(stream.id) stalled\(error)"))
            case .down: alerts.append(Alert(severity: .error, text: "stream \(stream.id) down\(error)"))
            }
        }
        for source in station.sources {
            let since = source.okAt.map { " since \(format($0, zone: zone, "HH:mm:ss"))" } ?? ""
            let error = source.error.map { " (\($0.kind): \($0.message))" } ?? ""
            switch source.status {
            case .ok, .pending: continue
            case .stale: alerts.append(Alert(severity: .warning, text: "source \(source.kind) stale: no answer\(since)\(error)"))
            case .error: alerts.append(Alert(severity: .error, text: "source \(source.kind) failing\(error)"))
            }
        }
        return alerts
    }

    static func format(_ date: Date, zone: TimeZone, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
