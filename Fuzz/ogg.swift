// Ogg streams (Vorbis, Opus): pages, header packets, comment headers, title changes, the
// audio clock.
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
    // The audio clock (granule positions: what tells Vorbis silence from a stall): finite, not
    // negative, at most the cap a page, and the same in any chunking.
    var halves = OggTitleTracker(maxHeaderPacketSize: 64 * 1024, verifiesChecksum: false)
    _ = halves.feed(Array(bytes.prefix(bytes.count / 3)))
    _ = halves.feed(Array(bytes.dropFirst(bytes.count / 3)))
    let seconds = tracker.audioSeconds
    check(seconds.isFinite && seconds >= 0, "audio seconds finite and not negative: \(seconds)")
    check(seconds <= Double(tracker.statistics.pages) * OggTitleTracker.maxSecondsPerPage, "at most the cap a page: \(seconds)")
    check(halves.audioSeconds == seconds, "audio seconds the same in any chunking: \(halves.audioSeconds) vs \(seconds)")
    _ = try? OggComments.parse(packet: bytes, codec: .vorbis)
    _ = try? OggComments.parse(packet: bytes, codec: .opus)
    _ = OggStreamInfo(identificationPacket: bytes)
    return 0
}
