import Foundation

/// One media segment of an HLS media playlist.
public struct HLSSegment: Sendable, Equatable {
    /// Its media sequence number.
    public var sequence: Int
    /// `#EXTINF` duration in seconds.
    public var duration: Double
    /// The raw `#EXTINF` title text after the comma, trimmed (may be empty).
    public var title: String
    /// The iHeart attribute form of the title (`title`, `artist`, `url`); empty otherwise.
    public var attributes: [String: String]
    /// The `key="value"` pairs inside the iHeart `url` attribute (`song_spot`, `length`, ...).
    public var spotAttributes: [String: String]
    /// The segment URI as written.
    public var uri: String
    /// The URI resolved against the playlist URL (nil when it cannot be made absolute).
    public var url: URL?
    /// Wall-clock start: the `#EXT-X-PROGRAM-DATE-TIME` before it, or extrapolated from the
    /// last one by adding the durations of the segments in between.
    public var programDateTime: Date?
    /// Whether `#EXT-X-DISCONTINUITY` precedes it.
    public var discontinuity: Bool
    /// The ad cue tags (`#EXT-X-CUE-OUT`, `-CUE-OUT-CONT`, `-CUE-IN`) just before it.
    public var cues: [HLSCue] = []
    /// Whether it plays inside an ad break, by the cue tags or an ad `#EXT-X-DATERANGE`
    /// (see `HLSMediaPlaylist.markAdBreaks`).
    public var inAdBreak = false

    /// The iHeart `song_spot` code: `M` is music, `T` an ad or sweeper (in the `url`
    /// attribute, or among the title's own attributes).
    public var songSpot: String? { spotAttributes["song_spot"] ?? attributes["song_spot"] }

    /// What the segment carries: inside an ad break, an ad; else a plain title is a song (the text rules decide further); an
    /// attribute-form title is what its `song_spot` says (`M` song, `T` ad, another code not
    /// music); without a code, a `title` is a song and a bare `text` (a block marker such as
    /// `text="Spot Block End"`) is not.
    public var kind: ItemKind {
        if inAdBreak { return .ad }
        guard !attributes.isEmpty else { return .song }
        guard let songSpot else { return attributes["title"] != nil ? .song : .other }
        return SongText.kind(songSpot: songSpot)
    }

    /// The item the title describes, or nil when there is none. Inside an ad break it is an
    /// ad, named by its title when that is readable text, else "Ad break". The attribute form gives
    /// title, artist, kind and the duration from `length="HH:MM:SS"`; a `title` that is
    /// itself an attribute list (`title="text=\"Spot Block End\" amgTrackId=\"…\""`) is read
    /// as one, its flags deciding the kind when the segment has no `song_spot`; a plain title goes
    /// through ``SongText/track(fromTitle:streamName:)`` (vendor blobs, ad markers, "Artist -
    /// Title"), except ProSTREAM's placeholder "no desc".
    public var track: Track? {
        if inAdBreak {   // whatever the title says, an ad is on
            let named = attributes.isEmpty ? SongText.track(fromTitle: title)?.title : attributes["title"] ?? attributes["text"]
            let name = named.flatMap(nonEmpty).flatMap { $0.lowercased() == "no desc" || SongText.isAttributeList($0) ? nil : $0 }
            return Track(title: name ?? "Ad break", start: programDateTime, kind: .ad)
        }
        if !attributes.isEmpty {
            guard let name = nonEmpty(attributes["title"] ?? attributes["text"]) else { return nil }
            if SongText.isAttributeList(name) {   // iHeart nests WideOrbit's list in `title`
                guard var track = SongText.track(fromTitle: name) else { return nil }
                track.artist = track.artist ?? nonEmpty(attributes["artist"])
                if songSpot != nil { track.kind = kind }
                track.start = programDateTime
                track.duration = spotAttributes["length"].flatMap(Self.clockSeconds) ?? track.duration
                return track
            }
            return Track(title: name, artist: nonEmpty(attributes["artist"]), start: programDateTime,
                         duration: spotAttributes["length"].flatMap(Self.clockSeconds), kind: kind)
        }
        guard let name = nonEmpty(title), name.lowercased() != "no desc" else { return nil }
        // A plain title goes through the same text rules as an ICY title: attribute lists
        // (`text="Spot Block End" amgTrackId="…"`) and ad markers are never songs.
        guard var track = SongText.track(fromTitle: name) else { return nil }
        track.start = programDateTime
        return track
    }

    private func nonEmpty(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return nil }
        return t
    }

    /// `HH:MM:SS` or `MM:SS` to seconds.
    private static func clockSeconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).compactMap { Int($0) }
        guard (2 ... 3).contains(parts.count), text.filter({ $0 == ":" }).count == parts.count - 1,
              parts.allSatisfy({ (0 ..< 100_000).contains($0) }) else { return nil }
        return Double(parts.reduce(0) { $0 * 60 + $1 })
    }
}

/// How a media playlist moved between two polls.
public enum HLSProgress: Sendable, Equatable {
    /// New segments appeared: the end of the playlist moved by this many.
    case advanced(by: Int)
    /// The same segments: the stream may be stalling (the watcher decides after how long).
    case unchanged
    /// The sequence went backwards: the encoder restarted.
    case restarted
}

/// An HLS media playlist (RFC 8216 section 4.3.3).
public struct HLSMediaPlaylist: Sendable, Equatable {
    /// `#EXT-X-VERSION`, if present.
    public var version: Int?
    /// `#EXT-X-TARGETDURATION` in seconds, if present.
    public var targetDuration: Double?
    /// `#EXT-X-MEDIA-SEQUENCE` (0 when absent): the sequence number of the first segment.
    public var mediaSequence: Int
    /// The segments, oldest first.
    public var segments: [HLSSegment]
    /// Whether `#EXT-X-ENDLIST` is present (no more segments will be added).
    public var isEnded: Bool
    /// Whether the playlist began with `#EXTM3U`.
    public var hasHeader: Bool
    /// The `#EXT-X-DATERANGE` tags, merged by `ID`, in order of first appearance.
    public var dateRanges: [HLSDateRange] = []

