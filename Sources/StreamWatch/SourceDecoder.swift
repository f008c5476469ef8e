import Foundation
import StreamState
import StreamFormats

/// Turns a source's answer into a snapshot, by kind. Pure: bytes and context in, values out.
public enum SourceDecoder {
    /// Decodes the primary answer of a source.
    ///
    /// - Parameters:
    ///   - body: the answer of `spec.url`.
    ///   - secondary: the answer of `spec.secondaryURL` (Spinitron playlists), when fetched.
    ///   - station: the station's zone and charset.
    ///   - now: the instant of the poll (for station-local schedule times).
    public static func snapshot(_ kind: NowPlayingKind, body: [UInt8], secondary: [UInt8]? = nil,
                                selector: String?, timeZone: TimeZone, now: Date) throws(ParseError) -> SourceSnapshot {
        switch kind {
        case .triton:
            return try TritonNowPlaying.parse(body)
        case .composer:
            return try ComposerNow.parse(body, timeZone: timeZone, now: now)
        case .cadence:
            return try CadenceWidget.parse(body, timeZone: timeZone, now: now)
        case .icecast:
            // A mount the server does not list is off the air: no song, not an error, so the
            // old title does not linger until the source goes stale.
            return try IcecastStatus.parse(body).snapshot(mount: selector) ?? SourceSnapshot()
        case .shoutcast:
            // JSON, XML or 7.html, whatever the URL says: chosen from the body.
            return try ShoutcastStats.parseAny(body, sid: selector.flatMap { Int($0) }).snapshot()
        case .azuracast:
            return try AzuraCastNowPlaying.parse(body, station: selector).snapshot
        case .spinitron:
            return try SpinitronFeed.parse(spins: body, playlists: secondary, now: now)
        }
    }

    /// Decodes a day schedule (Composer, Cadence).
    public static func schedule(_ kind: NowPlayingKind, body: [UInt8], timeZone: TimeZone) throws(ParseError) -> [ProgramSlot] {
        switch kind {
        case .composer: try ComposerDay.parse(body, timeZone: timeZone)
        case .cadence: try CadenceWidget.parseDay(body, timeZone: timeZone)
        default: []
        }
    }

    /// Whether the kind's secondary URL is a day schedule fetched once a day (Composer,
    /// Cadence), rather than a companion fetched with every poll (Spinitron playlists).
    public static func secondaryIsDaily(_ kind: NowPlayingKind) -> Bool {
        kind == .composer || kind == .cadence
    }
}
