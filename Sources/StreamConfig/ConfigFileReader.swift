#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a configuration (or token) file as UTF-8 text, with the system's reason when it
/// cannot: missing, unreadable, a directory, too large, not UTF-8.
enum ConfigFileReader {
    /// Files larger than this are refused (a configuration is a few kilobytes).
    static let maximumSize = 1 << 20

    /// The file's text. Throws a ``ConfigError`` naming `path` with one problem.
    static func contents(of path: String) throws(ConfigError) -> String {
        func failure(_ message: String) -> ConfigError {
            ConfigError(file: path, problems: [ConfigProblem(keyPath: "", message: message)])
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maximumSize else { throw failure("larger than \(maximumSize >> 20) MiB; not a configuration file") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw failure("not UTF-8 text") }
        guard !text.utf8.contains(0) else { throw failure("contains a NUL byte; not a configuration file") }
        return text
    }
}
