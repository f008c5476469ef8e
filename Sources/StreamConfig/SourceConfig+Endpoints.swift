import Foundation
import StreamFormats

/// The URLs a source polls. See `docs/configuration.md`, "Source endpoints".
extension SourceConfig {
    /// Triton's public now-playing service.
    public static let tritonBase = "https://np.tritondigital.com/public/nowplaying"
    /// NPR Composer's widget API.
    public static let composerBase = "https://api.composer.nprstations.org/v1/widget"
    /// NPR Cadence's widget API.
    public static let cadenceBase = "https://cadence.nprstations.org/api/cadence/widget"
    /// Spinitron's v2 API (the default `url` of a spinitron source).
    public static let spinitronBase = "https://spinitron.com/api"

    /// The URL polled every interval for what is on now: Triton's XML, Composer's `/now`,
    /// Cadence's widget, Icecast's `status-json.xsl`, SHOUTcast's `/stats`, AzuraCast's
    /// `/api/nowplaying/{station}`, Spinitron's `/spins`.
    public var nowURL: String {
        switch settings {
        case .triton(let mount, let count):
            return url ?? "\(Self.tritonBase)?mountName=\(Self.escaped(mount ?? ""))&numberToFetch=\(count)&eventType=track"
        case .composer(let ucs, _):
            return url ?? "\(Self.composerBase)/\(Self.escaped(ucs ?? ""))/now?format=json&show_song=true"
        case .cadence(let uuid, _):
            return url ?? "\(Self.cadenceBase)/\(Self.escaped(uuid ?? ""))?show_song=true"
        case .icecast:
            let base = url ?? ""
            return Self.path(of: base).hasSuffix("status-json.xsl") ? base : Self.appending("status-json.xsl", to: base)
        case .shoutcast(let sid):
            let base = url ?? ""
            guard Self.path(of: base).hasSuffix("/stats") else {
                return Self.appending("stats", to: base) + "?sid=\(sid)&json=1"
            }
            return base.contains("?") ? base : base + "?sid=\(sid)&json=1"
        case .azuracast(let station):
            let base = url ?? ""
            if Self.isAzuraCastNowPlayingURL(base) { return base }
            return Self.appending("api/nowplaying/\(Self.escaped(station ?? ""))", to: base)
        case .spinitron:
            return Self.appending("spins", to: url ?? Self.spinitronBase)
        }
    }

    /// The schedule polled alongside ``nowURL``: for composer and cadence the station-local
    /// `day`'s programs (``dayURL(for:)``), for spinitron `/playlists`; nil for other kinds.
    public func scheduleURL(for day: StationLocalTime.Day) -> String? {
        switch settings {
        case .composer, .cadence: dayURL(for: day)
        default: scheduleURLWithoutDate
        }
    }

    /// ``scheduleURL(for:)`` without the `date` query item, for a poller that adds
    /// `date=YYYY-MM-DD` itself: composer `.../day?format=json`, cadence `.../day`, spinitron
    /// `/playlists`; nil for other kinds.
    public var scheduleURLWithoutDate: String? {
        switch settings {
        case .composer(let ucs, let dayURL):
            if let dayURL { return Self.removingDate(from: dayURL) }
            guard let url else { return "\(Self.composerBase)/\(Self.escaped(ucs ?? ""))/day?format=json" }
            return Self.derivedDayURL(from: url, query: "format=json") { path in
                guard path.hasSuffix("/now") else { return nil }
                return String(path.dropLast(3)) + "day"
            }
        case .cadence(let uuid, let dayURL):
            if let dayURL { return Self.removingDate(from: dayURL) }
            guard let url else { return "\(Self.cadenceBase)/\(Self.escaped(uuid ?? ""))/day" }
            return Self.derivedDayURL(from: url, query: nil) { path in
                (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/day"
            }
        case .spinitron:
            return Self.appending("playlists", to: url ?? Self.spinitronBase)
        default:
            return nil
        }
    }

    /// The composer or cadence schedule of the station-local `day`, nil for other kinds.
    ///
    /// - Without `url`: `{base}/{ucs}/day?date=D&format=json` (composer),
    ///   `{base}/{uuid}/day?date=D` (cadence).
    /// - With `day_url`: that URL with its `date` query item set to D.
    /// - With `url` only: composer replaces the last path component `now` with `day`, cadence
    ///   appends `/day`; the query becomes `date=D&format=json` (composer) or `date=D` (cadence).
    public func dayURL(for day: StationLocalTime.Day) -> String? {
        switch settings {
        case .composer, .cadence: scheduleURLWithoutDate.flatMap { Self.setting(date: day.description, in: $0) }
        default: nil
        }
    }

    /// Whether an azuracast `url` is already the full now-playing URL (its path contains
    /// `/api/nowplaying` or ends in `.json`, the static file) rather than the server's base.
    static func isAzuraCastNowPlayingURL(_ url: String) -> Bool {
        let path = path(of: url)
        return path.contains("/api/nowplaying") || path.hasSuffix(".json")
    }

    // MARK: Helpers

    private static func path(of url: String) -> String {
        URLComponents(string: url)?.path ?? url
    }

    /// `base` + `/` + `component`, with one slash between them; any query of `base` is kept after.
    private static func appending(_ component: String, to base: String) -> String {
        guard var parts = URLComponents(string: base) else { return base + "/" + component }
        parts.path = (parts.path.hasSuffix("/") ? String(parts.path.dropLast()) : parts.path) + "/" + component
        return parts.string ?? base + "/" + component
    }

    private static func derivedDayURL(from url: String, query: String?, path transform: (String) -> String?) -> String? {
        guard var parts = URLComponents(string: url), let path = transform(parts.path) else { return nil }
        parts.path = path
        parts.percentEncodedQuery = query
        return parts.string
    }

    private static func removingDate(from url: String) -> String {
        guard var parts = URLComponents(string: url), let items = parts.queryItems else { return url }
        let kept = items.filter { $0.name != "date" }
        parts.queryItems = kept.isEmpty ? nil : kept
        return parts.string ?? url
    }

    private static func setting(date: String, in url: String) -> String? {
        guard var parts = URLComponents(string: url) else { return nil }
        var items = (parts.queryItems ?? []).filter { $0.name != "date" }
        items.insert(URLQueryItem(name: "date", value: date), at: 0)
        parts.queryItems = items
        return parts.string
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `text` with everything but unreserved characters percent-encoded (a path segment or a
    /// query value).
    private static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
