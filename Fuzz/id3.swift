// ID3v2 tags, timed ID3 in MPEG-TS segments and in packed audio (ADTS/MP3).
@testable import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    if let tag = try? ID3Tag.parse(bytes) {
        for id in ["TIT2", "TPE1", "TXXX", "WXXX", "PRIV"] { _ = tag.text(id) }
    }
    _ = ID3Tag.length(of: bytes, at: 0)
    if bytes.count > 1 { _ = ID3Tag.length(of: bytes, at: Int(bytes[0]) % bytes.count) }
    _ = TimedMetadata.tags(inSegment: bytes)
    _ = TimedMetadata.tags(inPackedAudio: bytes)
    _ = MPEGTransportStream.syncOffset(bytes)
    _ = try? MPEGTransportStream.id3Tags(bytes)
    return 0
}
