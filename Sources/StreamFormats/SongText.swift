import Foundation

/// Song text as stations send it, cleaned into a `Track` for display.
///
/// Policies:
/// - Cleaning (`clean`): HTML entities decoded once, control characters and runs of
///   whitespace (NBSP included) collapsed to one space, ends trimmed; empty gives nil.
/// - Vendor blobs: `[Artist - [Title - ]]text="Title" song_spot="M" length="00:02:13" ...`
///   (Triton/StreamTheWorld, iHeart ICY) and `title="..",artist="..",url="song_spot=\"M\" .."`
///   (iHeart HLS, and the same with unescaped inner quotes in ICY). A value ends at the
///   closing quote that is followed by the next `key="` (or the end), so quotes inside
///   titles survive. `song_spot` M is a song, T an ad, anything else (F, ...) `.other`;
///   a blob with no `song_spot` (`text="Spot Block End" ...`) is `.other` too, since these
///   vendors mark songs explicitly. `length` ("HH:MM:SS", "MM:SS") becomes the duration.
/// - "Artist - Title": see `splitArtistTitle(_:)` (the first " - ", except that a lone
///   version tag after it, "Hungry Child - Edit", belongs to the title).
/// - No track: empty after cleaning, only punctuation, or equal (ignoring case) to the
///   stream name, which stations send as a station ID between songs.
/// - Attribute lists are never shown raw: a title made of `key="value"` pairs (WideOrbit,
///   iHeart, any vendor) gives its `text` (or `title`) value, or no track when it has none.
/// - Ad markers: `START ADBREAK` (also `START AD BREAK`, `AD BREAK START`, any case, and
///   followed by an id as Bauer Media sends it) is an ad (titled "Ad break"); `STOP`/`END
///   ADBREAK` ends it as an item that is not music, so no song shows until the next title.
public enum SongText {
    /// Entities decoded, whitespace collapsed and trimmed; nil when nothing is left.
    public static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in HTMLEntities.decode(text).unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace { output.append(" ") }
            pendingSpace = false
            output.append(scalar)
        }
        return output.isEmpty ? nil : String(output)
    }

    /// A track from a title and artist that arrive separately (Triton `cue_title` and
    /// `track_artist_name`, Composer): each cleaned; nil when the title is empty.
    public static func track(title: String?, artist: String?, album: String? = nil,
                             kind: ItemKind = .song, composer: String? = nil) -> Track? {
        guard let title = clean(title), hasContent(title) else { return nil }
        return Track(title: title, artist: clean(artist), album: clean(album), kind: kind, composer: clean(composer))
    }

    /// A track from one raw title string (ICY `StreamTitle`, HLS `#EXTINF` title): vendor
    /// blobs parsed, "Artist - Title" split; nil for empty or station-ID-like text.
    public static func track(fromTitle raw: String, streamName: String? = nil) -> Track? {
        if let blob = vendorBlob(raw) { return makeTrack(blob) }
        if let attributes = attributeList(raw) {
            return track(title: (attributes["text"] ?? attributes["title"]).map(unescape),
                         artist: attributes["artist"].map(unescape), kind: kind(songSpot: attributes["song_spot"]))
        }
        guard let text = clean(raw), hasContent(text) else { return nil }
        if let marker = adMarker(text) { return marker }
        if let streamName = clean(streamName), text.caseInsensitiveCompare(streamName) == .orderedSame {
            return nil
        }
        let (artist, title) = splitArtistTitle(text)
        return Track(title: title, artist: artist)
    }

    /// Whether `raw` is a vendor attribute list (`text="…" song_spot="M" …`, the iHeart
    /// `title="…",artist="…",url="…"` form, or any title made of `key="value"` pairs) rather
    /// than text: such a title must never be shown as it is.
    public static func isAttributeList(_ raw: String) -> Bool {
        vendorBlob(raw) != nil || attributeList(raw) != nil
    }

    /// Whether `raw` is read by rules of its own rather than as plain text: an attribute list
    /// (see ``isAttributeList(_:)``) or an ad-break marker (`START ADBREAK`). Such a title
    /// goes through ``track(fromTitle:streamName:)`` even when an artist arrives separately.
    public static func isStructured(_ raw: String) -> Bool {
        isAttributeList(raw) || clean(raw).flatMap(adMarker) != nil
    }

    /// Seconds from a vendor `length` ("HH:MM:SS" or "MM:SS"); nil for zero or malformed.
    public static func clockSeconds(_ text: String) -> Double? { seconds(text) }

    /// The kind for a `song_spot` value: M song, T ad, anything else not music.
    public static func kind(songSpot: String?) -> ItemKind {
        switch songSpot?.trimmingSpacesAndTabs().uppercased() {
        case "M": return .song
        case "T": return .ad
        default: return .other
        }
    }

    // MARK: - Markers and attribute lists

    /// An ad-break marker's item, or nil when `text` is not one.
    private static func adMarker(_ text: String) -> Track? {
        var words = text.uppercased().replacingOccurrences(of: "_", with: " ")
            .split(whereSeparator: { $0 == " " || $0 == "-" }).joined(separator: " ")
        // Bauer Media sends `START ADBREAK <id>` / `STOP ADBREAK <id>` (Kodi's ShoutcastFile.cpp
        // matches the prefix): a trailing id after a START/STOP/END marker is dropped.
        for marker in ["START ADBREAK", "START AD BREAK", "STOP ADBREAK", "STOP AD BREAK", "END ADBREAK", "END AD BREAK"]
        where words.hasPrefix(marker + " ") {
            words = marker
        }
        switch words {
        case "START ADBREAK", "START AD BREAK", "ADBREAK START", "AD BREAK START", "ADBREAK", "AD BREAK":
            return Track(title: "Ad break", kind: .ad)
        case "STOP ADBREAK", "STOP AD BREAK", "END ADBREAK", "END AD BREAK", "ADBREAK END", "AD BREAK END":
            return Track(title: "Ad break over", kind: .other)
        default:
            return nil
        }
    }

    /// The attributes of a title that is nothing but `key="value"` pairs, or nil.
    private static func attributeList(_ raw: String) -> [String: String]? {
        let text = Substring(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        guard let first = text.firstIndex(of: "="), text[text.index(after: first)...].hasPrefix("\""),
              text[..<first].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }),
              !text[..<first].isEmpty, text.last == "\"" else { return nil }  // all pairs: it ends with a quote
        let attributes = VendorAttributes.parse(text, separator: " ")
        return attributes.isEmpty ? nil : attributes
    }

    // MARK: - Vendor blobs

    /// The fields of a vendor attribute blob, before cleaning.
    private struct VendorBlob {
        var title: String?
        var artist: String?
        var album: String?
        var attributes: [String: String]
    }

    /// The blob in `raw`, or nil when `raw` is plain text.
    private static func vendorBlob(_ raw: String) -> VendorBlob? {
        let text = Substring(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.hasPrefix("title=\"") {
            let outer = VendorAttributes.parse(text, separator: ",")
            guard outer["artist"] != nil || outer["url"] != nil else { return nil }
            let inner = VendorAttributes.parse(Substring(unescape(outer["url"] ?? "")), separator: " ")
            return VendorBlob(title: outer["title"], artist: outer["artist"], album: outer["album"],
                              attributes: inner)
        }
        var searchFrom = text.startIndex
        var found: Range<Substring.Index>?
        while found == nil, let range = text[searchFrom...].range(of: "text=\"") {
            let atWordStart = range.lowerBound == text.startIndex
                || text[text.index(before: range.lowerBound)] == " "
            if atWordStart { found = range } else { searchFrom = range.upperBound }
        }
        guard let blobStart = found else { return nil }
        let attributes = VendorAttributes.parse(text[blobStart.lowerBound...], separator: " ")
        var blob = VendorBlob(title: attributes["text"], attributes: attributes)
        let prefix = String(text[..<blobStart.lowerBound])
            .trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "-\u{2013}")))
        if let prefix = clean(prefix) {
            let split = splitArtistTitle(prefix)
            blob.artist = split.artist ?? split.title
            if clean(blob.title) == nil, split.artist != nil { blob.title = split.title }
        }
        return blob
    }

    /// A cleaned track with the kind and duration from the inner attributes.
    private static func makeTrack(_ blob: VendorBlob) -> Track? {
        guard var track = track(title: blob.title.map(unescape), artist: blob.artist.map(unescape),
                                album: blob.album.map(unescape),
                                kind: kind(songSpot: blob.attributes["song_spot"]))
        else { return nil }
        track.duration = blob.attributes["length"].flatMap(seconds)
        return track
    }

    /// `\"` to `"` (HLS escapes inner quotes, ICY does not).
    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\\"", with: "\"")
    }

    /// Seconds from "HH:MM:SS" or "MM:SS"; nil for zero or malformed.
    private static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        var total = 0.0
        for part in parts {
            guard let value = Double(part), value >= 0, value.isFinite else { return nil }
            total = total * 60 + value
        }
        return total > 0 ? total : nil
    }

    /// Whether cleaned text has a letter, digit or symbol (not only dashes and dots).
    private static func hasContent(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            !$0.properties.isWhitespace && !CharacterSet.punctuationCharacters.contains($0)
        }
    }
}

