import Foundation

extension IcyMetadata {
    /// The item an ICY block describes. A SAM Broadcaster style `StreamUrl`
    /// (`&artist=…&title=…&songtype=S&…`, which StreamTheWorld streams carry too) says it
    /// field by field and wins; otherwise `StreamTitle` goes through ``SongText`` (vendor
    /// attribute lists, ad markers, "Artist - Title"). Nil when there is nothing to show.
    /// A SAM blob without a title (a jingle sent as `&title=&songtype=J…`) still says what
    /// the item is: `StreamTitle` gives the text, the blob its kind and duration.
    public func track(streamName: String? = nil) -> Track? {
        let sam = streamURL.flatMap(SAMStreamURL.init(_:))
        if let sam, let title = sam.fields["title"] {
            guard var track = SongText.track(title: title, artist: sam.fields["artist"], album: sam.fields["album"],
                                             kind: sam.kind) else { return nil }
            track.duration = sam.duration
            return track
        }
        guard let raw = streamTitle, var track = SongText.track(fromTitle: raw, streamName: streamName) else { return nil }
        if let sam {
            if track.kind == .song { track.kind = sam.kind }
            track.duration = track.duration ?? sam.duration
        }
        return track
    }
}

/// A SAM Broadcaster `StreamUrl`: `&artist=…&title=…&album=…&duration=…&songtype=S&…`.
///
/// Policy: the value must start with `&` or hold `title=` to be one (a plain URL is not); a
/// field starts at an `&` followed by a name and `=`, so an `&` inside a value (`Simon &
/// Garfunkel`, or an entity such as `&amp;`) does not end it; values are percent-decoded
/// (`+` is a space); `songtype` S is a song, A an ad, I/J/P (station ID, jingle, promo) a
/// station ID, anything else (N news, V voice…) not music; `duration` is milliseconds (Kodi's
/// example: 17894 for a 17-second spot) when 1,000 or more, else seconds (as Triton's).
public struct SAMStreamURL: Sendable, Equatable {
    /// The fields, keys lower-cased, empty values left out.
    public var fields: [String: String]

    /// Parses `value`, or nil when it is not a SAM field list.
    public init?(_ value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("&") || text.lowercased().contains("title=") else { return nil }
        guard !text.lowercased().hasPrefix("http") else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in Self.pairs(text) {
            let raw = value.replacingOccurrences(of: "+", with: " ")
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
        guard let value = fields["duration"].flatMap(Double.init), value > 0, value.isFinite else { return nil }
        return value >= 1000 ? value / 1000 : value
    }

    /// `name=value` pairs, names lower-cased: a pair starts at the text's start or at an `&`
    /// followed by a name (letters, digits, `_`) and `=`, and runs to the next such `&`.
    private static func pairs(_ text: String) -> [(String, String)] {
        let chars = Array(text)
        var starts: [(name: String, valueStart: Int, fieldStart: Int)] = []
        for i in chars.indices where chars[i] == "&" || i == 0 {
            var j = chars[i] == "&" ? i + 1 : i
            let nameStart = j
            while j < chars.count, chars[j].isASCII, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
            guard j > nameStart, j < chars.count, chars[j] == "=" else { continue }
            starts.append((String(chars[nameStart..<j]).lowercased(), j + 1, i))
        }
        return starts.enumerated().map { k, start in
            let end = k + 1 < starts.count ? starts[k + 1].fieldStart : chars.count
            return (start.name, String(chars[start.valueStart..<end]))
        }
    }
}
