import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory for one daemon (its config, socket and state file), kept across
/// restarts of the daemon and removed by ``cleanup()``.
public final class DaemonSandbox: Sendable {
    /// The directory's path.
    public let directory: String

    /// Makes a fresh directory in /tmp.
    public init() throws {
        var template = Array("/tmp/sde2e-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
    }

    /// `DIR/streamd.sock`.
    public var socketPath: String { directory + "/streamd.sock" }
    /// `DIR/state.json`.
    public var stateFilePath: String { directory + "/state.json" }
    /// `DIR/streamd.toml`.
    public var configPath: String { directory + "/streamd.toml" }

    /// A one-station configuration ("test-fm", America/New_York) for this sandbox: its stream
    /// at `streamURL`, the socket and state file in the sandbox unless given, then `extra`
    /// (more TOML, e.g. a `[[station.source]]` table).
    public func oneStationConfig(streamURL: String, socket: String? = nil, stateFile: String? = nil,
                                 extra: String = "") -> String {
        """
        [daemon]
        socket = "\(socket ?? socketPath)"
        state_file = "\(stateFile ?? stateFilePath)"
        live = "test-fm"

        [[station]]
        id = "test-fm"
        name = "Test FM"
        timezone = "America/New_York"

          [[station.stream]]
          id = "main"
          url = "\(streamURL)"
        \(extra)
        """
    }

    /// Writes `text` to the config file (or `name` in the sandbox); returns its path.
    @discardableResult
    public func writeConfig(_ text: String, name: String = "streamd.toml") throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The files in the sandbox (names), hidden ones included.
    public func files() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// The state file's bytes as JSON, or nil when missing.
    public func stateDocument() throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: stateFilePath) else { return nil }
        guard let value = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestFailure("the state file is not a JSON object: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return value
    }

    public func cleanup() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// `streamd run --config FILE` as a process: started, awaited until its socket answers, stopped
/// with SIGTERM (exit 0 within 5 s expected) or SIGKILL; its standard error is collected. It runs
/// as a ``ChildProcess``, so it dies with the test process even when that one is killed. The
/// one daemon harness of every test target that runs the daemon.
public final class DaemonProcess: Sendable {
    /// The daemon's directory.
    public let sandbox: DaemonSandbox
    /// The socket it serves on.
    public let socketPath: String
    private let child: ChildProcess

    /// The daemon's process id.
    public var pid: Int32 { child.pid }
    /// What the daemon wrote on standard error (and standard output) so far.
    public var stderr: String { child.stderr + child.stdout }
    /// The exit status (nil while running); a death by signal N is 128 + N.
    public var exitStatus: Int32? { child.exitStatus }
    /// Whether it still runs.
    public var isRunning: Bool { exitStatus == nil }

    private init(sandbox: DaemonSandbox, socketPath: String, child: ChildProcess) {
        self.sandbox = sandbox
        self.socketPath = socketPath
        self.child = child
    }

