import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A process a test started (streamd, Icecast, ffmpeg, curl, Chromium, tmux): the one process
/// launcher of the test kit.
///
/// It is launched with swift-subprocess, which gives the child an empty signal mask and default
/// handlers (so it hears SIGTERM even when started from a Swift concurrency thread). Standard
/// output and error go to files, read on demand: a child that leaves a daemon behind holding
/// them (tmux starts its server) never keeps a test waiting for an end of file. Its exit is
/// awaited without blocking a pool thread.
///
/// It cannot outlive the test process: beside it runs a tiny `/bin/sh` guard whose standard
/// input is a pipe only this process holds. When the test process ends (even by SIGKILL or a
/// crash) the pipe closes and the guard kills the child, so no daemon is ever left running.
public final class ChildProcess: Sendable {
    /// A short name for messages, e.g. `streamd` or `ffmpeg /live.mp3`.
    public let name: String
    /// The child's process id.
    public let pid: Int32
    /// Where its standard output and error go.
    public let outputFiles: (stdout: String, stderr: String)
    private let status = Locked<Int32?>(nil)
    private let guardPipe = Locked<Int32?>(nil)

    private init(name: String, pid: Int32, outputFiles: (stdout: String, stderr: String)) {
        self.name = name
        self.pid = pid
        self.outputFiles = outputFiles
    }

