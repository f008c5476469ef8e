import Foundation

/// Spinitron v2 API (`https://spinitron.com/api`, bearer token): `GET /spins` and
/// `GET /playlists` (or `GET /shows`), each `{items[], _links, _meta}`. Field names follow
/// Spinitron's published OpenAPI description: a spin has `start`, `end`, `duration`
/// (seconds), `artist`, `song`, `release`; a playlist or show has `title`, `start`, `end`,
/// `duration`, `show_id`, `persona_id`, `hide_dj`.
///
/// Times are ISO 8601 with an offset, "2024-01-01T12:00:00+0000" or "+00:00" or "Z"; one
/// without an offset is read as UTC (the API documents its times as UTC). A spin's
/// duration is `duration`, else `end - start`. Hosts come from an expanded `persona`
/// (`?expand=persona`) or `personas`, and are left empty when `hide_dj` is true.
/// Items without a song title (spins) or a title and start (playlists) are skipped.
public enum SpinitronFeed {
    /// Current song, recent songs and, from playlists or shows, the program on at `now` and
    /// those after it.
    /// - Parameters:
    ///   - spins: the `/spins` body; `current` is its newest spin, `recent` the others.
    ///   - playlists: the `/playlists` or `/shows` body, if polled.
    public static func parse(spins: [UInt8], playlists: [UInt8]? = nil, now: Date) throws(ParseError) -> SourceSnapshot {
        let played = try parseSpins(spins)
        var snapshot = SourceSnapshot(current: played.first, recent: Array(played.dropFirst()))
        if let playlists {
            let slots = try parsePlaylists(playlists)
            snapshot.program = ComposerDay.onNow(at: now, in: slots)
            snapshot.next = ComposerDay.upcoming(after: now, in: slots, limit: slots.count)
        }
        return snapshot
    }

    /// The spins, newest first.
    public static func parseSpins(_ bytes: [UInt8]) throws(ParseError) -> [Track] {
        let items = try self.items(bytes, format: "spinitron-spins")
        let tracks = items.enumerated().compactMap { i, item -> (Int, Track)? in
            guard let spin = ScheduleJSON.object(item), let title = ScheduleJSON.string(spin["song"]) else { return nil }
            let start = time(spin["start"])
            let end = time(spin["end"])
            var duration = ScheduleJSON.number(spin["duration"]).flatMap { $0 > 0 ? $0 : nil }
            if duration == nil, let start, let end, end > start { duration = end.timeIntervalSince(start) }
            return (i, Track(title: title, artist: ScheduleJSON.string(spin["artist"]),
                             album: ScheduleJSON.string(spin["release"]), start: start,
                             duration: duration, kind: .song, composer: ScheduleJSON.string(spin["composer"])))
        }
        return tracks.sorted { a, b in
            let (sa, sb) = (a.1.start ?? .distantPast, b.1.start ?? .distantPast)
            return sa != sb ? sa > sb : a.0 < b.0
        }.map(\.1)
    }

    /// The playlists (or shows) as program slots, sorted by start.
    public static func parsePlaylists(_ bytes: [UInt8]) throws(ParseError) -> [ProgramSlot] {
        let items = try self.items(bytes, format: "spinitron-playlists")
        let slots = items.compactMap { item -> ProgramSlot? in
            guard let playlist = ScheduleJSON.object(item), let title = ScheduleJSON.string(playlist["title"]),
                  let start = time(playlist["start"]) else { return nil }
            let end = time(playlist["end"]) ?? ScheduleJSON.number(playlist["duration"])
                .flatMap { $0 > 0 ? start.addingTimeInterval($0) : nil }
            let hideDJ = (playlist["hide_dj"] as? NSNumber)?.boolValue ?? false
            let hosts = hideDJ ? [] : ScheduleJSON.names(playlist["persona"] ?? playlist["personas"])
            return ProgramSlot(name: title, hosts: hosts, start: start, end: end)
        }
        return ComposerDay.stableSortedByStart(slots)
    }

    /// `items[]` of a list answer; a bare array or a single object (`/spins/{id}`) also works.
    private static func items(_ bytes: [UInt8], format: String) throws(ParseError) -> [Any] {
        let document = try ScheduleJSON.document(bytes, format: format)
        if let list = ScheduleJSON.array(document) { return list }
        guard let root = ScheduleJSON.object(document) else {
            throw ParseError(format: format, location: "$", message: "expected a JSON object or array")
        }
        if let value = root["items"] {
            if value is NSNull { return [] }
            guard let list = ScheduleJSON.array(value) else {
                throw ParseError(format: format, location: "items", message: "expected an array")
            }
            return list
        }
        if root["id"] != nil || root["start"] != nil { return [root] }
        if let message = ScheduleJSON.string(root["message"]) {
            throw ParseError(format: format, location: "message", message: "Spinitron error: \(message)")
        }
        throw ParseError(format: format, location: "items", message: "missing: not a Spinitron list answer")
    }

    private static func time(_ value: Any?) -> Date? {
        ScheduleJSON.string(value).flatMap { StationLocalTime.iso8601($0, assumingOffset: 0) }
    }
}
