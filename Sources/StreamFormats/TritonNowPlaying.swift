import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parser for Triton Digital's now-playing XML
/// (`https://np.tritondigital.com/public/nowplaying?mountName=M&numberToFetch=N&eventType=track`).
///
/// The body is `<nowplaying-info-list>` holding `<nowplaying-info type="track" timestamp="…">`
/// items, each a set of `<property name="…"><![CDATA[…]]></property>`. Policies:
/// - Items are ordered newest first by `cue_time_start` (epoch ms), else by the `timestamp`
///   attribute; when any item has neither, the document's own (newest-first) order is kept.
/// - `cue_time_duration` is read by `TritonNowPlaying.duration(_:)` (see there for the rule).
/// - Values are trimmed (Triton pads CDATA with whitespace); an item without a title is skipped.
/// - `type` "track" is a song, other types map by `TritonNowPlaying.kind(_:)`; a
///   `program_type` property, when present, is classified the same way.
/// - An empty list is a snapshot with no current item, not an error.
public enum TritonNowPlaying {
    /// Parses a now-playing XML body into a snapshot: `current` is the newest item and
    /// `recent` the others, newest first.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> SourceSnapshot {
        let items = try readItems(bytes)
        var tracks: [(order: Int, start: Date?, track: Track)] = []
        for (index, item) in items.enumerated() {
            guard let track = track(from: item) else { continue }
            tracks.append((index, track.start, track))
        }
        if tracks.allSatisfy({ $0.start != nil }) {
            tracks.sort { lhs, rhs in
                let (l, r) = (lhs.start ?? .distantPast, rhs.start ?? .distantPast)
                return l != r ? l > r : lhs.order < rhs.order
            }
        }
        return SourceSnapshot(current: tracks.first?.track, recent: tracks.dropFirst().map(\.track))
    }

    /// Reads `cue_time_duration` in seconds. Triton documents milliseconds, but stations
    /// send other forms too, so:
    /// - `H:MM:SS`, `HH:MM:SS` or `MM:SS` (fractional seconds allowed) is a clock duration;
    /// - a number with a decimal point (`242.5`) is seconds;
    /// - a whole number of 1000 or more is milliseconds (`409000` → 409 s); one below 1000
    ///   is seconds (`242` → 242 s), since no item is shorter than a second and few songs
    ///   sent in seconds reach 1000 s (16 min 40 s);
    /// - anything else, zero or negative is unknown (nil).
    public static func duration(_ raw: String) -> Double? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains(":") { return clockDuration(text) }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(text), value.isFinite, value > 0 else { return nil }
        if text.contains(".") { return value }
        return value >= 1000 ? value / 1000 : value
    }

    /// The kind of a Triton item from its `type` attribute (or a `program_type` value):
    /// "track"/"song"/"music" are songs; "ad", "commercial", "spot" and "underwriting"
    /// ads; "id", "station_id", "sweeper", "jingle", "promo" and "imaging" station IDs;
    /// anything else other.
    public static func kind(_ type: String) -> ItemKind {
        let word = type.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        switch word {
        case "track", "song", "music": return .song
        case "ad", "ads", "commercial", "spot", "underwriting": return .ad
        case "id", "station_id", "stationid", "sweeper", "jingle", "promo", "imaging": return .stationID
        default: return .other
        }
    }

    /// The kind of a Triton `cue_type` (the SDK's `CuePoint` types): "track"/"music"/"song"
    /// are songs; ad cues ("ad", "break", "endbreak", "targetspot", "commercial") ads;
    /// sweepers ("stationid", "jingle", "sweeper", "promo", "imaging") station IDs; "speech"
    /// and anything unknown are not songs. An item's `ad_type` or `sweeper_type` without a
    /// `cue_type` marks an ad or a station ID, and its `cue_display` (a boolean in the SDK)
    /// other than "true" makes it not a song.
    public static func cueKind(_ type: String) -> ItemKind {
        let word = type.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        switch word {
        case "track", "music", "song": return .song
        case "ad", "ads", "break", "endbreak", "end_break", "targetspot", "target_spot", "commercial", "spot": return .ad
        case "stationid", "station_id", "id", "jingle", "sweeper", "promo", "imaging": return .stationID
        default: return .other
        }
    }

    // MARK: Items

    /// One `<nowplaying-info>`: its attributes and trimmed properties.
    struct Item {
        var attributes: [String: String]
        var properties: [String: String] = [:]
    }

    private static func track(from item: Item) -> Track? {
        func value(_ name: String) -> String? {
            guard let text = item.properties[name], !text.isEmpty else { return nil }
            return text
        }
        guard let title = value("cue_title") else { return nil }
        var kind = kind(item.attributes["type"] ?? "track")
        if kind == .song, let programType = value("program_type") { kind = self.kind(programType) }
        if kind == .song, let cueType = value("cue_type") { kind = self.cueKind(cueType) }
        if kind == .song, value("cue_type") == nil {   // the SDK's ad and sweeper attributes alone
            if value("ad_type") != nil { kind = .ad } else if value("sweeper_type") != nil { kind = .stationID }
        }
        // `cue_display` is the SDK's boolean "show this cue point in players": false is not a song.
        if kind == .song, let display = value("cue_display"), display.lowercased() != "true" { kind = .other }
        let start = value("cue_time_start").flatMap { epoch($0, unitIsMilliseconds: true) }
            ?? item.attributes["timestamp"].flatMap { epoch($0, unitIsMilliseconds: false) }
        return Track(title: title, artist: value("track_artist_name"), album: value("track_album_name"),
                     start: start, duration: value("cue_time_duration").flatMap(duration), kind: kind)
    }

    /// An epoch time; values above 1e11 are taken as milliseconds whatever the field says.
    private static func epoch(_ raw: String, unitIsMilliseconds: Bool) -> Date? {
        guard let value = Double(raw.trimmingCharacters(in: .whitespacesAndNewlines)),
              value.isFinite, value > 0 else { return nil }
        let seconds = (unitIsMilliseconds || value > 1e11) ? value / 1000 : value
        return Date(timeIntervalSince1970: seconds)
    }

    private static func clockDuration(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var total = 0.0
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let value = Double(part) else { return nil }
            total = total * 60 + value
        }
        return total > 0 && total.isFinite ? total : nil
    }

    // MARK: XML

    private static func readItems(_ bytes: [UInt8]) throws(ParseError) -> [Item] {
        guard bytes.contains(where: { $0 > 0x20 }) else {
            throw ParseError(format: "triton", location: "byte 0", message: "empty body, expected <nowplaying-info-list>")
        }
        // Processing instructions and DOCTYPEs crash XMLParser on Linux (XMLParserGuard).
        guard let safe = XMLParserGuard.sanitized(utf8(bytes)) else {
            throw ParseError(format: "triton", location: "DOCTYPE",
                             message: "a document type declaration is not expected in a Triton feed")
        }
        let reader = ItemReader()
        let parser = XMLParser(data: Data(safe))
        parser.delegate = reader
        let ok = parser.parse()
        if !ok || reader.failure != nil || parser.parserError != nil {
            let (line, column) = reader.failureAt ?? (parser.lineNumber, parser.columnNumber)
            let location = "line \(line), column \(column)"
            let why = xmlErrorText(reader.failure ?? parser.parserError.map { ($0 as NSError).code })
            throw ParseError(format: "triton", location: location, message: "malformed XML: \(why)")
        }
        guard reader.root == "nowplaying-info-list" else {
            throw ParseError(format: "triton", location: "root element",
                             message: "expected <nowplaying-info-list>, found <\(reader.root ?? "none")>")
        }
        return reader.items
    }

    /// The bytes when they are valid UTF-8, else read as Latin-1 and re-encoded as UTF-8.
    /// Triton sends UTF-8; the fallback keeps a mis-encoded feed readable, and matters for
    /// safety too: Foundation's XMLParser on Linux traps on invalid UTF-8 in names.
    private static func utf8(_ bytes: [UInt8]) -> [UInt8] {
        if String(validating: bytes, as: UTF8.self) != nil { return bytes }
        return Array(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })).utf8)
    }

    /// Words for the libxml2 error codes XMLParser reports on Linux.
    private static func xmlErrorText(_ code: Int?) -> String {
        switch code {
        case 4: return "empty document or not XML"
        case 5: return "document ends early or has content after the root element"
        case 9: return "invalid character"
        case 26: return "undeclared entity"
        case 42: return "attribute given twice"
        case 73: return "'>' expected"
        case 76: return "closing tag does not match the opening tag"
        case 77: return "tag not finished"
        case let code?: return "XML error \(code)"
        case nil: return "unknown error"
        }
    }

    /// Collects `<nowplaying-info>` items; local to one parse, never shared.
    private final class ItemReader: NSObject, XMLParserDelegate {
        var root: String?
        var items: [Item] = []
        var failure: Int?
        var failureAt: (Int, Int)?
        private var propertyName: String?
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if root == nil { root = name }
            switch name {
            case "nowplaying-info": items.append(Item(attributes: attributes))
            case "property":
                propertyName = attributes["name"]
                text = ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if propertyName != nil { text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            if propertyName != nil { text += String(decoding: block, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
                    qualifiedName: String?) {
            guard name == "property", let key = propertyName else { return }
            propertyName = nil
            guard !items.isEmpty else { return }
            items[items.count - 1].properties[key] = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            guard failure == nil else { return }
            failure = (parseError as NSError).code
            failureAt = (parser.lineNumber, parser.columnNumber)
        }
    }
}