    /// Starts `executable arguments`. `environment` replaces the inherited one when given;
    /// `extraEnvironment` is added to it (or to the inherited one).
    public static func start(_ executable: String, _ arguments: [String], name: String? = nil,
                             environment: [String: String]? = nil, extraEnvironment: [String: String] = [:],
                             directory: String? = nil) async throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestFailure("\(executable) is not an executable file")
        }
        let label = name ?? URL(fileURLWithPath: executable).lastPathComponent
        var variables = environment ?? ProcessInfo.processInfo.environment
        variables.merge(extraEnvironment) { $1 }
        let keys = Dictionary(variables.compactMap { key, value in Environment.Key(rawValue: key).map { ($0, value) } },
                              uniquingKeysWith: { $1 })
        let files = try outputFiles(for: label)
        let outFD = open(files.stdout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let errFD = open(files.stderr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard outFD >= 0, errFD >= 0 else { throw TestFailure("cannot create the output files of \(label)") }
        let started = Locked<CheckedContinuation<ChildProcess, any Error>?>(nil)
        @Sendable func take() -> CheckedContinuation<ChildProcess, any Error>? {
            started.withLock { continuation in
                defer { continuation = nil }
                return continuation
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            started.withLock { $0 = continuation }
            Task.detached {
                let child = Locked<ChildProcess?>(nil)
                do {
                    let result = try await Subprocess.run(
                        .path(FilePath(executable)), arguments: Arguments(arguments), environment: .custom(keys),
                        workingDirectory: directory.map { FilePath($0) }, input: .none,
                        output: .fileDescriptor(FileDescriptor(rawValue: outFD), closeAfterSpawningProcess: true),
                        error: .fileDescriptor(FileDescriptor(rawValue: errFD), closeAfterSpawningProcess: true)
                    ) { execution in
                        let process = ChildProcess(name: label, pid: execution.processIdentifier.value, outputFiles: files)
                        child.withLock { $0 = process }
                        process.startGuard(executable: executable)
                        take()?.resume(returning: process)
                    }
                    switch result.terminationStatus {
                    case .exited(let value): child.value?.finish(value)
                    case .signaled(let signal): child.value?.finish(128 + signal)
                    }
                } catch {
                    if let continuation = take() {
                        continuation.resume(throwing: TestFailure("cannot start \(executable): \(error)"))
                    } else {
                        child.value?.finish(-1)
                    }
                }
            }
        }
    }

    /// Starts `executable arguments` with extra descriptors mapped into the child (`(ours,
    /// theirs)`, e.g. Chromium's `--remote-debugging-pipe` on 3 and 4), optionally leading a
    /// process group of its own. swift-subprocess cannot map descriptors, so this one path uses
    /// `posix_spawn` itself (with the same clean signal mask and default handlers).
    public static func start(_ executable: String, _ arguments: [String], name: String? = nil,
                             extraEnvironment: [String: String] = [:], descriptors: [(Int32, Int32)],
                             newGroup: Bool = false) throws -> ChildProcess {
        let label = name ?? URL(fileURLWithPath: executable).lastPathComponent
        let files = try outputFiles(for: label)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, files.stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, files.stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        for (ours, theirs) in descriptors { posix_spawn_file_actions_adddup2(&actions, ours, theirs) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(result)))") }
        let child = ChildProcess(name: label, pid: pid, outputFiles: files)
        child.startGuard(executable: executable)
        let spawned = pid
        let thread = Thread {
            var raw: Int32 = 0
            while waitpid(spawned, &raw, 0) < 0 && errno == EINTR {}
            let signal = raw & 0x7F
            child.finish(signal == 0 ? (raw >> 8) & 0xFF : 128 + signal)
        }
        thread.name = "wait \(label)"
        thread.start()
        return child
    }

    private static func outputFiles(for label: String) throws -> (stdout: String, stderr: String) {
        let safe = label.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let base = NSTemporaryDirectory() + "streamd-test-\(String(safe).prefix(40))-\(UUID().uuidString.prefix(8))"
        return (base + ".out", base + ".err")
    }

    // MARK: Watching it

    /// What it printed on standard output so far.
    public var stdout: String { Self.read(outputFiles.stdout) }
    /// What it printed on standard error so far.
    public var stderr: String { Self.read(outputFiles.stderr) }
    /// The end of both outputs, for failure messages.
    public func output(lastBytes: Int = 4000) -> String {
        String((stderr + stdout).suffix(lastBytes))
    }

    private static func read(_ path: String) -> String {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The exit status once it ended; 128 + N for a death by signal N; nil while it runs.
    public var exitStatus: Int32? { status.value }
    /// Whether it still runs.
    public var isRunning: Bool { exitStatus == nil }

    /// Waits for the exit; its status, or nil when it still runs after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while exitStatus == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return exitStatus
    }

    // MARK: Ending it

    /// Sends `number` while it runs.
    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// SIGTERM, then SIGKILL after `grace`; its exit status. Safe to call twice.
    @discardableResult
    public func stop(grace: Duration = .seconds(5)) async -> Int32? {
        if let code = exitStatus { return code }
        signal(SIGTERM)
        if let code = await waitForExit(timeout: grace) { return code }
        return await terminate()
    }

    /// SIGKILL if it still runs; waits for it. Its output files stay (``removeOutput()``).
    @discardableResult
    public func terminate() async -> Int32? {
        signal(SIGKILL)
        return await waitForExit(timeout: .seconds(5))
    }

    /// Removes the output files (after the test read what it wanted).
    public func removeOutput() {
        unlink(outputFiles.stdout)
        unlink(outputFiles.stderr)
    }

    // MARK: The orphan guard

    private func startGuard(executable: String) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        guardPipe.withLock { $0 = ends[1] }
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let script = "read -r _; grep -q '\(name)' /proc/\(pid)/cmdline 2>/dev/null && kill -9 \(pid)"
        let readEnd = ends[0]
        Task.detached {
            _ = try? await Subprocess.run(.path("/bin/sh"), arguments: ["-c", script],
                                          input: .fileDescriptor(FileDescriptor(rawValue: readEnd), closeAfterSpawningProcess: true),
                                          output: .discarded, error: .discarded)
        }
    }

    private func finish(_ code: Int32) {
        // The child is gone and reaped: closing the pipe lets the guard check the pid's command
        // line, which no longer names the child, so it kills nothing.
        if let fd = guardPipe.withLock({ f -> Int32? in defer { f = nil }; return f }) { close(fd) }
        status.withLock { $0 = code }
    }
}

/// What a finished command printed and how it exited.
public struct ToolResult: Sendable {
    /// The exit status (128 + N after signal N).
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
}

/// Runs `executable arguments` to completion (killed after `timeout`).
public func runTool(_ executable: String, _ arguments: [String], directory: String? = nil,
                    extraEnvironment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> ToolResult {
    let child = try await ChildProcess.start(executable, arguments, extraEnvironment: extraEnvironment, directory: directory)
    defer { child.removeOutput() }
    guard let status = await child.waitForExit(timeout: timeout) else {
        await child.terminate()
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout); output: \(child.output(lastBytes: 1500))")
    }
    return ToolResult(status: status, stdout: child.stdout, stderr: child.stderr)
}

/// The path of tool `name` (on `PATH` or in the system directories), or a failure that says
/// which Debian package installs it. Tests never skip quietly when a tool is missing.
public func requireTool(_ name: String, package: String? = nil) throws -> String {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/sbin:/bin:/sbin:/usr/local/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw TestFailure("\(name) is not installed: apt-get install \(package ?? name) (make test does it through scripts/install-deps.sh)")
}
