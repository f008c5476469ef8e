import Foundation

/// An Icecast server's `/status-json.xsl` answer: the server and its mounts.
///
/// Policies: `icestats.source` missing or null means no mounts, an object one mount, an
/// array several. A body that is not valid JSON (Icecast serves one for a moment after it
/// starts, and an idle 2.4.3 emits a trailing `,}`) is a `ParseError` with its position.
/// Titles are kept raw ("Artist - Title" in one string, entities undecoded): splitting and
/// cleaning belong to the text normaliser.
public struct IcecastStatus: Sendable, Equatable {
    /// `icestats.server_id`, e.g. "Icecast 2.4.4".
    public var serverID: String?
    /// The mounts, in the server's order.
    public var mounts: [IcecastMount]

    /// Creates a status.
    public init(serverID: String? = nil, mounts: [IcecastMount] = []) {
        self.serverID = serverID
        self.mounts = mounts
    }

    /// Parses a `/status-json.xsl` body.
    ///
    /// Icecast's XSL writes invalid JSON in two known ways, repaired before a second attempt:
    /// a bare `-` for a value (`"title":-`, which reads as no title) and a trailing comma
    /// (`,}` on an idle server). Anything else invalid is an error naming where.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> IcecastStatus {
        let json: LooseJSON
        do {
            json = try LooseJSON.parse(bytes, format: "icecast")
        } catch {
            let repaired = repairingKnownFaults(bytes)
            guard repaired != bytes, let second = try? LooseJSON.parse(repaired, format: "icecast") else { throw error }
            json = second
        }
        guard let stats = json["icestats"], case .object = stats else {
            throw ParseError(format: "icecast", location: "icestats",
                             message: "no icestats object: not an Icecast status-json.xsl answer")
        }
        let mounts = (stats["source"] ?? .null).elements.map(IcecastMount.init(json:))
        return IcecastStatus(serverID: stats["server_id"]?.text, mounts: mounts)
    }

    /// The mount called `name`: its path (`/live.mp3`, the leading `/` optional), its full
    /// listen URL, or else its `server_name`. With `name` nil, the only mount if there is
    /// exactly one.
    public func mount(named name: String?) -> IcecastMount? {
        guard let name else { return mounts.count == 1 ? mounts.first : nil }
        let path = name.hasPrefix("/") ? name : "/" + name
        return mounts.first { $0.mount == path || $0.listenURL == name }
            ?? mounts.first { $0.serverName == name }
    }

    /// The snapshot for the mount `mount(named:)` selects, or nil if there is none
    /// (the mount is not connected).
    public func snapshot(mount name: String?) -> SourceSnapshot? {
        mount(named: name).map(\.snapshot)
    }
}

/// One Icecast mount (`icestats.source` entry).
public struct IcecastMount: Sendable, Equatable {
    /// `listenurl` as the server reports it, e.g. `http://host:8000/live.mp3`.
    public var listenURL: String?
    /// The mount path derived from `listenurl`, e.g. `/live.mp3`.
    public var mount: String?
    /// The raw title (often "Artist - Title"); absent until a source sets one.
    public var title: String?
    /// `artist`, when the source sends it separately (Ogg mounts do).
    public var artist: String?
    /// `server_name` (the stream's name).
    public var serverName: String?
    /// `server_description`.
    public var serverDescription: String?
    /// `genre`.
    public var genre: String?
    /// Nominal bitrate in kbit/s, from `bitrate`, `ice-bitrate` or `audio_bitrate`.
    public var bitrate: Int?
    /// Current listeners.
    public var listeners: Int?
    /// `server_type`, the content type, e.g. `audio/mpeg`.
    public var serverType: String?
    /// When the source connected (`stream_start_iso8601`).
    public var streamStart: Date?

    /// Creates a mount.
    public init(listenURL: String? = nil, mount: String? = nil, title: String? = nil,
                artist: String? = nil, serverName: String? = nil, serverDescription: String? = nil,
                genre: String? = nil, bitrate: Int? = nil, listeners: Int? = nil,
                serverType: String? = nil, streamStart: Date? = nil) {
        self.listenURL = listenURL
        self.mount = mount
        self.title = title
        self.artist = artist
        self.serverName = serverName
        self.serverDescription = serverDescription
        self.genre = genre
        self.bitrate = bitrate
        self.listeners = listeners
        self.serverType = serverType
        self.streamStart = streamStart
    }

    init(json: LooseJSON) {
        let listenURL = json["listenurl"]?.text
        self.init(listenURL: listenURL,
                  mount: listenURL.flatMap(Self.path(of:)),
                  title: json["title"]?.text,
                  artist: json["artist"]?.text,
                  serverName: json["server_name"]?.text,
                  serverDescription: json["server_description"]?.text,
                  genre: json["genre"]?.text,
                  bitrate: json["bitrate"]?.int ?? json["ice-bitrate"]?.int
                      ?? json["audio_bitrate"]?.int.map { $0 / 1000 },
                  listeners: json["listeners"]?.int,
                  serverType: json["server_type"]?.text,
                  streamStart: json["stream_start_iso8601"]?.text.flatMap { try? Date($0, strategy: .iso8601) })
    }

    /// What this mount says is playing: the raw title as the song (no start or duration:
    /// Icecast does not say when a title began), the stream name and listener count.
    public var snapshot: SourceSnapshot {
        SourceSnapshot(current: title.map { Track(title: $0, artist: artist) },
                       streamName: serverName, listeners: listeners)
    }

    /// The path part of a listen URL (`/live.mp3`), or nil if it has none.
    static func path(of listenURL: String) -> String? {
        if let path = URLComponents(string: listenURL)?.path, !path.isEmpty { return path }
        guard let scheme = listenURL.range(of: "://") else { return nil }
        guard let slash = listenURL[scheme.upperBound...].firstIndex(of: "/") else { return nil }
        return String(listenURL[slash...])
    }
}

extension IcecastStatus {
    /// `bytes` with Icecast's known JSON faults fixed outside strings: a value that is a bare
    /// `-` becomes `null`, a comma before `}` or `]` goes.
    static func repairingKnownFaults(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        var index = 0
        func nextSignificant(after position: Int) -> UInt8? {
            var i = position
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            return i < bytes.count ? bytes[i] : nil
        }
        func previousSignificant() -> UInt8? {
            out.last { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                out.append(byte)
            } else if byte == UInt8(ascii: "-"), previousSignificant() == UInt8(ascii: ":"),
                      let next = nextSignificant(after: index + 1), next == UInt8(ascii: ",") || next == UInt8(ascii: "}") {
                out += Array("null".utf8)
            } else if byte == UInt8(ascii: ","), let next = nextSignificant(after: index + 1),
                      next == UInt8(ascii: "}") || next == UInt8(ascii: "]") {
                // a trailing comma: dropped
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }
}
