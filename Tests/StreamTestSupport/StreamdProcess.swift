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

    /// A copy of the binary that any user may run (in a 0755 folder of /tmp), for tests that
    /// run it as `nobody`: the build folder may sit under a folder only root can enter.
    public static func binaryForAnyUser() throws -> String {
        try sharedCopy.get()
    }

    private static let sharedCopy: Result<String, TestFailure> = {
        do {
            let source = try requireBinary()
            // One fixed folder, refreshed by each test run (copied aside, then renamed in place).
            let folder = "/tmp/streamd-any-user"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            chmod(folder, 0o755)
            let copy = folder + "/streamd"
            let fresh = folder + "/.streamd-\(getpid())"
            try? FileManager.default.removeItem(atPath: fresh)
            try FileManager.default.copyItem(atPath: source, toPath: fresh)
            chmod(fresh, 0o755)
            guard rename(fresh, copy) == 0 else { throw TestFailure("rename \(fresh) to \(copy): errno \(errno)") }
            return .success(copy)
        } catch let failure as TestFailure {
            return .failure(failure)
        } catch {
            return .failure(TestFailure("cannot copy streamd for another user: \(error)"))
        }
    }()

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
