// Spinitron spins and playlists. Input: spins JSON, 0xFF, playlists JSON (or split in half).
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let (spins, playlists) = fuzzSplit(bytes)
    _ = try? SpinitronFeed.parse(spins: spins, playlists: playlists, now: fuzzNow)
    _ = try? SpinitronFeed.parse(spins: bytes, playlists: nil, now: fuzzNow)
    _ = try? SpinitronFeed.parseSpins(bytes)
    _ = try? SpinitronFeed.parsePlaylists(bytes)
    return 0
}
