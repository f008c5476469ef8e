import NIOCore
import NIOPosix

/// A scriptable HTTP server on 127.0.0.1 for tests: each path answers as its
/// ``LoopbackRoute`` says, byte for byte (odd status lines, slow heads, dribbled or endless
/// bodies, abrupt closes). It records every request it gets.
public final class LoopbackServer: Sendable {
    /// The TCP port it listens on.
    public let port: Int
    private let channel: any Channel
    private let state = Locked(State())

    struct State {
        var routes: [String: @Sendable (RecordedRequest) -> LoopbackRoute] = [:]
        var titles: [String: String] = [:]
        var generations: [String: Int] = [:]
        var requests: [RecordedRequest] = []
        var closes: [String: [ContinuousClock.Instant]] = [:]
    }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Starts a server on an ephemeral loopback port, or on `port` (e.g. one that refused
    /// connections until now, from ``closedPort()``).
    public static func start(port: Int = 0) async throws -> LoopbackServer {
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LoopbackConnection(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        let server = LoopbackServer(channel: channel, port: channel.localAddress?.port ?? 0)
        box.server.withLock { $0 = server }
        return server
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// `https://127.0.0.1:PORT` + `path`: this plain-HTTP server answers a TLS handshake with
    /// a plain `400` and closes, so a client fails in TLS at once.
    public func httpsURL(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    /// Answers `path` (query string ignored) with `route`. Replacing a route ends the
    /// responses still playing the old one, as a source that disconnects ends its listeners'
    /// streams.
    public func route(_ path: String, _ route: LoopbackRoute) {
        self.route(path) { _ in route }
    }

    /// Answers `path` with whatever `respond` makes of the request.
    public func route(_ path: String, respond: @escaping @Sendable (RecordedRequest) -> LoopbackRoute) {
        state.withLock {
            $0.routes[path] = respond
            $0.generations[path, default: 0] += 1
        }
    }

    /// The route version of `path`: a response whose version is no longer current stops.
    func generation(of path: String) -> Int {
        state.withLock { $0.generations[path, default: 0] }
    }

    /// Sets the title the ICY stream on `path` sends from its next metadata block on.
    public func setTitle(_ title: String, for path: String) {
        state.withLock { $0.titles[path] = title }
    }

    /// Requests received so far, optionally only those for `path`.
    public func requests(to path: String? = nil) -> [RecordedRequest] {
        state.withLock { s in path.map { p in s.requests.filter { $0.path == p } } ?? s.requests }
    }

    /// When each connection that asked for `path` closed (either side), oldest first.
    public func connectionsClosed(to path: String) -> [ContinuousClock.Instant] {
        state.withLock { $0.closes[path] ?? [] }
    }

    func recordClose(of path: String) {
        let now = ContinuousClock.now
        state.withLock { $0.closes[path, default: []].append(now) }
    }

    /// Stops listening (open connections are closed by their peers or at process exit).
    public func shutdown() async {
        try? await channel.close()
    }

    // Used by the connections.

    func respond(to request: RecordedRequest) -> LoopbackRoute {
        state.withLock { s in
            s.requests.append(request)
            return s.routes[request.path].map { $0(request) } ?? .status(404, "no route for \(request.path)")
        }
    }

    func title(for path: String) -> String? {
        state.withLock { $0.titles[path] }
    }

    /// A port on 127.0.0.1 where nothing listens (bound, then closed).
    public static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 1
        try await channel.close()
        return port
    }
}

/// What a client sent.
public struct RecordedRequest: Sendable {
    /// `GET`, `HEAD`, ...
    public var method: String
    /// The path without the query string.
    public var path: String
    /// The query string, without `?`.
    public var query: String?
    /// Header fields as sent.
    public var headers: [(name: String, value: String)]
    /// The body (of a POST), as sent.
    public var body: [UInt8] = []

    /// The first value of a header, any case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Lets connections reach the server before `start` returns it.
final class ServerBox: Sendable {
    let server = Locked<LoopbackServer?>(nil)
}
