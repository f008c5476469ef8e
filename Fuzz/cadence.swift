// Cadence widget: now and day.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    _ = try? CadenceWidget.parse(bytes, timeZone: fuzzZone, now: fuzzNow)
    _ = try? CadenceWidget.parseDay(bytes, timeZone: fuzzZone)
    return 0
}
