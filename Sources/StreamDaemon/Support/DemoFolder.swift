import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder a `streamd demo` owns for its lifetime: its configuration, socket and state file.
/// One demo per folder: the first holds an exclusive lock on `demo.lock` until it exits, and a
/// second is refused before it writes anything there. The default folder is per user
/// (`$TMPDIR/streamd-demo-UID`) and must belong to the user, so nobody else can plant files
/// in it.
struct DemoFolder {
    /// Why a demo cannot use a folder.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    let path: String
    /// The lock's descriptor, held open (and so locked) until the process exits.
    private let lockDescriptor: Int32

    var socket: String { path + "/streamd.sock" }
    var stateFile: String { path + "/state.json" }
    var configFile: String { path + "/streamd.toml" }
    /// The demo's file output: the song, as a playout system or video overlay reads it.
    var nowPlayingFile: String { path + "/now-playing.txt" }

    /// Creates (if needed) and claims `path`.
    static func claim(_ path: String) throws(Refusal) -> DemoFolder {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Refusal(description: "cannot create the demo's folder \(path): \((error as NSError).localizedDescription)")
        }
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw Refusal(description: "\(path) is not a folder; give the demo another with --directory")
        }
        guard info.st_uid == getuid() else {
            throw Refusal(description: "\(path) belongs to another user; give the demo a folder of yours with --directory")
        }
        let fd = open(path + "/demo.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Refusal(description: "cannot open \(path)/demo.lock: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Refusal(description: """
                another streamd demo runs in \(path) (it holds \(path)/demo.lock): use it (streamd now), \
                stop it with Ctrl-C, or start a second one with --directory DIR
                """)
        }
        return DemoFolder(path: path, lockDescriptor: fd)
    }
}
