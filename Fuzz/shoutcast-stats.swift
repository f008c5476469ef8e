// SHOUTcast: 7.html, stats XML (LenientXML), stats JSON, and the song endpoints.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    for sid in [nil, 1, 2] as [Int?] {
        if let stats = try? ShoutcastStats.parseAny(bytes, sid: sid) { _ = stats.snapshot() }
    }
    _ = try? ShoutcastStats.parse(bytes)
    _ = try? ShoutcastStats.parseSevenHTML(bytes)
    _ = try? ShoutcastStats.parseXML(bytes, sid: 1)
    _ = try? ShoutcastStats.parseJSON(bytes, sid: 1)
    _ = ShoutcastStats.currentSong(bytes)
    _ = try? ShoutcastStats.nextSongs(bytes)
    if let history = try? ShoutcastStats.songHistory(bytes),
       let stats = try? ShoutcastStats.parseAny(bytes) {
        _ = stats.snapshot(history: history)
    }
    return 0
}
