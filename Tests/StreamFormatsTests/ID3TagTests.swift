import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// An ID3v2 frame with a 2.3 (plain) or 2.4 (syncsafe) size.
private func frame(_ id: String, _ payload: [UInt8], version: Int = 4, flags: [UInt8] = [0, 0]) -> [UInt8] {
    let n = payload.count
    let size: [UInt8] = version == 4
        ? [UInt8(n >> 21 & 0x7F), UInt8(n >> 14 & 0x7F), UInt8(n >> 7 & 0x7F), UInt8(n & 0x7F)]
        : [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    return Array(id.utf8) + size + flags + payload
}

/// A tag around `body`.
private func tag(_ body: [UInt8], version: UInt8 = 4, flags: UInt8 = 0) -> [UInt8] {
    let n = body.count
    return Array("ID3".utf8) + [version, 0, flags, UInt8(n >> 21 & 0x7F), UInt8(n >> 14 & 0x7F), UInt8(n >> 7 & 0x7F), UInt8(n & 0x7F)] + body
}

@Suite struct ID3TagTests {
    /// ffmpeg's ID3v2.4 output: UTF-8 text frames, TXXX for custom keys.
    @Test func ffmpegV24Tag() throws {
        let tag = try ID3Tag.parse(Fixture.bytes("id3/ffmpeg_tagged_v2.4.mp3"))
        #expect(tag.version == 4)
        #expect(tag.title == "Déjà Vu")
        #expect(tag.artist == "Beyoncé feat. Jay-Z")
        #expect(tag.album == "B'Day")
        #expect(tag.userText("songtype") == "S")
        #expect(tag.userText("WXYZ_NOTE") == "x")
        #expect(tag.text("TSSE")?.hasPrefix("Lavf") == true)
        #expect(tag.track == Track(title: "Déjà Vu", artist: "Beyoncé feat. Jay-Z", album: "B'Day"))
        #expect(ID3Tag.length(of: try Fixture.bytes("id3/ffmpeg_tagged_v2.4.mp3"), at: 0) == tag.length)
    }

    /// ffmpeg's ID3v2.3 output: UTF-16 with a byte-order mark when not Latin-1, else Latin-1.
    @Test func ffmpegV23Tag() throws {
        let tag = try ID3Tag.parse(Fixture.bytes("id3/ffmpeg_tagged_v2.3.mp3"))
        #expect(tag.version == 3)
        #expect(tag.title == "Déjà Vu ♪")
        #expect(tag.artist == "Beyoncé")
        #expect(tag.album == "B'Day")
    }

    @Test func encodingsAndMultipleValues() throws {
        let utf16BE: [UInt8] = [2, 0x00, 0x53, 0x00, 0xE9, 0x00, 0x00]          // "Sé" + terminator
        let latin1: [UInt8] = [0] + Array("Caf".utf8) + [0xE9]
        let twoArtists: [UInt8] = [3] + Array("A".utf8) + [0] + Array("B".utf8) + [0]
        let txxx: [UInt8] = [1, 0xFF, 0xFE, 0x6B, 0, 0, 0, 0xFF, 0xFE, 0x76, 0]  // UTF-16LE "k" → "v"
        let body = frame("TIT2", utf16BE) + frame("TALB", latin1) + frame("TPE1", twoArtists) + frame("TXXX", txxx)
            + [0, 0, 0, 0]                                                          // padding
        let parsed = try ID3Tag.parse(tag(body))
        #expect(parsed.title == "Sé")
        #expect(parsed.album == "Café")
        #expect(parsed.artist == "A / B")
        #expect(parsed.userTexts == [ID3UserText(description: "k", value: "v")])
    }

    @Test func v22AndUnsynchronisationAndFlags() throws {
        // 2.2: three-letter ids, three-byte sizes.
        let v22Body = Array("TT2".utf8) + [0, 0, 4, 0] + Array("Old".utf8)
        #expect(try ID3Tag.parse(tag(v22Body, version: 2)).title == "Old")
        // 2.3 with the tag-wide unsynchronisation flag: FF 00 E0 inside a value becomes FF E0.
        let raw = frame("TIT2", [0, 0x41, 0xFF, 0xE0, 0x42], version: 3)
        var unsynced: [UInt8] = []
        for (i, b) in raw.enumerated() { unsynced.append(b); if b == 0xFF, i + 1 < raw.count { unsynced.append(0) } }
        let title = try ID3Tag.parse(tag(unsynced, version: 3, flags: 0x80)).frames.first?.data
        #expect(title == [0, 0x41, 0xFF, 0xE0, 0x42])
        // 2.4 data length indicator and grouping bytes are removed; compressed frames are empty.
        let dli = frame("TIT2", [0, 0, 0, 4, 3] + Array("Hi!".utf8), flags: [0, 0x01])
        let grouped = frame("TALB", [7, 3] + Array("LP".utf8), flags: [0, 0x40])
        let zipped = frame("TPE1", [1, 2, 3], flags: [0, 0x08])
        let parsed = try ID3Tag.parse(tag(dli + grouped + zipped))
        #expect(parsed.title == "Hi!")
        #expect(parsed.album == "LP")
        #expect(parsed.frames.last?.data == [])
        // iTunes-style plain (not syncsafe) sizes in 2.4.
        let big = [UInt8](repeating: 0x61, count: 200)
        let plainSized = Array("TIT2".utf8) + [0, 0, 0, 201, 0, 0] + [3] + big + frame("TALB", [3, 0x5A])
        let itunes = try ID3Tag.parse(tag(plainSized))
        #expect(itunes.title?.count == 200)
        #expect(itunes.album == "Z")
    }

    @Test func errorsAndLengths() {
        #expect(ID3Tag.length(of: Array("ID3".utf8) + [4, 0, 0, 0, 0, 0x80, 0], at: 0) == nil)   // not syncsafe
        #expect(ID3Tag.length(of: Array("ID3".utf8) + [5, 0, 0, 0, 0, 0, 0], at: 0) == nil)      // version 5
        #expect(ID3Tag.length(of: Array("ID3".utf8) + [4, 0, 0x10, 0, 0, 0, 5], at: 0) == 25)    // footer
        let short = #expect(throws: ParseError.self) { try ID3Tag.parse(tag(frame("TIT2", [3, 0x41])).dropLast(2)) }
        #expect(short?.message == "the tag is 22 bytes but only 20 arrived")
        let bad = #expect(throws: ParseError.self) { try ID3Tag.parse(tag(Array("tit2".utf8) + [0, 0, 0, 1, 0, 0, 3])) }
        #expect(bad?.message == "invalid frame id \"tit2\"")
        #expect(throws: ParseError.self) { try ID3Tag.parse(tag(Array("TIT2".utf8) + [0, 0, 0, 9, 0, 0, 3])) }
        #expect(throws: ParseError.self) { try ID3Tag.parse([]) }
    }

    /// A WideOrbit attribute list in TIT2 is read as one, never shown raw.
    @Test func attributeListTitle() throws {
        let body = frame("TIT2", [3] + Array(#"text="Spot Block End" amgTrackId="-1""#.utf8))
        let parsed = try ID3Tag.parse(tag(body))
        #expect(parsed.track == Track(title: "Spot Block End", kind: .other))
    }

    @Test func randomBytesNeverTrap() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let body = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? ID3Tag.parse(tag(body, version: UInt8.random(in: 2...4, using: &rng), flags: UInt8.random(in: 0...255, using: &rng)))
            _ = TimedMetadata.tags(inSegment: body)
        }
    }
}
