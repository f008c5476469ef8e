import Foundation
import Logging
import StreamHTTP
import StreamState
import StreamFormats

/// Watches an HLS stream by polling its media playlist: titles from the newest segment's
/// `#EXTINF`, up while the media sequence advances, stalled when it has not moved for three
/// target durations, down on errors. A master playlist is resolved to its preferred variant.
public struct HLSWatcher: Sendable {
    let station: StationSpec
    let index: Int
    let engine: CurlEngine
    let wakeup: Wakeup
    let logger: Logger
    let clock: @Sendable () -> Date
    let reporter: WatchReporter

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
    }

    /// One poll; returns how long to wait before the next.
    func poll(_ state: inout State) async -> Duration {
        let now = clock()
        do {
            let playlist = try await mediaPlaylist(&state)
            let target = max(1, min(playlist.targetDuration ?? 6, 30))
            let advanced: Bool
            if let previous = state.previous {
                if case .unchanged = HLSMediaPlaylist.advanced(from: previous, to: playlist) { advanced = false } else { advanced = true }
            } else {
                advanced = true
            }
            state.previous = playlist
            if advanced { state.lastAdvance = now }
            let idle = now.timeIntervalSince(state.lastAdvance ?? now)
            if idle > 3 * target && !playlist.isEnded {
                if state.status != .stalled {
                    state.status = .stalled
                    report(.stalled(ErrorValue(kind: "stalled", message: "media sequence stuck at \(playlist.mediaSequence) for \(Int(idle)) s", at: now)))
                }
            } else if state.status != .up {
                state.status = .up
                report(.up(StreamHead(contentType: "application/vnd.apple.mpegurl", name: nil,
                                      announcedBitrate: state.bandwidth.map { $0 / 1000 }), at: now))
            }
            if let segment = playlist.segments.last {
                let key = "\(segment.title)|\(segment.songSpot ?? "")"
                if key != state.lastTitle {
                    state.lastTitle = key
                    report(.metadata(segment.track, container: "hls", at: now))
                }
            }
            if playlist.isEnded {
                state.status = .down
                report(.down(ErrorValue(kind: "eof", message: "the playlist ended (#EXT-X-ENDLIST)", at: now)))
                return .seconds(30)
            }
            return .milliseconds(Int(target * 1000))
        } catch {
            state.status = .down
            state.mediaURL = nil
            report(.down(ErrorValue(any: error, at: now)))
            return .seconds(10)
        }
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
