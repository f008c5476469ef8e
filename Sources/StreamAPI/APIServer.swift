import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOConcurrencyHelpers

/// The socket API: HTTP/1.1 with JSON bodies on one or more listeners (the Unix socket, an
/// inherited socket-activation descriptor, an optional TCP listener), answering from a
/// ``StateAPIBackend`` and streaming changes from an ``EventHub``.
public final class APIServer: Sendable {
    private let listeners: [BoundListener]
    private let tracker: ConnectionTracker
    private let logger: Logger
    private let stopped = NIOLockedValueBox(false)

    struct BoundListener: Sendable {
        var listener: APIListener
        var channel: any Channel
        var socketFile: (path: String, inode: ino_t?)?
    }

    /// Where the server listens, e.g. `unix:/run/streamd/streamd.sock`, `tcp:127.0.0.1:8080`.
    public var boundAddresses: [String] {
        listeners.map { bound in
            if case .tcp(let host, _) = bound.listener, let port = bound.channel.localAddress?.port {
                return "tcp:\(host):\(port)"
            }
            return bound.listener.description
        }
    }

    /// The ports of the TCP listeners, in listener order (useful with port 0).
    public var tcpPorts: [Int] {
        listeners.compactMap { bound in
            guard case .tcp = bound.listener else { return nil }
            return bound.channel.localAddress?.port
        }
    }

    private init(listeners: [BoundListener], tracker: ConnectionTracker, logger: Logger) {
        self.listeners = listeners
        self.tracker = tracker
        self.logger = logger
    }

    /// Binds every listener and starts serving. If one listener fails, those already bound
    /// are closed again and the error names the failing path or address.
    public static func start(listeners: [APIListener], backend: any StateAPIBackend, hub: EventHub,
                             limits: APILimits = .init(), logger: Logger,
                             metrics: MetricsRegistry = MetricsRegistry(),
                             clock: @escaping @Sendable () -> Date = { Date() }) async throws(APIServerError) -> APIServer {
        let tracker = ConnectionTracker(limit: limits.maxConnections)
        let responder = APIResponder(backend: backend, hub: hub, metrics: metrics, clock: clock)
        var bound: [BoundListener] = []
        for listener in listeners {
            do {
                bound.append(try await bind(listener, responder: responder, limits: limits, tracker: tracker, logger: logger))
            } catch {
                for done in bound { await close(done) }
                throw error
            }
        }
        let server = APIServer(listeners: bound, tracker: tracker, logger: logger)
        logger.info("socket API listening on \(server.boundAddresses.joined(separator: ", "))")
        return server
    }

    /// Stops listening, closes every connection (event streams included) and removes the
    /// Unix socket files this server made. Safe to call more than once.
    public func shutdown() async {
        let first = stopped.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        for listener in listeners { await Self.close(listener) }
        await tracker.closeAll()
        logger.info("socket API stopped")
    }

    private static func close(_ bound: BoundListener) async {
        try? await bound.channel.close()
        if let file = bound.socketFile { UnixSocketFile.remove(file.path, inode: file.inode) }
    }

    // MARK: Binding

