import Foundation

/// NPR Composer's recent tracks, `GET /v1/widget/{ucs}/tracks?format=json&limit=N`:
/// `tracklist.results[]{song{…}, song_start_time}`.
public enum ComposerTracks {
    /// The logged tracks, newest first (by start; the feed's order breaks ties). Results
    /// without a track name are skipped.
    public static func parse(_ bytes: [UInt8], timeZone: TimeZone) throws(ParseError) -> [Track] {
        let format = "composer-tracks"
        let root = try ScheduleJSON.root(bytes, format: format)
        guard let tracklist = ScheduleJSON.object(root["tracklist"]) else {
            throw ParseError(format: format, location: "tracklist", message: "missing: not a Composer tracks answer")
        }
        if ScheduleJSON.isMissing(tracklist["results"]) { return [] }
        guard let results = ScheduleJSON.array(tracklist["results"]) else {
            throw ParseError(format: format, location: "tracklist.results", message: "expected an array")
        }
        let zone = StationLocalTime(timeZone: timeZone)
        let tracks = results.enumerated().compactMap { i, item -> (Int, Track)? in
            guard let result = ScheduleJSON.object(item), let song = ScheduleJSON.object(result["song"]),
                  let track = ComposerSong.track(song, zone: zone,
                                                 fallbackStart: ScheduleJSON.string(result["song_start_time"]))
            else { return nil }
            return (i, track)
        }
        return tracks.sorted { a, b in
            let (sa, sb) = (a.1.start ?? .distantPast, b.1.start ?? .distantPast)
            return sa != sb ? sa > sb : a.0 < b.0
        }.map(\.1)
    }
}

/// A Composer `song` object (`onNow.song`, `tracklist.results[].song`, `playlist[]`) as a Track.
///
/// Title is `trackName`. Artist is `artistName`, else the first non-empty of `ensembles`,
/// `soloists`, `conductor`, `composerName` (classical logs often leave `artistName` empty).
/// Composer is `composerName`, kept also when there is an artist.
/// Album is `collectionName`. Start is `_start_time` ("MM-DD-YYYY HH:MM:SS", `-` or `/`,
/// station-local), else `_date` + `_start`, else the caller's fallback; duration is
/// `_duration` in milliseconds. Details that do not parse are left out, never guessed.
enum ComposerSong {
    static func track(_ song: [String: Any], zone: StationLocalTime, fallbackStart: String? = nil) -> Track? {
        guard let title = ScheduleJSON.string(song["trackName"]) else { return nil }
        let artist = ["artistName", "ensembles", "soloists", "conductor", "composerName"]
            .lazy.compactMap { ScheduleJSON.string(song[$0]) }.first
        let dateAndStart = ScheduleJSON.string(song["_date"]).flatMap { date in
            ScheduleJSON.string(song["_start"]).map { "\(date) \($0)" }
        }
        let start = [ScheduleJSON.string(song["_start_time"]), dateAndStart, fallbackStart]
            .lazy.compactMap { $0.flatMap(zone.timestamp) }.first
        let milliseconds = ScheduleJSON.number(song["_duration"])
        let duration = milliseconds.flatMap { $0 > 0 && $0 < 86_400_000 ? $0 / 1000 : nil }
        return Track(title: title, artist: artist, album: ScheduleJSON.string(song["collectionName"]),
                     start: start, duration: duration, kind: .song, composer: ScheduleJSON.string(song["composerName"]))
    }
}
