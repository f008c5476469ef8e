// Triton Digital now-playing XML.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    _ = try? TritonNowPlaying.parse(bytes)
    let text = String(decoding: bytes.prefix(64), as: UTF8.self)
    _ = TritonNowPlaying.duration(text)
    return 0
}
