import NIOCore
import NIOHTTP1

/// What the handlers of one connection share (confined to its event loop).
final class ConnectionShared {
    /// True while the next bytes are a request head (the head-size guard counts them).
    var awaitingHead = true
    /// True from a request head until its response has been written (or while streaming).
    var responseInProgress = false
    /// True while the server works on an answer (from the whole request until its response
    /// is written; for ever on an event stream): time the client is not to blame for.
    var answering = false
    /// When the request whose bytes are arriving began; nil between requests.
    var requestStarted: NIODeadline?

    /// The whole request has arrived: its time limit no longer applies.
    func requestArrived() {
        requestStarted = nil
    }
}

/// A whole error response as raw bytes, for the guards that sit before the HTTP codec:
/// always `Connection: close`.
enum RawResponse {
    static func bytes(_ error: APIError) -> ByteBuffer {
        var body = SSEEncoding.encode(error.body)
        body.append(UInt8(ascii: "\n"))
        var head = "HTTP/1.1 \(error.status.code) \(error.status.reasonPhrase)\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in error.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var buffer = ByteBuffer(string: head)
        buffer.writeBytes(body)
        return buffer
    }
}

/// Counts the bytes of each request head before the HTTP decoder sees them; past the limit it
/// answers 431 and closes. (The decoder's own header-list limit is a second line: it does not
/// count the request line.)
final class HeadSizeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let limit: Int
    private let shared: ConnectionShared
    private let metrics: MetricsRegistry
    private var counted = 0
    private var sawContent = false
    private var tail: UInt32 = 0
    private var rejected = false

    init(limit: Int, shared: ConnectionShared, metrics: MetricsRegistry) {
        self.limit = limit
        self.shared = shared
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !rejected else { return }
        if shared.awaitingHead {
            let buffer = unwrapInboundIn(data)
            for byte in buffer.readableBytesView {
                counted += 1
                tail = tail << 8 | UInt32(byte)
                if byte != 0x0D && byte != 0x0A { sawContent = true }
                if sawContent && (tail == 0x0D0A_0D0A || tail & 0xFFFF == 0x0A0A) {
                    shared.awaitingHead = false
                    counted = 0
                    sawContent = false
                    tail = 0
                    break
                }
                if counted > limit {
                    reject(context: context)
                    return
                }
            }
        }
        context.fireChannelRead(data)
    }

    private func reject(context: ChannelHandlerContext) {
        rejected = true
        metrics.countRequest(route: "invalid", code: 431)
        guard !shared.responseInProgress else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutbound(RawResponse.bytes(.headTooLarge(limit)))).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    private func wrapOutbound(_ buffer: ByteBuffer) -> NIOAny { NIOAny(buffer) }
}

/// Limits the time one request takes to arrive, from its first byte to its end (the
/// ``APILimits/requestTimeout``): a client that trickles a head or a body (slowloris) gets
/// 408 and is closed. The idle timeout cannot do it, as every byte restarts it. The time limit
/// starts with the first byte of a head other than CR and LF, and ends when the connection
/// handler has the whole request (``ConnectionShared/requestArrived()``). When it fires while
/// the server is still answering an earlier request on the connection, it starts again.
final class RequestTimeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let limit: Duration
    private let shared: ConnectionShared
    private let metrics: MetricsRegistry
    private var fired = false
    /// The one timer of the connection. A request that starts while it is pending does not
    /// schedule another, and a request that ends does not cancel it: when it fires it looks at
    /// the request under way, if any, and waits again until that one's limit. Scheduling and
    /// cancelling a timer for each request had cost more than the rest of a `/v1/now` answer
    /// outside NIO's codec.
    private var timer: Scheduled<Void>?

    init(limit: Duration, shared: ConnectionShared, metrics: MetricsRegistry) {
        self.limit = limit
        self.shared = shared
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if shared.awaitingHead, shared.requestStarted == nil, !fired,
           unwrapInboundIn(data).readableBytesView.contains(where: { $0 != 0x0D && $0 != 0x0A }) {
            let now = NIODeadline.now()
            shared.requestStarted = now
            if timer == nil { arm(at: now + timeAmount, context: context) }
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    private var timeAmount: TimeAmount { .milliseconds(Int64(max(1, limit.apiMilliseconds))) }

    private func stop() {
        shared.requestArrived()
        timer?.cancel()
        timer = nil
    }

    private func arm(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (guardHandler, context) = bound.value
            guardHandler.timerFired(context: context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        guard !fired, context.channel.isActive, let started = shared.requestStarted else { return }
        let now = NIODeadline.now()
        if started + timeAmount > now {
            arm(at: started + timeAmount, context: context)  // a later request: its own limit
            return
        }
        if shared.answering {
            // The server's time, not the client's: the limit starts again.
            shared.requestStarted = now
            arm(at: now + timeAmount, context: context)
            return
        }
        fired = true
        metrics.countRequest(route: "invalid", code: 408)
        // Nothing is being answered, so every earlier response is already written: a raw 408
        // after them is well formed.
        context.writeAndFlush(NIOAny(RawResponse.bytes(.requestTimeout(limit)))).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }
}

/// The handler of a connection over the limit: answers 503 and closes.
final class ConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let limit: Int
    private var answered = false

    init(limit: Int) { self.limit = limit }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { answer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        answer(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func answer(context: ChannelHandlerContext) {
        guard !answered else { return }
        answered = true
        context.writeAndFlush(NIOAny(RawResponse.bytes(.tooManyConnections(limit)))).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }
}