    /// Starts `streamd run --config CONFIG ARGS` and waits until `GET /v1/health` answers on the
    /// socket (any status). The config file must already be in the sandbox. `environment` is
    /// added to the test's own (whose systemd variables are removed); `launcher` runs the daemon
    /// through another program (e.g. `systemd-socket-activate -l PATH --`).
    public static func start(_ sandbox: DaemonSandbox, config: String? = nil, socket: String? = nil, arguments: [String] = [],
                             environment extra: [String: String] = [:], launcher: [String] = [],
                             waitReady: Bool = true) async throws -> DaemonProcess {
        var environment = ProcessInfo.processInfo.environment
        for name in ["JOURNAL_STREAM", "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            environment.removeValue(forKey: name)
        }
        environment.merge(extra) { $1 }
        let command = [try StreamdProcess.requireBinary(), "run", "--config", config ?? sandbox.configPath] + arguments
        let child: ChildProcess
        if let tool = launcher.first {
            child = try await ChildProcess.start(tool, Array(launcher.dropFirst()) + command, name: "streamd",
                                                 environment: environment, directory: sandbox.directory)
        } else {
            child = try await ChildProcess.start(command[0], Array(command.dropFirst()), name: "streamd",
                                                 environment: environment, directory: sandbox.directory)
        }
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
    public func waitUntilReady(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus {
                throw TestFailure("streamd exited \(status) before its socket answered; stderr:\n\(stderr)")
            }
            if FileManager.default.fileExists(atPath: socketPath),
               (try? await SocketHTTP.request(socketPath, "GET", "/v1/health", timeout: 2)) != nil {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("streamd's socket \(socketPath) did not answer within \(timeout); stderr:\n\(stderr)")
    }

    /// Waits for the process to exit (its output read to the end); its status, or nil on timeout.
    public func waitForExit(timeout: Duration) async -> Int32? {
        await child.waitForExit(timeout: timeout)
    }

    /// Sends signal `number` while it runs.
    public func signal(_ number: Int32) { child.signal(number) }

    /// Sends SIGHUP (reload).
    public func hangup() { signal(SIGHUP) }

    /// Sends SIGKILL.
    public func kill9() { signal(SIGKILL) }

    /// SIGTERM, then waits up to `timeout`: the exit status and how long it took. A daemon
    /// still running after the timeout is killed (and nil returned).
    public func stop(timeout: Duration = .seconds(5)) async -> (status: Int32?, took: Duration) {
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
    public func terminate() async { await child.terminate() }

    /// Removes its output files (after the test read what it wanted).
    public func removeOutput() { child.removeOutput() }

    /// The most memory the process has held so far (`VmHWM` in `/proc/PID/status`), in KiB;
    /// nil once it has exited.
    public var peakResidentKiB: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
    }

    /// The end of what it printed, for failure messages.
    public func output(lastBytes: Int = 4000) -> String { child.output(lastBytes: lastBytes) }

    /// Waits until the daemon's stderr contains `text`.
    public func waitForLog(_ text: String, timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stderr.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return stderr.contains(text)
    }

    // MARK: Talking to it

    /// `GET path` on a fresh connection.
    public func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPAnswer {
        try await SocketHTTP.request(socketPath, "GET", path, headers: headers)
    }

    /// `POST path` on a fresh connection.
    public func post(_ path: String) async throws -> HTTPAnswer {
        try await SocketHTTP.request(socketPath, "POST", path)
    }

    /// `GET /v1/state` as JSON.
    public func state() async throws -> [String: Any] {
        let answer = try await get("/v1/state")
        guard answer.status == 200 else { throw TestFailure("/v1/state: \(answer)") }
        return try answer.object()
    }

    /// Polls `GET /v1/state` until `condition` holds; the document that satisfied it.
    @discardableResult
    public func waitForState(_ what: String, timeout: Duration = .seconds(10),
                      _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try await state()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("waited \(timeout) for \(what); last /v1/state: \(JSONText.compact(last).prefix(3000))\nstderr:\n\(stderr.suffix(3000))")
    }
}

/// Starts a daemon in a fresh sandbox with `config`, runs `body`, and always stops the daemon
/// and removes the sandbox (also when `body` throws, then with the daemon's last log lines).
public func withDaemon<T>(config: (DaemonSandbox) -> String, arguments: [String] = [],
                          environment: [String: String] = [:],
                          _ body: (DaemonProcess) async throws -> T) async throws -> T {
    let sandbox = try DaemonSandbox()
    defer { sandbox.cleanup() }
    try sandbox.writeConfig(config(sandbox))
    let daemon = try await DaemonProcess.start(sandbox, arguments: arguments, environment: environment)
    do {
        let result = try await body(daemon)
        await daemon.terminate()
        return result
    } catch {
        await daemon.terminate()
        throw TestFailure("\(error)\n--- streamd stderr (last lines) ---\n\(daemon.stderr.suffix(2000))")
    }
}

/// Runs `body` with a started loopback server and always shuts it down.
public func withLoopback<T>(_ body: (LoopbackServer) async throws -> T) async throws -> T {
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

/// JSON for failure messages.
public enum JSONText {
    /// `value` as compact JSON with sorted keys (or its description when it is not JSON).
    public static func compact(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
