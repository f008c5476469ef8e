import Foundation
import StreamFormats

/// One thing the demo station plays: a song, an ad or a station ID.
public struct DemoItem: Sendable, Equatable, Hashable {
    /// The title (for an ad, the advertiser; for a station ID, the station's name).
    public var title: String
    /// The artist, for songs.
    public var artist: String?
    /// The album, for songs.
    public var album: String?
    /// Song, ad or station ID.
    public var kind: ItemKind

    /// Creates an item.
    public init(title: String, artist: String? = nil, album: String? = nil, kind: ItemKind = .song) {
        self.title = title
        self.artist = artist
        self.album = album
        self.kind = kind
    }
}

/// One program (show) of the demo schedule.
public struct DemoProgram: Sendable, Equatable, Hashable {
    /// The program's name.
    public var name: String
    /// Its hosts, possibly none.
    public var hosts: [String]

    /// Creates a program.
    public init(name: String, hosts: [String] = []) {
        self.name = name
        self.hosts = hosts
    }
}

/// An item placed in time: the `index`-th slot since the Unix epoch.
public struct DemoPlay: Sendable, Equatable {
    /// What plays.
    public var item: DemoItem
    /// The slot number, `floor(start / songLength)`.
    public var index: Int
    /// When it starts.
    public var start: Date
    /// When it ends (the next slot's start).
    public var end: Date
}

/// A program placed in time: the `index`-th program slot since the Unix epoch.
public struct DemoAiring: Sendable, Equatable {
    /// The program.
    public var program: DemoProgram
    /// The slot number, `floor(start / programLength)`.
    public var index: Int
    /// When it starts.
    public var start: Date
    /// When it ends (the next program's start).
    public var end: Date
}

/// What the simulated station "Demo FM" plays and when, derived from the wall clock alone.
///
/// Slot `i` covers `[i × length, (i + 1) × length)` seconds since the Unix epoch, and plays
/// `rotation[i mod rotation.count]` (programs likewise), so the ICY stream, the Triton feed
/// and the Composer schedule agree without sharing state. Lengths under one second are
/// raised to one second (Triton durations below 1000 ms would read as seconds).
public struct DemoPlaylist: Sendable, Equatable {
    /// The station's id in the configuration and the state document.
    public static let stationID = "demo-fm"
    /// The station's name, also its `icy-name`.
    public static let stationName = "Demo FM"
    /// The station's IANA zone, in which the Composer schedule is written.
    public static let timeZoneIdentifier = "America/New_York"
    /// The station's zone (UTC−5 without DST should the system lack zone data).
    public static let timeZone: TimeZone =
        TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(secondsFromGMT: -5 * 3600) ?? .gmt

    /// Ten made-up songs with two ads and a station ID among them, in playing order.
    public static let rotation: [DemoItem] = [
        DemoItem(title: "Northbound Static", artist: "The Lantern Keepers", album: "Long Wave"),
        DemoItem(title: "Déjà Vu à Montréal", artist: "Zoë Brûlée", album: "Café Crème"),
        DemoItem(title: "Don't Touch That Dial", artist: "Marlow & the Tides", album: "Frequency Hopping"),
        DemoItem(title: "Riverside Hardware", kind: .ad),
        DemoItem(title: "Mañana, Quizás", artist: "Ana Sofía Peña", album: "Sol de Invierno"),
        DemoItem(title: "Carrier Wave", artist: "The Quiet Transmitters", album: "Sidebands"),
        DemoItem(title: "Nocturne in Blue", artist: "Harbor Lights Orchestra", album: "Evening Standards"),
        DemoItem(title: stationName, kind: .stationID),
        DemoItem(title: "Paper Satellites", artist: "Kestrel Avenue", album: "Low Orbit"),
        DemoItem(title: "Fjord Light", artist: "Nils Ødegård", album: "Nordlys"),
        DemoItem(title: "Rock 'n' Roll Weather Report", artist: "The Velvet Meridian", album: "Isobars"),
        DemoItem(title: "Sunrise Bakery", kind: .ad),
        DemoItem(title: "Ohm Sweet Ohm", artist: "Dr. Ohm", album: "Resistance"),
    ]

    /// The programs, in airing order.
    public static let programs: [DemoProgram] = [
        DemoProgram(name: "Demo Morning Show", hosts: ["Alex Rivera", "Sam Okafor"]),
        DemoProgram(name: "Classical Hour", hosts: ["Clara Weiß"]),
        DemoProgram(name: "Jazz at Night", hosts: ["Miles Dorsey"]),
        DemoProgram(name: "Demo News Update"),
        DemoProgram(name: "Folk Roots", hosts: ["Siobhán O'Neill"]),
        DemoProgram(name: "The Afternoon Mix", hosts: ["Jordan Lee"]),
    ]

    /// Seconds per rotation item (at least 1).
    public let songLength: Double
    /// Seconds per program (at least 1).
    public let programLength: Double

    /// A playlist with the given slot lengths (each at least one second).
    public init(songLength: Duration = .seconds(20), programLength: Duration = .seconds(600)) {
        self.songLength = max(1, Self.seconds(songLength))
        self.programLength = max(1, Self.seconds(programLength))
    }

    /// The item playing at `instant`.
    public func play(at instant: Date) -> DemoPlay {
        play(index: Self.slot(of: instant, length: songLength))
    }

    /// The `index`-th item slot since the epoch.
    public func play(index: Int) -> DemoPlay {
        DemoPlay(item: Self.rotation[Self.wrap(index, Self.rotation.count)], index: index,
                 start: Self.date(index, songLength), end: Self.date(index &+ 1, songLength))
    }

    /// The program on the air at `instant`.
    public func airing(at instant: Date) -> DemoAiring {
        airing(index: Self.slot(of: instant, length: programLength))
    }

    /// The `index`-th program slot since the epoch.
    public func airing(index: Int) -> DemoAiring {
        DemoAiring(program: Self.programs[Self.wrap(index, Self.programs.count)], index: index,
                   start: Self.date(index, programLength), end: Self.date(index &+ 1, programLength))
    }

    /// The programs starting in `[from, to)`, in order.
    public func airings(from: Date, to: Date) -> [DemoAiring] {
        var index = Self.slot(of: from, length: programLength)
        if Self.date(index, programLength) < from { index &+= 1 }
        var result: [DemoAiring] = []
        while Self.date(index, programLength) < to, result.count < 100_000 {
            result.append(airing(index: index))
            index &+= 1
        }
        return result
    }

    // MARK: - Arithmetic

    /// The slot holding `instant`; instants are clamped to years 1...9999 so nothing traps.
    static func slot(of instant: Date, length: Double) -> Int {
        let t = instant.timeIntervalSince1970
        let clamped = t.isFinite ? min(max(t, -62_000_000_000), 253_000_000_000) : 0
        return Int((clamped / length).rounded(.down))
    }

    private static func date(_ index: Int, _ length: Double) -> Date {
        Date(timeIntervalSince1970: Double(index) * length)
    }

    private static func wrap(_ index: Int, _ count: Int) -> Int {
        let r = index % count
        return r < 0 ? r + count : r
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        let value = Double(s) + Double(atto) / 1e18
        return value.isFinite ? value : 0
    }
}
