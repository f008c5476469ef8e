import Foundation

/// The header type flags of an Ogg page (RFC 3533 section 6).
public struct OggPageFlags: OptionSet, Sendable, Hashable {
    /// The raw flag byte.
    public let rawValue: UInt8
    /// Creates flags from the raw header-type byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The page's first segment continues a packet from the previous page.
    public static let continued = OggPageFlags(rawValue: 0x01)
    /// Beginning of stream: the first page of a logical stream.
    public static let beginOfStream = OggPageFlags(rawValue: 0x02)
    /// End of stream: the last page of a logical stream.
    public static let endOfStream = OggPageFlags(rawValue: 0x04)
}

/// The header of one Ogg page, as read from the stream.
public struct OggPageHeader: Sendable, Equatable {
    /// Stream structure version; always 0 for pages the reader accepts.
    public var version: UInt8
    /// Continued / BOS / EOS flags.
    public var flags: OggPageFlags
    /// Codec-defined position (e.g. PCM samples); -1 when no packet ends on the page.
    public var granulePosition: Int64
    /// The logical stream this page belongs to.
    public var serial: UInt32
    /// Page sequence number within the logical stream.
    public var sequence: UInt32
    /// The CRC-32 stored in the page.
    public var checksum: UInt32
    /// Lacing values: a value below 255 ends a packet.
    public var segmentTable: [UInt8]
    /// Byte offset of the page's `OggS` in the whole input.
    public var offset: Int

    /// The body length: the sum of the lacing values.
    public var bodyLength: Int { segmentTable.reduce(0) { $0 + Int($1) } }
}

/// A header packet (one of the first packets of a logical stream), reassembled across pages.
public struct OggPacket: Sendable, Equatable {
    /// The logical stream it belongs to.
    public var serial: UInt32
    /// Its index in the logical stream: 0 is the identification header.
    public var index: Int
    /// The packet's bytes.
    public var bytes: [UInt8]
}

/// What an `OggPageReader` reports while it is fed.
public enum OggReadEvent: Sendable, Equatable {
    /// A header packet completed on the page that follows it (packets come before their page).
    case packet(OggPacket)
    /// A page whose checksum matched (or was not checked).
    case page(OggPageHeader)
    /// Something was skipped: garbage before a capture pattern, a page with a bad CRC,
    /// an oversized or broken header packet. The reader carries on.
    case skipped(ParseError)
}

/// Counters kept by an `OggPageReader`, for metrics.
public struct OggReadStatistics: Sendable, Equatable {
    /// Pages accepted.
    public var pages = 0
    /// Pages dropped because their CRC did not match.
    public var badChecksumPages = 0
    /// Bytes skipped while looking for a capture pattern (includes rejected page headers).
    public var skippedBytes = 0
    /// Header packets dropped for exceeding the size cap.
    public var oversizePackets = 0
}

/// An incremental Ogg page reader.
///
/// Feed it chunks of any size (down to one byte); it finds pages by their `OggS` capture
/// pattern, resynchronising after garbage, checks each page's CRC, and reassembles only the
/// first `headerPacketCount` packets of each logical stream (a stream is followed from its BOS
/// page). Audio pages are checksummed in place and never copied.
///
/// Policy: a header whose version is not 0 or whose flags have unknown bits is a false
/// capture and is rescanned byte by byte. A page with a bad CRC is skipped whole (its body is
/// not kept, so a real page hidden inside a false one is lost; the next capture resyncs).
/// A header packet larger than `maxPacketSize` is dropped with a `.skipped` event. At most
/// `maxStreams` logical streams are followed at once; the oldest is forgotten beyond that.
public struct OggPageReader: Sendable {
    /// Largest header packet assembled; larger ones are skipped.
    public let maxPacketSize: Int
    /// How many leading packets of each logical stream are assembled.
    public let headerPacketCount: Int
    /// Whether pages with a bad CRC are dropped.
    public let verifiesChecksum: Bool
    /// Most logical streams followed at once.
    public let maxStreams = 8
    /// Counters since the reader was created.
    public private(set) var statistics = OggReadStatistics()

    private enum State: Sendable {
        case scanning(matched: Int)
        case head
        case body(remaining: Int)
    }

    private struct StreamState: Sendable {
        var serial: UInt32
        var nextIndex = 0
        var partial: [UInt8] = []
        var dropping = false
        var expectedSequence: UInt32 = 0
    }

