import Foundation
import StreamTestSupport
import Synchronization
import Testing

/// The repository (or scratch package) root, found from this file's path.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // StreamDaemonTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// A fixture of Tests/Fixtures, as text.
    static func fixture(_ relative: String) throws -> String {
        let path = path("Tests/Fixtures/" + relative)
        guard let data = FileManager.default.contents(atPath: path) else { throw E2EFailure("fixture missing: \(path)") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A temporary directory for one daemon (its config, socket and state file), kept across
/// restarts of the daemon and removed by ``cleanup()``.
final class DaemonSandbox: Sendable {
    let directory: String

    init() throws {
        var template = Array("/tmp/sde2e-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw E2EFailure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
    }

    var socketPath: String { directory + "/streamd.sock" }
    var stateFilePath: String { directory + "/state.json" }
    var configPath: String { directory + "/streamd.toml" }

    /// Writes `text` to the config file (or `name` in the sandbox); returns its path.
    @discardableResult
    func writeConfig(_ text: String, name: String = "streamd.toml") throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The files in the sandbox (names), hidden ones included.
    func files() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// The state file's bytes as JSON, or nil when missing.
    func stateDocument() throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: stateFilePath) else { return nil }
        guard let value = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw E2EFailure("the state file is not a JSON object: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return value
    }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// `streamd run --config FILE` as a process: started, awaited until its socket answers, stopped
/// with SIGTERM (exit 0 within 5 s expected) or SIGKILL; its standard error is collected. It runs
/// as a ``GuardedChild``, so it dies with the test process even when that one is killed.
final class DaemonProcess: Sendable {
    let sandbox: DaemonSandbox
    let socketPath: String
    private let child: GuardedChild

    /// The daemon's process id.
    var pid: Int32 { child.pid }
    /// What the daemon wrote on standard error (and standard output) so far.
    var stderr: String { child.stderr + child.stdout }
    /// The exit status (nil while running); a death by signal N is 128 + N.
    var exitStatus: Int32? { child.exitStatus }
    var isRunning: Bool { exitStatus == nil }

    private init(sandbox: DaemonSandbox, socketPath: String, child: GuardedChild) {
        self.sandbox = sandbox
        self.socketPath = socketPath
        self.child = child
    }

    /// Starts `streamd run --config CONFIG ARGS` and waits until `GET /v1/health` answers on the
    /// socket (any status). The config file must already be in the sandbox.
    static func start(_ sandbox: DaemonSandbox, config: String? = nil, socket: String? = nil, arguments: [String] = [],
                      waitReady: Bool = true) async throws -> DaemonProcess {
        var environment = ProcessInfo.processInfo.environment
        for name in ["JOURNAL_STREAM", "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC"] {
            environment.removeValue(forKey: name)
        }
        let child = try await GuardedChild.start(streamd: ["run", "--config", config ?? sandbox.configPath] + arguments,
                                                 environment: environment, directory: sandbox.directory)
        let daemon = DaemonProcess(sandbox: sandbox, socketPath: socket ?? sandbox.socketPath, child: child)
        if waitReady {
            do {
                try await daemon.waitUntilReady()
            } catch {
                await daemon.terminate()
                throw error
            }
        }
        return daemon
    }

    /// Polls `GET /v1/health` until the socket answers; fails when the daemon exits first.
    func waitUntilReady(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus {
                throw E2EFailure("streamd exited \(status) before its socket answered; stderr:\n\(stderr)")
            }
            if FileManager.default.fileExists(atPath: socketPath),
               (try? await SocketHTTP.request(socketPath, "GET", "/v1/health", timeout: 2)) != nil {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EFailure("streamd's socket \(socketPath) did not answer within \(timeout); stderr:\n\(stderr)")
    }

    /// Waits for the process to exit (its output read to the end); its status, or nil on timeout.
    func waitForExit(timeout: Duration) async -> Int32? {
        await child.waitForExit(timeout: timeout)
    }

    func signal(_ number: Int32) { child.signal(number) }

    /// Sends SIGHUP (reload).
    func hangup() { signal(SIGHUP) }

    /// Sends SIGKILL.
    func kill9() { signal(SIGKILL) }

    /// SIGTERM, then waits up to `timeout`: the exit status and how long it took. A daemon
    /// still running after the timeout is killed (and nil returned).
    func stop(timeout: Duration = .seconds(5)) async -> (status: Int32?, took: Duration) {
        let started = ContinuousClock.now
        signal(SIGTERM)
        let status = await waitForExit(timeout: timeout)
        let took = ContinuousClock.now - started
        if status == nil {
            kill9()
            _ = await waitForExit(timeout: .seconds(5))
        }
        return (status, took)
    }

    /// Kills the process (if it still runs) and waits for it: for cleanup on every path.
    func terminate() async { await child.terminate() }

    /// Waits until the daemon's stderr contains `text`.
    func waitForLog(_ text: String, timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stderr.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return stderr.contains(text)
    }

    // MARK: Talking to it

    func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPAnswer {
        try await SocketHTTP.request(socketPath, "GET", path, headers: headers)
    }

    func post(_ path: String) async throws -> HTTPAnswer {
        try await SocketHTTP.request(socketPath, "POST", path)
    }

    /// `GET /v1/state` as JSON.
    func state() async throws -> [String: Any] {
        let answer = try await get("/v1/state")
        guard answer.status == 200 else { throw E2EFailure("/v1/state: \(answer)") }
        return try answer.object()
    }

    /// Polls `GET /v1/state` until `condition` holds; the document that satisfied it.
    @discardableResult
    func waitForState(_ what: String, timeout: Duration = .seconds(10),
                      _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try await state()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EFailure("waited \(timeout) for \(what); last /v1/state: \(JSONText.compact(last).prefix(3000))\nstderr:\n\(stderr.suffix(3000))")
    }
}

/// Starts a daemon in a fresh sandbox with `config`, runs `body`, and always stops the daemon
/// and removes the sandbox (also when `body` throws).
func withDaemon<T>(config: (DaemonSandbox) -> String, arguments: [String] = [],
                   _ body: (DaemonProcess) async throws -> T) async throws -> T {
    let sandbox = try DaemonSandbox()
    defer { sandbox.cleanup() }
    try sandbox.writeConfig(config(sandbox))
    let daemon = try await DaemonProcess.start(sandbox, arguments: arguments)
    do {
        let result = try await body(daemon)
        await daemon.terminate()
        return result
    } catch {
        await daemon.terminate()
        throw E2EFailure("\(error)\n--- streamd stderr (last lines) ---\n\(daemon.stderr.suffix(2000))")
    }
}

/// Runs `body` with a started loopback server and always shuts it down.
func withLoopback<T>(_ body: (LoopbackServer) async throws -> T) async throws -> T {
    let server = try await LoopbackServer.start()
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

// MARK: The station the tests watch

/// A station served by the in-process loopback server: an ICY stream with a settable title,
/// a Triton now-playing XML route and a Composer `now` (and `day`) route whose program runs
/// from 5 minutes ago to 20 minutes from now (so `elapsed`/`remaining` print as m:ss).
final class LoopbackStation: Sendable {
    let server: LoopbackServer
    let id: String
    let name: String
    let programStart: Date
    let programEnd: Date
    static let programName = "Morning Edition"
    static let nextName = "Here and Now"

    var streamPath: String { "/\(id)/live" }
    var tritonPath: String { "/\(id)/triton" }
    var composerPath: String { "/\(id)/composer/now" }
    var composerDayPath: String { "/\(id)/composer/day" }

    /// Sets up the routes. `metaint` small makes titles arrive fast.
    init(server: LoopbackServer, id: String = "loop-fm", name: String = "Loopback FM", metaint: Int = 1000,
         bytesPerSecond: Int = 16000, title: String = "Bonobo - Kerala") throws {
        self.server = server
        self.id = id
        self.name = name
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        programStart = Date(timeIntervalSince1970: minute - 5 * 60)
        programEnd = Date(timeIntervalSince1970: minute + 20 * 60)
        server.route(streamPath, .icyStream(metaint: metaint, bytesPerSecond: bytesPerSecond,
                                            extraHeaders: [("icy-name", name), ("icy-br", "128")]))
        server.setTitle(title, for: streamPath)
        server.route(tritonPath, .ok(try Repo.fixture("triton/triton_nowplaying_WBOSFMAAC_1item.xml"), contentType: "text/xml"))
        server.route(composerPath, .ok(composerNow(), contentType: "application/json"))
        server.route(composerDayPath, .ok(#"{"onToday":[]}"#, contentType: "application/json"))
    }

    /// Sets the ICY title the stream sends from its next metadata block on.
    func setTitle(_ title: String) { server.setTitle(title, for: streamPath) }

    /// Makes every route of the station wait `delay` before answering (the stream included),
    /// so a daemon started now has nothing fresh to report for that long.
    func answerAfter(_ delay: Duration, metaint: Int = 1000) throws {
        var stream = LoopbackRoute.icyStream(metaint: metaint, extraHeaders: [("icy-name", name), ("icy-br", "128")])
        stream.headDelay = delay
        server.route(streamPath, stream)
        var triton = LoopbackRoute.ok(try Repo.fixture("triton/triton_nowplaying_WBOSFMAAC_1item.xml"), contentType: "text/xml")
        triton.headDelay = delay
        server.route(tritonPath, triton)
        var composer = LoopbackRoute.ok(composerNow(), contentType: "application/json")
        composer.headDelay = delay
        server.route(composerPath, composer)
    }

    /// Requests the loopback server got for the stream (one per connection).
    var streamConnections: Int { server.requests(to: streamPath).count }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    private func composerNow() -> String {
        let nextEnd = programEnd.addingTimeInterval(3600)
        return """
            {"onNow":{"program":{"name":"\(Self.programName)","hosts":[{"name":"Steve Inskeep"}]},\
            "start_time":"\(Self.clock(programStart))","end_time":"\(Self.clock(programEnd))"},\
            "nextUp":[{"program":{"name":"\(Self.nextName)","hosts":[]},\
            "start_time":"\(Self.clock(programEnd))","end_time":"\(Self.clock(nextEnd))"}]}
            """
    }

    /// The `[[station]]` table for this station.
    func toml(interval: String = "1s", tagline: String? = "99.9 Loopback") -> String {
        """

        [[station]]
        id = "\(id)"
        name = "\(name)"
        \(tagline.map { "tagline = \"\($0)\"" } ?? "")
        timezone = "UTC"

          [[station.stream]]
          id = "main"
          url = "\(server.url(streamPath))"
          mode = "follow"

          [[station.source]]
          kind = "triton"
          url = "\(server.url(tritonPath))"
          interval = "\(interval)"

          [[station.source]]
          kind = "composer"
          url = "\(server.url(composerPath))"
          interval = "\(interval)"

        """
    }

    /// A whole configuration: `[daemon]` with the sandbox's socket and state file, then `stations`.
    static func config(_ sandbox: DaemonSandbox, _ stations: [LoopbackStation], interval: String = "1s",
                       live: String? = nil) -> String {
        var text = """
            [daemon]
            socket = "\(sandbox.socketPath)"
            state_file = "\(sandbox.stateFilePath)"
            log_level = "info"

            """
        if let live { text += "live = \"\(live)\"\n" }
        for station in stations { text += station.toml(interval: interval) }
        return text
    }
}

/// Changes a station's ICY title every `every` until cancelled: heavy change for the tests.
final class TitleChanger: Sendable {
    private let task: Task<Void, Never>
    private let count = Locked(0)

    init(_ station: LoopbackStation, every: Duration = .milliseconds(50), prefix: String = "Artist") {
        let count = self.count
        task = Task {
            var i = 0
            while !Task.isCancelled {
                i += 1
                station.setTitle("\(prefix) \(i) - Song number \(i)")
                count.withLock { $0 = i }
                try? await Task.sleep(for: every)
            }
        }
    }

    /// How many titles were set.
    var titles: Int { count.withLock { $0 } }

    func stop() async {
        task.cancel()
        await task.value
    }
}

// MARK: JSON helpers

enum JSONText {
    static func compact(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Dictionary where Key == String, Value == Any {
    /// `sequence` as an integer.
    var sequence: Int? { (self["sequence"] as? NSNumber)?.intValue }

    /// The station object with `id` in a state document.
    func station(_ id: String) -> [String: Any]? {
        (self["stations"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// `now.song.title` of a station object.
    var songTitle: String? { ((self["now"] as? [String: Any])?["song"] as? [String: Any])?["title"] as? String }
    /// `now.song.artist` of a station object.
    var songArtist: String? { ((self["now"] as? [String: Any])?["song"] as? [String: Any])?["artist"] as? String }
    /// `now.program.name` of a station object.
    var programName: String? { ((self["now"] as? [String: Any])?["program"] as? [String: Any])?["name"] as? String }

    /// The first stream's status of a station object.
    var streamStatus: String? { (self["streams"] as? [[String: Any]])?.first?["status"] as? String }

    /// True when every source of a station object is `ok`.
    var sourcesOK: Bool {
        guard let sources = self["sources"] as? [[String: Any]], !sources.isEmpty else { return false }
        return sources.allSatisfy { $0["status"] as? String == "ok" }
    }

    /// `now.song.source` of a station object.
    var songSource: String? { ((self["now"] as? [String: Any])?["song"] as? [String: Any])?["source"] as? String }

    /// The station is fully up: stream up, sources ok, program known, and the song from the
    /// stream's own metadata (not the Triton fixture's older item).
    var settled: Bool {
        streamStatus == "up" && sourcesOK && programName != nil && songSource == "icy"
    }
}

// MARK: The schema check

enum StateSchema {
    /// Validates the JSON file at `path` against docs/state.schema.json with
    /// scripts/validate-state.py; returns the validator's complaints (empty when valid).
    static func problems(_ path: String) async throws -> String? {
        let result = try await runTool("/usr/bin/env", ["python3", Repo.path("scripts/validate-state.py"),
                                                        Repo.path("docs/state.schema.json"), path],
                                       directory: Repo.root.path)
        if result.status == 0 { return nil }
        if result.stderr.contains("jsonschema") && result.stderr.contains("missing") || result.status == 127 {
            throw E2EFailure("the schema check needs python3 with the 'jsonschema' package (apt-get install python3 python3-jsonschema; make test installs it): \(result.stderr)")
        }
        return result.stdout + result.stderr
    }

    /// Validates a document given as bytes (written to a temporary file first).
    static func problems(bytes: [UInt8]) async throws -> String? {
        let path = NSTemporaryDirectory() + "sde2e-doc-\(UUID().uuidString).json"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await problems(path)
    }
}

// MARK: Running short-lived processes

/// What a finished process printed and how it exited.
struct ToolResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable args` to completion on threads of their own (killed after `timeout`).
func runTool(_ executable: String, _ arguments: [String], directory: String? = nil,
             timeout: TimeInterval = 60) async throws -> ToolResult {
    try await offPool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errorData = Locked(Data())
        let errorDone = DispatchSemaphore(value: 0)
        Thread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errorData.withLock { $0 = data }
            errorDone.signal()
        }.start()
        let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errorDone.wait()
        process.waitUntilExit()
        killer.cancel()
        return ToolResult(status: process.terminationStatus,
                          stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
    }
}

/// Runs `streamd ARGS` to completion (the client commands, check-config).
func runStreamd(_ arguments: [String], timeout: TimeInterval = 30) async throws -> ToolResult {
    let binary = StreamdProcess.binary
    guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw E2EFailure("streamd binary not found at \(binary.path): run `swift build` first (make test does)") }
    return try await runTool(binary.path, arguments, timeout: timeout)
}

/// A long-running `streamd` client (e.g. `watch`): started, its output collected, stopped.
final class StreamdClientProcess: Sendable {
    private let child: GuardedChild

    init(_ arguments: [String]) async throws {
        child = try await GuardedChild.start(streamd: arguments)
    }

    var stdout: String { child.stdout }
    var stderr: String { child.stderr }
    var exitStatus: Int32? { child.exitStatus }

    /// The complete lines printed so far.
    var lines: [String] {
        var lines = stdout.components(separatedBy: "\n")
        lines.removeLast()  // the unfinished rest (empty after a final newline)
        return lines
    }

    /// Waits until the printed lines satisfy `condition`.
    @discardableResult
    func wait(timeout: Duration, until condition: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(lines) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(lines)
    }

    /// SIGTERM, then SIGKILL if it lingers; waits for the exit.
    func stop() async {
        child.signal(SIGTERM)
        if await child.waitForExit(timeout: .seconds(3)) == nil { await child.terminate() }
    }
}

/// A child process that cannot outlive the test process. Beside it runs a tiny `/bin/sh`
/// watcher whose standard input is a pipe only the test process holds: when the test process
/// ends (even by SIGKILL, a crash or a closed output pipe) the pipe closes and the watcher kills
/// the child, so no daemon is ever left running. When the child ends normally the watcher is
/// killed first.
final class GuardedChild: @unchecked Sendable {
    private let process: Process
    private let watcher: Process
    private let keepalive: Pipe
    private let out = Locked<[UInt8]>([])
    private let err = Locked<[UInt8]>([])
    private let exit = Locked<Int32?>(nil)
    /// How many of the two output pipes reached end of file.
    private let drained = Locked(0)

    private init(process: Process, watcher: Process, keepalive: Pipe) {
        self.process = process
        self.watcher = watcher
        self.keepalive = keepalive
    }

    /// Starts the `streamd` binary with `arguments`.
    static func start(streamd arguments: [String], environment: [String: String]? = nil,
                      directory: String? = nil) async throws -> GuardedChild {
        let binary = StreamdProcess.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw E2EFailure("streamd binary not found at \(binary.path): run `swift build` first (make test does)")
        }
        return try start(binary.path, arguments, environment: environment, directory: directory)
    }

    /// Starts `executable arguments` and its watcher.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                      directory: String? = nil) throws -> GuardedChild {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        let outPipe = Pipe(), errPipe = Pipe(), keepalive = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/bin/sh")
        watcher.standardInput = keepalive
        watcher.standardOutput = FileHandle.nullDevice
        watcher.standardError = FileHandle.nullDevice
        let child = GuardedChild(process: process, watcher: watcher, keepalive: keepalive)
        let drained = child.drained
        for (pipe, sink) in [(outPipe, child.out), (errPipe, child.err)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    drained.withLock { $0 += 1 }
                } else {
                    sink.withLock { $0 += data }
                }
            }
        }
        let exit = child.exit
        process.terminationHandler = { p in
            // The child is gone: stop its watcher before anything could reuse the pid.
            if watcher.isRunning { kill(watcher.processIdentifier, SIGKILL) }
            try? keepalive.fileHandleForWriting.close()
            exit.withLock { $0 = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus }
        }
        try process.run()
        let pid = process.processIdentifier
        // Kill the child when our end of the pipe closes, if it is still a streamd process.
        watcher.arguments = ["-c", "read -r _; grep -q streamd /proc/\(pid)/cmdline 2>/dev/null && kill -9 \(pid)"]
        do {
            try watcher.run()
        } catch {
            kill(pid, SIGKILL)
            throw E2EFailure("cannot start the watcher for \(executable): \(error)")
        }
        return child
    }

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }
    var stdout: String { String(decoding: out.value, as: UTF8.self) }
    var stderr: String { String(decoding: err.value, as: UTF8.self) }
    /// The exit status (nil while running); 128 + N for a death by signal N.
    var exitStatus: Int32? { exit.value }

    /// Sends `number` to the child while it runs.
    func signal(_ number: Int32) {
        if exitStatus == nil { kill(process.processIdentifier, number) }
    }

    /// Waits for the exit (and for its output to be read to the end); its status, or nil on
    /// timeout.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while exitStatus == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard let status = exitStatus else { return nil }
        let drainDeadline = ContinuousClock.now + .seconds(2)
        while drained.value < 2, ContinuousClock.now < drainDeadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return status
    }

    /// Kills the child if it still runs and waits for it.
    func terminate() async {
        if exitStatus == nil {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
    }
}
