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
    /// Per logical stream: its granule rate and the last granule position seen.
    private var clocks: [UInt32: (rate: Int, granule: Int64?)] = [:]

    /// The longest stretch of audio one page may add to ``audioSeconds``: a page that claims
    /// more (a jump in the granule position) counts this much.
    public static let maxSecondsPerPage: Double = 10

    /// Seconds of audio the pages have carried so far, from their granule positions (the
    /// advance from one page to the next of the same logical stream, so a stream joined
    /// midway counts from its first page). Unlike bytes, this measures a variable-bitrate
    /// stream's pace: Vorbis or Opus silence takes a few hundred bytes a second, and is still
    /// a second of audio every second.
    public private(set) var audioSeconds: Double = 0

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
                advanceClock(page)
                if page.flags.contains(.endOfStream) {
                    codecs[page.serial] = nil
                    clocks[page.serial] = nil
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

    /// Adds the audio `page` carries to ``audioSeconds``: its granule position's advance over
    /// the stream's previous page. Header pages (position 0) set no baseline: a server's join
    /// sends them before audio from minutes into the track. A position of -1 (no packet ends
    /// on the page) or going back counts nothing.
    private mutating func advanceClock(_ page: OggPageHeader) {
        guard page.granulePosition > 0, var clock = clocks[page.serial] else { return }
        if let last = clock.granule, page.granulePosition > last {
            audioSeconds += min(Double(page.granulePosition - last) / Double(clock.rate), Self.maxSecondsPerPage)
        }
        clock.granule = page.granulePosition
        clocks[page.serial] = clock
    }

    private mutating func interpret(_ packet: OggPacket) -> Event? {
        if packet.index == 0 {
            let info = OggStreamInfo(identificationPacket: packet.bytes)
            if codecs.count >= reader.maxStreams { codecs.removeAll(); clocks.removeAll() }
            codecs[packet.serial] = info.codec
            if let rate = info.granuleRate { clocks[packet.serial] = (rate, nil) }
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
