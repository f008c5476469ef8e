import Foundation
import NIOCore
import NIOPosix
import NIOConcurrencyHelpers

/// The simulated station "Demo FM" behind `streamd demo`: a real HTTP server on
/// 127.0.0.1 (an ephemeral port) that needs no network.
///
/// Routes (any query is accepted; `HEAD` works too):
/// - `GET /live.mp3`: an endless Icecast-style MP3 stream at 16 000 bytes/s, with
///   `icy-metaint:16000` and `StreamTitle` blocks when asked with `Icy-MetaData: 1`
///   (see `DemoICYStream`);
/// - `GET /triton/nowplaying[?numberToFetch=N]`: Triton now-playing XML;
/// - `GET /composer/now` and `GET /composer/day[?date=YYYY-MM-DD]`: NPR Composer JSON;
/// - `GET /`: a short text index of the above.
///
/// Every answer is computed from `DemoPlaylist` and the clock, so all routes agree.
public final class DemoStation: Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// What the station plays and when.
    public let playlist: DemoPlaylist
    private let server: any Channel
    private let connections: DemoConnections

    private init(port: Int, playlist: DemoPlaylist, server: any Channel, connections: DemoConnections) {
        self.port = port
        self.playlist = playlist
        self.server = server
        self.connections = connections
    }

    /// Starts serving on 127.0.0.1 at an ephemeral port.
    /// - Parameters:
    ///   - songLength: how long each song, ad or station ID lasts (at least 1 s).
    ///   - programLength: how long each program lasts (at least 1 s).
    ///   - clock: the wall clock the schedule and titles are read from.
    /// - Throws: `DemoStationError` when the port cannot be opened.
    public static func start(songLength: Duration = .seconds(20), programLength: Duration = .seconds(600),
                             clock: @escaping @Sendable () -> Date = Date.init) async throws -> DemoStation {
        let playlist = DemoPlaylist(songLength: songLength, programLength: programLength)
        let service = DemoService(playlist: playlist, clock: clock)
        let connections = DemoConnections()
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    guard connections.add(channel) else { return channel.close() }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            IdleStateHandler(readTimeout: DemoConnection.headTimeout),
                            DemoConnection(service: service))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        } catch {
            throw DemoStationError(message: "cannot listen on 127.0.0.1: \(error)")
        }
        guard let port = server.localAddress?.port else {
            try? await server.close()
            throw DemoStationError(message: "listening socket on 127.0.0.1 has no port")
        }
        return DemoStation(port: port, playlist: playlist, server: server, connections: connections)
    }

    /// `http://127.0.0.1:PORT` followed by `path` (a `/` is added in front if missing).
    public func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)" + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Stops listening and closes every open connection (streams included). Safe to call twice.
    public func shutdown() async {
        try? await server.close()
        for channel in connections.closeAll() {
            try? await channel.close()
        }
    }
}

/// The demo station could not start.
public struct DemoStationError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, and where.
    public var message: String

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }

    /// "demo station: " and the message.
    public var description: String { "demo station: \(message)" }
}

/// The demo station's open connections, so `shutdown` can end endless streams.
final class DemoConnections: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Records `channel` until it closes; false once the station has shut down.
    func add(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let added = state.withLockedValue { state -> Bool in
            guard !state.closed else { return false }
            state.open[id] = channel
            return true
        }
        if added {
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLockedValue { $0.open.removeValue(forKey: id) }
            }
        }
        return added
    }

    /// Refuses new connections from now on and returns the open ones.
    func closeAll() -> [any Channel] {
        state.withLockedValue { state in
            state.closed = true
            defer { state.open.removeAll() }
            return Array(state.open.values)
        }
    }
}
