import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What went wrong in the harness itself (a missing tool, a child that would not start).
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs blocking work (waiting for processes, pipes) on a thread of its own, never on the
/// Swift concurrency pool (the machine has 2 cores: a blocked pool thread starves other tests).
func onOwnThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.start()
    }
}

/// Polls `condition` every `every` until it returns a value, or throws with `what` and what
/// `detail` says at that moment after `timeout`.
@discardableResult
func eventually<T>(_ what: @autoclosure () -> String, timeout: Duration, every: Duration = .milliseconds(200),
                   detail: () async -> String = { "" }, _ condition: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await condition() { return value }
        if ContinuousClock.now >= deadline {
            let extra = await detail()
            throw HarnessError("timed out after \(timeout) waiting for \(what())" + (extra.isEmpty ? "" : "\n  last seen:\n\(extra)"))
        }
        try await Task.sleep(for: every)
    }
}

/// External tools the tests drive. Missing ones fail the test with what to install.
enum Tool {
    /// The absolute path of `name` on `PATH` (plus the usual system directories).
    static func find(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin:/usr/local/bin:/usr/sbin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `name`, or a failure saying which Debian package to install.
    static func require(_ name: String, package: String) throws -> String {
        guard let path = find(name) else {
            throw HarnessError("\(name) is not installed: apt-get install \(package) (make test installs it via scripts/install-deps.sh)")
        }
        return path
    }

    /// What a finished command printed.
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable args` to completion off the concurrency pool; killed after `timeout`.
    /// Output goes through files, not pipes, and the child is waited for with `waitpid`: a
    /// child that leaves a daemon behind (tmux starts its server) must not keep us waiting.
    static func run(_ executable: String, _ args: [String], environment: [String: String] = [:],
                    timeout: TimeInterval = 30) async throws -> Output {
        try await onOwnThread("run \(URL(fileURLWithPath: executable).lastPathComponent)") {
            let base = NSTemporaryDirectory() + "screen-tool-\(UUID().uuidString.prefix(8))"
            defer {
                unlink(base + ".out")
                unlink(base + ".err")
            }
            let pid = try Spawn.start(executable, args, environment: environment, stdout: base + ".out", stderr: base + ".err")
            var status = Spawn.wait(pid, timeout: timeout)
            if status == nil {
                kill(pid, SIGKILL)
                status = Spawn.wait(pid, timeout: 5)
            }
            return Output(status: status ?? -1,
                          stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
        }
    }
}

/// Child processes by `posix_spawn`, waited for by `waitpid` (blocking: call from a thread of
/// its own).
enum Spawn {
    /// Starts `executable` with `args`; standard input from /dev/null, output to files;
    /// `descriptors` are (ours, theirs) pairs dup2'ed into the child; `newGroup` makes the
    /// child lead a process group of its own (so its helpers can be ended with it).
    static func start(_ executable: String, _ args: [String], environment: [String: String] = [:],
                      stdout: String, stderr: String, descriptors: [(Int32, Int32)] = [],
                      newGroup: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | (stderr == stdout ? O_APPEND : O_TRUNC), 0o644)
        for (ours, theirs) in descriptors { posix_spawn_file_actions_adddup2(&actions, ours, theirs) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal handling in the child (the test runner may ignore some).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGWINCH] { sigaddset(&defaults, signal) }
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
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))") }
        return pid
    }

    /// The exit status (128 + signal when killed), or nil when still running after `timeout`.
    static func wait(_ pid: pid_t, timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let signal = status & 0x7F
                return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            }
            if result < 0 { return -1 }
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
    }
}

/// Where tests keep artifacts worth looking at: `test-output/` in the package root (gitignored).
enum TestOutput {
    static var directory: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // ScreenTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
        let directory = root.appendingPathComponent("test-output")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
