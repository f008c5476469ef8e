/// A character set a station may declare for its metadata (configuration `charset = "..."`).
public enum TextCharset: String, Sendable, Hashable, CaseIterable {
    /// UTF-8. Invalid sequences decode to U+FFFD.
    case utf8 = "utf-8"
    /// ISO-8859-1: every byte is the code point of the same value.
    case isoLatin1 = "iso-8859-1"
    /// Windows-1252: Latin-1 with printable characters (curly quotes, dashes, €) in 0x80-0x9F.
    case windows1252 = "windows-1252"

    /// The charset for an IANA name or common alias (case-insensitive), e.g. `UTF8`,
    /// `latin1`, `ISO_8859-1`, `cp1252`; nil for names it does not support.
    public init?(ianaName: String) {
        let name = ianaName.trimmingSpacesAndTabs().lowercased()
        switch name {
        case "utf-8", "utf8": self = .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1",
             "l1", "ibm819", "cp819", "csisolatin1", "iso-ir-100":
            self = .isoLatin1
        case "windows-1252", "cp1252", "x-cp1252", "win-1252": self = .windows1252
        default: return nil
        }
    }
}

/// Bytes to text for metadata whose charset is declared nowhere or somewhere.
///
/// Policy (automatic detection, `charset == nil`):
/// - valid UTF-8 decodes as UTF-8; a multi-byte sequence cut off at the very end of the
///   input (Icecast truncates long titles at a byte boundary) still counts as UTF-8, and
///   the partial character is dropped, when an earlier complete non-ASCII UTF-8
///   character shows the text is UTF-8 (so Latin-1 `Caf\xE9` stays `Café`);
/// - anything else is Latin-1, except that bytes 0x80-0x9F, which are invisible C1
///   controls in Latin-1 and never meant as such in a title, are read as Windows-1252
///   (curly quotes, dashes), as browsers do for text labelled ISO-8859-1.
///
/// A configured charset is applied as declared, with no detection.
public enum TextDecoding {
    /// Decodes `bytes` with `charset`, or by the automatic policy above when it is nil.
    public static func decode<C: Collection>(_ bytes: C, charset: TextCharset? = nil) -> String
    where C.Element == UInt8 {
        switch charset {
        case .utf8: return String(decoding: bytes, as: UTF8.self)
        case .isoLatin1: return latin1(bytes)
        case .windows1252: return windows1252(bytes)
        case nil:
            if let utf8 = strictUTF8(bytes) { return utf8 }
            return windows1252(bytes)
        }
    }

    /// The bytes as UTF-8 if they are valid UTF-8, else nil. A truncated final character
    /// is dropped when the text before it has a non-ASCII character (evidence of UTF-8).
    public static func strictUTF8<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var consumed = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                consumed &+= UTF8.width(scalar)
            case .emptyInput:
                break loop
            case .error:
                // Accept only a lead byte plus valid continuations cut off by the end.
                let evidence = scalars.contains { !$0.isASCII }
                return evidence && isTruncatedTail(bytes.dropFirst(consumed)) ? String(scalars) : nil
            }
        }
        return String(scalars)
    }

    /// Whether `tail` is the start of a well-formed multi-byte sequence and nothing else.
    private static func isTruncatedTail<S: Collection>(_ tail: S) -> Bool where S.Element == UInt8 {
        guard let lead = tail.first else { return false }
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return false
        }
        return tail.count < needed && tail.dropFirst().allSatisfy { $0 & 0xC0 == 0x80 }
    }

    /// Latin-1: byte value = code point.
    private static func latin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// Windows-1252 (the five undefined bytes keep their Latin-1 meaning, as in WHATWG).
    private static func windows1252<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(windows1252Scalar(byte)) }
        return String(scalars)
    }

    /// The Windows-1252 character for one byte.
    static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        let value = windows1252High[Int(byte) &- 0x80]
        return Unicode.Scalar(value) ?? Unicode.Scalar(byte)
    }

    /// Code points for 0x80...0x9F in Windows-1252.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}

extension StringProtocol {
    /// The string without leading and trailing ASCII spaces and tabs (header values).
    func trimmingSpacesAndTabs() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
