import Foundation
import Logging
import StreamTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import StreamHTTP
@testable import StreamState
import StreamFormats
@testable import StreamWatch

/// A session driven by hand with the bytes of an ICY stream: what it reports, in order.
private final class EventLog: Sendable {
    let events = Locked<[StreamEvent]>([])
}

/// A clock the test moves.
private final class TestClock: Sendable {
    let now = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
    func read() -> Date { now.withLockedValue { $0 } }
    func advance(_ seconds: Double) { now.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

private final class SessionDriver: Sendable {
    private let log = EventLog()
    private let clock = TestClock()
    let session: StreamSession
    let metaint: Int

    init(metaint: Int, announced: String? = nil) {
        self.metaint = metaint
        let spec = StreamSpec(id: "main", url: "http://127.0.0.1/live")
        let health = MetadataHealth(station: "test-fm", stream: "main", logger: Logger(label: "test"))
        let log = self.log
        let clock = self.clock
        // Confirmed up after one whole second of audio (each send is a second later).
        var tuning = MonitorTuning()
        tuning.stallBytesPerSecond = 1
        tuning.upAfterSeconds = 1
        session = StreamSession(spec: spec, charset: nil, probe: false, tuning: tuning, metadataHealth: health,
                                clock: { clock.read() }) { event in log.events.withLock { $0.append(event) } }
        session.transferDidReceiveHead(HTTPResponseHead(status: 200, statusLine: "HTTP/1.0 200 OK",
                                                        headers: HTTPHeaders([("icy-metaint", announced ?? "\(metaint)")])))
    }

    /// A second later: audio up to the next block, then `block` (a length byte and its
    /// payload).
    func send(block: [UInt8]) {
        clock.advance(1.1)
        let bytes = [UInt8](repeating: 0xFF, count: metaint) + block
        _ = bytes.withUnsafeBytes { session.transferDidReceive($0) }
    }

    func title(_ text: String) -> [UInt8] {
        var payload = Array("StreamTitle='\(text)';".utf8)
        let blocks = (payload.count + 15) / 16
        payload += [UInt8](repeating: 0, count: blocks * 16 - payload.count)
        return [UInt8(blocks)] + payload
    }

    /// A block of noise: what a demuxer reads once it has lost the metadata interval.
    var garbage: [UInt8] { [2] + [UInt8](repeating: 0xAB, count: 32) }

    var reported: [String] {
        log.events.withLock { events in
            events.compactMap { event in
                switch event {
                case .up: "up"
                case .degraded(let error): "degraded:\(error.kind)"
                case .metadata(let track, _, _): "title:\(track?.title ?? "-")"
                default: nil
                }
            }
        }
    }
}

@Suite("Metadata that does not parse is never silent")
struct MetadataHealthTests {
    @Test("three unparsable blocks in a row mark the stream degraded (title no longer trusted); a good block brings it back up with its title")
    func syncLossDegrades() {
        let driver = SessionDriver(metaint: 64)
        driver.send(block: driver.title("Artist - One"))
        driver.send(block: driver.garbage)
        driver.send(block: driver.garbage)
        #expect(driver.reported == ["up", "title:One"], "two bad blocks are counted, not yet a sync loss")
        driver.send(block: driver.garbage)
        driver.send(block: driver.garbage)
        #expect(driver.reported == ["up", "title:One", "degraded:metadata"], "the third in a row is: once")
        driver.send(block: driver.title("Artist - One"))
        #expect(driver.reported == ["up", "title:One", "degraded:metadata", "up", "title:One"],
                "in sync again: up, and the title (cleared while degraded) is announced again")
    }

    @Test("an icy-metaint streamd cannot use (0, or beyond 256 KiB) is a degraded stream saying why, not a silent one without titles", arguments: ["0", "999999999"])
    func unusableMetaint(announced: String) {
        let driver = SessionDriver(metaint: 64, announced: announced)
        #expect(driver.reported.isEmpty, "nothing until the audio is confirmed")
        driver.send(block: [])
        driver.send(block: [])
        #expect(driver.reported == ["up", "degraded:metadata"])
    }

    @Test("a degraded stream counts as on the air, shows its reason and no title")
    func degradedInState() {
        let spec = StationSpec(id: "test-fm", name: "Test FM", timeZone: .gmt, streams: [StreamSpec(id: "main", url: "http://x/live")])
        var inputs = StationInputs(spec: spec)
        let now = Date()
        inputs.apply(stream: 0, .up(StreamHead(name: "Test"), at: now))
        inputs.apply(stream: 0, .metadata(Track(title: "One", artist: "Artist"), container: "icy", at: now))
        inputs.apply(stream: 0, .degraded(ErrorValue(kind: "metadata", message: "lost sync", at: now)))
        let state = StationMerger().merge(spec, inputs, now: now, previous: nil)
        #expect(state.onAir)
        #expect(state.streams.first?.status == .degraded)
        #expect(state.streams.first?.error?.kind == "metadata")
        #expect(state.now.song == nil, "the frozen title of a stream out of sync is not shown")
    }

    @Test("a followed stream announcing the wrong metaint turns degraded with a metadata reason")
    func wrongMetaintThroughTheEngine() async throws {
        let server = try await LoopbackServer.start()
        defer { Task { await server.shutdown() } }
        // The server inserts its blocks every 1000 bytes but announces 700: the demuxer reads
        // audio as length bytes and metadata, none of which parses.
        var route = LoopbackRoute.icyStream(metaint: 1000, bytesPerSecond: 16000)
        route.headers = route.headers.map { $0.0 == "icy-metaint" ? ($0.0, "700") : $0 }
        server.route("/live", route)
        server.setTitle("Artist - Song", for: "/live")
        try await withSupervisor([streamStation(server.url("/live"))]) { _, store in
            let station = try await waitFor(store, station: "test-fm", "the stream degraded") {
                $0.streams.first?.status == .degraded
            }
            #expect(station.onAir)
            #expect(station.streams.first?.error?.kind == "metadata")
            #expect(station.streams.first?.error?.message.contains("lost sync") == true)
        }
    }
}
