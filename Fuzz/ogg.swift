// Ogg streams (Vorbis, Opus): pages, header packets, comment headers, title changes.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    // Checksums off, so the fuzzer gets past the page CRC; once on, in two halves.
    var tracker = OggTitleTracker(maxHeaderPacketSize: 64 * 1024, verifiesChecksum: false)
    _ = tracker.feed(bytes)
    _ = try? tracker.finish()
    var checked = OggTitleTracker()
    _ = checked.feed(Array(bytes.prefix(bytes.count / 2)))
    _ = checked.feed(Array(bytes.dropFirst(bytes.count / 2)))
    _ = try? checked.finish()
    _ = try? OggComments.parse(packet: bytes, codec: .vorbis)
    _ = try? OggComments.parse(packet: bytes, codec: .opus)
    _ = OggStreamInfo(identificationPacket: bytes)
    return 0
}
