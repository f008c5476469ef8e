import Foundation

extension SongText {
    /// `(artist, title)` from one "Artist - Title" string.
    ///
    /// Policy (artists rarely hold " - ", titles often do: "Hungry Child - Edit",
    /// "Heroes - 2017 Remaster"):
    /// - Split at the FIRST " - " (spaced hyphen), so "Hot Chip - Hungry Child - Edit" is
    ///   artist "Hot Chip", title "Hungry Child - Edit"; when there is no " - ", at the first
    ///   " – " (spaced en dash, which Icecast delivers as `&#8211;`). An em dash or a dash
    ///   without spaces never splits ("Jay-Z", "Blink-182").
    /// - Except: when the text has exactly one separator and the part after it is a version
    ///   tag (`Edit`, `Radio Edit`, `Live`, `Remastered 2011`, `2011 Remaster`, `Extended
    ///   Mix`, `Calvin Harris Remix`, …: see `isVersionTag(_:)`), the whole text is the title
    ///   and there is no artist: "Hungry Child - Edit" is a title, not the song "Edit" by
    ///   "Hungry Child".
    /// - A separator dangling at either end is dropped ("Artist - " gives title "Artist");
    ///   artist is nil when the text does not split into two non-empty sides.
    public static func splitArtistTitle(_ text: String) -> (artist: String?, title: String) {
        var text = Substring(text)
        for dash in ["-", "\u{2013}"] {   // a dangling separator at either end ("Artist -")
            if text.hasPrefix(dash + " ") { text = text.dropFirst(2) }
            if text.hasSuffix(" " + dash) { text = text.dropLast(2) }
        }
        for separator in [" - ", " \u{2013} "] {
            guard let range = text.range(of: separator) else { continue }
            let artist = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let title = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !artist.isEmpty, !title.isEmpty else { return (nil, artist.isEmpty ? title : artist) }
            if !title.contains(separator), isVersionTag(title) { return (nil, String(text)) }
            return (artist, title)
        }
        return (nil, String(text))
    }

    /// Whether `text` names a version of a recording rather than a song: it ends in (or,
    /// for live/remaster words, starts with) a version word, optionally with a year, in at
    /// most five words, with no brackets (a bracketed version follows a song's name). "Edit", "Radio Edit", "Remastered 2011", "2009 Remaster",
    /// "Live at Wembley", "Extended Mix", "Calvin Harris Remix", "Single Version", "Mono".
    public static func isVersionTag(_ text: String) -> Bool {
        guard !text.contains(where: { "()[]".contains($0) }) else { return false }   // "Uprising (Live)": a title
        let words = text.lowercased().split(separator: " ").map(String.init)
            .filter { !($0.count == 4 && $0.allSatisfy(\.isNumber)) }   // a year ("2011")
        guard let first = words.first, let last = words.last, words.count <= 5 else { return false }
        let endings: Set<String> = ["edit", "version", "mix", "remix", "remaster", "remastered", "rework",
                                    "dub", "reprise", "live", "acoustic", "mono", "stereo", "instrumental",
                                    "demo", "re-edit", "remake", "take"]
        let openings: Set<String> = ["remastered", "remaster", "live", "acoustic", "mono", "stereo",
                                     "instrumental", "demo", "bonus"]
        return endings.contains(last) || openings.contains(first)
    }
}
