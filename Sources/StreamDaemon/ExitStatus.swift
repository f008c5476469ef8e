import ArgumentParser

/// The exit codes of the brief (sysexits.h values).
enum ExitStatus {
    /// The command line was wrong.
    static let usage = ExitCode(64)
    /// No daemon answered on the socket.
    static let unavailable = ExitCode(69)
    /// The user may not use the daemon's socket.
    static let noPermission = ExitCode(77)
    /// The daemon's answer was not what this client understands (a version mismatch).
    static let software = ExitCode(70)
    /// `streamd status`: the daemon's health is degraded (monitoring's WARNING).
    static let healthDegraded = ExitCode(1)
    /// `streamd status`: the daemon's health is down (monitoring's CRITICAL).
    static let healthDown = ExitCode(2)
    /// The configuration is invalid.
    static let config = ExitCode(78)
    /// A probe or check failed (the error is printed).
    static let failure = ExitCode(1)
}

/// Writes a line to standard error.
func printError(_ line: String) {
    var stderr = StandardError()
    print(line, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.stderr(string)
    }
}
