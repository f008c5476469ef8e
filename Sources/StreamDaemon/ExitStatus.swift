import ArgumentParser

/// The exit codes of the brief (sysexits.h values).
enum ExitStatus {
    /// The command line was wrong.
    static let usage = ExitCode(64)
    /// No daemon answered on the socket.
    static let unavailable = ExitCode(69)
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