    private static func bind(_ listener: APIListener, responder: APIResponder, limits: APILimits,
                             tracker: ConnectionTracker, logger: Logger) async throws(APIServerError) -> BoundListener {
        switch listener {
        case .unix(let path, let mode):
            try UnixSocketFile.prepare(path)
            let channel = try await bindChannel(listener, access: .full, responder: responder, limits: limits,
                                                tracker: tracker, logger: logger) {
                $0.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false)
            }
            let inode = UnixSocketFile.inode(path)
            do {
                try UnixSocketFile.setMode(path, mode)
            } catch {
                try? await channel.close()
                UnixSocketFile.remove(path, inode: inode)
                throw error
            }
            return BoundListener(listener: listener, channel: channel, socketFile: (path, inode))
        case .inherited(let fd):
            let access = try inheritedAccess(fd)
            let channel = try await bindChannel(listener, access: access, responder: responder, limits: limits,
                                                tracker: tracker, logger: logger) { $0.withBoundSocket(fd) }
            return BoundListener(listener: listener, channel: channel, socketFile: nil)
        case .tcp(let host, let port):
            let channel = try await bindChannel(listener, access: .readOnly, responder: responder, limits: limits,
                                                tracker: tracker, logger: logger) { $0.bind(host: host, port: port) }
            return BoundListener(listener: listener, channel: channel, socketFile: nil)
        }
    }

    /// A Unix socket serves every route; another family only the read-only ones.
    private static func inheritedAccess(_ fd: CInt) throws(APIServerError) -> APIAccess {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else {
            throw APIServerError(code: .badInheritedSocket, message: "inherited descriptor \(fd) is not a socket")
        }
        guard listen(fd, SOMAXCONN) == 0 else {
            throw APIServerError(code: .badInheritedSocket,
                                 message: "inherited descriptor \(fd) cannot listen: \(UnixSocketFile.errorText(errno))")
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return named == 0 && Int32(address.ss_family) == AF_UNIX ? .full : .readOnly
    }

    private static func bindChannel(_ listener: APIListener, access: APIAccess, responder: APIResponder,
                                    limits: APILimits, tracker: ConnectionTracker, logger: Logger,
                                    _ bind: (ServerBootstrap) -> EventLoopFuture<any Channel>) async throws(APIServerError)
        -> any Channel
    {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 << 10, high: 64 << 10))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configure(channel, access: access, responder: responder, limits: limits, tracker: tracker,
                                  logger: logger)
                }
            }
        do {
            return try await bind(bootstrap).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw APIServerError(code: .addressInUse, message: "cannot listen on \(listener): address already in use")
        } catch let error as IOError where error.errnoCode == EACCES || error.errnoCode == EPERM {
            throw APIServerError(code: .bindFailed, message: """
                cannot listen on \(listener): permission denied. Run streamd as a user who may write \
                there, or set [daemon] socket (or --socket) to a path you can write
                """)
        } catch let error as IOError {
            throw APIServerError(code: .bindFailed,
                                 message: "cannot listen on \(listener): \(UnixSocketFile.errorText(error.errnoCode))")
        } catch {
            throw APIServerError(code: .bindFailed, message: "cannot listen on \(listener): \(String(describing: error))")
        }
    }

    private static func configure(_ channel: any Channel, access: APIAccess, responder: APIResponder,
                                  limits: APILimits, tracker: ConnectionTracker, logger: Logger) throws {
        let sync = channel.pipeline.syncOperations
        guard tracker.admit(channel) else {
            responder.metrics.countRequest(route: "other", code: 503)
            try sync.addHandler(ConnectionRefusal(limit: limits.maxConnections))
            return
        }
        try addConnectionHandlers(to: channel, access: access, responder: responder, limits: limits, logger: logger)
    }

    /// Builds the pipeline of an admitted connection: the idle and request time limits, the
    /// head size guard, the HTTP/1.1 codec with pipelining, and the connection handler. Also the
    /// entry point of the `api-request` fuzz target (on NIO's testing channel). Returns what
    /// the handlers share.
    @discardableResult
    static func addConnectionHandlers(to channel: any Channel, access: APIAccess, responder: APIResponder,
                                      limits: APILimits, logger: Logger) throws -> ConnectionShared {
        let sync = channel.pipeline.syncOperations
        let shared = ConnectionShared()
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = limits.maxHeadBytes
        decoderLimits.maxHeaderListSize = limits.maxHeadBytes
        try sync.addHandler(IdleStateHandler(readTimeout: .milliseconds(max(1, limits.idleTimeout.apiMilliseconds))))
        try sync.addHandler(RequestTimeGuard(limit: limits.requestTimeout, shared: shared, metrics: responder.metrics))
        try sync.addHandler(HeadSizeGuard(limit: limits.maxHeadBytes, shared: shared, metrics: responder.metrics))
        // Outbound header validation is off: every response header is the daemon's own (no
        // request value is echoed into one), and the check cost 2 % of a `/v1/now`.
        try sync.configureHTTPServerPipeline(withErrorHandling: false, withOutboundHeaderValidation: false,
                                             withEncoderConfiguration: .init(),
                                             withDecoderLimitConfiguration: decoderLimits)
        try sync.addHandler(APIConnectionHandler(responder: responder, access: access, limits: limits, shared: shared,
                                                 logger: logger))
        return shared
    }
}