    private static let capture: [UInt8] = Array("OggS".utf8)
    private var state = State.scanning(matched: 0)
    private var position = 0
    private var garbage = 0
    private var head: [UInt8] = []
    private var header: OggPageHeader?
    private var crc: UInt32 = 0
    private var body: [UInt8] = []
    private var copiesBody = false
    private var streams: [StreamState] = []

    /// Creates a reader.
    public init(maxPacketSize: Int = 256 * 1024, headerPacketCount: Int = 3, verifiesChecksum: Bool = true) {
        self.maxPacketSize = max(0, maxPacketSize)
        self.headerPacketCount = max(0, headerPacketCount)
        self.verifiesChecksum = verifiesChecksum
    }

    /// Reads a chunk; returns the packets, pages and skips it completed, in stream order.
    public mutating func feed(_ bytes: [UInt8]) -> [OggReadEvent] {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Reads a chunk; returns the packets, pages and skips it completed, in stream order.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [OggReadEvent] {
        var events: [OggReadEvent] = []
        consume(bytes, into: &events)
        return events
    }

    /// Declares the input finished: throws if it ended inside a page.
    public mutating func finish() throws(ParseError) {
        switch state {
        case .scanning: return
        case .head, .body:
            let start = header?.offset ?? (position - head.count)
            throw ParseError(format: "ogg", location: "byte \(start)",
                             message: "input ended inside a page (truncated page)")
        }
    }

    // MARK: - Byte-level state machine

    private mutating func consume(_ bytes: UnsafeRawBufferPointer, into events: inout [OggReadEvent]) {
        var i = 0
        while i < bytes.count {
            switch state {
            case .scanning(let matched):
                let byte = bytes[i]
                i += 1
                position &+= 1
                if byte == Self.capture[matched] {
                    if matched + 1 < Self.capture.count {
                        state = .scanning(matched: matched + 1)
                    } else {
                        reportGarbage(into: &events)
                        head = Self.capture
                        state = .head
                    }
                } else {
                    garbage &+= matched
                    if byte == Self.capture[0] {
                        state = .scanning(matched: 1)
                    } else {
                        garbage &+= 1
                        state = .scanning(matched: 0)
                    }
                }
            case .head:
                let need = (head.count < 27 ? 27 : 27 + Int(head[26])) - head.count
                let take = min(need, bytes.count - i)
                head.append(contentsOf: bytes[i ..< i + take])
                i += take
                position &+= take
                if head.count == 27, !isPlausibleHeader(head) {
                    // A false capture: rescan everything after its "O".
                    let replay = Array(head.dropFirst())
                    garbage &+= 1
                    position &-= replay.count
                    head = []
                    state = .scanning(matched: 0)
                    replay.withUnsafeBytes { consume($0, into: &events) }
                } else if head.count >= 27, head.count == 27 + Int(head[26]) {
                    beginBody(into: &events)
                }
            case .body(let remaining):
                let take = min(remaining, bytes.count - i)
                let slice = UnsafeRawBufferPointer(rebasing: bytes[i ..< i + take])
                crc = OggCRC.update(crc, slice)
                if copiesBody { body.append(contentsOf: slice) }
                i += take
                position &+= take
                state = .body(remaining: remaining - take)
                if remaining - take == 0 { endPage(into: &events) }
            }
        }
    }

    private func isPlausibleHeader(_ bytes: [UInt8]) -> Bool {
        bytes[4] == 0 && bytes[5] & ~0x07 == 0
    }

    private mutating func reportGarbage(into events: inout [OggReadEvent]) {
        guard garbage > 0 else { return }
        statistics.skippedBytes &+= garbage
        events.append(.skipped(ParseError(format: "ogg", location: "byte \(position - 4 - garbage)",
                                          message: "skipped \(garbage) bytes before an OggS capture pattern")))
        garbage = 0
    }

    private mutating func beginBody(into events: inout [OggReadEvent]) {
        let h = head
        let table = Array(h[27...])
        let page = OggPageHeader(
            version: h[4], flags: OggPageFlags(rawValue: h[5]),
            granulePosition: Int64(bitPattern: Self.le64(h, 6)),
            serial: Self.le32(h, 14), sequence: Self.le32(h, 18), checksum: Self.le32(h, 22),
            segmentTable: table, offset: position - h.count)
        header = page
        var zeroed = h
        zeroed.replaceSubrange(22 ..< 26, with: [0, 0, 0, 0])
        crc = zeroed.withUnsafeBytes { OggCRC.update(0, $0) }
        copiesBody = page.flags.contains(.beginOfStream)
            || streams.contains { $0.serial == page.serial && $0.nextIndex < headerPacketCount }
        body = []
        if copiesBody { body.reserveCapacity(page.bodyLength) }
        state = .body(remaining: page.bodyLength)
        if page.bodyLength == 0 { endPage(into: &events) }
    }

    private mutating func endPage(into events: inout [OggReadEvent]) {
        state = .scanning(matched: 0)
        head = []
        guard let page = header else { return }
        header = nil
        defer { body = [] }
        if verifiesChecksum, crc != page.checksum {
            statistics.badChecksumPages &+= 1
            events.append(.skipped(ParseError(
                format: "ogg", location: "byte \(page.offset)",
                message: "page \(page.sequence) of stream \(page.serial) has a bad CRC "
                    + "(stored \(hex(page.checksum)), computed \(hex(crc))); page skipped")))
            return
        }
        statistics.pages &+= 1
        if copiesBody { assemble(page, into: &events) }
        events.append(.page(page))
        if page.flags.contains(.endOfStream) { streams.removeAll { $0.serial == page.serial } }
    }

    // MARK: - Header packet assembly

    private mutating func assemble(_ page: OggPageHeader, into events: inout [OggReadEvent]) {
        if page.flags.contains(.beginOfStream) {
            streams.removeAll { $0.serial == page.serial }
            if streams.count >= maxStreams { streams.removeFirst() }
            streams.append(StreamState(serial: page.serial, expectedSequence: page.sequence))
        }
        guard let k = streams.firstIndex(where: { $0.serial == page.serial }) else { return }
        var s = streams[k]
        defer { streams[k] = s }
        if page.sequence != s.expectedSequence {
            events.append(.skipped(ParseError(
                format: "ogg", location: "byte \(page.offset)",
                message: "stream \(page.serial) jumped from page \(s.expectedSequence) to "
                    + "\(page.sequence); its remaining header packets are not assembled")))
            s.nextIndex = headerPacketCount
            s.partial = []
            return
        }
        s.expectedSequence = page.sequence &+ 1
        if !page.flags.contains(.continued), !s.partial.isEmpty || s.dropping {
            s.partial = []   // the previous packet was never terminated
            s.dropping = false
        }
        var offset = 0
        for lacing in page.segmentTable {
            guard s.nextIndex < headerPacketCount else { return }
            let length = Int(lacing)
            guard offset + length <= body.count else { return }
            if !s.dropping {
                if s.partial.count + length > maxPacketSize {
                    s.dropping = true
                    s.partial = []
                    statistics.oversizePackets &+= 1
                    events.append(.skipped(ParseError(
                        format: "ogg", location: "byte \(page.offset)",
                        message: "header packet \(s.nextIndex) of stream \(page.serial) exceeds "
                            + "\(maxPacketSize) bytes; skipped")))
                } else {
                    s.partial.append(contentsOf: body[offset ..< offset + length])
                }
            }
            offset += length
            if lacing < 255 {
                if !s.dropping {
                    events.append(.packet(OggPacket(serial: page.serial, index: s.nextIndex, bytes: s.partial)))
                }
                s.nextIndex += 1
                s.partial = []
                s.dropping = false
            }
        }
    }

    private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }

    static func le32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func le64(_ b: [UInt8], _ at: Int) -> UInt64 {
        UInt64(le32(b, at)) | UInt64(le32(b, at + 4)) << 32
    }
}

/// The Ogg CRC-32: polynomial 0x04C11DB7, initial value 0, no reflection, no final XOR.
package enum OggCRC {
    static let table: [UInt32] = (0 ..< 256).map { index in
        var r = UInt32(index) << 24
        for _ in 0 ..< 8 { r = r & 0x8000_0000 != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1 }
        return r
    }

    /// Continues a checksum over `bytes`.
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = crc
        for byte in bytes { c = (c << 8) ^ table[Int((c >> 24) ^ UInt32(byte))] }
        return c
    }

    /// The checksum of `bytes`.
    package static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { update(0, $0) } }
}
