import Foundation
import StreamFormats

/// The demo station's answers, as pure functions of the playlist and an instant: Triton
/// now-playing XML, ICY metadata, and (in `DemoPayloads+Composer.swift`) Composer JSON,
/// each in the shape the real services send.
public enum DemoPayloads {
    /// The Triton mount name the demo feed reports.
    public static let tritonMount = "DEMOFM"
    /// How many items Triton returns when `numberToFetch` is missing or unreadable.
    public static let tritonDefaultCount = 5
    /// The most items one Triton answer holds.
    public static let tritonMaximumCount = 50

    /// Triton's `<nowplaying-info-list>` at `instant`: the item playing and the ones before
    /// it, newest first, `count` in all (clamped to 1...`tritonMaximumCount`). Songs are
    /// `type="track"`, ads `type="ad"`, the station ID a track with `program_type` "Station ID".
    public static func tritonNowPlaying(_ playlist: DemoPlaylist, at instant: Date,
                                        count: Int = tritonDefaultCount) -> [UInt8] {
        let current = playlist.play(at: instant).index
        let number = min(max(count, 1), tritonMaximumCount)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<nowplaying-info-list>\n"
        for index in stride(from: current, to: current &- number, by: -1) {
            xml += tritonItem(playlist.play(index: index), length: playlist.songLength)
        }
        xml += "</nowplaying-info-list>\n"
        return Array(xml.utf8)
    }

    /// The `StreamTitle` the ICY stream sends while `item` plays: "Artist - Title" for a
    /// song; for an ad, a StreamTheWorld-style blob with `song_spot="T"`; for a station ID,
    /// the station's name (which equals `icy-name`).
    public static func icyTitle(_ item: DemoItem, length: Double) -> String {
        switch item.kind {
        case .song:
            return item.artist.map { "\($0) - \(item.title)" } ?? item.title
        case .ad:
            return "text=\"\(item.title)\" song_spot=\"T\" MediaBaseId=\"0\" itunesTrackId=\"0\" "
                + "amgTrackId=\"0\" amgArtistId=\"0\" TAID=\"0\" TPID=\"0\" cartcutId=\"0\" "
                + "amgArtworkURL=\"\" length=\"\(clockDuration(length))\" unsID=\"0\" spotInstanceId=\"-1\""
        case .stationID, .other:
            return DemoPlaylist.stationName
        }
    }

    /// One ICY metadata block, length byte first: `StreamTitle='title';` NUL-padded to a
    /// multiple of 16 (cut at 4080 bytes, on a character boundary); `[0]` (an empty block)
    /// when `title` is nil.
    public static func icyMetadataBlock(title: String?) -> [UInt8] {
        guard let title else { return [0] }
        var text = "StreamTitle='\(title)';"
        while text.utf8.count > IcyDemuxer.maximumBlockSize { text.removeLast() }
        var payload = Array(text.utf8)
        let blocks = (payload.count + 15) / 16
        payload += [UInt8](repeating: 0, count: blocks * 16 - payload.count)
        return [UInt8(blocks)] + payload
    }

    // MARK: - Triton details

    private static func tritonItem(_ play: DemoPlay, length: Double) -> String {
        let item = play.item
        let startMilliseconds = Int64((play.start.timeIntervalSince1970 * 1000).rounded())
        var properties: [(String, String)] = [
            ("cue_time_duration", String(Int64((length * 1000).rounded()))),
            ("cue_time_start", String(startMilliseconds)),
            ("cue_title", item.title),
        ]
        if item.kind == .stationID { properties.append(("program_type", "Station ID")) }
        if let album = item.album { properties.append(("track_album_name", album)) }
        if let artist = item.artist { properties.append(("track_artist_name", artist)) }
        let type = item.kind == .ad ? "ad" : "track"
        var xml = "  <nowplaying-info mountName=\"\(tritonMount)\" "
            + "timestamp=\"\(startMilliseconds / 1000)\" type=\"\(type)\">\n"
        for (name, value) in properties {
            xml += "    <property name=\"\(name)\"><![CDATA[\(cdata(value))]]></property>\n"
        }
        return xml + "  </nowplaying-info>\n"
    }

    /// Text safe inside `<![CDATA[...]]>`: a `]]>` is split across two sections.
    private static func cdata(_ text: String) -> String {
        text.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>")
    }

    /// "HH:MM:SS" for a length in seconds.
    private static func clockDuration(_ seconds: Double) -> String {
        let total = Int(min(max(seconds, 0), 359_999).rounded())
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(pad(total / 3600)):\(pad(total / 60 % 60)):\(pad(total % 60))"
    }
}
