import NIOCore

/// One client connection of the demo station: reads the request head, then either writes
/// a whole document and closes (`Connection: close`) or hands the channel to a
/// `DemoICYStream`. Bytes after the head are ignored; a client that sends no complete head
/// within `headTimeout` is disconnected.
final class DemoConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// The largest request head accepted.
    static let maximumHeadBytes = 16 * 1024
    /// How long a client may take to send its request head.
    static let headTimeout = TimeAmount.seconds(10)

    private let service: DemoService
    private var head: [UInt8] = []
    private var answered = false

    init(service: DemoService) {
        self.service = service
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        head += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let end = head.firstRange(of: [13, 10, 13, 10]) else {
            if head.count > Self.maximumHeadBytes {
                answered = true
                Self.send(.document(status: 431, contentType: "text/plain; charset=utf-8",
                                    body: Array("request head too large\n".utf8)),
                          bodyIncluded: true, on: context.channel)
            }
            return
        }
        answered = true
        guard let request = DemoRequest.parse(head[..<end.lowerBound]) else {
            Self.send(.document(status: 400, contentType: "text/plain; charset=utf-8",
                                body: Array("malformed request line\n".utf8)),
                      bodyIncluded: true, on: context.channel)
            return
        }
        let response = service.respond(to: request)
        switch response {
        case .document:
            Self.send(response, bodyIncluded: request.method != "HEAD", on: context.channel)
        case .stream(let metadata):
            DemoICYStream(channel: context.channel, service: service, metadata: metadata)
                .start(headOnly: request.method == "HEAD")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !answered, let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Writes a document response and closes the connection.
    private static func send(_ response: DemoResponse, bodyIncluded: Bool, on channel: any Channel) {
        guard case .document(let status, let contentType, let body) = response else { return }
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        text += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        text += "Cache-Control: no-cache\r\nConnection: close\r\nServer: streamd-demo\r\n\r\n"
        var buffer = channel.allocator.buffer(capacity: text.utf8.count + body.count)
        buffer.writeString(text)
        if bodyIncluded { buffer.writeBytes(body) }
        channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 431: return "Request Header Fields Too Large"
        default: return "Status"
        }
    }
}
