import Foundation
import StreamAPI
import StreamState
import StreamTestSupport

/// The kiosk page served by a loopback server with a state document the test chooses: `/` is
/// ``ScreenPage/html`` (with the daemon's Content-Security-Policy) and `/v1/events` an event
/// stream that sends `document` as its snapshot (after `delay` heartbeats, one a second) and
/// then stays open with heartbeats, as the daemon's does; `histories` are served as
/// `/v1/streams/{station}/{stream}/history` (other streams' answer 404, as an older daemon's).
/// For layouts no running daemon can be made to show on demand: OFF AIR with no program, many
/// alerts, a junction two minutes away, a day of uptime.
struct KioskFixturePage: Sendable {
    let server: LoopbackServer
    /// The page's address.
    var url: String { server.url("/") }

    /// Starts the server.
    static func start(_ document: StateDocument, delay: Int = 0, histories: [HistoryAnswer] = []) async throws -> KioskFixturePage {
        let server = try await LoopbackServer.start()
        server.route("/", .ok(ScreenPage.html, contentType: "text/html; charset=utf-8",
                              headers: [("Content-Security-Policy", ScreenPage.contentSecurityPolicy)]))
        let json = try StateDocument.makeEncoder().encode(document)
        let snapshot = Array("id: \(document.sequence)\nevent: snapshot\ndata: ".utf8) + [UInt8](json) + Array("\n\n".utf8)
        var events = LoopbackRoute(statusLine: "HTTP/1.1 200 OK",
                                   headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")],
                                   body: .generated { index in index == delay ? snapshot : Array(": heartbeat\n\n".utf8) })
        events.dribble = (1 << 20, .seconds(1))
        server.route("/v1/events", events)
        for history in histories {
            let json = String(decoding: try StateDocument.makeEncoder().encode(history), as: UTF8.self)
            server.route("/v1/streams/\(history.station)/\(history.stream)/history", .ok(json, contentType: "application/json"))
        }
        return KioskFixturePage(server: server)
    }

    /// Runs `body` with a page server and a browser tab at `width`x`height` showing it.
    static func with<T: Sendable>(_ document: StateDocument, delay: Int = 0, histories: [HistoryAnswer] = [],
                                  width: Int = 1920, height: Int = 1080,
                                  _ body: (ChromiumPage) async throws -> T) async throws -> T {
        _ = try Chromium.executable  // fails with what to install
        let fixture = try await start(document, delay: delay, histories: histories)
        do {
            let result = try await Chromium.with { browser in
                try await body(try await browser.open(fixture.url, width: width, height: height))
            }
            await fixture.server.shutdown()
            return result
        } catch {
            await fixture.server.shutdown()
            throw error
        }
    }
}

/// State documents for the kiosk page, around the real time (the page computes with its own
/// clock).
enum KioskFixtures {
    static func date(_ offset: TimeInterval) -> Date { Date().addingTimeInterval(offset) }

    static func program(name: String = "Morning Drive", start: TimeInterval = -1_200, end: TimeInterval = 2_400) -> ProgramValue {
        ProgramValue(name: name, hosts: ["Ada Lovelace"], start: date(start), end: date(end), source: "composer", seenAt: date(-5))
    }

    static func station(onAir: Bool = true, program: ProgramValue? = program(), song: SongValue? = nil, next: [ProgramValue] = [],
                        streams: [StreamStatus]? = nil, sources: [SourceStatus]? = nil,
                        timezone: String = "UTC") -> StationState {
        ScreenFixtures.station(id: "studio-fm", name: "Studio FM", tagline: "88.1 FM", onAir: onAir, program: program, song: song,
                               next: next, streams: streams, sources: sources, timezone: timezone)
    }

    /// `count` failing streams, each a line of its own on the screen.
    static func failingStreams(_ count: Int) -> [StreamStatus] {
        (1...count).map { i in
            StreamStatus(id: "backup\(i)", url: "http://127.0.0.1/b\(i)", mode: "probe", status: .down,
                         error: ErrorValue(kind: "http", message: "HTTP 404 from the encoder \(i)", at: date(-5), httpStatus: 404))
        }
    }

    static func document(_ stations: [StationState]) -> StateDocument {
        StateDocument(sequence: 77, updatedAt: date(-1), live: stations.first?.id, stale: false, stations: stations)
    }
}
