import Foundation
import StreamState

/// The human-readable output of the client commands. Pure: answers in, lines out.
public enum ClientText {
    /// `streamd now`: station, on-air, program with elapsed/remaining, song, next, stale flags.
    public static func now(_ answer: NowAnswer, station: StationState?) -> String {
        var lines: [String] = []
        let name = station.map { s in s.tagline.map { "\(s.name) · \($0)" } ?? s.name } ?? answer.station
        let air = station.map { $0.onAir ? "ON AIR" : "OFF AIR" } ?? ""
        lines.append("\(name)  \(air)".trimmingCharacters(in: .whitespaces))
        if let program = answer.program {
            let hosts = program.hosts.isEmpty ? "" : " with \(program.hosts.joined(separator: ", "))"
            lines.append("Program   \(program.name)\(hosts)")
        } else {
            lines.append("Program   –")
        }
        if let elapsed = answer.elapsed, let remaining = answer.remaining {
            lines.append("          \(clock(elapsed)) / \(clock(elapsed + remaining))  (\(clock(remaining)) left)")
        }
        if let song = answer.song {
            let artist = song.artist.map { "\($0) – " } ?? ""
            let album = song.album.map { "  [\($0)]" } ?? ""
            lines.append("Song      \(artist)\(song.title)\(album)")
            if let composer = song.composer, composer != song.artist {
                lines.append("          composer \(composer)")
            }
        }
        if let next = answer.next {
            lines.append("Next      \(next.name)\(next.start.map { " at \(localTime($0, zone: station?.timezone))" } ?? "")")
        }
        lines += staleLines(station, documentStale: answer.stale)
        return lines.joined(separator: "\n")
    }

    /// `streamd next`: the upcoming programs, one a line, in station time.
    public static func next(_ answer: NextAnswer, station: StationState?) -> String {
        guard !answer.next.isEmpty else { return "Nothing scheduled\(answer.stale ? " (schedule stale)" : "")" }
        var lines = answer.next.map { program in
            let time = program.start.map { localTime($0, zone: station?.timezone) } ?? "         "
            let hosts = program.hosts.isEmpty ? "" : " with \(program.hosts.joined(separator: ", "))"
            return "\(time)  \(program.name)\(hosts)"
        }
        if answer.stale { lines.append("(schedule stale)") }
        return lines.joined(separator: "\n")
    }

    /// `streamd stations`: one line a station.
    public static func stations(_ list: [StationSummary], live: String?) -> String {
        list.map { s in
            let mark = s.id == live ? "▶" : " "
            return "\(mark) \(s.id.padding(toLength: 16, withPad: " ", startingAt: 0)) \(s.onAir ? "ON AIR " : "OFF AIR") \(s.name)\(s.tagline.map { " · \($0)" } ?? "")"
        }.joined(separator: "\n")
    }

    /// `streamd status`: every stream, source and output of a station, with errors.
    public static func status(_ station: StationState) -> String {
        var lines = ["\(station.name) (\(station.id))  \(station.onAir ? "ON AIR" : "OFF AIR")"]
        for stream in station.streams {
            let rate = stream.bitrate.map { " \($0) kbit/s" } ?? ""
            let error = stream.error.map { " – \($0.kind): \($0.message)" } ?? ""
            lines.append("  stream \(stream.id.padding(toLength: 10, withPad: " ", startingAt: 0)) \(stream.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))\(rate)\(error)")
        }
        for source in station.sources {
            let error = source.error.map { " – \($0.kind): \($0.message)" } ?? ""
            let ok = source.okAt.map { " (last answer \(localTime($0, zone: station.timezone, seconds: true)))" } ?? ""
            lines.append("  source \(source.kind.padding(toLength: 10, withPad: " ", startingAt: 0)) \(source.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))\(ok)\(error)")
        }
        for output in station.outputs {
            let sent = output.lastSentAt.map { " sent \(localTime($0, zone: station.timezone, seconds: true))" } ?? ""
            let text = output.lastText.map { " \"\($0)\"" } ?? ""
            let pending = output.pending > 0 ? " (\(output.pending) waiting)" : ""
            let error = output.error.map { " – \($0.kind): \($0.message)" } ?? ""
            lines.append("  output \(output.kind.padding(toLength: 10, withPad: " ", startingAt: 0)) \(output.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(output.target)\(sent)\(text)\(pending)\(error)")
        }
        return lines.joined(separator: "\n")
    }

    /// One line for `streamd watch`.
    public static func watchLine(_ station: StationState, at time: Date) -> String {
        let stamp = localTime(time, zone: station.timezone, seconds: true)
        let program = station.now.program.map { "  [\($0.name)]" } ?? ""
        return "\(stamp)  \(station.id)  \(station.onAir ? "on air " : "OFF AIR")  \(station.now.text)\(program)"
    }

    /// `m:ss` under an hour, `h:mm:ss` from an hour on.
    public static func clock(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }

    private static func staleLines(_ station: StationState?, documentStale: Bool) -> [String] {
        var lines: [String] = []
        for source in station?.sources ?? [] where source.status == .stale || source.status == .error {
            let since = source.okAt.map { " since \(localTime($0, zone: station?.timezone, seconds: true))" } ?? ""
            lines.append("! source \(source.kind) \(source.status.rawValue)\(source.status == .stale ? ": no answer\(since)" : ": \(source.error?.message ?? "")")")
        }
        for stream in station?.streams ?? [] where stream.status != .up {
            lines.append("! stream \(stream.id) \(stream.status.rawValue)\(stream.error.map { ": \($0.message)" } ?? "")")
        }
        if documentStale && lines.isEmpty { lines.append("! stale: the daemon has not refreshed this yet") }
        return lines
    }

    /// `date` as wall time in the station's zone (`zone`, an IANA name; the machine's when
    /// unknown), always followed by the zone's abbreviation, so every time printed says which
    /// zone it is in: `15:00 EST`, `10:02:03 EDT`.
    public static func localTime(_ date: Date, zone: String?, seconds: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone.flatMap(TimeZone.init(identifier:)) ?? .current
        formatter.dateFormat = seconds ? "HH:mm:ss zzz" : "HH:mm zzz"
        return formatter.string(from: date)
    }
}
