import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file of a Unix listening socket: checks before bind (stale or live), the mode after,
/// removal at shutdown.
enum UnixSocketFile {
    /// Makes `path` free to bind: nothing there, or a stale socket file (no server answers on
    /// it), which is removed. A live server or a file that is not a socket is an error.
    static func prepare(_ path: String) throws(APIServerError) {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw APIServerError(code: .pathTooLong, message: "the socket path \(path) is longer than the system allows (\(MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1) bytes)")
        }
        try makeFolder(of: path)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw APIServerError(code: .bindFailed, message: "cannot check the socket path \(path): \(errorText(errno))")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw APIServerError(code: .notASocket, message: "\(path) exists and is not a socket; streamd will not replace it")
        }
        switch probe(path) {
        case 0:
            throw APIServerError(code: .daemonAlreadyRunning,
                                 message: "a server already answers on \(path): is another streamd running?")
        case ECONNREFUSED, ENOENT:
            if unlink(path) != 0 && errno != ENOENT {
                throw APIServerError(code: .bindFailed, message: "cannot remove the stale socket \(path): \(errorText(errno))")
            }
        case let code:
            throw APIServerError(code: .bindFailed, message: "cannot check the socket \(path): \(errorText(code))")
        }
    }

    /// Creates the folder that will hold the socket (and its missing parents, mode 0755) when it
    /// does not exist, as systemd's `RuntimeDirectory=` does for the service. When the user may
    /// not create it, the error says what to do instead.
    static func makeFolder(of path: String) throws(APIServerError) {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        var built = folder.hasPrefix("/") ? "" : "."
        for part in folder.split(separator: "/") {
            built += "/" + part
            var info = stat()
            if stat(built, &info) == 0 { continue }
            guard errno == ENOENT, mkdir(built, 0o755) == 0 || errno == EEXIST else {
                let code = errno
                let why = code == EACCES || code == EPERM || code == EROFS ? "permission denied" : errorText(code)
                throw APIServerError(code: .noSocketFolder, message: """
                    cannot create the socket's folder \(folder): \(why). Run streamd as root (or as the \
                    systemd service, which creates it), or set [daemon] socket (or --socket) to a path you \
                    can write, such as /tmp/streamd.sock
                    """)
            }
        }
    }

    /// Connects to `path`: 0 when a server accepts, else the `errno` of the failure.
    private static func probe(_ path: String) -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? 0 : errno
    }

    /// Sets the file mode of the bound socket.
    static func setMode(_ path: String, _ mode: mode_t) throws(APIServerError) {
        guard chmod(path, mode) == 0 else {
            throw APIServerError(code: .bindFailed, message: "cannot set mode \(String(mode, radix: 8)) on \(path): \(errorText(errno))")
        }
    }

    /// The inode of `path`, to remove at shutdown only the file this server made.
    static func inode(_ path: String) -> ino_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_ino : nil
    }

    /// Removes `path` if it is still the socket file with `inode`.
    static func remove(_ path: String, inode: ino_t?) {
        guard let inode, self.inode(path) == inode else { return }
        unlink(path)
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
