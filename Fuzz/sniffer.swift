// The content sniffer that decides from a stream's first bytes whether it is audio.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    for type in [nil, "audio/mpeg", "text/html", "application/vnd.apple.mpegurl"] as [String?] {
        _ = StreamContentSniffer.classify(contentType: type, prefix: bytes, complete: true)
        _ = StreamContentSniffer.classify(contentType: type, prefix: bytes, complete: false)
    }
    return 0
}
