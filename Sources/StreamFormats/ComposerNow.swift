import Foundation

/// NPR Composer's now-playing widget, `GET /v1/widget/{ucs}/now?format=json&show_song=true`:
/// `onNow{program{name,hosts[]},start_time,end_time,song?}` and
/// `nextUp[]{program{name},start_time,fullstart}`.
///
/// `onNow`'s "HH:mm" times carry no date: the program is on at `now`, so its start is the
/// last time at or before `now` that the station's clocks showed `start_time`, and its end
/// the first `end_time` after that ("23:59" meaning midnight; a 23:00–01:00 program heard at
/// 00:30 started yesterday). A `nextUp` entry uses `fullstart` when given, else the first
/// `start_time` after `now`. `song` (present only while a track is logged) becomes
/// `current`; `nextUp` may be empty or absent. See `ComposerDay` for the error policy.
public enum ComposerNow {
    /// The program on now, the logged song if any, and the programs up next.
    /// - Parameters:
    ///   - timeZone: the station's IANA zone, in which Composer's times are written.
    ///   - now: the instant of the poll; the station-local date is derived from it.
    public static func parse(_ bytes: [UInt8], timeZone: TimeZone, now: Date) throws(ParseError) -> SourceSnapshot {
        let format = "composer-now"
        let root = try ScheduleJSON.root(bytes, format: format)
        return try snapshot(root, format: format, timeZone: timeZone, now: now)
    }

    /// The snapshot of an already decoded answer (shared with Cadence's Composer-shaped answers).
    static func snapshot(_ root: [String: Any], format: String, timeZone: TimeZone,
                         now: Date) throws(ParseError) -> SourceSnapshot {
        guard root["onNow"] != nil || root["nextUp"] != nil else {
            throw ParseError(format: format, location: "onNow", message: "missing onNow and nextUp: not a Composer now answer")
        }
        let zone = StationLocalTime(timeZone: timeZone)
        let reader = ComposerEntry(format: format, zone: zone)
        var snapshot = SourceSnapshot()
        if !ScheduleJSON.isMissing(root["onNow"]) {
            guard let onNow = ScheduleJSON.object(root["onNow"]) else {
                throw ParseError(format: format, location: "onNow", message: "expected an object")
            }
            if !ScheduleJSON.isMissing(onNow["program"]) {
                snapshot.program = try reader.slot(onNow, at: "onNow", day: nil, anchor: .onAir(now))
            }
            snapshot.current = ScheduleJSON.object(onNow["song"]).flatMap { ComposerSong.track($0, zone: zone) }
        }
        if !ScheduleJSON.isMissing(root["nextUp"]) {
            guard let entries = ScheduleJSON.array(root["nextUp"]) else {
                throw ParseError(format: format, location: "nextUp", message: "expected an array")
            }
            var next: [ProgramSlot] = []
            for (i, item) in entries.enumerated() {
                guard let entry = ScheduleJSON.object(item) else {
                    throw ParseError(format: format, location: "nextUp[\(i)]", message: "expected an object")
                }
                next.append(try reader.slot(entry, at: "nextUp[\(i)]", day: nil, anchor: .upcoming(now)))
            }
            snapshot.next = ComposerDay.stableSortedByStart(next)
        }
        return snapshot
    }
}
