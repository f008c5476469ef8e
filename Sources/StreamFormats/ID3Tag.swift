import Foundation

/// An ID3v2 tag (versions 2.2, 2.3 and 2.4): the frames a stream carries its titles in when
/// it has no ICY metadata, as HLS timed metadata does.
///
/// Policies: the tag must be complete in the bytes given. Unsynchronisation is undone (the
/// whole tag in 2.2/2.3, per frame or for all frames in 2.4); an extended header is skipped;
/// compressed or encrypted frames are kept with empty data (no zlib here); grouping and
/// data-length bytes are removed; padding ends the frames. A 2.4 frame size that is not
/// syncsafe (iTunes wrote plain sizes) is read as plain. Version 2.2's three-letter ids are
/// mapped to their 2.3 names (`TT2` → `TIT2`, `TP1` → `TPE1`, `TAL` → `TALB`, `TXX` → `TXXX`).
public struct ID3Tag: Sendable, Equatable {
    /// The major version: 2, 3 or 4.
    public var version: Int
    /// The tag's length in bytes: header, frames, padding and footer.
    public var length: Int
    /// The frames in tag order.
    public var frames: [ID3Frame]

    /// Creates a tag.
    public init(version: Int, length: Int, frames: [ID3Frame]) {
        self.version = version
        self.length = length
        self.frames = frames
    }

    /// The text of the first text frame `id` (`TIT2`, …): its values joined with " / ".
    public func text(_ id: String) -> String? {
        guard let values = frames.first(where: { $0.id == id })?.textValues, !values.isEmpty else { return nil }
        let joined = values.joined(separator: " / ")
        return joined.isEmpty ? nil : joined
    }

    /// `TIT2`, the title.
    public var title: String? { text("TIT2") }
    /// `TPE1`, the lead performer.
    public var artist: String? { text("TPE1") }
    /// `TALB`, the album.
    public var album: String? { text("TALB") }
    /// `TCOM`, the composer.
    public var composer: String? { text("TCOM") }

    /// The `TXXX` frames as (description, value), in tag order.
    public var userTexts: [ID3UserText] { frames.compactMap(\.userText) }

    /// The first `TXXX` value whose description is `description` (compared case-insensitively).
    public func userText(_ description: String) -> String? {
        userTexts.first { $0.description.caseInsensitiveCompare(description) == .orderedSame }?.value
    }

    /// The `PRIV` frame `com.apple.streaming.transportStreamTimestamp` (HLS packed audio)
    /// as seconds: the 33-bit MPEG-2 timestamp of the segment's first sample / 90 000.
    public var transportStreamTimestamp: Double? {
        for frame in frames where frame.id == "PRIV" {
            guard let (owner, data) = frame.privateData, owner == "com.apple.streaming.transportStreamTimestamp",
                  data.count == 8 else { continue }
            let value = data.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & 0x1_FFFF_FFFF
            return Double(value) / 90_000
        }
        return nil
    }

    /// The item the tag describes, nil without a title. `TIT2` (else `TXXX` title or text) is
    /// the title, `TPE1` (else `TXXX` artist) the artist, `TALB` the album, `TCOM` the
    /// composer, read like any title pair (`SongText.track(title:…)`). A title with no artist
    /// is one string and is split like an ICY title ("Artist - Title"); a title that is an
    /// attribute list (`text="…" song_spot="M" …`) or an ad-break marker follows those rules
    /// (``SongText/isStructured(_:)``), never shown raw. `TXXX` `song_spot` decides the kind
    /// (M song, T ad, else not music); the duration is `TLEN` (milliseconds), else `TXXX`
    /// `length` ("HH:MM:SS").
    public var track: Track? {
        guard let title = title ?? userText("title") ?? userText("text") else { return nil }
        let artist = artist ?? userText("artist")
        var track: Track
        if artist != nil, !SongText.isStructured(title) {
            guard let paired = SongText.track(title: title, artist: artist, album: album, composer: composer) else { return nil }
            track = paired
        } else {
            guard let single = SongText.track(fromTitle: title) else { return nil }
            track = single
            track.artist = track.artist ?? SongText.clean(artist)
            track.album = track.album ?? SongText.clean(album)
            track.composer = track.composer ?? SongText.clean(composer)
        }
        if let songSpot = userText("song_spot") { track.kind = SongText.kind(songSpot: songSpot) }
        if let milliseconds = text("TLEN").flatMap(Double.init), milliseconds > 0 {
            track.duration = milliseconds / 1000
        } else if let length = userText("length").flatMap(SongText.clockSeconds) {
            track.duration = length
        }
        return track
    }

