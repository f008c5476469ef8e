// ICY metadata blocks (StreamTitle='…';…), their track, and the stream's header block.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    if let metadata = try? IcyMetadata.parse(bytes) {
        _ = metadata.track(streamName: "Fuzz FM")
        _ = metadata.value(for: "StreamTitle")
    }
    _ = try? IcyMetadata.parse(bytes, charset: TextCharset(ianaName: "ISO-8859-1"))
    _ = IcyHeaders.parse(rawHeaderBlock: bytes)
    return 0
}
