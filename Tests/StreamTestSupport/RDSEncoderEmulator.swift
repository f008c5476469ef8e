import NIOCore
import NIOPosix

/// A loopback RDS encoder's ASCII port: it takes command lines over TCP, checks each against
/// its dialect and answers as the real encoder does (Pira P232: `+` done, `!` unknown command,
/// `-` invalid argument, each followed by CRLF CRLF; Inovonics 730: `OK` / `NO`; Nautel: no
/// answer), keeping the RadioText and the RT+ tags it was set to. It can refuse everything,
/// and go away and come back on the same port.
public final class RDSEncoderEmulator: Sendable {
    /// The command language it speaks.
    public enum Dialect: String, Sendable { case pira, inovonics, nautel }

    /// The port it listens on.
    public let port: Int
    /// Its dialect.
    public let dialect: Dialect
    private let channel = Locked<(any Channel)?>(nil)
    private let state = Locked<(commands: [String], radioText: String?, rtPlus: String?, refuse: Bool)>(([], nil, nil, false))

    private init(port: Int, dialect: Dialect) {
        self.port = port
        self.dialect = dialect
    }

    /// Listens on 127.0.0.1 at `port` (0: a free one).
    public static func start(dialect: Dialect, port: Int = 0) async throws -> RDSEncoderEmulator {
        let emulator = RDSEncoderEmulator(port: port == 0 ? try LoopbackPort.free() : port, dialect: dialect)
        try await emulator.listen()
        return emulator
    }

    /// Every command line received, in order, without its terminator.
    public var commands: [String] { state.value.commands }
    /// The RadioText it is set to.
    public var radioText: String? { state.value.radioText }
    /// The last RT+ command's argument (`04,00,12,01,16,12`).
    public var rtPlus: String? { state.value.rtPlus }
    /// Refuse every command from now on (a locked encoder, a wrong argument).
    public func refuseAll(_ refuse: Bool) { state.withLock { $0.refuse = refuse } }

    /// Starts listening again (after ``stop()``), on the same port.
    public func listen() async throws {
        let state = self.state, dialect = self.dialect
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Port(state: state, dialect: dialect))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        self.channel.withLock { $0 = channel }
    }

    /// Stops listening (connections are refused until ``listen()``).
    public func stop() async {
        let channel = self.channel.withLock { channel in defer { channel = nil }; return channel }
        try? await channel?.close()
    }

    private final class Port: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let state: Locked<(commands: [String], radioText: String?, rtPlus: String?, refuse: Bool)>
        let dialect: Dialect
        var partial: [UInt8] = []

        init(state: Locked<(commands: [String], radioText: String?, rtPlus: String?, refuse: Bool)>, dialect: Dialect) {
            self.state = state
            self.dialect = dialect
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            partial += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let end = partial.firstIndex(where: { $0 == 13 || $0 == 10 }) {
                let line = String(decoding: partial[..<end], as: UTF8.self)
                partial.removeSubrange(...end)
                guard !line.isEmpty else { continue }
                if let answer = take(line) {
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: answer)), promise: nil)
                }
            }
        }

        /// Applies one command; the answer to send, if the dialect answers.
        private func take(_ line: String) -> String? {
            let (name, value) = line.firstIndex(of: "=").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) } ?? (line, "")
            let textCommand = dialect == .pira ? ["RT1", "TEXT"] : ["TEXT"]
            let known = textCommand + (dialect == .nautel ? ["DPS", "PS"] : ["RTP"])
            let valid: Bool? = state.withLock { state -> Bool? in
                state.commands.append(line)
                guard !state.refuse else { return false }
                guard known.contains(name) else { return nil }
                if textCommand.contains(name) {
                    guard value.utf8.count <= 64, value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) else { return false }
                    state.radioText = value
                }
                if name == "RTP" {
                    let numbers = value.split(separator: ",").compactMap { Int($0) }
                    guard numbers.count == 6, numbers.allSatisfy({ (0...63).contains($0) }) else { return false }
                    state.rtPlus = value
                }
                return true
            }
            switch dialect {
            case .pira: return (valid == nil ? "!" : valid! ? "+" : "-") + "\r\n\r\n"
            case .inovonics: return valid == true ? "OK\r\n" : "NO\r\n"
            case .nautel: return nil
            }
        }
    }
}
