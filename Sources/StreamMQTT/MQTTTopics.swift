/// The topics streamd publishes under `PREFIX/SITE` (docs/scale-out.md).
public struct MQTTTopics: Sendable, Equatable {
    /// `PREFIX/SITE`.
    public let base: String

    /// The topics of `site` under `prefix` (both checked by the configuration).
    public init(prefix: String, site: String) {
        base = prefix + "/" + site
    }

    /// `PREFIX/SITE/status`: `online`, or `offline` (the last will, and on a clean shutdown).
    public var status: String { base + "/status" }
    /// `PREFIX/SITE/state`: the whole state document.
    public var state: String { base + "/state" }
    /// `PREFIX/SITE/stations/ID`: one station, with the document's sequence and time.
    public func station(_ id: String) -> String { base + "/stations/" + id }
    /// `PREFIX/SITE/stations/`: what every station topic starts with.
    public var stationsPrefix: String { base + "/stations/" }
}
