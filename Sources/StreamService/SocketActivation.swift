import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation: the listening sockets systemd passed us (`LISTEN_FDS` from fd 3
/// on, for our pid `LISTEN_PID`, named by `LISTEN_FDNAMES`).
public enum SocketActivation {
    /// One inherited socket.
    public struct Socket: Sendable, Equatable {
        /// The file descriptor (3, 4, …).
        public var fd: CInt
        /// Its name from `FileDescriptorName=` (`LISTEN_FDNAMES`), if given.
        public var name: String?
    }

    /// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
    public static let firstDescriptor: CInt = 3

    /// The sockets passed to this process; empty when none (or they were meant for another
    /// pid). Marks them close-on-exec so children do not inherit them.
    public static func inheritedSockets(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        pid: pid_t = getpid()) -> [Socket] {
        guard let pidText = environment["LISTEN_PID"], let listenPID = pid_t(pidText), listenPID == pid,
              let countText = environment["LISTEN_FDS"], let count = Int(countText), count > 0, count < 1024 else {
            return []
        }
        let names = environment["LISTEN_FDNAMES"].map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) } ?? []
        return (0..<count).map { index in
            let fd = firstDescriptor + CInt(index)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            return Socket(fd: fd, name: index < names.count && !names[index].isEmpty ? names[index] : nil)
        }
    }

    /// Removes the activation variables, so processes we start do not think they were meant.
    public static func clearEnvironment() {
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
    }
}
