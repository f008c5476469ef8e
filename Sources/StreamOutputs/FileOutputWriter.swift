import Foundation

/// Writes an output's text to its file: the whole file replaced at once (a new file renamed
/// over the old), so a reader never sees half a text. Ends with a newline unless empty.
public enum FileOutputWriter {
    /// Replaces the file at `path` with `text`. Throws the system's reason.
    public static func write(_ text: String, to path: String) throws {
        let data = Data((text.isEmpty ? "" : text + "\n").utf8)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
