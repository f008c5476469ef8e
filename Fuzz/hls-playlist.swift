// HLS playlists: kind, media playlist (ad markers, date ranges), master playlist, and the
// attribute lists (internal, through @testable).
import Foundation
@testable import StreamFormats

let base = URL(string: "https://example.com/live/index.m3u8")!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    _ = try? HLSPlaylist.kind(of: bytes)
    _ = try? HLSPlaylist.parse(bytes, url: base)
    if let media = try? HLSMediaPlaylist.parse(bytes, url: base) {
        _ = HLSMediaPlaylist.advanced(from: media, to: media)
        if let again = try? HLSMediaPlaylist.parse(bytes, url: nil) {
            _ = HLSMediaPlaylist.advanced(from: again, to: media)
        }
    }
    if let master = try? HLSMasterPlaylist.parse(bytes, url: base) {
        _ = master.preferredVariant(.highestBandwidth)
        _ = master.preferredVariant(.lowestBandwidth)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = HLSValues.attributes(Substring(text))
    _ = HLSValues.attributes(Substring(text), separator: ";")
    _ = HLSValues.date(Substring(text))
    return 0
}
