import Foundation

/// Which socket the client commands talk to: `--socket`, else `$STREAMD_SOCKET`, else the
/// service's `/run/streamd/streamd.sock` if it exists, else a running `streamd demo`'s.
enum ClientSocket {
    static let service = "/run/streamd/streamd.sock"

    /// The demo's per-user folder in /tmp.
    static var demoDirectory: String {
        (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/streamd-demo-\(getuid())"
    }

    static func resolve(_ flag: String?) -> String {
        if let flag { return flag }
        if let env = ProcessInfo.processInfo.environment["STREAMD_SOCKET"], !env.isEmpty { return env }
        if FileManager.default.fileExists(atPath: service) { return service }
        let demo = demoDirectory + "/streamd.sock"
        if FileManager.default.fileExists(atPath: demo) { return demo }
        return service
    }
}
