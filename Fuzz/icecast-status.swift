// Icecast status-json.xsl.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let status = try? IcecastStatus.parse(bytes) else { return 0 }
    _ = status.snapshot(mount: nil)
    for mount in status.mounts {
        _ = status.snapshot(mount: mount.mount)
    }
    _ = status.snapshot(mount: "/live")
    return 0
}
