import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// The vectors file, as JSON.
func icyVectors() throws -> [String: Any] {
    let data = Data(try Fixture.bytes("icy/icy_parser_test_vectors.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// The cases of one implementation's section.
func icyCases(_ section: String) throws -> [[Any]] {
    let group = try #require(try icyVectors()[section] as? [String: Any])
    return try #require(group["cases"] as? [[Any]])
}

/// Splits a `.bin` fixture (length byte + payload, repeated) into payloads.
func icyPayloads(_ bytes: [UInt8]) throws -> [[UInt8]] {
    var payloads: [[UInt8]] = []
    var index = 0
    while index < bytes.count {
        let size = Int(bytes[index]) * 16
        try #require(index + 1 + size <= bytes.count, "block at byte \(index) overruns the file")
        payloads.append(Array(bytes[(index + 1)..<(index + 1 + size)]))
        index += 1 + size
    }
    return payloads
}

@Suite struct IcyMetadataTests {
    /// MPD `test_icy_parser.cxx`: our policy agrees with every case.
    @Test func mpdVectors() throws {
        let cases = try icyCases("mpd_test_icy_parser_cxx")
        #expect(cases.count == 11)
        for item in cases {
            let input = try #require(item[0] as? String)
            let expected = try #require(item[1] as? String)
            let metadata = try IcyMetadata.parse(Array(input.utf8))
            #expect(metadata.streamTitle == expected, "\(input)")
        }
    }

    /// icecast-metadata-js `IcyMetadata.test.js`, with two deliberate departures.
    @Test func icecastMetadataJsVectors() throws {
        // Overrides, by input:
        // - A value cut off by NUL padding keeps what arrived, exactly as the same value cut
        //   off without padding does (the JS parser drops it only when NULs follow).
        // - A payload with no `Key=` at all is not metadata: ParseError, not an empty object.
        let overrides: [String: [String: String]] = [
            "StreamTitle='The Stream Title';StreamUrl='https://example.c\0\0\0\0":
                ["StreamTitle": "The Stream Title", "StreamUrl": "https://example.c"],
        ]
        let throwing: Set<String> = ["StreamTitl"]
        let cases = try icyCases("icecast_metadata_js_IcyMetadata_test_js")
        #expect(cases.count == 12)
        for item in cases {
            let input = try #require(item[0] as? String)
            var expected = try #require(item[1] as? [String: String])
            if throwing.contains(input) {
                #expect(expected.isEmpty)
                #expect(throws: ParseError.self, "\(input)") { try IcyMetadata.parse(Array(input.utf8)) }
                continue
            }
            if let override = overrides[input] {
                #expect(override != expected, "override no longer departs: \(input)")
                expected = override
            }
            let metadata = try IcyMetadata.parse(Array(input.utf8))
            var actual: [String: String] = [:]
            for field in metadata.fields where actual[field.key] == nil { actual[field.key] = field.value }
            #expect(actual == expected, "\(input)")
        }
    }

    @Test func fieldsInOrderAndCaseInsensitiveLookup() throws {
        let metadata = try IcyMetadata.parse(Array("a=b;StreamTitle='foo';c=d;StreamTitle='again';".utf8))
        #expect(metadata.fields.map(\.key) == ["a", "StreamTitle", "c", "StreamTitle"])
        #expect(metadata.value(for: "streamtitle") == "foo")
        #expect(metadata.value(for: "c") == "d")
        #expect(metadata.streamURL == nil)
    }

    @Test func icecastInitialEmptyBlock() throws {
        let vector = try #require(try icyVectors()["icecast_server_initial_block"] as? [String: Any])
        let hex = try #require(vector["raw_bytes_hex"] as? String)
        var fromHex: [UInt8] = []
        var rest = Substring(hex)
        while rest.count >= 2 { fromHex.append(try #require(UInt8(rest.prefix(2), radix: 16))); rest = rest.dropFirst(2) }
        let bytes = try Fixture.bytes("icy/icecast_initial_empty_title.block.bin")
        #expect(bytes == fromHex)
        let payloads = try icyPayloads(bytes)
        #expect(payloads.count == 1)
        let metadata = try IcyMetadata.parse(payloads[0])
        #expect(metadata.fields == [IcyField(key: "StreamTitle", value: "")])
        #expect(SongText.track(fromTitle: metadata.streamTitle ?? "") == nil)
    }

    @Test func somaFMBlocks() throws {
        let afterlife = try icyPayloads(try Fixture.bytes("icy/somafm_afterlife_mp3_metaint16000.block.bin"))
        #expect(try afterlife.map { try IcyMetadata.parse($0).streamTitle } == ["Afterlife - Deeper - Into Places"])
        let deepSpace = try icyPayloads(try Fixture.bytes("icy/somafm_deepspaceone_aac128_metaint16000.blocks.bin"))
        let parsed = try deepSpace.map { try IcyMetadata.parse($0) }
        #expect(parsed.map(\.streamTitle) == ["Tlon - In The Shadow Of Unexpectation", "SinQ - Rain"])
        #expect(parsed.map(\.streamURL) == Array(repeating: "http://somafm.com/logos/512/deepspaceone512.png", count: 2))
    }

    @Test func scannerBlocksAtMetaint64() throws {
        let cbr = try icyPayloads(try Fixture.bytes("icy/isics_scanner_mp3_metaint64.blocks.bin"))
        let titles = try cbr.map { try IcyMetadata.parse($0).streamTitle }
        #expect(titles.first == "TO:7300 Department of Transportation - District 1 Highway Helper - Des Moines Area FROM:14948")
        #expect(titles.allSatisfy { $0?.hasPrefix("TO:") == true })
        let vbr = try icyPayloads(try Fixture.bytes("icy/isics_scanner_vbr_mp3_metaint64.blocks.bin"))
        let vbrTitles = try vbr.map { try IcyMetadata.parse($0).streamTitle }
        #expect(vbrTitles.first == "Scanning...")
        #expect(vbrTitles.contains("TO:49021 Polk County - Des Moines Fire Alarm FROM:7750002"))
    }

    @Test func emptyAndPaddingOnlyPayloadsHaveNoFields() throws {
        #expect(try IcyMetadata.parse([]).fields.isEmpty)
        #expect(try IcyMetadata.parse([UInt8](repeating: 0, count: 32)).fields.isEmpty)
    }

    @Test func audioReadAsMetadataThrowsWithLocation() {
        do {
            _ = try IcyMetadata.parse([0xFF, 0xFB, 0x90, 0x64, 0x00])
            Issue.record("expected a ParseError")
        } catch {
            #expect(error.format == "icy")
            #expect(error.location == "byte 0")
            #expect(error.message.contains("Key='value'"))
        }
        #expect(throws: ParseError.self) { try IcyMetadata.parse(Array("=x;".utf8)) }
        #expect(throws: ParseError.self) { try IcyMetadata.parse(Array("'quoted'=x".utf8)) }
    }

    @Test func truncatedAndOddValues() throws {
        #expect(try IcyMetadata.parse(Array("StreamTitle='".utf8)).streamTitle == "")
        #expect(try IcyMetadata.parse(Array("StreamTitle=".utf8)).streamTitle == "")
        #expect(try IcyMetadata.parse(Array("StreamTitle='Guns N' Roses - Patience';".utf8)).streamTitle
                == "Guns N' Roses - Patience")
        #expect(try IcyMetadata.parse(Array("StreamTitle='x';\r\n".utf8)).streamTitle == "x")
        #expect(try IcyMetadata.parse(Array("StreamTitle='a'; StreamUrl='b';".utf8)).streamURL == "b")
        // A `';` inside a title that is not followed by a key stays in the value.
        #expect(try IcyMetadata.parse(Array("StreamTitle='a';b';StreamUrl='u';".utf8)).streamTitle == "a';b")
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let count = Int(rng.next() % 64)
            let alphabet: [UInt8] = Array("S=';t ".utf8) + [0, 0xC3, 0xE9]
            let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            _ = try? IcyMetadata.parse(bytes)
        }
    }
}
