import Foundation
import StreamFormats

/// What the demo station's wall clocks show at an instant, written the ways the feeds write it.
struct DemoWallTime {
    /// The station-local date.
    let day: StationLocalTime.Day
    /// Hour, minute and second of the local time of day.
    let hour: Int, minute: Int, second: Int
    /// Seconds east of UTC in force at the instant.
    let offset: Int
    /// The zone's name at the instant as JavaScript prints it ("Eastern Standard Time"),
    /// else its abbreviation ("EST"), else nil.
    let zoneName: String?

    init(_ instant: Date, zone: TimeZone) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        offset = zone.secondsFromGMT(for: instant)
        day = StationLocalTime(timeZone: zone).day(of: instant)
        let local = seconds &+ offset
        let ofDay = ((local % 86_400) + 86_400) % 86_400
        (hour, minute, second) = (ofDay / 3600, ofDay / 60 % 60, ofDay % 60)
        let style: NSTimeZone.NameStyle = zone.isDaylightSavingTime(for: instant) ? .daylightSaving : .standard
        zoneName = zone.localizedName(for: style, locale: Locale(identifier: "en_US"))
            ?? zone.abbreviation(for: instant).flatMap { $0.hasPrefix("GMT") ? nil : $0 }
    }

    /// Composer's "HH:mm" ("HH:mm:ss" when the seconds are not zero).
    var clock: String {
        second == 0 ? pad(hour) + ":" + pad(minute) : pad(hour) + ":" + pad(minute) + ":" + pad(second)
    }

    /// Composer's `end_time`: like `clock`, but midnight is written "23:59" as Composer does.
    var endClock: String {
        hour == 0 && minute == 0 && second == 0 ? "23:59" : clock
    }

    /// "YYYY-MM-DD HH:mm" (`fullstart`).
    var full: String { "\(day) \(clock)" }

    /// "MM-DD-YYYY HH:MM:SS" (a Composer song's `_start_time`).
    var composerSongStart: String {
        "\(pad(day.month))-\(pad(day.day))-\(day.year) \(pad(hour)):\(pad(minute)):\(pad(second))"
    }

    /// "M/D/YYYY" (a Composer song's `_date`).
    var slashDate: String { "\(day.month)/\(day.day)/\(day.year)" }

    /// "H:mm:ss" (a Composer song's `_start`).
    var shortTime: String { "\(hour):\(pad(minute)):\(pad(second))" }

    /// "Sun", "Mon", ...
    var weekday: String {
        let days = StationLocalTime.days(fromCivil: day.year, day.month, day.day)
        return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][((days + 4) % 7 + 7) % 7]
    }

    /// JavaScript's `Date.toString()`, "Sun Jul 31 2016 00:00:00 GMT-0400 (Eastern Daylight
    /// Time)" (Composer's `start_utc`).
    var javaScript: String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let sign = offset < 0 ? "-" : "+"
        let zone = "GMT\(sign)\(pad(abs(offset) / 3600))\(pad(abs(offset) / 60 % 60))"
        return "\(weekday) \(months[day.month - 1]) \(pad(day.day)) \(day.year) "
            + "\(pad(hour)):\(pad(minute)):\(pad(second)) \(zone)" + (zoneName.map { " (\($0))" } ?? "")
    }

    private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
