import Foundation

/// An HLS playlist: a master playlist (variants) or a media playlist (segments).
///
/// Header policy: the first non-blank line should be `#EXTM3U`. A playlist whose first
/// line is another `#EXT` tag (a partial or carelessly published copy) is accepted; anything
/// else (HTML, JSON, a bare URI list, an empty body) is a `ParseError` at `line 1`, so an
/// error page served with status 200 is never read as an empty playlist.
public enum HLSPlaylist: Sendable, Equatable {
    /// A master playlist.
    case master(HLSMasterPlaylist)
    /// A media playlist.
    case media(HLSMediaPlaylist)

    /// Which of the two a playlist is.
    public enum Kind: String, Sendable, Equatable {
        /// Has `#EXT-X-STREAM-INF` variants.
        case master
        /// Has segments (or none yet).
        case media
    }

    /// Tells a master from a media playlist; throws when it is not a playlist or mixes both.
    public static func kind(of bytes: [UInt8]) throws(ParseError) -> Kind {
        let lines = try HLSLines(bytes)
        let master = lines.firstLine(startingWith: "#EXT-X-STREAM-INF")
        let media = lines.firstLine(startingWith: "#EXTINF") ?? lines.firstLine(startingWith: "#EXT-X-TARGETDURATION")
        if let master, let media {
            throw ParseError(format: "hls", location: "line \(max(master, media))",
                             message: "the playlist mixes master (#EXT-X-STREAM-INF) and media (#EXTINF) tags")
        }
        return master != nil ? .master : .media
    }

    /// Parses either kind; relative URIs are resolved against `url` when given.
    public static func parse(_ bytes: [UInt8], url: URL? = nil) throws(ParseError) -> HLSPlaylist {
        switch try kind(of: bytes) {
        case .master: return .master(try HLSMasterPlaylist.parse(bytes, url: url))
        case .media: return .media(try HLSMediaPlaylist.parse(bytes, url: url))
        }
    }
}

/// The lines of a playlist: UTF-8 (BOM stripped), LF or CRLF, trimmed, header checked.
struct HLSLines {
    /// Non-blank lines with their 1-based line numbers.
    let lines: [(number: Int, text: Substring)]

    init(_ bytes: [UInt8]) throws(ParseError) {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let all = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        lines = all.enumerated().compactMap { n, line in
            let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : (n + 1, Substring(t))
        }
        guard let first = lines.first else {
            throw ParseError(format: "hls", location: "line 1", message: "empty playlist")
        }
        guard first.text.hasPrefix("#EXT") else {
            throw ParseError(format: "hls", location: "line \(first.number)",
                             message: "not an HLS playlist: expected #EXTM3U, found \"\(first.text.prefix(40))\"")
        }
    }

    func firstLine(startingWith tag: String) -> Int? {
        lines.first { $0.text.hasPrefix(tag) }?.number
    }

    /// The value after `tag:` when `line` is that tag.
    static func value(of tag: String, in line: Substring) -> Substring? {
        guard line.hasPrefix(tag) else { return nil }
        let rest = line.dropFirst(tag.count)
        guard rest.first == ":" else { return rest.isEmpty ? rest : nil }
        return rest.dropFirst()
    }

    /// Resolves a URI line against the playlist's URL; nil unless the result is absolute.
    static func resolve(_ uri: Substring, against base: URL?) -> URL? {
        guard let url = URL(string: String(uri), relativeTo: base)?.absoluteURL, url.scheme != nil else { return nil }
        return url
    }
}
