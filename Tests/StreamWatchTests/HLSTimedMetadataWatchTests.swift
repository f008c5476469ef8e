import Foundation
import Testing
import StreamTestSupport
@testable import StreamWatch
@testable import StreamState

/// A live HLS stream whose playlist titles say nothing ("no desc", as ProSTREAM writes): the
/// titles ride in the segments as timed ID3, and the playlist marks its ad breaks.
@Suite("HLS titles from timed ID3 in the segments, and ad breaks from the playlist", .timeLimit(.minutes(2)))
struct HLSTimedMetadataWatchTests {
    /// What the playlist carries at each step of the test.
    enum Phase: Int, Sendable {
        case packedAudio, transportStream, adBreak, afterBreakNoTags, transportStreamAgain
    }

    @Test("the segments' ID3 titles become the song (ADTS and MPEG-TS); an ad break is no song, and the title before it does not come back")
    func timedID3AndCues() async throws {
        let adts = try Fixture.bytes("hls/ffmpeg_adts_segment_two_id3_tags.aac")
        let ts = try Fixture.bytes("hls/ffmpeg_muxed_ts_segment_timed_id3.ts")
        let untagged = try Fixture.bytes("hls/ffmpeg_sine_96k.adts.aac")
        let phase = Locked(Phase.packedAudio)
        let polls = Locked(0)
        let server = try await LoopbackServer.start()
        server.route("/a.aac", .bytes(adts, contentType: "audio/aac"))
        server.route("/t.ts", .bytes(ts, contentType: "video/mp2t"))
        server.route("/u.aac", .bytes(untagged, contentType: "audio/aac"))
        server.route("/live.m3u8") { _ in
            let sequence = polls.withLock { n in n += 1; return n }
            let current = phase.withLock { $0 }
            let segment = switch current {
            case .packedAudio: "a.aac"
            case .transportStream, .adBreak, .transportStreamAgain: "t.ts"
            case .afterBreakNoTags: "u.aac"
            }
            let cue = switch current {
            case .adBreak: "#EXT-X-CUE-OUT:DURATION=120\n"
            case .afterBreakNoTags: "#EXT-X-CUE-IN\n"
            default: ""
            }
            return .ok("""
                #EXTM3U
                #EXT-X-TARGETDURATION:1
                #EXT-X-MEDIA-SEQUENCE:\(sequence)
                \(cue)#EXTINF:1, no desc
                \(segment)?n=\(sequence)

                """, contentType: "application/vnd.apple.mpegurl")
        }
        try await withSupervisor([streamStation(server.url("/live.m3u8"))]) { _, store in
            let packed = try await waitFor(store, station: "test-fm", "the ADTS segment's last ID3 title") {
                $0.now.song?.title == "Sunflower"
            }
            #expect(packed.now.song?.artist == "Post Malone / Swae Lee")
            #expect(packed.now.song?.source == "hls")
            #expect(packed.streams.first?.status == .up)

            phase.withLock { $0 = .transportStream }
            let muxed = try await waitFor(store, station: "test-fm", "the MPEG-TS segment's ID3 title") {
                $0.now.song?.title == "Clair de Lune"
            }
            #expect(muxed.now.song?.composer == "Claude Debussy")

            phase.withLock { $0 = .adBreak }
            let fetchedBeforeBreak = server.requests(to: "/t.ts").count
            try await waitFor(store, station: "test-fm", "no song during the ad break") { $0.now.song == nil }
            try await Task.sleep(for: .seconds(2))
            #expect(await store.current.station("test-fm")?.now.song == nil)
            #expect(server.requests(to: "/t.ts").count <= fetchedBeforeBreak + 1,
                    "segments inside a marked break are not fetched for titles")

            phase.withLock { $0 = .afterBreakNoTags }
            try await waitFor(store, station: "test-fm", "the untagged segments after the break are fetched") { _ in
                server.requests(to: "/u.aac").count >= 2
            }
            #expect(await store.current.station("test-fm")?.now.song == nil,
                    "after the break, the title from before it does not come back")

            phase.withLock { $0 = .transportStreamAgain }
            try await waitFor(store, station: "test-fm", "a title after the break") { $0.now.song?.title == "Clair de Lune" }
        }
        await server.shutdown()
    }
}
