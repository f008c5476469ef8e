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

    /// Runs `streamd args...` to completion (killed after `timeout`).
    public static func run(_ args: [String], environment: [String: String] = [:],
                           timeout: Duration = .seconds(60)) async throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw Missing(path: binary.path) }
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let killer = Task {
            try await Task.sleep(for: timeout)
            if process.isRunning { process.terminate() }
        }
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (o, e) = await (stdout, stderr)
        process.waitUntilExit()
        killer.cancel()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}
