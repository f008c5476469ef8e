import Foundation

/// NPR Composer's day schedule, `GET /v1/widget/{ucs}/day?date=YYYY-MM-DD&format=json`:
/// `onToday[]` entries, each a program with station-local times.
///
/// Times: the fields that say when this occurrence really airs win over the series'
/// template. An entry keeps both: `start_utc`/`end_utc` (JavaScript date strings with their
/// offset) and `fullstart`/`fullend` (station-local date and time) belong to the occurrence,
/// and are what an edit changes; `start_time`/`end_time` ("HH:mm") are the series' nominal
/// clock times, which an edited entry keeps and which then disagree. So the start is
/// `start_utc`, else `fullstart`, else the entry's date (`date`, the schedule's `params.date`,
/// the `date` argument) at `start_time`, read in the station's zone (see `StationLocalTime`
/// for the DST rule); the end likewise `end_utc`, else `fullend`, else the first time after
/// the start that the clocks show `end_time`, so a program from 23:00 to 01:00 ends the next
/// day. An end at 23:59 means midnight (24:00): Composer writes the end of the day as 23:59,
/// so the last program meets the next day's first one with no gap. Overlaps that remain are
/// not resolved silently: ``overlaps(in:)`` lists them for the log and for `streamd probe`.
///
/// Policy: a missing or malformed program name or start is a `ParseError` naming the entry
/// (`onToday[4].start_time`); optional details (end, hosts, playlist, `{}` dates) that are
/// missing or malformed are dropped.
public enum ComposerDay {
    /// The day's programs, sorted by start.
    public static func parse(_ bytes: [UInt8], timeZone: TimeZone,
                             date: StationLocalTime.Day? = nil) throws(ParseError) -> [ProgramSlot] {
        let format = "composer-day"
        let root = try ScheduleJSON.root(bytes, format: format)
        return try slots(in: root, format: format, timeZone: timeZone, date: date)
    }

    /// The programs starting after `instant`, soonest first, at most `limit` (Next Up).
    public static func upcoming(after instant: Date, in slots: [ProgramSlot], limit: Int) -> [ProgramSlot] {
        let later = slots.filter { ($0.start ?? .distantPast) > instant }
            .sorted { ($0.start ?? .distantPast) < ($1.start ?? .distantPast) }
        return Array(later.prefix(max(0, limit)))
    }

    /// The program on at `instant`: start ≤ instant < end. A slot without an end lasts until
    /// the next slot starts (the last one, open-ended, stays on). When slots overlap, the one
    /// that started last wins (a newscast inside a longer program).
    public static func onNow(at instant: Date, in slots: [ProgramSlot]) -> ProgramSlot? {
        let timed = stableSortedByStart(slots).compactMap { slot in slot.start.map { (slot, $0) } }
        var found: ProgramSlot?
        for (i, (slot, start)) in timed.enumerated() where start <= instant {
            let end = slot.end ?? (i + 1 < timed.count ? timed[i + 1].1 : nil)
            if end.map({ instant < $0 }) ?? true { found = slot }
        }
        return found
    }

    /// Where programs of a day overlap after parsing (each pair, in order of start, whose
    /// first ends after the second starts: not only neighbours, so a long program that a
    /// newscast interrupts still overlaps what starts before it ends), for the log and
    /// `streamd probe`, in order of where they begin. A day whose entries tile it gives none.
    public static func overlaps(in slots: [ProgramSlot]) -> [ScheduleOverlap] {
        let timed = stableSortedByStart(slots).filter { $0.start != nil }
        var found: [ScheduleOverlap] = []
        for (i, first) in timed.enumerated() {
            guard let end = first.end else { continue }
            for second in timed[(i + 1)...] {
                guard let start = second.start, end > start else { break }
                found.append(ScheduleOverlap(first: first, second: second, from: start, to: min(end, second.end ?? end)))
            }
        }
        return found.enumerated().sorted { a, b in
            a.element.from != b.element.from ? a.element.from < b.element.from : a.offset < b.offset
        }.map(\.element)
    }

    /// `onToday[]` of an already decoded answer (shared with Cadence's Composer-shaped days).
    static func slots(in root: [String: Any], format: String, timeZone: TimeZone,
                      date: StationLocalTime.Day?) throws(ParseError) -> [ProgramSlot] {
        guard let value = root["onToday"] else {
            throw ParseError(format: format, location: "onToday", message: "missing: not a Composer day schedule")
        }
        if value is NSNull { return [] }
        guard let entries = ScheduleJSON.array(value) else {
            throw ParseError(format: format, location: "onToday", message: "expected an array")
        }
        let params = ScheduleJSON.object(root["params"])
        let day = ScheduleJSON.string(params?["date"]).flatMap(StationLocalTime.Day.parse) ?? date
        let reader = ComposerEntry(format: format, zone: StationLocalTime(timeZone: timeZone))
        var slots: [ProgramSlot] = []
        for (i, item) in entries.enumerated() {
            guard let entry = ScheduleJSON.object(item) else {
                throw ParseError(format: format, location: "onToday[\(i)]", message: "expected an object")
            }
            slots.append(try reader.slot(entry, at: "onToday[\(i)]", day: day, anchor: nil))
        }
        return stableSortedByStart(slots)
    }

