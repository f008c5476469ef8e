#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to the standard streams.
enum FileHandleOutput {
    /// Flushes buffered standard output (print) so a pipe sees each line at once.
    static func flush() {
        fflush(nil)
    }

    static func stderr(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
