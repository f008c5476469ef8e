import Foundation

/// A SHOUTcast DNAS v2 stream's status, from `/stats?sid=N&json=1` or the `/7.html` fallback.
///
/// Policies: numbers may arrive as strings (`"bitrate":"128"`); an empty `songtitle` or
/// `nexttitle` is no title; `//` comments (as in the documented example) are tolerated.
/// In `/7.html` the title is everything after the sixth comma, commas included.
public struct ShoutcastStats: Sendable, Equatable {
    /// The title playing now (`songtitle`), raw: often "Artist - Title".
    public var songTitle: String?
    /// The next title (`nexttitle`), when the source announces one.
    public var nextTitle: String?
    /// The stream's name (`servertitle`).
    public var serverTitle: String?
    /// `servergenre`.
    public var serverGenre: String?
    /// The DJ (`dj`), if set.
    public var dj: String?
    /// Bitrate in kbit/s.
    public var bitrate: Int?
    /// Sample rate in Hz.
    public var sampleRate: Int?
    /// Current listener connections.
    public var currentListeners: Int?
    /// Peak listener connections.
    public var peakListeners: Int?
    /// Maximum listener connections allowed.
    public var maxListeners: Int?
    /// Unique listeners.
    public var uniqueListeners: Int?
    /// Whether a source is connected (`streamstatus` 1), if reported.
    public var sourceConnected: Bool?
    /// The content type, e.g. `audio/mpeg`.
    public var content: String?

    /// Creates stats.
    public init(songTitle: String? = nil, nextTitle: String? = nil, serverTitle: String? = nil,
                serverGenre: String? = nil, dj: String? = nil, bitrate: Int? = nil,
                sampleRate: Int? = nil, currentListeners: Int? = nil, peakListeners: Int? = nil,
                maxListeners: Int? = nil, uniqueListeners: Int? = nil,
                sourceConnected: Bool? = nil, content: String? = nil) {
        self.songTitle = songTitle
        self.nextTitle = nextTitle
        self.serverTitle = serverTitle
        self.serverGenre = serverGenre
        self.dj = dj
        self.bitrate = bitrate
        self.sampleRate = sampleRate
        self.currentListeners = currentListeners
        self.peakListeners = peakListeners
        self.maxListeners = maxListeners
        self.uniqueListeners = uniqueListeners
        self.sourceConnected = sourceConnected
        self.content = content
    }

