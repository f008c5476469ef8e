import Foundation

/// One frame of an ID3v2 tag: its id and its data (unsynchronisation, grouping and
/// data-length bytes removed).
public struct ID3Frame: Sendable, Equatable {
    /// The four-letter id (`TIT2`, `TXXX`, `PRIV`, …; 2.2 ids mapped to these).
    public var id: String
    /// The frame's content.
    public var data: [UInt8]

    /// Creates a frame.
    public init(id: String, data: [UInt8]) {
        self.id = id
        self.data = data
    }

    /// For a text frame (`T…` other than `TXXX`): its values, decoded by the encoding byte
    /// (0 ISO-8859-1, 1 UTF-16 with a byte-order mark, 2 UTF-16BE, 3 UTF-8) and split at the
    /// terminators (2.4 allows several values); nil for other frames.
    public var textValues: [String]? {
        guard id.hasPrefix("T"), id != "TXXX", let encoding = data.first else { return nil }
        return Self.strings(Array(data.dropFirst()), encoding: encoding).filter { !$0.isEmpty }
    }

    /// For `TXXX`: the description and the value (several values joined with " / ").
    public var userText: ID3UserText? {
        guard id == "TXXX", let encoding = data.first else { return nil }
        let parts = Self.strings(Array(data.dropFirst()), encoding: encoding)
        guard let description = parts.first else { return nil }
        return ID3UserText(description: description,
                           value: parts.dropFirst().filter { !$0.isEmpty }.joined(separator: " / "))
    }

    /// For `PRIV`: the owner identifier (Latin-1, NUL-terminated) and the private bytes.
    public var privateData: (owner: String, data: [UInt8])? {
        guard id == "PRIV", let nul = data.firstIndex(of: 0) else { return nil }
        return (Self.latin1(data[..<nul]), Array(data[(nul + 1)...]))
    }

    // MARK: Reading

    /// The frame data after its per-frame flags are applied; compressed or encrypted data
    /// is dropped (empty) since it cannot be read here.
    static func payload(_ raw: [UInt8], version: Int, formatFlags: UInt8, tagUnsynchronised: Bool) -> [UInt8] {
        var data = raw
        switch version {
        case 3:
            if formatFlags & 0xC0 != 0 { return [] }                  // compressed or encrypted
            if formatFlags & 0x20 != 0 { data = Array(data.dropFirst()) } // grouping id
        case 4:
            if formatFlags & 0x0C != 0 { return [] }                  // compressed or encrypted
            if formatFlags & 0x40 != 0 { data = Array(data.dropFirst()) } // grouping id
            if formatFlags & 0x02 != 0 || tagUnsynchronised { data = removingUnsynchronisation(data) }
            if formatFlags & 0x01 != 0 { data = Array(data.dropFirst(4)) } // data length indicator
        default:
            break
        }
        return data
    }

    /// `FF 00` becomes `FF`.
    static func removingUnsynchronisation(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var previousWasFF = false
        for byte in bytes {
            if previousWasFF, byte == 0 { previousWasFF = false; continue }
            out.append(byte)
            previousWasFF = byte == 0xFF
        }
        return out
    }

    /// The 2.3 name of a 2.2 frame id; other ids unchanged.
    static func modernID(_ id: String) -> String {
        guard id.count == 3 else { return id }
        let map = ["TT2": "TIT2", "TP1": "TPE1", "TP2": "TPE2", "TAL": "TALB", "TCM": "TCOM", "TXX": "TXXX",
                   "TYE": "TYER", "TCO": "TCON", "TRK": "TRCK", "COM": "COMM"]
        return map[id] ?? id
    }

    /// The strings in `bytes`, split at the encoding's terminator.
    static func strings(_ bytes: [UInt8], encoding: UInt8) -> [String] {
        switch encoding {
        case 1, 2:
            var parts: [[UInt8]] = [[]]
            var i = 0
            while i + 1 < bytes.count {
                if bytes[i] == 0, bytes[i + 1] == 0 { parts.append([]) } else { parts[parts.count - 1] += [bytes[i], bytes[i + 1]] }
                i += 2
            }
            return trimmingEmptyTail(parts.map { utf16($0) })
        default:
            let parts = bytes.split(separator: 0, omittingEmptySubsequences: false)
            return trimmingEmptyTail(parts.map { encoding == 3 ? String(decoding: $0, as: UTF8.self) : latin1($0) })
        }
    }

    private static func trimmingEmptyTail(_ parts: [String]) -> [String] {
        var parts = parts
        while parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        return parts
    }

    /// UTF-16 by its byte-order mark; big-endian without one (encoding 2, or a missing mark).
    private static func utf16(_ bytes: [UInt8]) -> String {
        var bigEndian = true
        var body = bytes[...]
        if body.count >= 2, body[body.startIndex] == 0xFF, body[body.startIndex + 1] == 0xFE { bigEndian = false; body = body.dropFirst(2) }
        else if body.count >= 2, body[body.startIndex] == 0xFE, body[body.startIndex + 1] == 0xFF { bigEndian = true; body = body.dropFirst(2) }
        var units: [UInt16] = []
        var i = body.startIndex
        while i + 1 < body.endIndex {
            units.append(bigEndian ? UInt16(body[i]) << 8 | UInt16(body[i + 1]) : UInt16(body[i + 1]) << 8 | UInt16(body[i]))
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static func latin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

/// A `TXXX` frame: a described text.
public struct ID3UserText: Sendable, Equatable {
    /// The description (the frame's key).
    public var description: String
    /// The value.
    public var value: String

    /// Creates a user text.
    public init(description: String, value: String) {
        self.description = description
        self.value = value
    }
}
