import Foundation
import StreamTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The real `streamd run --config FILE` as a child process, read only through its Unix
/// socket API (`curl --unix-socket`): requests, and a recorder of every Server-Sent Event.
final class StreamdUnderTest: @unchecked Sendable {
    let directory: URL
    let socket: String
    let stateFile: String
    let config: URL
    let daemon: ChildProcess
    let events: EventRecorder
    let curl: String

    /// Starts the daemon with `stations` (TOML `[[station]]` tables) and waits until its
    /// socket answers and the first snapshot arrived on the event stream.
    static func start(stations: String, logLevel: String = "info") async throws -> StreamdUnderTest {
        let binary = StreamdProcess.binary.path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("streamd binary not found at \(binary): run `swift build` first (make test does)")
        }
        let curl: String
        do { curl = try IcecastHarness.requireTool("curl") } catch {
            throw HarnessError("curl is not installed: apt-get install curl (scripts/install-deps.sh does)")
        }
        var template = Array("/tmp/streamd-it.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed: errno \(errno)")
        }
        let directory = URL(fileURLWithPath: String(cString: made))
        let socket = directory.appendingPathComponent("streamd.sock").path
        let stateFile = directory.appendingPathComponent("state.json").path
        let config = directory.appendingPathComponent("streamd.toml")
        let toml = """
            [daemon]
            socket = "\(socket)"
            state_file = "\(stateFile)"
            log_level = "\(logLevel)"

            \(stations)
            """
        try toml.write(to: config, atomically: true, encoding: .utf8)
        let daemon: ChildProcess
        do {
            daemon = try ChildProcess(name: "streamd", executable: binary, arguments: ["run", "--config", config.path],
                                      log: directory.appendingPathComponent("streamd.log"))
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let recorder = EventRecorder()
        let instance = StreamdUnderTest(directory: directory, socket: socket, stateFile: stateFile, config: config,
                                        daemon: daemon, events: recorder, curl: curl)
        do {
            try await instance.waitUntilServing()
            try recorder.start(curl: curl, socket: socket, log: directory.appendingPathComponent("events.curl.log"))
            try await eventually("the first event-stream snapshot", timeout: .seconds(10),
                                 detail: { instance.daemon.output(lastBytes: 1500) }) { recorder.stationIDs.isEmpty ? nil : true }
            return instance
        } catch {
            await instance.stop()
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

    private init(directory: URL, socket: String, stateFile: String, config: URL, daemon: ChildProcess,
                 events: EventRecorder, curl: String) {
        self.directory = directory
        self.socket = socket
        self.stateFile = stateFile
        self.config = config
        self.daemon = daemon
        self.events = events
        self.curl = curl
    }

    private func waitUntilServing() async throws {
        try await eventually("streamd to answer on \(socket)", timeout: .seconds(20), every: .milliseconds(100),
                             detail: { self.daemon.output(lastBytes: 2000) }) { () -> Bool? in
            if let status = daemon.exited {
                throw HarnessError("streamd exited with status \(status) at start:\n\(daemon.output(lastBytes: 3000))")
            }
            guard FileManager.default.fileExists(atPath: socket) else { return nil }
            let health = try? await request("GET", "/v1/health")
            return health.map { $0.status > 0 } == true ? true : nil
        }
    }

    /// SIGTERM (the daemon finishes within seconds), SIGKILL if it does not; the event
    /// stream's curl too; the directory is removed.
    func stop() async {
        await events.stop()
        await daemon.stop(grace: .seconds(10))
        try? FileManager.default.removeItem(at: directory)
    }

    /// The daemon's log so far (for failure messages).
    var log: String { daemon.output(lastBytes: 4000) }

    /// One request over the Unix socket: status and body.
    func request(_ method: String, _ path: String) async throws -> (status: Int, body: String) {
        let output = directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(8)).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let body = directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(8)).body")
        defer { try? FileManager.default.removeItem(at: body) }
        let process = try ChildProcess(name: "curl", executable: curl,
                                       arguments: ["-s", "-X", method, "--max-time", "10", "--unix-socket", socket,
                                                   "-o", body.path, "-w", "%{http_code}", "http://streamd\(path)"],
                                       log: output)
        guard let exit = await process.waitForExit(timeout: .seconds(15)) else {
            await process.stop()
            throw HarnessError("curl \(method) \(path) did not finish")
        }
        let code = Int(process.output().trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        guard exit == 0 || code > 0 else { throw HarnessError("curl \(method) \(path) failed with exit \(exit)") }
        let text = (try? String(contentsOf: body, encoding: .utf8)) ?? ""
        return (code, text)
    }

    /// `GET path` decoded as JSON.
    func getJSON(_ path: String) async throws -> [String: Any] {
        let (status, body) = try await request("GET", path)
        guard let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw HarnessError("GET \(path): HTTP \(status), not a JSON object: \(body.prefix(300))")
        }
        return json
    }

    /// `GET /v1/stations/{id}` as a station view.
    func station(_ id: String) async throws -> StationView {
        let (status, body) = try await request("GET", "/v1/stations/\(id)")
        guard status == 200 else { throw HarnessError("GET /v1/stations/\(id): HTTP \(status) \(body)") }
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

/// Records every Server-Sent Event of `GET /v1/events` (read by `curl -N` on a thread of its
/// own): the snapshot's stations and each `station` event, in order, with when they arrived.
final class EventRecorder: @unchecked Sendable {
    struct Entry: Sendable {
        var at: Date
        var monotonic: Double
        var station: StationView
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private var latest: [String: StationView] = [:]
    private var decodeErrors: [String] = []
    private var process: ChildProcess?

    func start(curl: String, socket: String, log: URL) throws {
        let pipe = Pipe()
        let process = try ChildProcess(name: "curl-events", executable: curl,
                                       arguments: ["-sN", "--unix-socket", socket, "http://streamd/v1/events"],
                                       log: log, standardOutput: pipe.fileHandleForWriting)
        try? pipe.fileHandleForWriting.close()
        lock.withLock { self.process = process }
        let reader = pipe.fileHandleForReading
        let thread = Thread { [self] in
            var pending = [UInt8]()
            var data: [String] = []
            var event = "message"
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending += chunk
                while let newline = pending.firstIndex(of: 10) {
                    var line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    if line.hasSuffix("\r") { line.removeLast() }
                    if line.isEmpty {
                        if !data.isEmpty { handle(event: event, data: data.joined(separator: "\n")) }
                        data = []
                        event = "message"
                    } else if line.hasPrefix("data:") {
                        data.append(String(line.dropFirst(5)).trimmingPrefixSpace())
                    } else if line.hasPrefix("event:") {
                        event = String(line.dropFirst(6)).trimmingPrefixSpace()
                    }
                }
            }
            try? reader.close()
        }
        thread.name = "sse reader"
        thread.start()
    }

    private func handle(event: String, data: String) {
        let now = Date()
        let monotonic = monotonicNow()
        do {
            var stations: [StationView] = []
            if event == "snapshot" {
                struct Document: Decodable { var stations: [StationView] }
                stations = try JSONDecoder().decode(Document.self, from: Data(data.utf8)).stations
            } else if event == "station" {
                stations = [try StationView.decode(data)]
            }
            lock.withLock {
                for station in stations {
                    entries.append(Entry(at: now, monotonic: monotonic, station: station))
                    latest[station.id] = station
                }
            }
        } catch {
            lock.withLock { decodeErrors.append("\(event): \(error): \(data.prefix(300))") }
        }
    }

    func stop() async {
        if let process = lock.withLock({ self.process }) { await process.stop() }
    }

    /// Events that could not be decoded (should stay empty).
    var problems: [String] { lock.withLock { decodeErrors } }

    var stationIDs: [String] { lock.withLock { Array(latest.keys) } }

    /// The station as the last event showed it.
    func latest(_ id: String) -> StationView? { lock.withLock { latest[id] } }

    /// How many entries have arrived so far (a mark for `history(_:since:)`).
    var mark: Int { lock.withLock { entries.count } }

    /// The station's versions, in order, from entry `since` on.
    func history(_ id: String, since: Int = 0) -> [Entry] {
        lock.withLock { entries[min(since, entries.count)...].filter { $0.station.id == id } }
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

extension String {
    /// Without one leading space (SSE: `data: x` carries `x`).
    fileprivate func trimmingPrefixSpace() -> String {
        hasPrefix(" ") ? String(dropFirst()) : self
    }
}

/// One-shot `streamd` commands (e.g. `probe`), waited for off the concurrency pool.
enum StreamdCommand {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Result {
        let binary = StreamdProcess.binary.path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("streamd binary not found at \(binary): run `swift build` first (make test does)")
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("streamd-cmd-\(UUID().uuidString.prefix(8))")
        let outURL = URL(fileURLWithPath: base.path + ".out")
        let errURL = URL(fileURLWithPath: base.path + ".err")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let process = try ChildProcess(name: "streamd \(arguments.first ?? "")", executable: binary, arguments: arguments,
                                       log: errURL, standardOutput: out)
        try? out.close()
        guard let status = await process.waitForExit(timeout: timeout) else {
            await process.stop()
            throw HarnessError("streamd \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return Result(status: status,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
