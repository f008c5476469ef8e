import Foundation

/// NPR Cadence (Composer's successor): `GET https://cadence.nprstations.org/api/cadence/widget/{uuid}?show_song=true`
/// and `…/widget/{uuid}/day?date=YYYY-MM-DD`.
///
/// No captured Cadence answer was found. The shape read here is the one public clients
/// read: the widget's `onNow{programName,startTime,endTime}` and `currentlyPlayingSong
/// {title,composer,artist[],ensemble[],conductor[],start{utc}}`; the day's
/// `episodes[]{episode{episodeId,programName,start{utc,local},end{utc,local},songs[]}}`.
/// Answers in Composer's shape (`onNow.program`, `nextUp[]`, `onToday[]`) are read as
/// Composer's. A JSONP wrapper (`callback=`) is removed.
///
/// Times: an object `{utc, local}` uses `utc` (an ISO 8601 string; UTC if it has no
/// offset), else `local` in the station's zone; a string with an offset is absolute, one
/// with a date and no offset is station-local, and a bare time ("18:00", "6:00 PM") is
/// placed like Composer's `onNow`/`nextUp` times relative to `now`. Song durations are
/// not read: no public source shows their unit. Error policy as `ComposerDay`'s.
public enum CadenceWidget {
    /// The program on now, the current song if any, and the programs up next.
    public static func parse(_ bytes: [UInt8], timeZone: TimeZone, now: Date) throws(ParseError) -> SourceSnapshot {
        let format = "cadence-widget"
        let root = try ScheduleJSON.root(bytes, format: format)
        let onNow = ScheduleJSON.object(root["onNow"])
        let native = onNow?["programName"] != nil || root["currentlyPlayingSong"] != nil
        if !native, onNow?["program"] != nil || root["nextUp"] != nil {
            return try ComposerNow.snapshot(root, format: format, timeZone: timeZone, now: now)
        }
        guard native || onNow != nil else {
            throw ParseError(format: format, location: "onNow", message: "missing: not a Cadence widget answer")
        }
        let reader = CadenceEntry(format: format, zone: StationLocalTime(timeZone: timeZone))
        var snapshot = SourceSnapshot()
        if let onNow, onNow["programName"] != nil {
            snapshot.program = try reader.slot(onNow, at: "onNow", anchor: .onAir(now))
        }
        snapshot.current = ScheduleJSON.object(root["currentlyPlayingSong"]).flatMap(reader.track)
        if let entries = ScheduleJSON.array(root["nextUp"]) {
            var next: [ProgramSlot] = []
            for (i, item) in entries.enumerated() {
                guard let entry = ScheduleJSON.object(item) else {
                    throw ParseError(format: format, location: "nextUp[\(i)]", message: "expected an object")
                }
                next.append(try reader.slot(entry, at: "nextUp[\(i)]", anchor: .upcoming(now)))
            }
            snapshot.next = ComposerDay.stableSortedByStart(next)
        }
        return snapshot
    }

    /// The day's programs (episodes), sorted by start.
    public static func parseDay(_ bytes: [UInt8], timeZone: TimeZone) throws(ParseError) -> [ProgramSlot] {
        let format = "cadence-day"
        let root = try ScheduleJSON.root(bytes, format: format)
        if root["episodes"] == nil, root["onToday"] != nil {
            return try ComposerDay.slots(in: root, format: format, timeZone: timeZone, date: nil)
        }
        guard let value = root["episodes"] else {
            throw ParseError(format: format, location: "episodes", message: "missing: not a Cadence day answer")
        }
        if value is NSNull { return [] }
        guard let rows = ScheduleJSON.array(value) else {
            throw ParseError(format: format, location: "episodes", message: "expected an array")
        }
        let reader = CadenceEntry(format: format, zone: StationLocalTime(timeZone: timeZone))
        var slots: [ProgramSlot] = []
        for (i, row) in rows.enumerated() {
            let wrapped = ScheduleJSON.object(ScheduleJSON.object(row)?["episode"])
            guard let episode = wrapped ?? ScheduleJSON.object(row) else {
                throw ParseError(format: format, location: "episodes[\(i)]", message: "expected an object")
            }
            let location = wrapped == nil ? "episodes[\(i)]" : "episodes[\(i)].episode"
            slots.append(try reader.slot(episode, at: location, anchor: nil))
        }
        return ComposerDay.stableSortedByStart(slots)
    }
}

