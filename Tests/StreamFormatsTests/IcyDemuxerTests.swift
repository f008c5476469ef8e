import Testing
import StreamTestSupport
@testable import StreamFormats

/// A synthetic ICY body: real metadata payloads, with empty blocks between them, embedded
/// between runs of `metaint` audio bytes that follow a recognisable pattern.
fileprivate struct SyntheticStream {
    var metaint: Int
    var bytes: [UInt8] = []
    var audio: [UInt8] = []
    var payloads: [[UInt8]] = []
    var boundaries = 0

    init(metaint: Int, payloads: [[UInt8]], trailingAudio: Int = 17) {
        self.metaint = metaint
        for payload in payloads {
            appendAudio(metaint)
            bytes.append(UInt8(payload.count / 16))
            bytes += payload
            self.payloads.append(payload)
            boundaries += 1
            appendAudio(metaint)
            bytes.append(0)   // an empty block between every two real ones
            boundaries += 1
        }
        appendAudio(min(trailingAudio, metaint - 1))
    }

    private mutating func appendAudio(_ count: Int) {
        let run = (0..<count).map { UInt8(truncatingIfNeeded: (audio.count + $0) &* 31 &+ 7) }
        audio += run
        bytes += run
    }
}

/// What a demuxer made of a stream fed in the given chunk sizes (cycled).
fileprivate struct DemuxResult: Equatable {
    var audio: [UInt8] = []
    var blocks: [IcyMetadataBlock] = []
    var boundaries: UInt64 = 0
    var audioCount: UInt64 = 0
    var metadataCount: UInt64 = 0
    var audioOutsideChunk = false
}

fileprivate func demux(_ stream: SyntheticStream, chunkSizes: [Int]) throws -> DemuxResult {
    var demuxer = try IcyDemuxer(metaint: stream.metaint)
    var result = DemuxResult()
    stream.bytes.withUnsafeBytes { all in
        var offset = 0
        var turn = 0
        while offset < all.count {
            let size = min(chunkSizes[turn % chunkSizes.count], all.count - offset)
            turn += 1
            let chunk = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + size)])
            result.blocks += demuxer.feed(chunk) { slice in
                // Audio must be a view into the chunk, not a copy.
                if let base = slice.baseAddress, let start = chunk.baseAddress,
                   base < start || base + slice.count > start + chunk.count {
                    result.audioOutsideChunk = true
                }
                result.audio += slice
            }
            offset += size
        }
    }
    result.boundaries = demuxer.boundaryCount
    result.audioCount = demuxer.audioByteCount
    result.metadataCount = demuxer.metadataByteCount
    return result
}

@Suite struct IcyDemuxerTests {
    fileprivate func scannerStream() throws -> SyntheticStream {
        let payloads = try icyPayloads(try Fixture.bytes("icy/isics_scanner_mp3_metaint64.blocks.bin"))
            + icyPayloads(try Fixture.bytes("icy/icecast_initial_empty_title.block.bin"))
        return SyntheticStream(metaint: 64, payloads: payloads)
    }

    fileprivate func check(_ result: DemuxResult, against stream: SyntheticStream) {
        #expect(result.audio == stream.audio)
        #expect(result.blocks.map(\.payload) == stream.payloads)
        #expect(result.boundaries == UInt64(stream.boundaries))
        #expect(result.audioCount == UInt64(stream.audio.count))
        #expect(result.metadataCount == UInt64(stream.bytes.count - stream.audio.count))
        #expect(!result.audioOutsideChunk)
    }

    @Test func wholeStreamAtOnce() throws {
        let stream = try scannerStream()
        let result = try demux(stream, chunkSizes: [stream.bytes.count])
        check(result, against: stream)
        #expect(result.blocks.count == 13)   // 12 scanner blocks + the empty-title one
        // Each block says how much audio came before it: 2 runs of metaint per block.
        #expect(result.blocks.enumerated().allSatisfy { $0.element.audioOffset == UInt64(64 * (2 * $0.offset + 1)) })
        let titles = try result.blocks.map { try IcyMetadata.parse($0).streamTitle }
        #expect(titles.first == "TO:7300 Department of Transportation - District 1 Highway Helper - Des Moines Area FROM:14948")
        #expect(titles.last == "")
    }

