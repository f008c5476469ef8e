/// A DAB Dynamic Label file in ODR-PadEnc's format (its `src/dls.cpp`, v3.1.0): a
/// `##### parameters { #####` block of `KEY=VALUE` lines, then the label. ODR-PadEnc re-reads
/// the file by itself and converts its UTF-8 to EBU Latin. Pure.
///
/// DL Plus tags are `DL_PLUS_TAG=<content type> <start> <length - 1>`, each number 0–127
/// (ETSI TS 102 980: 1 ITEM.TITLE, 4 ITEM.ARTIST); `DL_PLUS_ITEM_TOGGLE` changes with each new
/// item (song), `DL_PLUS_ITEM_RUNNING` is 1 while one plays.
public enum DLSFile {
    /// The DL Plus content type of a song's title.
    public static let titleType = 1
    /// The DL Plus content type of a song's artist.
    public static let artistType = 4

    /// The file for `text`, with the artist's and title's tags where given (character
    /// offsets; a tag outside 0–127 is left out), `running` while a song plays, and the item
    /// toggle.
    public static func render(text: String, artist: Range<Int>?, title: Range<Int>?, running: Bool, toggle: Bool) -> String {
        var lines = ["##### parameters { #####", "DL_PLUS=1",
                     "DL_PLUS_ITEM_TOGGLE=\(toggle ? 1 : 0)", "DL_PLUS_ITEM_RUNNING=\(running ? 1 : 0)"]
        for (type, range) in [(artistType, artist), (titleType, title)] {
            guard let range, !range.isEmpty, range.lowerBound >= 0, range.lowerBound <= 127, range.count - 1 <= 127 else { continue }
            lines.append("DL_PLUS_TAG=\(type) \(range.lowerBound) \(range.count - 1)")
        }
        lines.append("##### parameters } #####")
        // A line break would make two lines of the label; ODR-PadEnc joins lines with one.
        lines.append(String(text.map { $0.isNewline ? " " : $0 }))
        return lines.joined(separator: "\n") + "\n"
    }
}
