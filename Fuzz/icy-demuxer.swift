// The ICY demuxer, fed byte by byte and in chunks whose sizes come from the input: both
// must see the same audio and the same metadata blocks (a difference is a crash).
// Input: [metaint byte][chunk-size seed byte][stream bytes…]
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard input.count >= 2 else { return 0 }
    let metaint = Int(input[0]) + 1             // 1...256: short audio runs, many boundaries
    var seed = UInt32(input[1]) | 1
    let stream = Array(input[2...])

    // Byte by byte.
    guard var one = try? IcyDemuxer(metaint: metaint) else { return 0 }
    var oneBlocks: [IcyMetadataBlock] = []
    var oneAudio: [UInt8] = []
    for byte in stream {
        oneBlocks += one.feed([byte]) { oneAudio.append(contentsOf: $0) }
    }

    // In chunks: sizes from a small generator seeded by the input, 1...4096, and a few
    // taken straight from the stream bytes themselves.
    var chunked = try! IcyDemuxer(metaint: metaint)
    var chunkBlocks: [IcyMetadataBlock] = []
    var chunkAudio: [UInt8] = []
    var index = 0
    while index < stream.count {
        seed = seed &* 1_103_515_245 &+ 12_345
        let size = seed % 3 == 0 ? Int(stream[index]) + 1 : Int(seed >> 16) % 4096 + 1
        let end = min(stream.count, index + size)
        chunkBlocks += chunked.feed(Array(stream[index..<end])) { chunkAudio.append(contentsOf: $0) }
        index = end
    }

    // And the whole stream at once.
    var whole = try! IcyDemuxer(metaint: metaint)
    var wholeAudio: [UInt8] = []
    let wholeBlocks = whole.feed(stream) { wholeAudio.append(contentsOf: $0) }

    precondition(oneBlocks == chunkBlocks && oneBlocks == wholeBlocks, "blocks differ by chunking")
    precondition(oneAudio == chunkAudio && oneAudio == wholeAudio, "audio differs by chunking")
    for block in oneBlocks {
        _ = try? IcyMetadata.parse(block)
    }
    return 0
}
