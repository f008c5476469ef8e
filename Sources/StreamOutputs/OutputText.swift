import StreamState

/// The text an output sends for a station: its `template` while a song plays, its `fallback`
/// otherwise (talk, ads, station IDs, stale values: the state has no song then), with the
/// placeholders filled in. Pure.
public enum OutputText {
    /// The text of `output` for `station` as it is now.
    public static func text(_ output: OutputSpec, station: StationState) -> String {
        render(station.now.song == nil ? output.fallback : output.template, station: station)
    }

    /// `template` with `{artist}`, `{title}`, `{album}`, `{composer}`, `{program}`, `{station}`
    /// and `{text}` filled in from `station`. A placeholder with no value is empty, and the
    /// separators it leaves at either end (spaces, `–`, `-`, `—`, `/`, `|`, `:`, `·`) are
    /// trimmed: `{artist} – {title}` of a song without artist is its title.
    public static func render(_ template: String, station: StationState) -> String {
        let song = station.now.song
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            // A name that is no placeholder stays as written (the configuration refuses one).
            out += placeholders.contains(name) ? value(name, song: song, station: station) ?? "" : "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return trimmed(out)
    }

    /// The names a template may use.
    public static let placeholders: Set<String> = ["artist", "title", "album", "composer", "program", "station", "text"]

    private static func value(_ name: String, song: SongValue?, station: StationState) -> String? {
        switch name {
        case "artist": song?.artist
        case "title": song?.title
        case "album": song?.album
        case "composer": song?.composer
        case "program": station.now.program?.name
        case "station": station.name
        case "text": station.now.text
        default: nil
        }
    }

    private static let separators: Set<Character> = [" ", "\t", "–", "-", "—", "/", "|", ":", "·"]

    private static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, separators.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, separators.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
