import Foundation

/// The codec of an Ogg logical stream, identified from its first packet.
public enum OggCodec: String, Sendable, Hashable {
    /// Vorbis (`\x01vorbis`).
    case vorbis
    /// Opus (`OpusHead`).
    case opus
    /// FLAC in Ogg (`\x7FFLAC`).
    case flac
    /// Anything else (Theora, Speex, skeleton, ...): followed but not interpreted.
    case unknown
}

/// What the identification header (packet 0) of a logical stream says.
public struct OggStreamInfo: Sendable, Equatable {
    /// The codec.
    public var codec: OggCodec
    /// Channel count, if the header gives one.
    public var channels: Int?
    /// Sample rate in Hz (Opus: the input rate it declares), if known.
    public var sampleRate: Int?
    /// Vorbis nominal bitrate in bits per second, when the encoder set one.
    public var nominalBitrate: Int?

    /// Granule positions per second: 48,000 for Opus (whatever rate it declares), the sample
    /// rate for Vorbis and FLAC; nil when unknown.
    public var granuleRate: Int? {
        switch codec {
        case .opus: 48_000
        case .vorbis, .flac: sampleRate.flatMap { $0 > 0 ? $0 : nil }
        case .unknown: nil
        }
    }

    /// Creates stream info from known values.
    public init(codec: OggCodec, channels: Int? = nil, sampleRate: Int? = nil, nominalBitrate: Int? = nil) {
        self.codec = codec
        self.channels = channels
        self.sampleRate = sampleRate
        self.nominalBitrate = nominalBitrate
    }

    /// Identifies the codec of `packet`, the first packet of a logical stream; never fails
    /// (unknown or too-short packets give `.unknown` or fewer details).
    public init(identificationPacket packet: [UInt8]) {
        var r = OggByteReader(packet)
        if r.skip(prefix: [0x01] + Array("vorbis".utf8)) {
            codec = .vorbis
            _ = r.u32le()                                   // vorbis_version
            channels = r.u8().map(Int.init)
            sampleRate = r.u32le().map(Int.init)
            _ = r.u32le()                                   // bitrate_maximum
            let nominal = r.u32le().map { Int(Int32(bitPattern: $0)) }
            nominalBitrate = nominal.flatMap { $0 > 0 ? $0 : nil }
        } else if r.skip(prefix: Array("OpusHead".utf8)) {
            codec = .opus
            _ = r.u8()                                      // version
            channels = r.u8().map(Int.init)
            _ = r.u16le()                                   // pre-skip
            sampleRate = r.u32le().map(Int.init).flatMap { $0 > 0 ? $0 : nil }
        } else if r.skip(prefix: [0x7F] + Array("FLAC".utf8)) {
            codec = .flac
            // major, minor, header count (BE16), "fLaC", metadata block header (4), STREAMINFO
            if r.skip(count: 4), r.skip(prefix: Array("fLaC".utf8)), r.skip(count: 4 + 10),
               let b = r.bytes(3).map(Array.init) {
                sampleRate = Int(b[0]) << 12 | Int(b[1]) << 4 | Int(b[2]) >> 4
                channels = Int((b[2] >> 1) & 0x07) + 1
            }
        } else {
            codec = .unknown
        }
    }
}

/// One `KEY=value` comment.
public struct OggComment: Sendable, Equatable {
    /// The field name as written (compare case-insensitively).
    public var key: String
    /// The value.
    public var value: String
}

/// A Vorbis-comment block: the comment header of Vorbis, Opus and FLAC streams.
public struct OggComments: Sendable, Equatable {
    /// The encoder's vendor string.
    public var vendor: String
    /// The comments in stream order.
    public var comments: [OggComment]

    /// Values of `key` (case-insensitive), in order.
    public func values(_ key: String) -> [String] {
        comments.filter { $0.key.caseInsensitiveCompare(key) == .orderedSame }.map(\.value)
    }

    /// TITLE/ARTIST/ALBUM as a track (several ARTIST joined with ", "); nil without a TITLE.
    public var track: Track? {
        func joined(_ key: String) -> String? {
            let v = values(key).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return v.isEmpty ? nil : v.joined(separator: ", ")
        }
        guard let title = values("TITLE").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { !$0.isEmpty }) else { return nil }
        return Track(title: title, artist: joined("ARTIST"), album: values("ALBUM").first)
    }

    /// Parses a comment header packet of `codec`: Vorbis `\x03vorbis…`, Opus `OpusTags…`,
    /// or a FLAC metadata block of type 4 (VORBIS_COMMENT). Returns nil when the packet is
    /// not a comment header (e.g. another FLAC block); throws when it is one but its lengths
    /// run past the end of the packet. Strings are UTF-8, with a Latin-1 fallback.
    public static func parse(packet: [UInt8], codec: OggCodec) throws(ParseError) -> OggComments? {
        var r = OggByteReader(packet)
        switch codec {
        case .vorbis: guard r.skip(prefix: [0x03] + Array("vorbis".utf8)) else { return nil }
        case .opus: guard r.skip(prefix: Array("OpusTags".utf8)) else { return nil }
        case .flac:
            guard let type = r.u8(), type & 0x7F == 4, r.skip(count: 3) else { return nil }
        case .unknown: return nil
        }
        let format = "ogg-\(codec.rawValue)-comments"
        func fail(_ location: String, _ message: String) -> ParseError {
            ParseError(format: format, location: location, message: message)
        }
        guard let vendorLength = r.u32le() else { throw fail("vendor_length", "packet ends before the vendor length") }
        guard let vendor = r.bytes(Int(vendorLength)) else {
            throw fail("vendor_length", "vendor length \(vendorLength) runs past the packet end (\(packet.count) bytes)")
        }
        guard let count = r.u32le() else { throw fail("comment_count", "packet ends before the comment count") }
        var comments: [OggComment] = []
        for n in 0 ..< Int(count) {
            guard let length = r.u32le() else { throw fail("comment[\(n)]", "packet ends before the comment length") }
            guard let bytes = r.bytes(Int(length)) else {
                throw fail("comment[\(n)].length", "length \(length) runs past the packet end (\(packet.count) bytes)")
            }
            let text = decode(bytes)
            if let eq = text.firstIndex(of: "=") {
                comments.append(OggComment(key: String(text[..<eq]), value: String(text[text.index(after: eq)...])))
            }   // a comment without "=" is malformed and ignored
        }
        return OggComments(vendor: decode(vendor), comments: comments)
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
    }
}

/// A bounds-checked little reader over a packet: every read returns nil past the end.
struct OggByteReader {
    private let bytes: [UInt8]
    private var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= bytes.count - at else { return nil }
        defer { at += count }
        return bytes[at ..< at + count]
    }

    mutating func skip(count: Int) -> Bool { bytes(count) != nil }

    mutating func skip(prefix: [UInt8]) -> Bool {
        guard bytes.count - at >= prefix.count, bytes[at ..< at + prefix.count].elementsEqual(prefix) else { return false }
        at += prefix.count
        return true
    }

    mutating func u8() -> UInt8? { bytes(1)?.first }

    mutating func u16le() -> UInt16? {
        bytes(2).map { b in UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8 }
    }

    mutating func u32le() -> UInt32? {
        bytes(4).map { b in b.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    }
}
