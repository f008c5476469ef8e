import Foundation

/// One station's AzuraCast now-playing answer (`/api/nowplaying/{station}`, or one element
/// of `/api/nowplaying` and the static `nowplaying.json`, which are arrays of them).
///
/// Policies: the song's `title` is used with its `artist`; when `title` is empty the combined
/// `text` is used as the title with no artist (the normaliser splits it). `custom_fields`
/// and other extras are ignored, whether `[]` or `{}`. A duration of 0 is unknown.
/// `song_history` is sorted newest first by `played_at`.
public struct AzuraCastNowPlaying: Sendable, Equatable {
    /// `station.id`.
    public var stationID: Int?
    /// `station.shortcode`, the `{station}` of the URL.
    public var shortcode: String?
    /// `station.name`.
    public var stationName: String?
    /// `is_online`: whether the stream is up, per AzuraCast.
    public var isOnline: Bool?
    /// `live.is_live`: a DJ is broadcasting live.
    public var isLive: Bool
    /// `live.streamer_name`, when live.
    public var streamerName: String?
    /// `live.broadcast_start`, when live.
    public var broadcastStart: Date?
    /// `listeners.current`.
    public var listeners: Int?
    /// `now_playing`, with its start (`played_at`) and duration.
    public var current: Track?
    /// `now_playing.elapsed` in seconds, at the time AzuraCast wrote the answer.
    public var elapsed: Double?
    /// `now_playing.remaining` in seconds, at the time AzuraCast wrote the answer.
    public var remaining: Double?
    /// `playing_next`, the queued song.
    public var playingNext: Track?
    /// `song_history`, newest first.
    public var history: [Track]
    /// `station.mounts` then `station.remotes`.
    public var mounts: [AzuraCastMount]

    /// Parses a body holding one station object or an array of them.
    public static func parseAll(_ bytes: [UInt8]) throws(ParseError) -> [AzuraCastNowPlaying] {
        let json = try LooseJSON.parse(bytes, format: "azuracast")
        if case .object = json { return [try AzuraCastNowPlaying(json: json, location: "$")] }
        guard case .array(let stations) = json else {
            throw ParseError(format: "azuracast", location: "$", message: "expected a station object or an array of them")
        }
        var result: [AzuraCastNowPlaying] = []
        for (index, station) in stations.enumerated() {
            result.append(try AzuraCastNowPlaying(json: station, location: "[\(index)]"))
        }
        return result
    }

    /// Parses a body and selects the station whose `shortcode` (case-insensitive) or `id`
    /// is `station`; with `station` nil the body must hold exactly one station.
    public static func parse(_ bytes: [UInt8], station: String? = nil) throws(ParseError) -> AzuraCastNowPlaying {
        let all = try parseAll(bytes)
        guard !all.isEmpty else {
            throw ParseError(format: "azuracast", location: "$", message: "no stations in the answer")
        }
        let names = all.map { $0.shortcode ?? $0.stationID.map(String.init) ?? "?" }.joined(separator: ", ")
        guard let station else {
            guard all.count == 1, let only = all.first else {
                throw ParseError(format: "azuracast", location: "$",
                                 message: "\(all.count) stations (\(names)): name one by shortcode or id")
            }
            return only
        }
        let match = all.first { $0.shortcode?.caseInsensitiveCompare(station) == .orderedSame }
            ?? all.first { $0.stationID.map(String.init) == station }
        guard let match else {
            throw ParseError(format: "azuracast", location: "station",
                             message: "no station '\(station)' among \(all.count) (\(names))")
        }
        return match
    }

    /// The snapshot: current song with start and duration, history as `recent`, the station
    /// name, listeners, and, while a DJ is live, the live broadcast as the program.
    public var snapshot: SourceSnapshot {
        let program = isLive ? streamerName.map {
            ProgramSlot(name: $0, hosts: [$0], start: broadcastStart)
        } : nil
        return SourceSnapshot(program: program, current: current, recent: history,
                              streamName: stationName, listeners: listeners)
    }

    private init(json: LooseJSON, location: String) throws(ParseError) {
        guard case .object = json else {
            throw ParseError(format: "azuracast", location: location, message: "expected a now-playing object")
        }
        let station = json["station"]
        stationID = station?["id"]?.int
        shortcode = station?["shortcode"]?.text
        stationName = station?["name"]?.text
        isOnline = json["is_online"]?.bool
        let live = json["live"]
        isLive = live?["is_live"]?.bool ?? false
        streamerName = isLive ? live?["streamer_name"]?.text : nil
        broadcastStart = isLive ? live?["broadcast_start"]?.epochSeconds : nil
        listeners = json["listeners"]?["current"]?.int ?? json["listeners"]?["total"]?.int
        let nowPlaying = json["now_playing"]
        current = nowPlaying.flatMap(Self.track(from:))
        elapsed = nowPlaying?["elapsed"]?.double
        remaining = nowPlaying?["remaining"]?.double
        playingNext = json["playing_next"].flatMap(Self.track(from:))
        history = Self.newestFirst((json["song_history"] ?? .null).elements.compactMap(Self.track(from:)))
        mounts = (station?["mounts"] ?? .null).elements.map { AzuraCastMount(json: $0, isRemote: false) }
            + (station?["remotes"] ?? .null).elements.map { AzuraCastMount(json: $0, isRemote: true) }
    }

    /// A Track from a `now_playing`, `playing_next` or `song_history` entry.
    private static func track(from entry: LooseJSON) -> Track? {
        guard let song = entry["song"] else { return nil }
        let start = entry["played_at"]?.epochSeconds
        // Seconds; none, zero or more than a day is no duration (as Composer's `_duration`).
        let duration = entry["duration"]?.double.flatMap { $0 > 0 && $0 < 86_400 ? $0 : nil }
        if let title = song["title"]?.text {
            return Track(title: title, artist: song["artist"]?.text, album: song["album"]?.text,
                         start: start, duration: duration)
        }
        return song["text"]?.text.map {
            Track(title: $0, album: song["album"]?.text, start: start, duration: duration)
        }
    }

    private static func newestFirst(_ tracks: [Track]) -> [Track] {
        tracks.enumerated().sorted { lhs, rhs in
            let (l, r) = (lhs.element.start ?? .distantPast, rhs.element.start ?? .distantPast)
            return l != r ? l > r : lhs.offset < rhs.offset
        }.map(\.element)
    }
}

/// One of an AzuraCast station's listening mounts (local `mounts` or relayed `remotes`).
public struct AzuraCastMount: Sendable, Equatable {
    /// The mount's name, e.g. `/radio.mp3`.
    public var name: String?
    /// Its listen URL.
    public var url: String?
    /// Bitrate in kbit/s.
    public var bitrate: Int?
    /// Format, e.g. `mp3`.
    public var format: String?
    /// Current listeners on this mount.
    public var listeners: Int?
    /// Whether it is the station's default mount.
    public var isDefault: Bool
    /// Whether it is a remote relay (`remotes`) rather than a local mount.
    public var isRemote: Bool

    init(json: LooseJSON, isRemote: Bool) {
        name = json["name"]?.text
        url = json["url"]?.text
        bitrate = json["bitrate"]?.int
        format = json["format"]?.text
        listeners = json["listeners"]?["current"]?.int ?? json["listeners"]?["total"]?.int
        isDefault = json["is_default"]?.bool ?? false
        self.isRemote = isRemote
    }
}
