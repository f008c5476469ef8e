import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file replaced atomically and durably (the state file, the history file): a reader, or
/// a restart after `kill -9` or power loss, sees the old file or the new one, never a mix.
///
/// A write goes to a temporary file in the same directory, is `fsync`ed, renamed over the
/// target, and the directory is `fsync`ed so the rename itself is durable.
struct AtomicFile {
    /// A step that failed: what, and the system's reason.
    struct Failure: Error {
        var message: String
    }

    /// The file's path.
    let path: String

    /// Replaces the file with `bytes`, creating its folder if missing.
    func replace(with bytes: [UInt8]) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // One fixed name: a write cut short by kill -9 leaves at most this file, which the
        // next write truncates and reuses.
        let temporary = directory + "/." + url.lastPathComponent + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = failure("writing \(temporary)")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let error = failure("fsync \(temporary)")
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = failure("rename to \(path)")
            unlink(temporary)
            throw error
        }
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    /// Moves a file that could not be loaded out of the way, beside it as
    /// `NAME.bad-YYYYMMDDTHHMMSSZ`, so that the next write does not destroy it; returns the
    /// new path.
    func setAside(at date: Date) throws(Failure) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let aside = path + ".bad-" + formatter.string(from: date)
        guard rename(path, aside) == 0 else { throw failure("cannot move it aside to \(aside)") }
        return aside
    }

    private func failure(_ what: String) -> Failure {
        Failure(message: "\(what): \(String(cString: strerror(errno)))")
    }
}
