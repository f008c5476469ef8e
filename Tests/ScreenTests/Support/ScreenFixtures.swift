import Foundation
@testable import StreamState

/// State documents for the screen tests, built around a fixed instant.
enum ScreenFixtures {
    /// 2026-11-27T14:03:11Z (09:03:11 in New York).
    static let now = Date(timeIntervalSince1970: 1_795_788_191)

    static func date(_ offset: TimeInterval) -> Date { now.addingTimeInterval(offset) }

    /// Morning Edition 11:00–15:00 UTC: at ``now`` 3:03:11 in, 56:49 left.
    static func program(start: TimeInterval = -10_991, end: TimeInterval = 3_409, source: String = "composer",
                        name: String = "Morning Edition", hosts: [String] = ["Steve Inskeep"]) -> ProgramValue {
        ProgramValue(name: name, hosts: hosts, start: date(start), end: date(end), source: source, seenAt: date(-10))
    }

    static func song(title: String = "Kerala", artist: String? = "Bonobo", album: String? = "Migration",
                     start: TimeInterval? = -91, duration: Double? = 242, source: String = "icy") -> SongValue {
        SongValue(title: title, artist: artist, album: album, start: start.map(date), duration: duration,
                  source: source, seenAt: date(-1))
    }

    static func station(id: String = "wvia-fm", name: String = "WVIA-FM", tagline: String? = "89.9 FM",
                        onAir: Bool = true, program: ProgramValue? = program(), song: SongValue? = song(),
                        next: [ProgramValue]? = nil,
                        streams: [StreamStatus]? = nil, sources: [SourceStatus]? = nil,
                        timezone: String = "America/New_York") -> StationState {
        let text = song.map { s in s.artist.map { "\($0) – \(s.title)" } ?? s.title } ?? program?.name ?? name
        return StationState(
            id: id, name: name, tagline: tagline, timezone: timezone, onAir: onAir,
            now: NowState(program: program, song: song, text: text),
            next: next ?? [ProgramValue(name: "Here and Now", hosts: ["Robin Young"], start: date(3_409), end: date(10_609),
                                        source: "composer", seenAt: date(-10))],
            recent: [],
            streams: streams ?? [StreamStatus(id: "main", url: "http://127.0.0.1/live", mode: "follow", status: .up,
                                              contentType: "audio/mpeg", bitrate: 128, name: "WVIA", since: date(-3600),
                                              checkedAt: date(-1))],
            sources: sources ?? [SourceStatus(kind: "composer", url: "http://127.0.0.1/now", status: .ok,
                                              checkedAt: date(-10), okAt: date(-10))],
            changedAt: date(-91))
    }

    static func hd2(onAir: Bool = false) -> StationState {
        station(id: "wvia-hd2", name: "WVIA-HD2", tagline: nil, onAir: onAir, program: nil,
                song: song(title: "Clair de Lune", artist: "Debussy", album: nil),
                next: [],
                streams: [StreamStatus(id: "main", url: "http://127.0.0.1/hd2", mode: "follow", status: onAir ? .up : .down,
                                       error: onAir ? nil : ErrorValue(kind: "connect", message: "connection refused", at: date(-5)))],
                sources: [])
    }

    static func document(_ stations: [StationState] = [station(), hd2()], stale: Bool = false,
                         live: String? = "wvia-fm") -> StateDocument {
        StateDocument(sequence: 1842, updatedAt: date(-1), live: live, stale: stale, stations: stations)
    }
}
