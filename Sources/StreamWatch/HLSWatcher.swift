import Foundation
import Logging
import StreamHTTP
import StreamState
import StreamFormats

/// Watches an HLS stream by polling its media playlist: up while the media sequence advances,
/// stalled when it has not moved for three target durations, down on errors. A master
/// playlist is resolved to its preferred variant.
///
/// The title is the newest segment's: an ad break the playlist marks (CUE-OUT, DATERANGE) is
/// an ad; else its `#EXTINF` title; else, when `#EXTINF` names nothing, the timed ID3 inside
/// the segments (see `TimedMetadata`): the new segments (at most the last three per
/// poll) are fetched and their last titled tag is the title until another one comes. A
/// stream that has never carried an ID3 tag and has none in three segments is not fetched
/// again for five minutes. After an ad break, no song shows until a title arrives.
public struct HLSWatcher: Sendable {
    let station: StationSpec
    let index: Int
    let engine: CurlEngine
    let wakeup: Wakeup
    let logger: Logger
    let clock: @Sendable () -> Date
    let reporter: WatchReporter
    /// The outages this watcher logs (none for a one-off probe).
    var failures: FailureLogger?

    var spec: StreamSpec { station.streams[index] }

    /// Polls until the task is cancelled.
    public func run() async {
        var state = State()
        while !Task.isCancelled {
            let interval = await poll(&state)
            if Task.isCancelled { return }
            await wakeup.wait(for: interval)
        }
    }

    struct State {
        var mediaURL: String?
        var previous: HLSMediaPlaylist?
        var lastAdvance: Date?
        var status: StreamStatus.Status = .pending
        var lastTitle: String?
        var bandwidth: Int?
        /// Timed ID3: the title the segments last carried, the newest segment fetched, how
        /// many segments in a row had no tag at all, and when to look again after giving up.
        var id3Track: Track?
        var lastFetchedSequence: Int?
        var segmentsWithoutID3 = 0
        var sawID3 = false
        var id3RetryAt: Date?
        var afterAdBreak = false
    }

    /// One poll; returns how long to wait before the next.
    func poll(_ state: inout State) async -> Duration {
        let now = clock()
        do {
            let playlist = try await mediaPlaylist(&state)
            let target = max(1, min(playlist.targetDuration ?? 6, 30))
            let advanced: Bool
            if let previous = state.previous {
                let progress = HLSMediaPlaylist.advanced(from: previous, to: playlist)
                advanced = progress != .unchanged
                if progress == .restarted { state.lastFetchedSequence = nil }   // the encoder restarted its numbering
            } else {
                advanced = true
            }
            state.previous = playlist
            if advanced { state.lastAdvance = now }
            let idle = now.timeIntervalSince(state.lastAdvance ?? now)
            if idle > 3 * target && !playlist.isEnded {
                if state.status != .stalled {
                    state.status = .stalled
                    let error = ErrorValue(kind: "stalled", message: "media sequence stuck at \(playlist.mediaSequence) for \(Int(idle)) s", at: now)
                    report(.stalled(error))
                    failures?.failed("\(error.kind): \(error.message)", at: now, retry: nil)
                }
            } else if state.status != .up {
                state.status = .up
                failures?.recovered(at: now)
                report(.up(StreamHead(contentType: "application/vnd.apple.mpegurl", name: nil,
                                      announcedBitrate: state.bandwidth.map { $0 / 1000 }), at: now))
            }
            if !playlist.segments.isEmpty {
                let item = await newestItem(in: playlist, &state, now: now)
                let key = item.map { "\($0.kind.rawValue)|\($0.artist ?? "")|\($0.title)|\($0.album ?? "")" } ?? ""
                if key != state.lastTitle {
                    state.lastTitle = key
                    report(.metadata(item, container: "hls", at: now))
                }
            }
            if playlist.isEnded {
                state.status = .down
                let error = ErrorValue(kind: "eof", message: "the playlist ended (#EXT-X-ENDLIST)", at: now)
                report(.down(error))
                failures?.failed("\(error.kind): \(error.message)", at: now, retry: .seconds(30))
                return .seconds(30)
            }
            return .milliseconds(Int(target * 1000))
        } catch {
            state.status = .down
            state.mediaURL = nil
            let value = ErrorValue(any: error, at: now)
            report(.down(value))
            failures?.failed("\(value.kind): \(value.message)", at: now, retry: .seconds(10))
            return .seconds(10)
        }
    }

