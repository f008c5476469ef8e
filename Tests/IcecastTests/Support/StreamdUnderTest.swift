import Foundation
import StreamTestSupport

/// The real `streamd run --config FILE` (the test kit's ``DaemonProcess``), read only through
/// its Unix socket API: requests, and a recorder of every Server-Sent Event.
final class StreamdUnderTest: Sendable {
    let daemon: DaemonProcess
    let events: EventRecorder

    var socket: String { daemon.socketPath }
    var stateFile: String { daemon.sandbox.stateFilePath }

    /// Starts the daemon with `stations` (TOML `[[station]]` tables) and waits until its
    /// socket answers and the first snapshot arrived on the event stream.
    static func start(stations: String, logLevel: String = "info") async throws -> StreamdUnderTest {
        let sandbox = try DaemonSandbox()
        try sandbox.writeConfig("""
            [daemon]
            socket = "\(sandbox.socketPath)"
            state_file = "\(sandbox.stateFilePath)"
            log_level = "\(logLevel)"

            \(stations)
            """)
        let daemon: DaemonProcess
        do {
            daemon = try await DaemonProcess.start(sandbox)
        } catch {
            sandbox.cleanup()
            throw error
        }
        do {
            let recorder = EventRecorder(try SSESubscriber(socket: daemon.socketPath))
            let instance = StreamdUnderTest(daemon: daemon, events: recorder)
            try await eventually("the first event-stream snapshot", timeout: .seconds(10),
                                 detail: { daemon.output(lastBytes: 1500) }) { !recorder.stationIDs.isEmpty }
            return instance
        } catch {
            await daemon.terminate()
            sandbox.cleanup()
            throw error
        }
    }

    /// Runs `body` with a started daemon and stops it afterwards, also when `body` throws.
    static func with<T: Sendable>(stations: String, _ body: (StreamdUnderTest) async throws -> T) async throws -> T {
        let daemon = try await start(stations: stations)
        do {
            let result = try await body(daemon)
            await daemon.stop()
            return result
        } catch {
            await daemon.stop()
            throw error
        }
    }

    private init(daemon: DaemonProcess, events: EventRecorder) {
        self.daemon = daemon
        self.events = events
    }

    /// SIGTERM (the daemon finishes within seconds), SIGKILL if it does not; the event
    /// stream too; the directory is removed.
    func stop() async {
        events.stop()
        _ = await daemon.stop(timeout: .seconds(10))
        daemon.sandbox.cleanup()
    }

    /// The daemon's log so far (for failure messages).
    var log: String { daemon.output(lastBytes: 4000) }

    /// One request over the Unix socket: status and body.
    func request(_ method: String, _ path: String) async throws -> (status: Int, body: String) {
        let answer = try await SocketHTTP.request(socket, method, path)
        return (answer.status, answer.text)
    }

    /// `GET path` decoded as JSON.
    func getJSON(_ path: String) async throws -> [String: Any] {
        let (status, body) = try await request("GET", path)
        guard let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw TestFailure("GET \(path): HTTP \(status), not a JSON object: \(body.prefix(300))")
        }
        return json
    }

    /// `GET /v1/stations/{id}` as a station view.
    func station(_ id: String) async throws -> StationView {
        let (status, body) = try await request("GET", "/v1/stations/\(id)")
        guard status == 200 else { throw TestFailure("GET /v1/stations/\(id): HTTP \(status) \(body)") }
        return try StationView.decode(body)
    }
}

/// What the tests read from a station object (the state document's `stations[]`, the SSE
/// `station` events, `GET /v1/stations/{id}`).
struct StationView: Decodable, Sendable, Equatable, CustomStringConvertible {
    struct Song: Decodable, Sendable, Equatable {
        var title: String
        var artist: String?
        var album: String?
        var source: String
        var start: String?
    }
    struct Now: Decodable, Sendable, Equatable {
        var song: Song?
        var text: String
    }
    struct Failure: Decodable, Sendable, Equatable {
        var kind: String
        var message: String
        var httpStatus: Int?
    }
    struct Stream: Decodable, Sendable, Equatable {
        var id: String
        var mode: String
        var status: String
        var contentType: String?
        var error: Failure?
    }
    struct Source: Decodable, Sendable, Equatable {
        var kind: String
        var url: String
        var status: String
        var error: Failure?
    }

    var id: String
    var onAir: Bool
    var now: Now
    var streams: [Stream]
    var sources: [Source]

    /// The song as `artist|title` (`-|title` without artist), or nil: easy to compare.
    var songKey: String? { now.song.map { "\($0.artist ?? "-")|\($0.title)" } }

    static func decode(_ text: String) throws -> StationView {
        try JSONDecoder().decode(StationView.self, from: Data(text.utf8))
    }

