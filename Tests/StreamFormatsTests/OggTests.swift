import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

// MARK: - Helpers

/// Feeds `bytes` to a fresh tracker in chunks of `size`.
private func track(_ bytes: [UInt8], chunk size: Int, tracker: OggTitleTracker = OggTitleTracker()) -> [OggTitleTracker.Event] {
    var t = tracker
    var events: [OggTitleTracker.Event] = []
    var at = 0
    while at < bytes.count {
        let end = min(at + size, bytes.count)
        events += t.feed(Array(bytes[at ..< end]))
        at = end
    }
    return events
}

private func tracks(_ events: [OggTitleTracker.Event]) -> [Track] {
    events.compactMap { if case .metadata(_, _, let t) = $0 { return t } else { return nil } }
}

private func skips(_ events: [OggTitleTracker.Event]) -> [ParseError] {
    events.compactMap { if case .skipped(let e) = $0 { return e } else { return nil } }
}

/// A small deterministic generator for fuzz-ish tests.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let vorbisFixture = "ogg/vorbis_chained_link1_header_pages.ogg"
private let opusFixture = "ogg/opus_stream_header_pages.ogg"
private let link1Serial: UInt32 = 894_484_935

@Suite struct OggTests {
    // MARK: - Real fixtures

    @Test func opusFixtureAtEverySplitSize() throws {
        let bytes = try Fixture.bytes(opusFixture)
        for size in 1 ... bytes.count {
            let events = track(bytes, chunk: size)
            guard case .streamStarted(let serial, let info) = events.first else {
                Issue.record("split \(size): no stream start in \(events)"); continue
            }
            #expect(serial == 3_122_630_466)
            #expect(info == OggStreamInfo(codec: .opus, channels: 2, sampleRate: 48000, nominalBitrate: nil))
            #expect(tracks(events) == [Track(title: "Victory Lane", artist: "AC '83 & THALREX", album: "Victory Lane")],
                    "split \(size)")
            #expect(skips(events).isEmpty)
        }
    }

    @Test func opusCommentsKeepVendorAndAllFields() throws {
        let events = track(try Fixture.bytes(opusFixture), chunk: 4096)
        let comments = events.compactMap { if case .metadata(_, let c, _) = $0 { return c } else { return nil } }
        let c = try #require(comments.first)
        #expect(c.vendor == "Lavf58.67.100")
        #expect(c.comments.map(\.key) == ["album", "artist", "title", "DESCRIPTION", "encoder"])
        #expect(c.values("ENCODER") == ["Lavf58.67.100"])
    }

    @Test func vorbisFixtureAtEverySplitSize() throws {
        let bytes = try Fixture.bytes(vorbisFixture)
        let expected = Track(title: "The Fisherman and his Soul", artist: "Owls", album: "Wendolins Monocle")
        for size in 1 ... bytes.count {
            var t = OggTitleTracker()
            var events: [OggTitleTracker.Event] = []
            var at = 0
            while at < bytes.count {
                let end = min(at + size, bytes.count)
                events += bytes[at ..< end].withUnsafeBytes { t.feed($0) }
                at = end
            }
            #expect(events.count == 2, "split \(size)")
            #expect(events.first == .streamStarted(serial: link1Serial, info: OggStreamInfo(
                codec: .vorbis, channels: 2, sampleRate: 44100, nominalBitrate: 128_000)))
            #expect(tracks(events) == [expected], "split \(size)")
            #expect(throws: Never.self) { try t.finish() }
            #expect(t.statistics.pages == 2)
        }
    }

    @Test func pageHeadersAndPacketsOfTheVorbisFixture() throws {
        var reader = OggPageReader()
        let events = reader.feed(try Fixture.bytes(vorbisFixture))
        let pages = events.compactMap { if case .page(let p) = $0 { return p } else { return nil } }
        let packets = events.compactMap { if case .packet(let p) = $0 { return p } else { return nil } }
        #expect(pages.map(\.flags) == [.beginOfStream, []])
        #expect(pages.map(\.sequence) == [0, 1])
        #expect(pages.map(\.serial) == [link1Serial, link1Serial])
        #expect(pages.map(\.offset) == [0, 58])
        #expect(pages.map(\.granulePosition) == [0, 0])
        #expect(pages[1].segmentTable.count == 18)
        #expect(pages[1].bodyLength == 4299)
        #expect(packets.map(\.index) == [0, 1, 2])
        #expect(packets.map(\.bytes.count) == [30, 159, 4140])
        #expect(Array(packets[2].bytes.prefix(7)) == [0x05] + Array("vorbis".utf8))
    }

    // MARK: - Audio time (a VBR stream's pace)

    @Test("audio seconds from granule positions: a join midway counts from its first audio page, jumps are capped, a new Opus link counts at 48 kHz")
    func audioSecondsFromGranules() throws {
        var t = OggTitleTracker()
        _ = t.feed(try Fixture.bytes(vorbisFixture))  // 44.1 kHz Vorbis headers, granule 0
        #expect(t.audioSeconds == 0)
        // Joined two minutes into the track: the first audio page is the baseline.
        let minute2: Int64 = 44_100 * 120
        for (i, granule) in [minute2, minute2 + 44_100, minute2 + 2 * 44_100, minute2 + 2 * 44_100 + 22_050].enumerated() {
            _ = t.feed(OggBuilder.page(serial: link1Serial, sequence: UInt32(2 + i), granule: granule, table: [1], body: [0]))
        }
        #expect(t.audioSeconds == 2.5)
        // No packet ends on the page (-1), or a position going back: nothing.
        _ = t.feed(OggBuilder.page(serial: link1Serial, sequence: 6, granule: -1, table: [255], body: [UInt8](repeating: 0, count: 255)))
        _ = t.feed(OggBuilder.page(serial: link1Serial, sequence: 7, granule: minute2, table: [1], body: [0]))
        #expect(t.audioSeconds == 2.5)
        // A jump of an hour counts as the cap.
        _ = t.feed(OggBuilder.page(serial: link1Serial, sequence: 8, granule: minute2 + 44_100 * 3600, table: [1], body: [0]))
        #expect(t.audioSeconds == 2.5 + OggTitleTracker.maxSecondsPerPage)
        // EOS, then an Opus link: its granules are 48 kHz whatever rate OpusHead declares.
        _ = t.feed(OggBuilder.page(serial: link1Serial, sequence: 9, flags: 0x04, granule: minute2 + 44_100 * 3601, table: [1], body: [0]))
        let before = t.audioSeconds
        _ = t.feed(try Fixture.bytes(opusFixture))
        let opusSerial: UInt32 = 3_122_630_466
        for (i, granule) in [Int64(48_000), 96_000, 120_000].enumerated() {
            _ = t.feed(OggBuilder.page(serial: opusSerial, sequence: UInt32(2 + i), granule: granule, table: [1], body: [0]))
        }
        #expect(t.audioSeconds - before == 1.5, "\(t.audioSeconds - before)")
    }

    // MARK: - Chained streams (a new track on an Ogg mount)

    /// Link 1 (real header pages), an EOS page ending it, then link 2 synthesised with new comments.
    private func chainedStream() throws -> [UInt8] {
        let link1 = try Fixture.bytes(vorbisFixture)
        var reader = OggPageReader()
        let packets = reader.feed(link1).compactMap { if case .packet(let p) = $0 { return p.bytes } else { return nil } }
        let eos = OggBuilder.page(serial: link1Serial, sequence: 2, flags: 0x04, granule: 44100,
                                  table: [3], body: [0, 1, 2])
        let comments = OggBuilder.vorbisComments(["title=Second Song", "ARTIST=First Artist", "Artist=Second Artist",
                                                  "ALBUM=Chained"])
        let link2 = OggBuilder.pages(serial: 77, packets: [packets[0], comments, packets[2]], segmentsPerPage: 7)
            + OggBuilder.pages(serial: 77, firstSequence: 100, bos: false, eos: true, packets: [[9, 9, 9]])
        return link1 + eos + link2
    }

    @Test func chainedStreamYieldsBothTitlesInOrder() throws {
        let bytes = try chainedStream()
        for size in [1, 2, 3, 7, 27, 28, 255, 4096, bytes.count] {
            let events = track(bytes, chunk: size)
            #expect(tracks(events).map(\.title) == ["The Fisherman and his Soul", "Second Song"], "split \(size)")
            #expect(tracks(events).last?.artist == "First Artist, Second Artist")
            let lifecycle = events.compactMap { e -> String? in
                switch e {
                case .streamStarted(let s, _): return "start \(s)"
                case .streamEnded(let s): return "end \(s)"
                case .metadata(let s, _, _): return "meta \(s)"
                case .skipped: return "skip"
                }
            }
            #expect(lifecycle == ["start \(link1Serial)", "meta \(link1Serial)", "end \(link1Serial)",
                                  "start 77", "meta 77", "end 77"], "split \(size)")
        }
    }

    @Test func everyChainedSplitSizeFrom1To300() throws {
        let bytes = try chainedStream()
        for size in 1 ... 300 {
            #expect(tracks(track(bytes, chunk: size)).map(\.album) == ["Wendolins Monocle", "Chained"], "split \(size)")
        }
    }

    // MARK: - Resync, CRC, truncation, limits

    @Test func resyncsAfterGarbageAndFalseCaptures() throws {
        let garbage = Array("HTTP junk OggOgOggS".utf8) + [1, 2, 3] + Array(repeating: 0x4F, count: 30)
        let opus = try Fixture.bytes(opusFixture)
        // A false capture: "OggS" with version 7 must be rescanned, not trusted.
        let falseCapture = Array("OggS".utf8) + [7] + Array(repeating: 0xEE, count: 40)
        let bytes = garbage + falseCapture + opus
        for size in [1, 5, bytes.count] {
            var t = OggTitleTracker()
            let events = bytes.oggChunks(size).flatMap { t.feed($0) }
            #expect(tracks(events).map(\.title) == ["Victory Lane"])
            #expect(t.statistics.skippedBytes == garbage.count + falseCapture.count)
            let skip = try #require(skips(events).first)
            #expect(skip.location == "byte 0")
        }
    }

    @Test func badChecksumPageIsSkippedAndCounted() throws {
        var bytes = try Fixture.bytes(opusFixture)
        bytes[0x5A] ^= 0x20     // "Lavf" -> "LavF" in the OpusTags page
        var t = OggTitleTracker()
        let events = t.feed(bytes)
        #expect(tracks(events).isEmpty)
        #expect(t.statistics.badChecksumPages == 1)
        #expect(skips(events).first?.location == "byte 47")
        #expect(skips(events).first?.message.contains("bad CRC") == true)

        var lenient = OggTitleTracker(verifiesChecksum: false)
        let lenientEvents = lenient.feed(bytes)
        #expect(tracks(lenientEvents).map(\.title) == ["Victory Lane"])
    }

    @Test func truncatedPageThrowsOnFinish() throws {
        let bytes = try Fixture.bytes(vorbisFixture)
        var t = OggTitleTracker()
        let events = t.feed(Array(bytes.dropLast(10)))
        #expect(tracks(events).isEmpty)
        #expect(throws: ParseError(format: "ogg", location: "byte 58", message: "input ended inside a page (truncated page)")) {
            try t.finish()
        }
        var headOnly = OggTitleTracker()
        _ = headOnly.feed(Array(bytes.prefix(20)))
        #expect(throws: ParseError.self) { try headOnly.finish() }
    }

    @Test func absurdSegmentTableIsSkippedByItsChecksum() throws {
        // A header claiming 255 segments of 255 bytes, followed by that much junk, then a real stream.
        let fake = Array("OggS".utf8) + [0, 0] + Array(repeating: 0, count: 20) + [255]
            + Array(repeating: 255, count: 255) + Array(repeating: 0xAB, count: 255 * 255)
        var t = OggTitleTracker()
        let events = t.feed(fake + (try Fixture.bytes(opusFixture)))
        #expect(t.statistics.badChecksumPages == 1)
        #expect(tracks(events).map(\.title) == ["Victory Lane"])

        var cut = OggTitleTracker()
        _ = cut.feed(Array(fake.prefix(1000)))
        #expect(throws: ParseError.self) { try cut.finish() }
    }

    @Test func oversizeHeaderPacketIsSkippedWithAnEvent() throws {
        let huge = [0x03] + Array("vorbis".utf8) + Array(repeating: UInt8(0x41), count: 300_000)
        let identification = try Fixture.bytes(vorbisFixture)[28 ..< 58]
        let bytes = OggBuilder.pages(serial: 5, packets: [Array(identification), huge, [0x05]])
        var t = OggTitleTracker()
        let events = bytes.oggChunks(4096).flatMap { t.feed($0) }
        #expect(tracks(events).isEmpty)
        #expect(t.statistics.oversizePackets == 1)
        #expect(skips(events).count == 1)
        #expect(skips(events).first?.message.contains("exceeds 262144 bytes") == true)

        var small = OggTitleTracker(maxHeaderPacketSize: 100)
        let fixtureEvents = small.feed(try Fixture.bytes(vorbisFixture))
        #expect(tracks(fixtureEvents).isEmpty)
        #expect(small.statistics.oversizePackets == 2)   // the 159-byte comments and the setup header
    }

    @Test func lostHeaderPageAbandonsAssembly() throws {
        let comments = OggBuilder.vorbisComments(["TITLE=Never Seen"])
        let id = try Fixture.bytes(vorbisFixture)[28 ..< 58]
        let first = OggBuilder.pages(serial: 9, packets: [Array(id)])
        let skipped = OggBuilder.pages(serial: 9, firstSequence: 5, bos: false, packets: [comments])
        let events = track(first + skipped, chunk: 3)
        #expect(tracks(events).isEmpty)
        #expect(skips(events).first?.message.contains("jumped from page 1 to 5") == true)
    }

    // MARK: - Comment headers

    @Test func commentLengthsOverflowingThePacketThrow() throws {
        let good = OggBuilder.vorbisComments(["TITLE=A"])
        var badVendor = good
        badVendor[7] = 0xFF                                              // vendor length
        #expect(throws: ParseError.self) { try OggComments.parse(packet: badVendor, codec: .vorbis) }
        do {
            _ = try OggComments.parse(packet: badVendor, codec: .vorbis)
        } catch {
            #expect(error.location == "vendor_length")
        }
        var badComment = [0x03] + Array("vorbis".utf8) + OggBuilder.commentBody(vendor: "v", ["TITLE=A", "ARTIST=B"])
        badComment[badComment.count - 12] = 0xF0                         // second comment's length
        do {
            _ = try OggComments.parse(packet: badComment, codec: .vorbis)
            Issue.record("expected an error")
        } catch {
            #expect(error.location == "comment[1].length")
            #expect(error.format == "ogg-vorbis-comments")
        }
        let hugeCount = Array("OpusTags".utf8) + [0, 0, 0, 0] + [0xFF, 0xFF, 0xFF, 0xFF]
        #expect(throws: ParseError.self) { try OggComments.parse(packet: hugeCount, codec: .opus) }
        #expect(try OggComments.parse(packet: Array("OpusHead".utf8), codec: .opus) == nil)
    }

    @Test func brokenCommentHeaderInAStreamIsASkipNotATrap() throws {
        var opus = try Fixture.bytes(opusFixture)
        opus[0x54] = 0xFF       // vendor length high byte -> overflows
        var t = OggTitleTracker(verifiesChecksum: false)
        let events = t.feed(opus)
        #expect(tracks(events).isEmpty)
        let skip = try #require(skips(events).first)
        #expect(skip.location == "stream 3122630466 packet 1 vendor_length")
    }

    @Test func flacInOggIdentificationAndComments() throws {
        var streamInfo = [UInt8](repeating: 0, count: 34)
        // 44100 Hz (0x0AC44), 2 channels, 16 bits: bytes 10..12 = 0x0A 0xC4 0x42
        streamInfo[10] = 0x0A; streamInfo[11] = 0xC4; streamInfo[12] = 0x42
        let first = [0x7F] + Array("FLAC".utf8) + [1, 0, 0, 1] + Array("fLaC".utf8) + [0x00, 0, 0, 34] + streamInfo
        let body = OggBuilder.commentBody(vendor: "reference libFLAC 1.4.3", ["Title=Flac Song", "artist=A", "ARTIST=B"])
        let commentBlock = [0x84, 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        let bytes = OggBuilder.pages(serial: 42, packets: [first, commentBlock])
        let events = track(bytes, chunk: 11)
        #expect(events.first == .streamStarted(serial: 42, info: OggStreamInfo(codec: .flac, channels: 2, sampleRate: 44100)))
        #expect(tracks(events) == [Track(title: "Flac Song", artist: "A, B")])
        #expect(try OggComments.parse(packet: [0x81, 0, 0, 0], codec: .flac) == nil)   // PADDING block
    }

    @Test func commentsWithoutTitleGiveNoTrackAndLatin1FallsBack() throws {
        let c = try #require(try OggComments.parse(packet: OggBuilder.vorbisComments(["ARTIST=Only"]), codec: .vorbis))
        #expect(c.track == nil)
        var latin = OggBuilder.vorbisComments(["TITLE=Caf?"])
        latin[latin.count - 2] = 0xE9                                   // Latin-1 "é", invalid UTF-8
        let l = try #require(try OggComments.parse(packet: latin, codec: .vorbis))
        #expect(l.track?.title == "Café")
    }

    @Test func unknownCodecIsFollowedButNotInterpreted() {
        let info = OggStreamInfo(identificationPacket: [0x80] + Array("theora".utf8))
        #expect(info.codec == .unknown)
        #expect(OggStreamInfo(identificationPacket: []).codec == .unknown)
        #expect(OggStreamInfo(identificationPacket: [0x01] + Array("vorbis".utf8)).channels == nil)
    }

    @Test func randomBytesAndMutatedFixturesNeverTrap() throws {
        var rng = SplitMix(state: 2026)
        let opus = try Fixture.bytes(opusFixture)
        let vorbis = try Fixture.bytes(vorbisFixture)
        for round in 0 ..< 300 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0: bytes = (0 ..< Int.random(in: 0 ... 3000, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            case 1: bytes = opus
            default: bytes = vorbis
            }
            for _ in 0 ..< Int.random(in: 1 ... 8, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
            }
            var t = OggTitleTracker(verifiesChecksum: round % 2 == 0)
            _ = bytes.oggChunks(Int.random(in: 1 ... 64, using: &rng)).flatMap { t.feed($0) }
            _ = try? t.finish()
            #expect(t.statistics.pages <= 4)
        }
    }
}

private extension Array where Element == UInt8 {
    /// The array cut into chunks of `size` bytes.
    func oggChunks(_ size: Int) -> [[UInt8]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0 ..< Swift.min($0 + size, count)]) }
    }
}