    @Test func everySplitSizeGivesTheSameResult() throws {
        let stream = try scannerStream()
        let reference = try demux(stream, chunkSizes: [stream.bytes.count])
        for size in 1...stream.bytes.count {
            let result = try demux(stream, chunkSizes: [size])
            #expect(result == reference, "chunk size \(size)")
            if result != reference { break }
        }
    }

    @Test func randomSplitsGiveTheSameResult() throws {
        let soma = try icyPayloads(try Fixture.bytes("icy/somafm_deepspaceone_aac128_metaint16000.blocks.bin"))
            + icyPayloads(try Fixture.bytes("icy/somafm_afterlife_mp3_metaint16000.block.bin"))
        let vbr = try icyPayloads(try Fixture.bytes("icy/isics_scanner_vbr_mp3_metaint64.blocks.bin"))
        var rng = SeededRandom(seed: 2026)
        for stream in [SyntheticStream(metaint: 16000, payloads: soma, trailingAudio: 5000),
                       SyntheticStream(metaint: 64, payloads: vbr)] {
            let reference = try demux(stream, chunkSizes: [stream.bytes.count])
            check(reference, against: stream)
            for round in 0..<50 {
                let limit = UInt64(round % 2 == 0 ? 40 : 20_000)
                let sizes = (0..<64).map { _ in Int(rng.next() % limit) + 1 }
                #expect(try demux(stream, chunkSizes: sizes) == reference, "sizes \(sizes)")
            }
            for size in [1, 2, 15, 16, 17, stream.metaint - 1, stream.metaint, stream.metaint + 1, 65_536] {
                #expect(try demux(stream, chunkSizes: [size]) == reference, "chunk size \(size)")
            }
        }
    }

    @Test func largestBlock4080Bytes() throws {
        var payload = Array("StreamTitle='".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 4000) + Array("';".utf8)
        payload += [UInt8](repeating: 0, count: IcyDemuxer.maximumBlockSize - payload.count)
        #expect(payload.count == 4080)
        let stream = SyntheticStream(metaint: 16000, payloads: [payload, payload])
        #expect(stream.bytes[16000] == 255)
        for sizes in [[stream.bytes.count], [1], [4081], [7, 4093, 1]] {
            let result = try demux(stream, chunkSizes: sizes)
            check(result, against: stream)
            #expect(try IcyMetadata.parse(result.blocks[0]).streamTitle?.count == 4000)
        }
    }

    @Test func rejectsMissingZeroNegativeAndAbsurdMetaint() throws {
        for bad in [0, -1, -16000, IcyDemuxer.maximumMetaint + 1, Int.max, Int.min] {
            #expect(throws: ParseError.self, "\(bad)") { try IcyDemuxer(metaint: bad) }
        }
        do {
            _ = try IcyDemuxer(metaint: 0)
        } catch {
            #expect(error.location == "icy-metaint")
        }
        #expect(try IcyDemuxer(metaint: 1).metaint == 1)
        #expect(try IcyDemuxer(metaint: IcyDemuxer.maximumMetaint).metaint == 262_144)
    }

    @Test func emptyChunksAndEmptyBlocksOnly() throws {
        var demuxer = try IcyDemuxer(metaint: 4)
        var audio: [UInt8] = []
        #expect(demuxer.feed([]) { audio += $0 }.isEmpty)
        let blocks = demuxer.feed([1, 2, 3, 4, 0, 5, 6, 7, 8, 0, 9]) { audio += $0 }
        #expect(blocks.isEmpty)
        #expect(audio == [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(demuxer.boundaryCount == 2)
        #expect(demuxer.audioByteCount == 9)
        #expect(demuxer.metadataByteCount == 2)
    }

    @Test func randomBytesNeverTrap() throws {
        var rng = SeededRandom(seed: 99)
        var demuxer = try IcyDemuxer(metaint: 3)
        var audio = 0
        for _ in 0..<200 {
            let chunk = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = demuxer.feed(chunk) { audio += $0.count }
        }
        #expect(UInt64(audio) == demuxer.audioByteCount)
    }
}
