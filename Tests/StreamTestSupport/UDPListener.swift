import NIOCore
import NIOPosix

/// A loopback UDP listener standing in for a studio display (OnAirScreen): it records each
/// datagram, and can go away and come back on the same port.
public final class UDPListener: Sendable {
    /// The port it listens on.
    public let port: Int
    private let channel = Locked<(any Channel)?>(nil)
    private let received = Locked<[String]>([])

    private init(port: Int) {
        self.port = port
    }

    /// Listens on 127.0.0.1 at `port` (0: a free one).
    public static func start(port: Int = 0) async throws -> UDPListener {
        let chosen = port == 0 ? try LoopbackPort.free() : port
        let listener = UDPListener(port: chosen)
        try await listener.listen()
        return listener
    }

    /// Every datagram received so far, as text, in order.
    public var datagrams: [String] { received.value }

    /// Starts listening again (after ``stop()``), on the same port.
    public func listen() async throws {
        let received = self.received
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Recorder(received: received)) }
            }
            .bind(host: "127.0.0.1", port: port).get()
        self.channel.withLock { $0 = channel }
    }

    /// Stops listening: datagrams sent meanwhile are lost, as with a display switched off.
    public func stop() async {
        let channel = self.channel.withLock { channel in defer { channel = nil }; return channel }
        try? await channel?.close()
    }

    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received: Locked<[String]>
        init(received: Locked<[String]>) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var envelope = unwrapInboundIn(data)
            let text = envelope.data.readString(length: envelope.data.readableBytes) ?? ""
            received.withLock { $0.append(text) }
        }
    }
}
