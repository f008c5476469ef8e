import NIOCore
import NIOPosix
import StreamHTTP

/// The sink of each kind of output.
public enum OutputSinks {
    /// The sink that delivers `spec`'s messages: files written here, TCP and UDP through
    /// `group` (SwiftNIO; its shared event loops by default), HTTP through `engine` (libcurl).
    public static func make(_ spec: OutputSpec, engine: CurlEngine,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) -> any OutputSink {
        let shown = spec.targetDescription
        switch spec.target {
        case .file(let path): return FileSink(path: path)
        case .dls(let path): return DLSSink(path: path, charset: spec.charset)
        case .udp(let host, let port): return UDPSink(host: host, port: port, group: group)
        case .rds(let host, let port, let dialect):
            return RDSSink(host: host, port: port, dialect: dialect, charset: spec.charset, group: group)
        case .icecast(let url, let user, let password):
            return HTTPSink(endpoint: .icecast(mountURL: url, user: user, password: password), engine: engine, shownURL: shown)
        case .webhook(let url, let secret):
            return HTTPSink(endpoint: .webhook(url: url, secret: secret), engine: engine, shownURL: shown)
        case .tunein(let url, let partnerID, let partnerKey, let stationID):
            return HTTPSink(endpoint: .tunein(url: url, partnerID: partnerID, partnerKey: partnerKey, stationID: stationID),
                            engine: engine, shownURL: shown)
        }
    }
}
