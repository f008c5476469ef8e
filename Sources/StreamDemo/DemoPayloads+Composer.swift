import Foundation
import StreamFormats

extension DemoPayloads {
    /// Composer's `/now` answer at `instant`: `onNow` with the program on the air ("HH:mm"
    /// times without a date, as Composer sends them) and, while a song plays, the song;
    /// `nextUp` with the next `nextCount` programs (`fullstart`/`fullend` included).
    /// Ads and station IDs are not logged, so during them `onNow` has no `song`.
    public static func composerNow(_ playlist: DemoPlaylist, at instant: Date, nextCount: Int = 3) -> [UInt8] {
        let zone = DemoPlaylist.timeZone
        let airing = playlist.airing(at: instant)
        let play = playlist.play(at: instant)
        let start = DemoWallTime(airing.start, zone: zone)
        let end = DemoWallTime(airing.end, zone: zone)
        var song: ComposerSongJSON?
        if play.item.kind == .song {
            let songStart = DemoWallTime(play.start, zone: zone)
            song = ComposerSongJSON(
                trackName: play.item.title, artistName: play.item.artist ?? "",
                collectionName: play.item.album ?? "",
                _duration: Int((playlist.songLength * 1000).rounded()),
                _start_time: songStart.composerSongStart, _date: songStart.slashDate, _start: songStart.shortTime)
        }
        let onNow = ComposerOnNowJSON(program: ComposerProgramJSON(airing), start_time: start.clock,
                                      end_time: end.endClock, song: song)
        let next = nextCount > 0
            ? (1...nextCount).map { ComposerEntryJSON(playlist.airing(index: airing.index &+ $0), zone: zone) }
            : []
        return encode(ComposerNowJSON(onNow: onNow, nextUp: next))
    }

    /// Composer's `/day?date=` answer: every program starting on `date` in the station's
    /// zone (from local midnight to the next), with `params.date` set to `date`.
    public static func composerDay(_ playlist: DemoPlaylist, date: StationLocalTime.Day) -> [UInt8] {
        let zone = DemoPlaylist.timeZone
        let local = StationLocalTime(timeZone: zone)
        let params = ComposerDayJSON.Params(date: "\(date)")
        guard let midnight = StationLocalTime.Clock(hour: 0, minute: 0) else {
            return encode(ComposerDayJSON(onToday: [], params: params))
        }
        let airings = playlist.airings(from: local.date(date, midnight), to: local.date(date.adding(days: 1), midnight))
        return encode(ComposerDayJSON(onToday: airings.map { ComposerEntryJSON($0, zone: zone) }, params: params))
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { [UInt8]($0) } ?? Array("{}".utf8)
    }
}

// The JSON shapes, with keys spelled as Composer spells them.

private struct ComposerNowJSON: Encodable {
    var onNow: ComposerOnNowJSON
    var nextUp: [ComposerEntryJSON]
}

private struct ComposerOnNowJSON: Encodable {
    var program: ComposerProgramJSON
    var start_time: String
    var end_time: String
    var song: ComposerSongJSON?
}

private struct ComposerDayJSON: Encodable {
    struct Params: Encodable {
        var format = "json"
        var date: String
        var times = "true"
    }

    var onToday: [ComposerEntryJSON]
    var params: Params
}

private struct ComposerHostJSON: Encodable {
    var name: String
}

private struct ComposerProgramJSON: Encodable {
    var program_id: String
    var name: String
    var program_desc = ""
    var hosts: [ComposerHostJSON]

    init(_ airing: DemoAiring) {
        program_id = "demo-program-\(airing.program.name.lowercased().split(separator: " ").joined(separator: "-"))"
        name = airing.program.name
        hosts = airing.program.hosts.map(ComposerHostJSON.init)
    }
}

/// An `onToday[]` / `nextUp[]` entry.
private struct ComposerEntryJSON: Encodable {
    var _id: String
    var date: String
    var start_utc: String
    var end_utc: String
    var start_time: String
    var end_time: String
    var day: String
    var fullstart: String
    var fullend: String
    var program: ComposerProgramJSON

    init(_ airing: DemoAiring, zone: TimeZone) {
        let start = DemoWallTime(airing.start, zone: zone)
        let end = DemoWallTime(airing.end, zone: zone)
        _id = "demo-\(airing.index)"
        date = "\(start.day)"
        start_utc = start.javaScript
        end_utc = end.javaScript
        start_time = start.clock
        end_time = end.endClock
        day = start.weekday
        fullstart = start.full
        fullend = end.hour == 0 && end.minute == 0 && end.second == 0 ? "\(start.day) 23:59" : end.full
        program = ComposerProgramJSON(airing)
    }
}

private struct ComposerSongJSON: Encodable {
    var trackName: String
    var artistName: String
    var collectionName: String
    var composerName = ""
    var soloists = ""
    var ensembles = ""
    var conductor = ""
    var _duration: Int
    var _start_time: String
    var _date: String
    var _start: String

    init(trackName: String, artistName: String, collectionName: String, _duration: Int,
         _start_time: String, _date: String, _start: String) {
        self.trackName = trackName
        self.artistName = artistName
        self.collectionName = collectionName
        self._duration = _duration
        self._start_time = _start_time
        self._date = _date
        self._start = _start
    }
}
