import Foundation
import StreamTestSupport
import Logging
import Testing
@testable import StreamAPI
import StreamHTTP
@testable import StreamState

/// A daemon stand-in: holds a document the test builds and records what the API asked of it.
actor TestBackend: StateAPIBackend {
    var document: StateDocument
    var alive = true
    var refreshed: [String?] = []
    var reloads = 0
    var reloadError: ReloadError?
    /// The metered streams' newest readings (the daemon's store keeps them ahead of the document).
    var audio: [String: [String: AudioStatus]] = [:]

    /// The snapshot the read routes are answered from on the event loop (as the daemon's);
    /// nil makes every route go through ``currentDocument()``.
    nonisolated let snapshot: DocumentSnapshot?
    /// The streams' histories, fed every document, on ``historyClock``.
    nonisolated let history: HistoryRecorder?
    /// The histories' clock: starts at the API tests' clock; tests move it.
    nonisolated let historyClock = Locked(apiTestNow)

    init(_ document: StateDocument = .apiSample(), snapshot: Bool = true) {
        self.document = document
        self.snapshot = snapshot ? DocumentSnapshot() : nil
        self.snapshot?.publish(document, changed: nil)
        let clock = historyClock
        history = HistoryRecorder(clock: { clock.value })
        history?.publish(document, changed: nil)
    }

    func currentDocument() -> StateDocument { document }

    func refresh(station: String?) -> Bool {
        guard station.map({ document.station($0) != nil }) ?? true else { return false }
        refreshed.append(station)
        return true
    }

    func reload() throws(ReloadError) {
        if let reloadError { throw reloadError }
        reloads += 1
    }

    func engineAlive() -> Bool { alive }

    func liveAudio() -> [String: [String: AudioStatus]] { audio }

    func set(_ document: StateDocument) {
        self.document = document
        snapshot?.publish(document, changed: nil)
        history?.publish(document, changed: nil)
    }
    func set(alive: Bool) { self.alive = alive }
    func set(audio: [String: [String: AudioStatus]]) { self.audio = audio }
    func set(reloadError: ReloadError?) { self.reloadError = reloadError }
}

/// 2026-11-27T14:03:11Z, the clock of every API test.
let apiTestNow = Date(timeIntervalSince1970: 1_795_788_191)

func apiDate(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0)
}

extension StateDocument {
    /// WVIA-FM on the air mid-program with a song; WVIA-HD2 off the air, its stream down and
    /// its source stale.
    static func apiSample(sequence: UInt64 = 1842) -> StateDocument {
        let seen = apiDate("2026-11-27T14:03:00Z")
        let program = ProgramValue(name: "Morning Edition", hosts: ["Steve Inskeep"], start: apiDate("2026-11-27T11:00:00Z"),
                                   end: apiDate("2026-11-27T15:00:00Z"), source: "composer", seenAt: seen)
        let song = SongValue(title: "Clair de Lune", artist: "Debussy", album: nil, start: apiDate("2026-11-27T14:01:00Z"),
                             duration: 300, source: "icy", seenAt: seen)
        let over = ProgramValue(name: "Ended Show", hosts: [], start: apiDate("2026-11-27T10:00:00Z"),
                                end: apiDate("2026-11-27T11:00:00Z"), source: "composer", seenAt: seen)
        let next = ProgramValue(name: "Here and Now", hosts: [], start: apiDate("2026-11-27T15:00:00Z"),
                                end: apiDate("2026-11-27T16:00:00Z"), source: "composer", seenAt: seen)
        let fm = StationState(
            id: "wvia-fm", name: "WVIA-FM", tagline: "89.9 FM", timezone: "America/New_York", onAir: true,
            now: NowState(program: program, song: song, text: "Debussy – Clair de Lune"),
            next: [over, next], recent: [],
            streams: [StreamStatus(id: "main", url: "http://example.invalid/main.mp3", mode: "follow", status: .up,
                                   contentType: "audio/mpeg", bitrate: 128, since: seen, checkedAt: seen)],
            sources: [SourceStatus(kind: "composer", url: "http://example.invalid/now", status: .ok, checkedAt: seen, okAt: seen)],
            changedAt: seen)
        let hd2 = StationState(
            id: "wvia-hd2", name: "WVIA-HD2", tagline: nil, timezone: "America/New_York", onAir: false,
            now: NowState(program: nil, song: nil, text: "WVIA-HD2"), next: [], recent: [],
            streams: [StreamStatus(id: "main", url: "http://example.invalid/hd2.mp3", mode: "probe", status: .down,
                                   checkedAt: seen, error: ErrorValue(kind: "connect", message: "refused", at: seen))],
            sources: [SourceStatus(kind: "triton", url: "http://example.invalid/np", status: .stale, checkedAt: seen,
                                   error: ErrorValue(kind: "timeout", message: "no answer", at: seen))],
            changedAt: seen)
        return StateDocument(sequence: sequence, updatedAt: seen, live: "wvia-fm", stations: [fm, hd2])
    }
}

let apiQuietLogger = Logger(label: "streamd.test.api") { _ in SwiftLogNoOpLogHandler() }

/// A temporary directory with a short path (Unix socket paths are limited to 107 bytes).
func makeAPISocketDirectory() throws -> String {
    var template = Array("/tmp/streamd-api-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed: \(String(cString: strerror(errno)))") }
    return String(cString: made)
}

/// A running API server on a Unix socket in a fresh directory, an engine to talk to it, and
/// the hub and backend behind it; all torn down after `body`.
struct APIFixture {
    let server: APIServer
    let backend: TestBackend
    let hub: EventHub
    let engine: CurlEngine
    let socketPath: String
    let directory: String

    /// `GET`s `path` over the socket with the engine.
    func request(_ path: String, headers: [(name: String, value: String)] = []) async throws -> HTTPResponse {
        try await engine.fetch(HTTPRequest(url: "http://streamd\(path)", headers: headers, totalTimeout: .seconds(10),
                                           acceptCompressed: false, unixSocketPath: socketPath))
    }

    /// Runs the curl binary against the socket.
    func curl(_ arguments: [String], timeout: Int = 10) async throws -> CurlResult {
        try await Curl.run(["--unix-socket", socketPath] + arguments, timeout: timeout)
    }

    /// The body of a JSON response as a dictionary.
    func json(_ response: HTTPResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(response.body))
        guard let dictionary = object as? [String: Any] else { throw TestFailure("not a JSON object: \(response.text)") }
        return dictionary
    }
}

func withAPIServer(limits: APILimits = APILimits(), document: StateDocument = .apiSample(), extraListeners: [APIListener] = [],
                   snapshot: Bool = true, _ body: (APIFixture) async throws -> Void) async throws {
    let directory = try makeAPISocketDirectory()
    let socketPath = directory + "/api.sock"
    let backend = TestBackend(document, snapshot: snapshot)
    let hub = EventHub()
    let engine = try CurlEngine()
    let server = try await APIServer.start(listeners: [.unix(path: socketPath)] + extraListeners, backend: backend, hub: hub,
                                           limits: limits, logger: apiQuietLogger, clock: { apiTestNow })
    let fixture = APIFixture(server: server, backend: backend, hub: hub, engine: engine, socketPath: socketPath,
                             directory: directory)
    do {
        try await body(fixture)
    } catch {
        await server.shutdown()
        engine.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
        throw error
    }
    await server.shutdown()
    engine.shutdown()
    try? FileManager.default.removeItem(atPath: directory)
}