    static func stableSortedByStart(_ slots: [ProgramSlot]) -> [ProgramSlot] {
        slots.enumerated().sorted { a, b in
            let (sa, sb) = (a.element.start ?? .distantFuture, b.element.start ?? .distantFuture)
            return sa != sb ? sa < sb : a.offset < b.offset
        }.map(\.element)
    }
}

/// Reads one Composer schedule entry (`onToday[]`, `onNow` or `nextUp[]`) into a slot.
struct ComposerEntry {
    /// How to place a bare "HH:mm" start that comes without a date.
    enum Anchor {
        /// The program is on now: its start is the last such time at or before this instant.
        case onAir(Date)
        /// The program is still to come: its start is the first such time after this instant.
        case upcoming(Date)
    }

    let format: String
    let zone: StationLocalTime

    func slot(_ entry: [String: Any], at location: String, day: StationLocalTime.Day?,
              anchor: Anchor?) throws(ParseError) -> ProgramSlot {
        let program = ScheduleJSON.object(entry["program"])
        guard let name = ScheduleJSON.string(program?["name"]) ?? ScheduleJSON.string(entry["name"]) else {
            throw ParseError(format: format, location: "\(location).program.name", message: "missing program name")
        }
        let start = try self.start(entry, at: location, day: day, anchor: anchor)
        return ProgramSlot(name: name, hosts: ScheduleJSON.names(program?["hosts"] ?? entry["hosts"]),
                           start: start, end: end(entry, after: start))
    }

    private func start(_ entry: [String: Any], at location: String, day: StationLocalTime.Day?,
                       anchor: Anchor?) throws(ParseError) -> Date {
        if let utc = ScheduleJSON.string(entry["start_utc"]), let date = zone.timestamp(utc) {
            return date  // the occurrence's own instant: an edit changes it
        }
        if let full = ScheduleJSON.string(entry["fullstart"]) {
            guard let date = zone.timestamp(full) else {
                throw ParseError(format: format, location: "\(location).fullstart",
                                 message: "unreadable date and time \"\(full)\"")
            }
            return date
        }
        if let text = ScheduleJSON.string(entry["start_time"]) {
            guard let clock = StationLocalTime.Clock.parse(text) else {
                throw ParseError(format: format, location: "\(location).start_time",
                                 message: "unreadable time \"\(text)\" (expected HH:mm)")
            }
            let entryDay = ScheduleJSON.string(entry["date"]).flatMap(StationLocalTime.Day.parse) ?? day
            switch (entryDay, anchor) {
            case (let d?, _): return zone.date(d, clock)
            case (nil, .onAir(let now)?): return zone.occurrence(of: clock, atOrBefore: now)
            case (nil, .upcoming(let now)?): return zone.occurrence(of: clock, after: now)
            case (nil, nil): break
            }
        }
        if let utc = ScheduleJSON.string(entry["start_utc"]), let date = zone.timestamp(utc) {
            return date
        }
        throw ParseError(format: format, location: "\(location).start_time",
                         message: "no usable start (start_time with a date, fullstart or start_utc)")
    }

    private func end(_ entry: [String: Any], after start: Date) -> Date? {
        // The occurrence's own end first (end_utc, fullend), then the series' clock.
        for text in [ScheduleJSON.string(entry["end_utc"]), ScheduleJSON.string(entry["fullend"])] {
            guard let text, let date = zone.timestamp(text) else { continue }
            let end = zone.isEndOfDayClock(date) ? date.addingTimeInterval(60) : date
            if end > start { return end }
        }
        let clockText = ScheduleJSON.string(entry["end_time"])
        if let clock = clockText.flatMap(StationLocalTime.Clock.parse) {
            return zone.occurrence(of: clock.asEndOfDay, after: start)
        }
        return nil
    }
}

/// Two programs of a schedule that claim the same time.
public struct ScheduleOverlap: Sendable, Equatable, Encodable, CustomStringConvertible {
    /// The one that starts first.
    public var first: ProgramSlot
    /// The one that starts inside it.
    public var second: ProgramSlot
    /// Where the overlap begins (the second's start).
    public var from: Date
    /// Where it ends.
    public var to: Date

    /// Creates an overlap.
    public init(first: ProgramSlot, second: ProgramSlot, from: Date, to: Date) {
        self.first = first
        self.second = second
        self.from = from
        self.to = to
    }

    /// e.g. `"Weekend Special" and "Classical Music" both claim 10:00-11:00Z`.
    public var description: String {
        let format = Date.ISO8601FormatStyle().dateSeparator(.dash).timeSeparator(.colon)
        return "\"\(first.name)\" and \"\(second.name)\" both claim \(from.formatted(format)) to \(to.formatted(format))"
    }
}
