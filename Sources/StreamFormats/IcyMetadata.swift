/// One `Key='value'` pair from an ICY metadata block.
public struct IcyField: Sendable, Equatable, Hashable {
    /// The key as sent, e.g. `StreamTitle` (surrounding spaces removed).
    public var key: String
    /// The value, charset decoded, quotes removed, otherwise untouched (no entity decoding).
    public var value: String

    /// Creates a field.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The fields of one ICY metadata block: `StreamTitle='...';StreamUrl='...';`, NUL padded.
///
/// ICY has no escaping, so the grammar is a policy. This parser's policy:
/// - The payload ends at its first NUL (the rest is padding).
/// - A field is `Key=` followed by a value. A key is 1+ printable ASCII characters other
///   than `;`, `=` and `'` (spaces allowed: `Stream Title`).
/// - A quoted value (`Key='...`) ends at the first `';` that is followed by another key
///   and `=` (the "next key"); with no next key, at the last `';` in the rest of the
///   payload; with no `';` at all, at the end, minus a closing `'` if there is one. So
///   quotes, `;` and `=` inside titles survive (`Guns N' Roses`, `foo;bar`,
///   `fo'o'b'ar`), and a value cut off by truncation keeps what arrived.
/// - An unquoted value (`a=b;`, as MPD accepts) ends at the next `;` or the end.
/// - Keys may repeat; lookups return the first, case-insensitively.
/// - A non-empty payload that does not start with `Key=` throws: that is not metadata
///   (a demuxer out of step with the stream reads audio as metadata). Junk after at
///   least one field is ignored.
/// - Each value is decoded on its own with `TextDecoding` (or the configured charset),
///   so a UTF-8 character cut off at the end of a truncated block spoils only that value.
public struct IcyMetadata: Sendable, Equatable, Hashable {
    /// The fields in payload order.
    public var fields: [IcyField]

    /// Creates metadata from fields.
    public init(fields: [IcyField]) {
        self.fields = fields
    }

    /// The first value for `key`, compared case-insensitively.
    public func value(for key: String) -> String? {
        let wanted = key.lowercased()
        return fields.first { $0.key.lowercased() == wanted }?.value
    }

    /// `StreamTitle`, raw (feed it to `SongText.track(fromTitle:)`).
    public var streamTitle: String? { value(for: "StreamTitle") }

    /// `StreamUrl`, if sent.
    public var streamURL: String? { value(for: "StreamUrl") }

    /// Parses a block payload (without its length byte). Empty or all-NUL payloads give
    /// no fields; a payload that is not `Key=...` throws with the byte offset.
    public static func parse(_ payload: [UInt8], charset: TextCharset? = nil)
        throws(ParseError) -> IcyMetadata {
        let text = payload.prefix { $0 != 0 }
        var fields: [IcyField] = []
        var position = 0
        while position < text.count {
            guard let (key, valueStart) = keyAt(text, position) else {
                if fields.isEmpty {
                    throw ParseError(format: "icy", location: "byte \(position)",
                                     message: "expected Key='value' metadata, found \(preview(text))")
                }
                break
            }
            let (valueRange, next) = valueAt(text, valueStart)
            fields.append(IcyField(key: key, value: TextDecoding.decode(text[valueRange], charset: charset)))
            position = next
        }
        return IcyMetadata(fields: fields)
    }

    /// Parses a block the demuxer delivered.
    public static func parse(_ block: IcyMetadataBlock, charset: TextCharset? = nil)
        throws(ParseError) -> IcyMetadata {
        try parse(block.payload, charset: charset)
    }

    // MARK: - Grammar

    private static let quote = UInt8(ascii: "'")
    private static let semicolon = UInt8(ascii: ";")
    private static let equals = UInt8(ascii: "=")

    /// A key byte: printable ASCII other than `;`, `=`, `'`.
    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) && byte != semicolon && byte != equals && byte != quote
    }

    /// The key starting at `start` (leading spaces skipped) and the index after its `=`.
    private static func keyAt(_ text: ArraySlice<UInt8>, _ start: Int) -> (String, Int)? {
        var index = text.startIndex &+ start
        while index < text.endIndex, text[index] == UInt8(ascii: " ") { index &+= 1 }
        let keyStart = index
        while index < text.endIndex, isKeyByte(text[index]) { index &+= 1 }
        guard index > keyStart, index < text.endIndex, text[index] == equals else { return nil }
        let key = String(decoding: text[keyStart..<index], as: UTF8.self).trimmingSpacesAndTabs()
        return (key, index &+ 1 &- text.startIndex)
    }

    /// Whether `text[index...]` is `';Key=`: a value's end followed by the next key.
    private static func isNextKey(_ text: ArraySlice<UInt8>, _ index: Int) -> Bool {
        guard index &+ 1 < text.endIndex, text[index] == quote, text[index &+ 1] == semicolon
        else { return false }
        return keyAt(text, index &+ 2 &- text.startIndex) != nil
    }

    /// The value's byte range starting at offset `start`, and the offset where the next
    /// field begins.
    private static func valueAt(_ text: ArraySlice<UInt8>, _ start: Int)
        -> (Range<Int>, next: Int) {
        let begin = text.startIndex &+ start
        let end = text.endIndex
        guard begin < end, text[begin] == quote else {
            // Unquoted: up to the next `;` that does not close an HTML entity (`&amp;`,
            // `&#39;`, `&#x2013;`), which stations put in titles.
            var stop = begin
            while stop < end, text[stop] != semicolon || endsEntity(text, at: stop, from: begin) { stop &+= 1 }
            return (begin..<stop, min(stop &+ 1, end) &- text.startIndex)
        }
        let valueStart = begin &+ 1
        var lastClose: Int?
        var index = valueStart
        while index &+ 1 < end {
            if text[index] == quote, text[index &+ 1] == semicolon {
                if isNextKey(text, index) { return (valueStart..<index, index &+ 2 &- text.startIndex) }
                lastClose = index
            }
            index &+= 1
        }
        if let lastClose { return (valueStart..<lastClose, end &- text.startIndex) }
        let valueEnd = valueStart < end && text[end &- 1] == quote ? end &- 1 : end
        return (valueStart..<max(valueStart, valueEnd), end &- text.startIndex)
    }

    /// Whether the `;` at `index` closes an entity that starts at or after `from`: `&name;`
    /// (2 to 8 letters), `&#digits;` or `&#xhex;`.
    private static func endsEntity(_ text: ArraySlice<UInt8>, at index: Int, from: Int) -> Bool {
        var start = index &- 1
        while start >= from, index &- start <= 9, text[start] != UInt8(ascii: "&") {
            let byte = text[start]
            guard (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "#") else {
                return false
            }
            start &-= 1
        }
        guard start >= from, text[start] == UInt8(ascii: "&") else { return false }
        let body = text[(start &+ 1)..<index]
        guard let first = body.first else { return false }
        if first == UInt8(ascii: "#") {
            let digits = body.dropFirst()
            if let x = digits.first, x | 0x20 == UInt8(ascii: "x") { return digits.count > 1 }
            return !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        return body.count >= 2 && body.allSatisfy { $0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A }
    }

    /// The first bytes of a payload, printable, for error messages.
    private static func preview(_ text: ArraySlice<UInt8>) -> String {
        let shown = text.prefix(24).map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." }
        return "\"\(String(shown))\"" + (text.count > 24 ? "..." : "")
    }
}
