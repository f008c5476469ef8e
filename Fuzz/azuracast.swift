// AzuraCast now-playing API (one station, or the list of all).
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    if let one = try? AzuraCastNowPlaying.parse(bytes) { _ = one.snapshot }
    if let one = try? AzuraCastNowPlaying.parse(bytes, station: "fuzz_fm") { _ = one.snapshot }
    if let all = try? AzuraCastNowPlaying.parseAll(bytes) { _ = all.map(\.snapshot) }
    return 0
}
