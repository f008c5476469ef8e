import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Sends RadioText (and RT+ tags) to an RDS encoder's ASCII port: one TCP connection per
/// text, the dialect's commands, then the encoder's answers read until each command has one
/// (Pira `+`, Inovonics `OK`) or ``replyWindow`` passes (Nautel answers nothing). A refusal
/// (`!`, `-`, `NO`) or a connection that fails is a failure, retried by the lane.
struct RDSSink: OutputSink {
    let host: String
    let port: Int
    let dialect: RDSDialect
    let charset: OutputCharset
    let group: any EventLoopGroup

    /// How long to connect.
    static let connectTimeout: TimeAmount = .seconds(5)
    /// How long to wait for the encoder's answers.
    static let replyWindow: TimeAmount = .seconds(2)

    func send(_ message: OutputMessage, completion: @escaping @Sendable (OutputFailure?) -> Void) {
        let found = OutputTags.locate(in: message.text, song: message.song, charset: charset)
        let lines = RDSCommands.lines(text: message.text, tags: RDSTags(artist: found.artist, title: found.title), dialect: dialect)
        let where_ = "\(host):\(port)"
        let dialect = self.dialect
        let expected = dialect == .nautel ? 0 : lines.count
        ClientBootstrap(group: group)
            .connectTimeout(Self.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RDSReplyHandler(dialect: dialect, expected: expected,
                                                                                  window: Self.replyWindow, completion: completion,
                                                                                  target: where_))
                }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    let bytes = channel.allocator.buffer(bytes: Array(lines.joined().utf8).map { $0 })
                    channel.writeAndFlush(bytes, promise: nil)
                case .failure(let error):
                    completion(OutputFailure(kind: "connect", message: "cannot reach the RDS encoder at \(where_): \(error)"))
                }
            }
    }
}

/// Reads the encoder's answer lines after the commands went out, and ends the conversation:
/// a refusal fails it, enough answers (or the window passing, or the encoder closing) end it
/// well. Completes once, then closes.
private final class RDSReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let dialect: RDSDialect
    private let expected: Int
    private let window: TimeAmount
    private let target: String
    private var completion: (@Sendable (OutputFailure?) -> Void)?
    private var partial = ""
    private var answers = 0
    private var timer: Scheduled<Void>?

    init(dialect: RDSDialect, expected: Int, window: TimeAmount, completion: @escaping @Sendable (OutputFailure?) -> Void,
         target: String) {
        self.dialect = dialect
        self.expected = expected
        self.window = window
        self.completion = completion
        self.target = target
    }

    func channelActive(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: window) {
            let (handler, context) = loopBound.value
            handler.finish(nil, context: context)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        partial += buffer.readString(length: buffer.readableBytes) ?? ""
        guard partial.count < 4096 else { return finish(OutputFailure(kind: "protocol", message: "the encoder at \(target) answered with an endless line"), context: context) }
        while let end = partial.firstIndex(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            let line = String(partial[..<end]).trimmingCharacters(in: .whitespaces)
            partial = String(partial[partial.index(after: end)...])
            if RDSCommands.isRefusal(line, dialect: dialect) {
                return finish(OutputFailure(kind: "refused", message: "the RDS encoder at \(target) refused a command (answered '\(line)')"),
                              context: context)
            }
            if ["+", "/", "OK"].contains(line.uppercased()) { answers += 1 }
            if answers >= expected, expected > 0 { return finish(nil, context: context) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(nil, context: context)   // the encoder closed after taking the commands
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(OutputFailure(kind: "connect", message: "the connection to the RDS encoder at \(target) failed: \(error)"), context: context)
    }

    private func finish(_ failure: OutputFailure?, context: ChannelHandlerContext) {
        guard let completion else { return }
        self.completion = nil
        timer?.cancel()
        context.close(promise: nil)
        completion(failure)
    }
}
