import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// The Icecast hexdump fixture as blocks: the bytes of each `###` section and the
/// StreamTitle the capture notes say it decodes to.
fileprivate struct HexdumpBlock {
    var bytes: [UInt8]
    var decodedTitle: String
}

fileprivate func hexdumpBlocks(_ text: String) -> [HexdumpBlock] {
    var blocks: [HexdumpBlock] = []
    for section in text.components(separatedBy: "### ").dropFirst() {
        var bytes: [UInt8] = []
        var title = ""
        for line in section.split(separator: "\n") {
            if line.hasPrefix("# decoded StreamTitle"), let colon = line.range(of: "): ") {
                title = String(line[colon.upperBound...])
            } else if let first = line.first, first.isHexDigit, line.contains("|") {
                let hex = line.split(separator: "|")[0].split(separator: " ").dropFirst()
                bytes += hex.compactMap { UInt8($0, radix: 16) }
            }
        }
        blocks.append(HexdumpBlock(bytes: bytes, decodedTitle: title))
    }
    return blocks
}

@Suite struct TextDecodingTests {
    @Test func validUTF8StaysUTF8() {
        #expect(TextDecoding.decode(Array("Beyoncé – Déjà Vu".utf8)) == "Beyoncé – Déjà Vu")
        #expect(TextDecoding.decode([UInt8]()) == "")
    }

    @Test func invalidUTF8FallsBackToLatin1() {
        #expect(TextDecoding.decode([0x42, 0x65, 0x79, 0x6F, 0x6E, 0x63, 0xE9]) == "Beyoncé")
        #expect(TextDecoding.decode([0xC3, 0x28]) == "Ã(")   // bad continuation byte
    }

    @Test func autoFallbackReadsC1RangeAsWindows1252() {
        // 0x92 is a right single quote in Windows-1252, an invisible control in Latin-1.
        #expect(TextDecoding.decode([0x44, 0x6F, 0x6E, 0x92, 0x74, 0xE9]) == "Don\u{2019}té")
        #expect(TextDecoding.decode([0x92], charset: .isoLatin1) == "\u{92}")
        #expect(TextDecoding.decode([0x80, 0x96], charset: .windows1252) == "€–")
        #expect(TextDecoding.decode([0x81], charset: .windows1252) == "\u{81}")
    }

    @Test func truncatedFinalUTF8CharacterIsDropped() {
        let bytes: [UInt8] = Array("ａｂ".utf8) + [0xEF, 0xBD]
        #expect(TextDecoding.decode(bytes) == "ａｂ")
        #expect(TextDecoding.decode(Array("ａｂ".utf8) + [0xEF]) == "ａｂ")
        // Without earlier UTF-8 there is no evidence: a final Latin-1 letter stays a letter.
        #expect(TextDecoding.decode(Array("Caf".utf8) + [0xE9]) == "Café")
        #expect(TextDecoding.decode(Array("Caf".utf8) + [0xC3]) == "CafÃ")
        // A cut-off sequence in the middle is not UTF-8.
        #expect(TextDecoding.strictUTF8([0xEF, 0xBD, 0x41]) == nil)
    }

    @Test func configuredCharsetWins() {
        let utf8 = Array("é".utf8)
        #expect(TextDecoding.decode(utf8, charset: .isoLatin1) == "Ã©")
        #expect(TextDecoding.decode([0xE9], charset: .utf8) == "\u{FFFD}")
    }

    @Test func ianaNames() {
        #expect(TextCharset(ianaName: "UTF-8") == .utf8)
        #expect(TextCharset(ianaName: " latin1 ") == .isoLatin1)
        #expect(TextCharset(ianaName: "ISO_8859-1") == .isoLatin1)
        #expect(TextCharset(ianaName: "CP1252") == .windows1252)
        #expect(TextCharset(ianaName: "koi8-r") == nil)
    }

    @Test func icecastLatin1AndUTF8BlocksFromHexdump() throws {
        let blocks = hexdumpBlocks(try Fixture.text("icy/local-icecast-2.4.4-latin1-entity-block.hexdump.txt"))
        try #require(blocks.count == 3)
        for block in blocks {
            #expect(block.bytes.count == 49)
            #expect(block.bytes.first == 3)
            let metadata = try IcyMetadata.parse(Array(block.bytes.dropFirst()))
            #expect(metadata.streamTitle == block.decodedTitle)
        }
        #expect(blocks[0].decodedTitle == "Beyoncé &#8211; Déjà Vu [A]")
        #expect(blocks[1].decodedTitle == "Beyoncé – Déjà Vu [B]")
        // Declaring the charset overrides detection: UTF-8 bytes read as Latin-1 are mojibake.
        let forced = try IcyMetadata.parse(Array(blocks[2].bytes.dropFirst()), charset: .isoLatin1)
        #expect(forced.streamTitle == "BeyoncÃ© â\u{80}\u{93} DÃ©jÃ\u{A0} Vu [C]")
    }

    @Test func nightwaveFullwidthPartialPayload() throws {
        let payload = try Fixture.bytes("icy/nightwave_plaza_utf8_fullwidth.partial_payload.bin")
        #expect(payload.last == 0xEF)   // cut inside a 3-byte character
        let metadata = try IcyMetadata.parse(payload)
        #expect(metadata.streamTitle == "TimJamFer - ｙｏｕｗｉｌｌｂｅｍｉｓ")
        let track = try #require(SongText.track(fromTitle: metadata.streamTitle ?? ""))
        #expect(track.artist == "TimJamFer")
        #expect(track.title == "ｙｏｕｗｉｌｌｂｅｍｉｓ")
    }
}
