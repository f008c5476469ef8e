import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a client cannot talk to the daemon's socket, read from the file system after a
/// connection failed: the socket file missing, not a socket, not ours to use, or nobody
/// listening on it. libcurl only says "couldn't connect"; this says what to do.
public enum SocketAccess: Equatable, Sendable {
    /// Nothing at the path (or a folder on the way is missing).
    case missing
    /// The user may not use the socket (or may not enter its folder); `group` is the socket
    /// file's group, whose members may.
    case permissionDenied(group: String?)
    /// The path is something other than a socket.
    case notASocket
    /// The socket file is there and usable, but no daemon accepts on it (a stale file).
    case nobodyListening

    /// What the file system says about `path`.
    public static func diagnose(_ path: String) -> SocketAccess {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == EACCES ? .permissionDenied(group: groupName(of: (path as NSString).deletingLastPathComponent)) : .missing
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
        // connect(2) on a Unix socket needs write permission on the file.
        guard access(path, W_OK) == 0 else { return .permissionDenied(group: groupName(gid: info.st_gid)) }
        return .nobodyListening
    }

    /// One line for the user: what is wrong with `path` and what to do.
    public func message(for path: String) -> String {
        switch self {
        case .missing:
            return "no streamd runs on \(path): the socket does not exist. Start it (systemctl start streamd, or streamd demo), or name its socket with --socket or STREAMD_SOCKET"
        case .permissionDenied(let group):
            let join = group.map { "add yourself to the group \($0) (sudo usermod -aG \($0) $USER, then log in again)" }
                ?? "ask for access to it"
            return "permission denied on \(path): \(join), or run the command as root"
        case .notASocket:
            return "\(path) is not a socket: name streamd's socket with --socket or STREAMD_SOCKET"
        case .nobodyListening:
            return "no streamd answers on \(path) (the socket file is left from a daemon that stopped); is the daemon running?"
        }
    }

    private static func groupName(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return groupName(gid: info.st_gid)
    }

    private static func groupName(gid: gid_t) -> String? {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return nil }
        return String(cString: name)
    }
}