    /// What the newest segment says is on (see the type's documentation for the order).
    private func newestItem(in playlist: HLSMediaPlaylist, _ state: inout State, now: Date) async -> Track? {
        guard let newest = playlist.segments.last else { return nil }
        if newest.inAdBreak {
            state.afterAdBreak = true
            state.id3Track = nil
            return newest.track
        }
        if let track = newest.track {
            state.afterAdBreak = false
            return track
        }
        if let found = await timedID3(in: playlist, &state, now: now) {
            state.id3Track = found
            state.afterAdBreak = false
        }
        if let track = state.id3Track { return track }
        return state.afterAdBreak ? Track(title: "Ad break over", kind: .other) : nil
    }

    /// The last titled ID3 tag in the segments that are new since the last poll.
    private func timedID3(in playlist: HLSMediaPlaylist, _ state: inout State, now: Date) async -> Track? {
        if let retry = state.id3RetryAt, now < retry { return nil }
        let fresh = playlist.segments.filter { $0.sequence > (state.lastFetchedSequence ?? -1) && $0.url != nil }.suffix(3)
        var found: Track?
        for segment in fresh {
            state.lastFetchedSequence = segment.sequence
            guard let url = segment.url?.absoluteString else { continue }
            var request = HTTPRequest(url: url, totalTimeout: .seconds(10))
            request.maxBodyBytes = 16 << 20
            do {
                let body = try await engine.fetch(request).requireSuccess().body
                let tags = TimedMetadata.tags(inSegment: body)
                state.segmentsWithoutID3 = tags.isEmpty ? state.segmentsWithoutID3 + 1 : 0
                state.sawID3 = state.sawID3 || !tags.isEmpty
                if let track = tags.reversed().lazy.compactMap(\.tag.track).first { found = track }
            } catch {
                logger.debug("stream \(station.id)/\(spec.id): segment \(segment.sequence) for timed ID3: \(error)")
                return found
            }
        }
        if state.segmentsWithoutID3 >= 3, !state.sawID3 {
            state.segmentsWithoutID3 = 0
            state.id3RetryAt = now.addingTimeInterval(300)
            logger.info("stream \(station.id)/\(spec.id): no title in the playlist and no ID3 in 3 segments; looking again in 5 minutes")
        }
        return found
    }

    private func mediaPlaylist(_ state: inout State) async throws -> HLSMediaPlaylist {
        let url = state.mediaURL ?? spec.url
        let body = try await engine.fetch(HTTPRequest(url: url, totalTimeout: .seconds(10))).requireSuccess().body
        switch try HLSPlaylist.parse(body, url: URL(string: url)) {
        case .media(let media):
            state.mediaURL = url
            return media
        case .master(let master):
            guard let variant = master.preferredVariant(), let media = variant.url?.absoluteString else {
                throw ParseError(format: "hls", location: "EXT-X-STREAM-INF", message: "master playlist has no usable variant")
            }
            state.bandwidth = variant.bandwidth
            let mediaBody = try await engine.fetch(HTTPRequest(url: media, totalTimeout: .seconds(10))).requireSuccess().body
            state.mediaURL = media
            return try HLSMediaPlaylist.parse(mediaBody, url: URL(string: media))
        }
    }

    private func report(_ event: StreamEvent) {
        reporter.stream(index, event)
    }
}
