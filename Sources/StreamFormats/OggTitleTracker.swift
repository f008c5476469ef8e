import Foundation

/// Follows the titles of an Ogg radio stream (Vorbis, Opus, FLAC) as its bytes arrive.
///
/// On an Ogg mount a new track is a new logical stream: the old one ends (EOS page) and a
/// new one begins (BOS page, new serial) whose comment header carries TITLE/ARTIST/ALBUM.
/// The tracker turns that into events; it keeps no audio.
public struct OggTitleTracker: Sendable {
    /// What the tracker saw.
    public enum Event: Sendable, Equatable {
        /// A logical stream began (from its identification header).
        case streamStarted(serial: UInt32, info: OggStreamInfo)
        /// A comment header arrived; `track` is nil when it has no TITLE.
        case metadata(serial: UInt32, comments: OggComments, track: Track?)
        /// A logical stream ended (EOS page).
        case streamEnded(serial: UInt32)
        /// Bytes, a page or a packet were skipped (garbage, bad CRC, oversize or broken header).
        case skipped(ParseError)
    }

    private var reader: OggPageReader
    private var codecs: [UInt32: OggCodec] = [:]

    /// Creates a tracker; header packets above `maxHeaderPacketSize` bytes are skipped.
    public init(maxHeaderPacketSize: Int = 256 * 1024, verifiesChecksum: Bool = true) {
        reader = OggPageReader(maxPacketSize: maxHeaderPacketSize, headerPacketCount: 3,
                               verifiesChecksum: verifiesChecksum)
    }

    /// The underlying reader's counters (pages, bad CRCs, skipped bytes).
    public var statistics: OggReadStatistics { reader.statistics }

    /// Reads a chunk of any size and returns what it completed, in stream order.
    public mutating func feed(_ bytes: [UInt8]) -> [Event] {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Reads a chunk of any size and returns what it completed, in stream order.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Event] {
        var events: [Event] = []
        for event in reader.feed(bytes) {
            switch event {
            case .skipped(let error):
                events.append(.skipped(error))
            case .page(let page):
                if page.flags.contains(.endOfStream) {
                    codecs[page.serial] = nil
                    events.append(.streamEnded(serial: page.serial))
                }
            case .packet(let packet):
                if let event = interpret(packet) { events.append(event) }
            }
        }
        return events
    }

    /// Declares the input finished: throws if it ended inside a page.
    public mutating func finish() throws(ParseError) {
        try reader.finish()
    }

    private mutating func interpret(_ packet: OggPacket) -> Event? {
        if packet.index == 0 {
            let info = OggStreamInfo(identificationPacket: packet.bytes)
            if codecs.count >= reader.maxStreams { codecs.removeAll() }
            codecs[packet.serial] = info.codec
            return .streamStarted(serial: packet.serial, info: info)
        }
        guard let codec = codecs[packet.serial] else { return nil }
        do {
            guard let comments = try OggComments.parse(packet: packet.bytes, codec: codec) else { return nil }
            return .metadata(serial: packet.serial, comments: comments, track: comments.track)
        } catch {
            var located = error
            located.location = "stream \(packet.serial) packet \(packet.index) " + (error.location ?? "")
            return .skipped(located)
        }
    }
}
