// Composer (WXXI/PBS) now, day schedule and tracks JSON.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    _ = try? ComposerNow.parse(bytes, timeZone: fuzzZone, now: fuzzNow)
    if let slots = try? ComposerDay.parse(bytes, timeZone: fuzzZone) {
        _ = ComposerDay.onNow(at: fuzzNow, in: slots)
        _ = ComposerDay.upcoming(after: fuzzNow, in: slots, limit: 3)
        _ = ComposerDay.overlaps(in: slots)
    }
    _ = try? ComposerTracks.parse(bytes, timeZone: fuzzZone)
    return 0
}