/// `key="value"` attributes of vendor blobs, where values may contain unescaped quotes.
fileprivate enum VendorAttributes {
    /// Parses `key="value"` pairs separated by `separator` (with optional spaces around it):
    /// a value ends at the first `"` followed by separator, key and `="`, or at the last `"`.
    /// Keys are letters, digits, `_` and `-`; the first occurrence of a key wins.
    static func parse(_ text: Substring, separator: Character) -> [String: String] {
        var result: [String: String] = [:]
        var rest = text
        while let (key, valueStart) = nextKey(in: rest) {
            let body = rest[valueStart...]
            var end = body.endIndex
            var next = body.endIndex
            var index = body.startIndex
            while index < body.endIndex {
                if body[index] == "\"", let after = keyStart(after: body.index(after: index), in: body, separator: separator) {
                    end = index
                    next = after
                    break
                }
                index = body.index(after: index)
            }
            if next == body.endIndex, let lastQuote = body.lastIndex(of: "\"") { end = lastQuote }
            if result[key] == nil { result[key] = String(body[..<end]) }
            rest = body[next...]
        }
        return result
    }

    /// The key at the start of `text` (spaces skipped) and where its value begins.
    private static func nextKey(in text: Substring) -> (String, Substring.Index)? {
        let trimmed = text.drop { $0 == " " || $0 == "," }
        let key = trimmed.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        guard !key.isEmpty, trimmed[key.endIndex...].hasPrefix("=\"") else { return nil }
        return (String(key), trimmed.index(key.endIndex, offsetBy: 2))
    }

    /// Where the next key starts if `text[index...]` is separator, key and `="`.
    private static func keyStart(after index: Substring.Index, in text: Substring,
                                 separator: Character) -> Substring.Index? {
        var position = index
        var sawSeparator = false
        while position < text.endIndex, text[position] == " " || text[position] == separator {
            if text[position] == separator { sawSeparator = true }
            position = text.index(after: position)
        }
        guard sawSeparator, nextKey(in: text[position...]) != nil else { return nil }
        return position
    }
}
