import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process a test started: output goes to a log file; waiting polls (never blocks a pool
/// thread); `stop()` sends SIGTERM, then SIGKILL after a grace period.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let executable: String
    let arguments: [String]
    let log: URL
    private let process = Process()
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable arguments` with stdout and stderr in `log`.
    init(name: String, executable: String, arguments: [String], log: URL,
         environment: [String: String]? = nil, standardOutput: FileHandle? = nil) throws {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = standardOutput ?? logHandle
        process.standardError = logHandle
        process.terminationHandler = { [weak self] process in
            guard let self else { return }
            self.lock.withLock { self.exitStatus = process.terminationStatus }
        }
        try Self.spawnWithCleanSignalMask(process)
        try? logHandle.close()  // the child holds its own copy
        ChildRegistry.shared.add(self)
    }

    /// Runs `process` from a thread whose signal mask is empty. Foundation spawns on the
    /// calling thread and the child inherits that thread's mask; Swift concurrency (libdispatch)
    /// worker threads block almost every signal, so a child started there would ignore
    /// SIGTERM for good (ffmpeg and curl did: `stop()` had to wait for SIGKILL).
    private static func spawnWithCleanSignalMask(_ process: Process) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = SpawnOutcome()
        let thread = Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            do { try process.run() } catch { outcome.error = error }
            done.signal()
        }
        thread.name = "spawn"
        thread.start()
        done.wait()  // a fork/exec: milliseconds
        if let error = outcome.error { throw error }
    }

    private final class SpawnOutcome: @unchecked Sendable {
        var error: (any Error)?
    }

    var pid: Int32 { process.processIdentifier }

    /// The exit status, or nil while it runs.
    var exited: Int32? { lock.withLock { exitStatus } }

    var isRunning: Bool { exited == nil }

    /// What the process wrote so far (the end of it, for messages).
    func output(lastBytes: Int = 4000) -> String {
        guard let data = FileManager.default.contents(atPath: log.path) else { return "" }
        return String(decoding: data.suffix(lastBytes), as: UTF8.self)
    }

    /// Waits until the process exits; nil if it still runs after `timeout`. The wait runs on a
    /// thread of its own, so it works in a cancelled task too (a test that timed out still
    /// cleans up).
    @discardableResult
    func waitForExit(timeout: Duration) async -> Int32? {
        if let status = exited { return status }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
            let thread = Thread { [self] in
                let deadline = monotonicNow() + seconds
                while isRunning, monotonicNow() < deadline { usleep(10_000) }
                continuation.resume(returning: exited)
            }
            thread.name = "wait \(name)"
            thread.start()
        }
    }

    /// Sends `signal` if the process still runs.
    func signal(_ signal: Int32) {
        guard isRunning else { return }
        kill(pid, signal)
    }

    /// SIGTERM, then SIGKILL after `grace`; returns the exit status. Safe to call twice,
    /// and from a cancelled task.
    @discardableResult
    func stop(grace: Duration = .seconds(5)) async -> Int32? {
        defer { ChildRegistry.shared.remove(self) }
        if let status = exited { return status }
        signal(SIGTERM)
        if let status = await waitForExit(timeout: grace) { return status }
        signal(SIGKILL)
        return await waitForExit(timeout: .seconds(5))
    }
}

/// Every child still running: killed when the test process exits, so a test process that ends
/// early (a failed `#require` in a detached task, `exit()`) leaves no Icecast, ffmpeg or streamd.
final class ChildRegistry: @unchecked Sendable {
    static let shared = ChildRegistry()
    private let lock = NSLock()
    private var children: [ObjectIdentifier: ChildProcess] = [:]
    private var installed = false

    func add(_ child: ChildProcess) {
        lock.withLock {
            children[ObjectIdentifier(child)] = child
            if !installed {
                installed = true
                atexit { ChildRegistry.shared.killAll() }
            }
        }
    }

    func remove(_ child: ChildProcess) {
        _ = lock.withLock { children.removeValue(forKey: ObjectIdentifier(child)) }
    }

    func killAll() {
        let all = lock.withLock { Array(children.values) }
        for child in all where child.isRunning { kill(child.pid, SIGKILL) }
    }
}
