import Foundation

/// Runs the built `streamd` binary, as a user would.
public enum StreamdProcess {
    /// The binary: `$STREAMD_BIN`, else `streamd` beside the running test bundle.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["STREAMD_BIN"] {
            return URL(fileURLWithPath: path)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("streamd")
    }

    /// What a finished run printed and how it exited.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var stdout: String
        /// Standard error.
        public var stderr: String
    }

    /// A binary that is missing is a test failure with a clear message, never a skip.
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        /// Creates the error.
        public init(path: String) { self.path = path }
        public var description: String { "streamd binary not found at \(path): run `swift build` first (make test does)" }
    }

    /// Runs `streamd args...` to completion (killed after `timeout`). The process is started,
    /// read and waited for on a thread of its own, never on the Swift concurrency pool.
    public static func run(_ args: [String], environment: [String: String] = [:],
                           timeout: Duration = .seconds(60)) async throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw Missing(path: binary.path) }
        let executable = binary
        let seconds = Double(timeout.components.seconds)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try runBlocking(executable, args, environment: environment, timeout: seconds))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func runBlocking(_ executable: URL, _ args: [String], environment: [String: String],
                                    timeout: Double) throws -> Result {
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_UNBLOCK, &all, nil)  // children inherit the mask: let them get signals
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let killer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let errorData = ErrorBox()
        let errorDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            errorData.data = err.fileHandleForReading.readDataToEndOfFile()
            errorDone.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errorDone.wait()
        process.waitUntilExit()
        killer.cancel()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errorData.data, as: UTF8.self))
    }

    private final class ErrorBox: @unchecked Sendable {
        var data = Data()  // written once by the reader thread before the semaphore is signalled
    }
}
