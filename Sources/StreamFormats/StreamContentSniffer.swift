/// What the first bytes of a stream's body are: audio, or something pasted in its place.
///
/// The commonest setup mistake is the web player's page where the stream URL belongs; the
/// server answers 200 and a body, and a watcher that only counts bytes would call that a
/// stream on the air. Audio is binary; a web page, JSON, XML, a playlist or an error text is
/// text. So: known audio signatures (MP3/MPEG frame sync, ADTS AAC, Ogg, FLAC, ID3, MPEG-TS)
/// are audio whatever the `Content-Type` says; a body whose first bytes are all text is not
/// audio, and the answer says what it looks like; binary the sniffer does not know is audio
/// (streams may start mid-frame).
public enum StreamContentSniffer {
    /// How many leading bytes a decision needs (fewer are enough when the body ends).
    public static let bytesNeeded = 512

    /// What the body is.
    public enum Verdict: Sendable, Equatable {
        /// Audio, e.g. `MP3`, `AAC (ADTS)`, `Ogg`, `FLAC`, `MPEG-TS`, or `binary data`.
        case audio(String)
        /// An HLS playlist (`#EXTM3U` with `#EXT-X-` tags): watch it as HLS.
        case hlsPlaylist
        /// Not audio: what it is, in words for an operator (`a web page (text/html)`).
        case notAudio(String)
        /// Too few bytes to tell yet.
        case undecided
    }

    /// Classifies a body from its `Content-Type` and its first bytes. `complete` says the
    /// body ended (so a short prefix is all there is).
    public static func classify(contentType: String?, prefix: [UInt8], complete: Bool = false) -> Verdict {
        if let audio = audioSignature(prefix) { return .audio(audio) }
        guard prefix.count >= bytesNeeded || complete else {
            return prefix.count >= 4 && !isText(prefix) ? .audio("binary data") : .undecided
        }
        guard !prefix.isEmpty else { return .notAudio("an empty body") }
        guard isText(prefix) else { return .audio("binary data") }
        let text = String(decoding: prefix, as: UTF8.self)
        if text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).hasPrefix("#EXTM3U") && text.contains("#EXT-X-") {
            return .hlsPlaylist
        }
        return .notAudio(describeText(prefix, contentType: contentType))
    }

    /// The operator's message for a body that is not audio.
    public static func message(_ what: String) -> String {
        "\(what), not an audio stream"
    }

    // MARK: Signatures

    static func audioSignature(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 4 else { return nil }
        if bytes.starts(with: Array("ID3".utf8)) { return "ID3-tagged audio" }
        if bytes.starts(with: Array("OggS".utf8)) { return "Ogg" }
        if bytes.starts(with: Array("fLaC".utf8)) { return "FLAC" }
        if bytes[0] == 0x47, bytes.count > 188, bytes[188] == 0x47 { return "MPEG-TS" }
        if bytes[0] == 0xFF && bytes[1] & 0xF6 == 0xF0 { return "AAC (ADTS)" }
        if bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0 && bytes[1] & 0x06 != 0 { return "MP3" }
        return nil
    }

    /// True when the bytes read as text: printable ASCII, white space, or valid multi-byte
    /// UTF-8 (a cut-off sequence at the end is allowed).
    static func isText(_ bytes: [UInt8]) -> Bool {
        var index = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x09 || byte == 0x0A || byte == 0x0D || (0x20..<0x7F).contains(byte) {
                index += 1
                continue
            }
            let length: Int
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return false
            }
            for offset in 1..<length {
                guard index + offset < bytes.endIndex else { return true }  // cut off by the prefix
                guard bytes[index + offset] & 0xC0 == 0x80 else { return false }
            }
            index += length
        }
        return true
    }

    /// What a text body looks like, with the `Content-Type` when it says.
    static func describeText(_ bytes: [UInt8], contentType: String?) -> String {
        let text = String(decoding: bytes.prefix(256), as: UTF8.self)
        let start = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }.lowercased()
        let type = contentType.map { " (\($0.split(separator: ";").first.map(String.init) ?? $0))" } ?? ""
        if start.hasPrefix("<!doctype html") || start.hasPrefix("<html") || start.hasPrefix("<head")
            || start.hasPrefix("<body") || start.hasPrefix("<!--") && start.contains("<html") {
            return "a web page\(type)"
        }
        if start.hasPrefix("#extm3u") || start.hasPrefix("http://") || start.hasPrefix("https://") {
            return "an M3U playlist\(type) (use the stream URL inside it)"
        }
        if start.hasPrefix("[playlist]") { return "a PLS playlist\(type) (use one of its File= URLs)" }
        if start.hasPrefix("<?xml") || start.hasPrefix("<") { return "an XML document\(type)" }
        if start.hasPrefix("{") || start.hasPrefix("[") { return "a JSON document\(type)" }
        if (contentType ?? "").lowercased().contains("html") { return "a web page\(type)" }
        return "text\(type)"
    }
}