    var description: String {
        let song = now.song.map { "\($0.artist.map { "\($0) / " } ?? "")\($0.title) [\($0.source)]" } ?? "no song"
        let streamText = streams.map { "\($0.id)=\($0.status)\($0.error.map { " (\($0.kind): \($0.message))" } ?? "")" }
        let sourceText = sources.map { "\($0.kind)=\($0.status)\($0.error.map { " (\($0.kind): \($0.message))" } ?? "")" }
        return "\(id): onAir=\(onAir) song=\(song) text=\(now.text.debugDescription) streams=\(streamText) sources=\(sourceText)"
    }
}

/// Every Server-Sent Event of `GET /v1/events` (read by the test kit's ``SSESubscriber``):
/// the snapshot's stations and each `station` event, in order, with when they arrived.
final class EventRecorder: Sendable {
    struct Entry: Sendable {
        var at: Date
        var monotonic: Double
        var station: StationView
    }

    private let subscriber: SSESubscriber
    /// Frames decoded so far, and what they gave.
    private let decoded = Locked<(frames: Int, entries: [Entry], problems: [String])>((0, [], []))

    init(_ subscriber: SSESubscriber) {
        self.subscriber = subscriber
    }

    func stop() {
        subscriber.close()
    }

    /// Decodes the frames that arrived since the last look.
    private func refresh() -> (entries: [Entry], problems: [String]) {
        let frames = subscriber.events
        return decoded.withLock { state in
            for frame in frames.dropFirst(state.frames) {
                let at = Date().addingTimeInterval(-seconds(ContinuousClock.now - frame.at))
                let monotonic = seconds(frame.at - monotonicOrigin)
                do {
                    var stations: [StationView] = []
                    if frame.event == "snapshot" {
                        struct Document: Decodable { var stations: [StationView] }
                        stations = try JSONDecoder().decode(Document.self, from: Data((frame.data ?? "").utf8)).stations
                    } else if frame.event == "station" {
                        stations = [try StationView.decode(frame.data ?? "")]
                    }
                    state.entries += stations.map { Entry(at: at, monotonic: monotonic, station: $0) }
                } catch {
                    state.problems.append("\(frame.event ?? "?"): \(error): \((frame.data ?? "").prefix(300))")
                }
            }
            state.frames = frames.count
            return (state.entries, state.problems)
        }
    }

    /// Events that could not be decoded (should stay empty).
    var problems: [String] { refresh().problems }

    var stationIDs: [String] { Array(Set(refresh().entries.map(\.station.id))) }

    /// The station as the last event showed it.
    func latest(_ id: String) -> StationView? { refresh().entries.last { $0.station.id == id }?.station }

    /// How many entries have arrived so far (a mark for `history(_:since:)`).
    var mark: Int { refresh().entries.count }

    /// The station's versions, in order, from entry `since` on.
    func history(_ id: String, since: Int = 0) -> [Entry] {
        let entries = refresh().entries
        return entries[min(since, entries.count)...].filter { $0.station.id == id }
    }

    /// Waits until the station's latest version satisfies `predicate`; returns it.
    @discardableResult
    func waitFor(_ id: String, _ what: String, timeout: Duration = .seconds(15),
                 _ predicate: @escaping (StationView) -> Bool) async throws -> StationView {
        try await eventually("\(id): \(what)", timeout: timeout, detail: { self.latest(id)?.description ?? "nothing" }) {
            self.latest(id).flatMap { predicate($0) ? $0 : nil }
        }
    }

    /// Waits until some version from entry `since` on satisfies `predicate`; returns the entry.
    @discardableResult
    func waitForEntry(_ id: String, since: Int, _ what: String, timeout: Duration = .seconds(15),
                      _ predicate: @escaping (StationView) -> Bool) async throws -> Entry {
        try await eventually("\(id): \(what)", timeout: timeout,
                             detail: { self.history(id, since: since).suffix(6).map(\.station.description).joined(separator: "\n    ") }) {
            self.history(id, since: since).first { predicate($0.station) }
        }
    }

    /// The distinct songs (`StationView.songKey`) the station showed from `since` on, with
    /// consecutive repeats and "no song" left out: the sequence a screen displayed.
    func songSequence(_ id: String, since: Int = 0) -> [String] {
        var sequence: [String] = []
        for entry in history(id, since: since) {
            guard let key = entry.station.songKey else { continue }
            if sequence.last != key { sequence.append(key) }
        }
        return sequence
    }
}

/// One-shot `streamd` commands (e.g. `probe`).
enum StreamdCommand {
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> ToolResult {
        try await StreamdProcess.run(arguments, timeout: timeout)
    }
}