/// Reads Cadence's programs and songs.
struct CadenceEntry {
    let format: String
    let zone: StationLocalTime

    func slot(_ entry: [String: Any], at location: String,
              anchor: ComposerEntry.Anchor?) throws(ParseError) -> ProgramSlot {
        guard let name = ScheduleJSON.string(entry["programName"])
                ?? ScheduleJSON.string(ScheduleJSON.object(entry["program"])?["name"]) else {
            throw ParseError(format: format, location: "\(location).programName", message: "missing program name")
        }
        let startKey = entry["startTime"] != nil ? "startTime" : "start"
        guard let start = instant(entry[startKey], anchor: anchor) else {
            throw ParseError(format: format, location: "\(location).\(startKey)",
                             message: "missing or unreadable start time")
        }
        let endValue = entry["endTime"] ?? entry["end"]
        let end = clock(endValue).map { zone.occurrence(of: $0.asEndOfDay, after: start) }
            ?? instant(endValue, anchor: nil).flatMap { $0 > start ? $0 : nil }
        let hosts = ScheduleJSON.names(entry["hosts"] ?? ScheduleJSON.object(entry["program"])?["hosts"])
        return ProgramSlot(name: name, hosts: hosts, start: start, end: end)
    }

    func track(_ song: [String: Any]) -> Track? {
        guard let title = ScheduleJSON.string(song["title"]) else { return nil }
        let artist = ["artist", "ensemble", "conductor", "composer"].lazy.compactMap { key -> String? in
            let names = ScheduleJSON.names(song[key])
            return names.isEmpty ? nil : names.joined(separator: ", ")
        }.first
        let composers = ScheduleJSON.names(song["composer"])
        return Track(title: title, artist: artist, album: ScheduleJSON.string(song["album"]),
                     start: instant(song["start"], anchor: nil), kind: .song,
                     composer: composers.isEmpty ? nil : composers.joined(separator: ", "))
    }

    /// An absolute instant from `{utc, local}`, an ISO string, a local date-time, or a bare
    /// time placed by `anchor`.
    private func instant(_ value: Any?, anchor: ComposerEntry.Anchor?) -> Date? {
        if let object = ScheduleJSON.object(value) {
            if let utc = ScheduleJSON.string(object["utc"]),
               let date = StationLocalTime.iso8601(utc, assumingOffset: 0) { return date }
            return ScheduleJSON.string(object["local"]).flatMap(zone.timestamp)
        }
        guard let text = ScheduleJSON.string(value) else { return nil }
        if let date = zone.timestamp(text) { return date }
        guard let clock = clock(text) else { return nil }
        switch anchor {
        case .onAir(let now)?: return zone.occurrence(of: clock, atOrBefore: now)
        case .upcoming(let now)?: return zone.occurrence(of: clock, after: now)
        case nil: return nil
        }
    }

    /// "18:00", "6:00 PM", "6:00pm" (not a full date-time).
    private func clock(_ value: Any?) -> StationLocalTime.Clock? {
        guard var text = ScheduleJSON.string(value)?.lowercased() else { return nil }
        var pm: Bool?
        for (suffix, isPM) in [("am", false), ("pm", true)] where text.hasSuffix(suffix) {
            text = String(text.dropLast(2)).trimmingCharacters(in: .whitespaces)
            pm = isPM
        }
        guard let clock = StationLocalTime.Clock.parse(text) else { return nil }
        guard let pm else { return clock }
        guard (1...12).contains(clock.hour) else { return nil }
        return StationLocalTime.Clock(hour: clock.hour % 12 + (pm ? 12 : 0), minute: clock.minute, second: clock.second)
    }
}
