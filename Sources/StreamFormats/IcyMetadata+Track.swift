import Foundation

extension IcyMetadata {
    /// The item an ICY block describes. A SAM Broadcaster style `StreamUrl`
    /// (`&artist=…&title=…&songtype=S&…`, which StreamTheWorld streams carry too) says it
    /// field by field and wins; otherwise `StreamTitle` goes through ``SongText`` (vendor
    /// attribute lists, ad markers, "Artist - Title"). Nil when there is nothing to show.
    public func track(streamName: String? = nil) -> Track? {
        if let sam = streamURL.flatMap(SAMStreamURL.init(_:)), let title = sam.fields["title"] {
            guard var track = SongText.track(title: title, artist: sam.fields["artist"], album: sam.fields["album"],
                                             kind: sam.kind) else { return nil }
            track.duration = sam.duration
            return track
        }
        guard let raw = streamTitle else { return nil }
        return SongText.track(fromTitle: raw, streamName: streamName)
    }
}

/// A SAM Broadcaster `StreamUrl`: `&artist=…&title=…&album=…&duration=…&songtype=S&…`.
///
/// Policy: the value must start with `&` or hold `title=` to be one (a plain URL is not);
/// values are percent-decoded (`+` is a space); `songtype` S is a song, A an ad, I/J/P (station
/// ID, jingle, promo) a station ID, anything else (N news, V voice…) not music; `duration`
/// is milliseconds when above 10,000, else seconds.
public struct SAMStreamURL: Sendable, Equatable {
    /// The fields, keys lower-cased, empty values left out.
    public var fields: [String: String]

    /// Parses `value`, or nil when it is not a SAM field list.
    public init?(_ value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("&") || text.lowercased().contains("title=") else { return nil }
        guard !text.lowercased().hasPrefix("http") else { return nil }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let key = pair[..<equals].lowercased()
            let raw = String(pair[pair.index(after: equals)...]).replacingOccurrences(of: "+", with: " ")
            let decoded = raw.removingPercentEncoding ?? raw
            if !decoded.trimmingCharacters(in: .whitespaces).isEmpty, fields[key] == nil { fields[key] = decoded }
        }
        guard !fields.isEmpty else { return nil }
        self.fields = fields
    }

    /// What `songtype` says the item is (a song when absent).
    public var kind: ItemKind {
        switch fields["songtype"]?.uppercased() {
        case nil, "S": .song
        case "A": .ad
        case "I", "J", "P": .stationID
        default: .other
        }
    }

    /// The length in seconds, when given.
    public var duration: Double? {
        guard let value = fields["duration"].flatMap(Double.init), value > 0 else { return nil }
        return value > 10_000 ? value / 1000 : value
    }
}
