import Foundation
import NIOConcurrencyHelpers

/// Writes an output's text to its file: the whole file replaced at once (a new file renamed
/// over the old), so a reader never sees half a text. Ends with a newline unless empty.
struct FileSink: OutputSink {
    let path: String

    func send(_ message: OutputMessage, completion: @escaping @Sendable (OutputFailure?) -> Void) {
        completion(AtomicFile.replace(path, with: message.text.isEmpty ? "" : message.text + "\n"))
    }
}

/// Writes ODR-PadEnc's DL Plus file: the text with the song's artist and title tagged, the
/// item toggle flipped with each new song.
final class DLSSink: OutputSink {
    let path: String
    let charset: OutputCharset
    private let item = NIOLockedValueBox<(song: String?, toggle: Bool)>((nil, false))

    init(path: String, charset: OutputCharset) {
        self.path = path
        self.charset = charset
    }

    func send(_ message: OutputMessage, completion: @escaping @Sendable (OutputFailure?) -> Void) {
        let songKey = message.song.map { "\($0.artist ?? "")\u{1}\($0.title)" }
        let toggle = item.withLockedValue { item -> Bool in
            if songKey != nil, songKey != item.song { item.toggle.toggle() }
            item.song = songKey
            return item.toggle
        }
        let tags = OutputTags.locate(in: message.text, song: message.song, charset: charset)
        let file = DLSFile.render(text: message.text, artist: tags.artist, title: tags.title,
                                  running: message.song != nil, toggle: toggle)
        completion(AtomicFile.replace(path, with: file))
    }
}

/// Replacing a file whole.
enum AtomicFile {
    /// Writes `text` to a new file beside `path` and renames it over `path`; the failure, or nil.
    static func replace(_ path: String, with text: String) -> OutputFailure? {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return nil
        } catch {
            return OutputFailure(kind: "write", message: "cannot write \(path): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
    }
}