    /// The length of the ID3v2 tag starting at `offset`, when a valid header is there
    /// ("ID3", version 2–4, revision below 0xFF, syncsafe size), whether or not the rest of
    /// the tag is present.
    public static func length<C: RandomAccessCollection>(of bytes: C, at offset: Int) -> Int?
    where C.Element == UInt8, C.Index == Int {
        guard offset >= bytes.startIndex, offset + 10 <= bytes.endIndex,
              bytes[offset] == 0x49, bytes[offset + 1] == 0x44, bytes[offset + 2] == 0x33,
              (2...4).contains(bytes[offset + 3]), bytes[offset + 4] != 0xFF,
              (offset + 6..<offset + 10).allSatisfy({ bytes[$0] < 0x80 }) else { return nil }
        let size = syncsafe(bytes, at: offset + 6)
        let footer = bytes[offset + 3] == 4 && bytes[offset + 5] & 0x10 != 0 ? 10 : 0
        return 10 + size + footer
    }

    /// Parses the tag at the start of `bytes`.
    public static func parse<C: RandomAccessCollection>(_ bytes: C) throws(ParseError) -> ID3Tag
    where C.Element == UInt8, C.Index == Int {
        let b = Array(bytes)
        guard let length = length(of: b, at: 0) else {
            throw ParseError(format: "id3", location: "byte 0", message: "no ID3v2 header (\"ID3\", version 2-4, syncsafe size)")
        }
        guard length <= b.count else {
            throw ParseError(format: "id3", location: "byte \(b.count)",
                             message: "the tag is \(length) bytes but only \(b.count) arrived")
        }
        let version = Int(b[3]), flags = b[5]
        let footer = version == 4 && flags & 0x10 != 0 ? 10 : 0
        var body = Array(b[10..<(length - footer)])
        if version < 4, flags & 0x80 != 0 { body = ID3Frame.removingUnsynchronisation(body) }
        var position = 0
        if version >= 3, flags & 0x40 != 0, body.count >= 4 {   // extended header
            let size = version == 4 ? syncsafe(body, at: 0) : plain(body, at: 0) + 4
            position = min(body.count, size)
        }
        var frames: [ID3Frame] = []
        let headerLength = version == 2 ? 6 : 10
        while position + headerLength <= body.count, body[position] != 0 {
            let idLength = version == 2 ? 3 : 4
            let rawID = String(decoding: body[position..<(position + idLength)], as: UTF8.self)
            guard rawID.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                throw ParseError(format: "id3", location: "byte \(10 + position)", message: "invalid frame id \"\(rawID)\"")
            }
            var size: Int
            if version == 2 {
                size = Int(body[position + 3]) << 16 | Int(body[position + 4]) << 8 | Int(body[position + 5])
            } else if version == 4, (position + 4..<position + 8).allSatisfy({ body[$0] < 0x80 }),
                      frameFits(body, position, syncsafe(body, at: position + 4)) {
                size = syncsafe(body, at: position + 4)
            } else {
                size = plain(body, at: position + 4)
            }
            let dataStart = position + headerLength
            guard size >= 0, dataStart + size <= body.count else {
                throw ParseError(format: "id3", location: "frame \(rawID)",
                                 message: "frame of \(size) bytes runs past the end of the tag")
            }
            let formatFlags = version == 2 ? 0 : body[position + 9]
            let data = ID3Frame.payload(Array(body[dataStart..<(dataStart + size)]), version: version,
                                        formatFlags: formatFlags, tagUnsynchronised: version == 4 && flags & 0x80 != 0)
            frames.append(ID3Frame(id: ID3Frame.modernID(rawID), data: data))
            position = dataStart + size
        }
        return ID3Tag(version: version, length: length, frames: frames)
    }

    /// Whether a frame of `size` at `position` ends at the tag's end, padding, or a plausible
    /// next frame id (to tell syncsafe 2.4 sizes from iTunes' plain ones).
    private static func frameFits(_ body: [UInt8], _ position: Int, _ size: Int) -> Bool {
        let next = position + 10 + size
        if next == body.count { return true }
        guard next < body.count else { return false }
        if body[next] == 0 { return true }
        guard next + 4 <= body.count else { return false }
        return body[next..<(next + 4)].allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    static func syncsafe<C: RandomAccessCollection>(_ b: C, at i: Int) -> Int where C.Element == UInt8, C.Index == Int {
        Int(b[i] & 0x7F) << 21 | Int(b[i + 1] & 0x7F) << 14 | Int(b[i + 2] & 0x7F) << 7 | Int(b[i + 3] & 0x7F)
    }

    private static func plain(_ b: [UInt8], at i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }
}
