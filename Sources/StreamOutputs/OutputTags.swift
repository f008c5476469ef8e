import StreamState

/// Where the song's artist and title stand in an output's text, for RT+ (RDS) and DL Plus
/// (DAB) tags: character offsets, found by searching the text for each in the output's
/// charset (the artist first, the title after it). Pure.
public enum OutputTags {
    /// The artist's and the title's ranges in `text`; nil for one not found (a template
    /// without it, or a cut that removed it).
    public static func locate(in text: String, song: SongValue?, charset: OutputCharset) -> (artist: Range<Int>?, title: Range<Int>?) {
        guard let song else { return (nil, nil) }
        let characters = Array(text)
        let artist = song.artist.flatMap { find(charset.transliterate($0), in: characters, from: 0) }
        let title = find(charset.transliterate(song.title), in: characters, from: artist?.upperBound ?? 0)
            ?? find(charset.transliterate(song.title), in: characters, from: 0)
        return (artist, title)
    }

    private static func find(_ needle: String, in characters: [Character], from start: Int) -> Range<Int>? {
        let needle = Array(needle)
        guard !needle.isEmpty, needle.count <= characters.count else { return nil }
        var index = start
        while index + needle.count <= characters.count {
            if characters[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index += 1
        }
        return nil
    }
}