    /// The sequence number the next new segment will have.
    public var nextSequence: Int { mediaSequence + segments.count }

    /// Compares two successive polls of the same media playlist by where they end.
    public static func advanced(from old: HLSMediaPlaylist, to new: HLSMediaPlaylist) -> HLSProgress {
        if new.nextSequence > old.nextSequence { return .advanced(by: new.nextSequence - old.nextSequence) }
        return new.nextSequence == old.nextSequence ? .unchanged : .restarted
    }

    /// Parses a media playlist; relative segment URIs are resolved against `url` when given.
    /// Throws at the line of a malformed `#EXTINF`, `#EXT-X-TARGETDURATION`,
    /// `#EXT-X-MEDIA-SEQUENCE` or `#EXT-X-PROGRAM-DATE-TIME`, or of a URI with no `#EXTINF`.
    /// Ad markers that cannot be read (a `#EXT-X-DATERANGE` without `ID` or `START-DATE`)
    /// are ignored, not errors: they never stop the stream from being watched.
    public static func parse(_ bytes: [UInt8], url: URL? = nil) throws(ParseError) -> HLSMediaPlaylist {
        let lines = try HLSLines(bytes).lines
        var playlist = HLSMediaPlaylist(version: nil, targetDuration: nil, mediaSequence: 0, segments: [],
                                        isEnded: false, hasHeader: lines.first?.text == "#EXTM3U")
        var pending: (duration: Double, title: Substring)?
        var pendingDate: Date?
        var nextDate: Date?
        var discontinuity = false
        var cues: [HLSCue] = []
        var ranges: [[String: String]] = []
        for (number, line) in lines {
            func fail(_ message: String) -> ParseError {
                ParseError(format: "hls", location: "line \(number)", message: message)
            }
            if let v = HLSLines.value(of: "#EXTINF", in: line) {
                let comma = v.firstIndex(of: ",") ?? v.endIndex
                guard let d = Double(v[..<comma].trimmingCharacters(in: .whitespaces)), d.isFinite, d >= 0 else {
                    throw fail("#EXTINF duration \"\(v[..<comma])\" is not a number of seconds")
                }
                pending = (d, comma < v.endIndex ? v[v.index(after: comma)...] : "")
            } else if let v = HLSLines.value(of: "#EXT-X-TARGETDURATION", in: line) {
                guard let d = Double(v), d.isFinite, d >= 0 else { throw fail("#EXT-X-TARGETDURATION \"\(v)\" is not a number") }
                playlist.targetDuration = d
            } else if let v = HLSLines.value(of: "#EXT-X-MEDIA-SEQUENCE", in: line) {
                guard let n = Int(v), n >= 0, n < 1 << 62 else { throw fail("#EXT-X-MEDIA-SEQUENCE \"\(v)\" is not a sequence number") }
                playlist.mediaSequence = n
            } else if let v = HLSLines.value(of: "#EXT-X-PROGRAM-DATE-TIME", in: line) {
                guard let date = HLSValues.date(v) else { throw fail("#EXT-X-PROGRAM-DATE-TIME \"\(v)\" is not an ISO 8601 date-time") }
                pendingDate = date
            } else if let v = HLSLines.value(of: "#EXT-X-VERSION", in: line) {
                playlist.version = Int(v)
            } else if line == "#EXT-X-ENDLIST" {
                playlist.isEnded = true
            } else if line == "#EXT-X-DISCONTINUITY" {
                discontinuity = true
            } else if let cue = HLSCue(line: line) {
                cues.append(cue)
            } else if let v = HLSLines.value(of: "#EXT-X-DATERANGE", in: line) {
                ranges.append(HLSValues.attributes(v))
            } else if !line.hasPrefix("#") {
                guard let inf = pending else { throw fail("segment URI \"\(line.prefix(60))\" has no #EXTINF before it") }
                let date = pendingDate ?? nextDate
                playlist.segments.append(segment(inf, uri: line, base: url, date: date, discontinuity: discontinuity))
                playlist.segments[playlist.segments.count - 1].cues = cues
                nextDate = date.map { $0.addingTimeInterval(inf.duration) }
                pending = nil
                pendingDate = nil
                discontinuity = false
                cues = []
            }
        }
        for k in playlist.segments.indices { playlist.segments[k].sequence = playlist.mediaSequence + k }
        playlist.dateRanges = HLSDateRange.merged(ranges)
        playlist.markAdBreaks()
        return playlist
    }

    private static func segment(_ inf: (duration: Double, title: Substring), uri: Substring, base: URL?,
                                date: Date?, discontinuity: Bool) -> HLSSegment {
        let title = inf.title.trimmingCharacters(in: .whitespaces)
        let isAttributeForm = title.range(of: #"^[A-Za-z][A-Za-z0-9_-]*=""#, options: .regularExpression) != nil
        let attributes = isAttributeForm ? HLSValues.attributes(Substring(title)) : [:]
        let spot = attributes["url"].map { HLSValues.attributes(Substring($0), separator: " ") } ?? [:]
        return HLSSegment(sequence: 0, duration: inf.duration, title: title, attributes: attributes,
                          spotAttributes: spot, uri: String(uri), url: HLSLines.resolve(uri, against: base),
                          programDateTime: date, discontinuity: discontinuity)
    }
}
