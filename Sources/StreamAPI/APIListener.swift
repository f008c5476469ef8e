#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the socket API listens. An ``APIServer`` serves several at once (the Unix socket
/// plus an optional TCP listener).
public enum APIListener: Sendable, Equatable {
    /// A Unix stream socket at `path`, chmod to `mode` after bind. A stale socket file left
    /// by a crash is replaced; a live server on the path is refused. The file is removed on
    /// shutdown. Serves every route.
    case unix(path: String, mode: mode_t = 0o660)
    /// An already bound and listening socket handed over by systemd (`LISTEN_FDS`). A Unix
    /// socket serves every route; any other family serves the read-only routes, as `tcp` does.
    case inherited(fd: CInt)
    /// A TCP listener for other machines (off by default): the read-only `GET` routes and the
    /// studio screen page (also on `/`). `POST` routes answer 403. Port 0 picks a free port.
    case tcp(host: String, port: Int)
}

extension APIListener: CustomStringConvertible {
    /// `unix:/run/streamd/streamd.sock`, `fd:3`, `tcp:127.0.0.1:8080`.
    public var description: String {
        switch self {
        case .unix(let path, _): "unix:\(path)"
        case .inherited(let fd): "fd:\(fd)"
        case .tcp(let host, let port): "tcp:\(host):\(port)"
        }
    }
}
