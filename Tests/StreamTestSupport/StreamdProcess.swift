import Foundation

/// The built `streamd` binary, run as a user would.
public enum StreamdProcess {
    /// The binary: `$STREAMD_BIN`, else `streamd` beside the running test bundle.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["STREAMD_BIN"] {
            return URL(fileURLWithPath: path)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("streamd")
    }

    /// The binary's path, or a failure that says how to build it (never a skip).
    public static func requireBinary() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TestFailure("streamd binary not found at \(binary.path): run `swift build` first (make test does)")
        }
        return binary.path
    }

    /// Runs `streamd args...` to completion (killed after `timeout`).
    public static func run(_ args: [String], environment: [String: String] = [:],
                           timeout: Duration = .seconds(60)) async throws -> ToolResult {
        try await runTool(try requireBinary(), args, extraEnvironment: environment, timeout: timeout)
    }

    /// Starts a long-running `streamd args...` (e.g. `watch`).
    public static func start(_ args: [String], environment: [String: String]? = nil,
                             extraEnvironment: [String: String] = [:], directory: String? = nil) async throws -> ChildProcess {
        try await ChildProcess.start(try requireBinary(), args, name: "streamd \(args.first ?? "")",
                                     environment: environment, extraEnvironment: extraEnvironment, directory: directory)
    }
}
