import StreamFormats
/// A `[[station]]` table: one station, its streams and its now-playing sources.
public struct StationConfig: Sendable, Equatable {
    /// `id`: `[a-z0-9-]+`, unique; the station's id in the state document and the API.
    public var id: String
    /// `name`: the display name, e.g. `WVIA-FM`.
    public var name: String
    /// `tagline`: a short line under the name, e.g. `89.9 FM`.
    public var tagline: String?
    /// `timezone`: the IANA zone its schedules are written in (default `UTC`).
    public var timezone: String
    /// `charset`: how its titles are encoded, when they do not say (nil: detect).
    public var charset: TextCharset?
    /// `[[station.stream]]`: its audio streams (at least one).
    public var streams: [StreamConfig]
    /// `[[station.source]]`: its now-playing sources (possibly none).
    public var sources: [SourceConfig]

    /// Creates a station. Not validated.
    public init(id: String, name: String, tagline: String? = nil, timezone: String = "UTC",
                charset: TextCharset? = nil, streams: [StreamConfig], sources: [SourceConfig] = []) {
        self.id = id
        self.name = name
        self.tagline = tagline
        self.timezone = timezone
        self.charset = charset
        self.streams = streams
        self.sources = sources
    }
}