    /// Parses a `/stats?sid=N&json=1` body.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ShoutcastStats {
        let json = try LooseJSON.parse(bytes, format: "shoutcast", allowingLineComments: true)
        guard case .object = json else {
            throw ParseError(format: "shoutcast", location: "byte 0", message: "expected a JSON object of stream stats")
        }
        return ShoutcastStats(stream: json)
    }

    /// One stream's values from its JSON object (`/stats?json=1`, or an entry of `/statistics`'s `streams`).
    init(stream json: LooseJSON) {
        self.init(
            songTitle: json["songtitle"]?.text, nextTitle: json["nexttitle"]?.text,
            serverTitle: json["servertitle"]?.text, serverGenre: json["servergenre"]?.text,
            dj: json["dj"]?.text, bitrate: json["bitrate"]?.int, sampleRate: json["samplerate"]?.int,
            currentListeners: json["currentlisteners"]?.int, peakListeners: json["peaklisteners"]?.int,
            maxListeners: json["maxlisteners"]?.int, uniqueListeners: json["uniquelisteners"]?.int,
            sourceConnected: json["streamstatus"]?.bool, content: json["content"]?.text)
    }

    /// Parses a `/7.html` body: `<body>current,status,peak,max,unique,bitrate,title</body>`.
    /// Only the first `<body>` counts; a missing numeric field is nil, fewer than seven
    /// fields is a `ParseError`.
    public static func parseSevenHTML(_ bytes: [UInt8]) throws(ParseError) -> ShoutcastStats {
        let text = ShoutcastText.decode(bytes)
        let body = ShoutcastText.firstBody(of: text)
        let fields = body.split(separator: ",", maxSplits: 6, omittingEmptySubsequences: false)
        guard fields.count == 7 else {
            throw ParseError(format: "shoutcast-7html", location: "body",
                             message: "expected 7 comma-separated fields, found \(fields.count)")
        }
        func number(_ index: Int) -> Int? { Int(fields[index].trimmingCharacters(in: .whitespaces)) }
        let title = fields[6].trimmingCharacters(in: .whitespacesAndNewlines)
        return ShoutcastStats(songTitle: title.isEmpty ? nil : title, bitrate: number(5),
                              currentListeners: number(0), peakListeners: number(2),
                              maxListeners: number(3), uniqueListeners: number(4),
                              sourceConnected: number(1).map { $0 == 1 })
    }

    /// The snapshot: `songTitle` as the current item (raw, kind song: the normaliser decides),
    /// `history` (from `songHistory(_:)`) as `recent` without the entry for the current title.
    /// `nextTitle` is a song, not a program, so it is not put in `next`.
    /// A stream whose source is gone (`streamstatus` 0) has no current title: the server
    /// keeps showing the last one.
    public func snapshot(history: [Track] = []) -> SourceSnapshot {
        var recent = history
        if let songTitle, recent.first?.title == songTitle { recent.removeFirst() }
        let current = sourceConnected == false ? nil : songTitle.map { Track(title: $0) }
        return SourceSnapshot(current: current, recent: recent, streamName: serverTitle, listeners: currentListeners)
    }

    /// The title in a `/currentsong?sid=N` body, or nil when there is none: an empty body,
    /// or "The song title is not available", which DNAS sends with HTTP 200.
    public static func currentSong(_ bytes: [UInt8]) -> String? {
        let title = ShoutcastText.decode(bytes).trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.caseInsensitiveCompare("The song title is not available") == .orderedSame {
            return nil
        }
        return title
    }

    /// The titles in a `/nextsongs?sid=N&json=1` body (`[{"title": …}]`), soonest first.
    public static func nextSongs(_ bytes: [UInt8]) throws(ParseError) -> [String] {
        try entries(bytes, format: "shoutcast-nextsongs").compactMap { $0["title"]?.text }
    }

    /// The items in a `/played?sid=N&type=json` (song history) body
    /// (`[{"playedat": epoch, "title": …}]`), newest first by `playedat`.
    public static func songHistory(_ bytes: [UInt8]) throws(ParseError) -> [Track] {
        let tracks = try entries(bytes, format: "shoutcast-history").compactMap { entry -> Track? in
            guard let title = entry["title"]?.text else { return nil }
            return Track(title: title, start: entry["playedat"]?.epochSeconds)
        }
        return tracks.enumerated().sorted { lhs, rhs in
            let (l, r) = (lhs.element.start ?? .distantPast, rhs.element.start ?? .distantPast)
            return l != r ? l > r : lhs.offset < rhs.offset
        }.map(\.element)
    }

    private static func entries(_ bytes: [UInt8], format: String) throws(ParseError) -> [LooseJSON] {
        let json = try LooseJSON.parse(bytes, format: format)
        guard case .array(let entries) = json else {
            throw ParseError(format: format, location: "byte 0", message: "expected a JSON array")
        }
        return entries
    }
}

/// Text helpers for SHOUTcast's plain-text answers, which carry no charset.
enum ShoutcastText {
    /// UTF-8 when valid, else Latin-1 (each byte one character).
    static func decode(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// The text between the first `<body>` and the following `</body>` (case-insensitive),
    /// or the whole text when there is no body tag.
    static func firstBody(of text: String) -> Substring {
        guard let open = text.range(of: "<body>", options: .caseInsensitive) else { return text[...] }
        let rest = text[open.upperBound...]
        let close = rest.range(of: "</body>", options: .caseInsensitive)?.lowerBound ?? rest.endIndex
        return rest[..<close]
    }
}
