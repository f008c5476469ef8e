import NIOCore
import NIOPosix

/// The demo's studio display: a UDP port on 127.0.0.1 taking OnAirScreen's text commands
/// (`NOW:`, `NEXT:`, `WARN:`), as the `udp` output of the demo's configuration sends them.
/// Each line whose text changed is handed to `show` (the demo prints it), so a newcomer sees an
/// output working without an OnAirScreen.
public final class DemoDisplay: Sendable {
    /// The UDP port on 127.0.0.1.
    public let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Listens on 127.0.0.1 at an ephemeral port; `show` gets `NOW`/`NEXT`/`WARN` and the new
    /// text of each line that changed.
    public static func start(show: @escaping @Sendable (_ line: String, _ text: String) -> Void) async throws -> DemoDisplay {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Screen(show: show)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw DemoStationError(message: "the demo display has no port")
        }
        return DemoDisplay(port: port, channel: channel)
    }

    /// Stops listening.
    public func shutdown() async {
        try? await channel.close()
    }

    /// The lines of the display, on the channel's event loop.
    private final class Screen: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let show: @Sendable (String, String) -> Void
        var lines: [String: String] = [:]

        init(show: @escaping @Sendable (String, String) -> Void) { self.show = show }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var envelope = unwrapInboundIn(data)
            let datagram = envelope.data.readString(length: envelope.data.readableBytes) ?? ""
            guard let colon = datagram.firstIndex(of: ":") else { return }
            let line = String(datagram[..<colon]), text = String(datagram[datagram.index(after: colon)...])
            guard ["NOW", "NEXT", "WARN"].contains(line), lines[line] != text else { return }
            lines[line] = text
            show(line, text)
        }
    }
}
