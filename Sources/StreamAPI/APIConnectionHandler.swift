import Logging
import NIOCore
import NIOHTTP1

/// Serves one connection: reads requests, enforces the body limit, answers through the
/// ``APIResponder`` (off the event loop), keeps the connection alive between requests, and
/// turns into an event stream for `GET /v1/events`.
final class APIConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: APIResponder
    private let access: APIAccess
    private let limits: APILimits
    private let shared: ConnectionShared
    private let logger: Logger

    private enum State {
        case idle
        case receiving(HTTPRequestHead, bodyBytes: Int)
        case responding
        case streaming(EventSubscription)
        case closing
    }

    private var state = State.idle
    private var context: ChannelHandlerContext?
    private var heartbeat: RepeatedTask?
    /// A read answer is being written inline (see `dispatch`).
    private var answeringInline = false

    init(responder: APIResponder, access: APIAccess, limits: APILimits, shared: ConnectionShared, logger: Logger) {
        self.responder = responder
        self.access = access
        self.limits = limits
        self.shared = shared
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopStreaming()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopStreaming()
        state = .closing
        context.fireChannelInactive()
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = state else { return }
            shared.responseInProgress = true
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limits.maxBodyBytes {
                refuseBody(context: context, head: head)
                return
            }
            state = .receiving(head, bodyBytes: 0)
        case .body(let buffer):
            guard case .receiving(let head, let bytes) = state else { return }
            let total = bytes + buffer.readableBytes
            if total > limits.maxBodyBytes {
                refuseBody(context: context, head: head)
                return
            }
            state = .receiving(head, bodyBytes: total)
        case .end:
            shared.awaitingHead = true
            shared.requestArrived()
            guard case .receiving(let head, _) = state else { return }
            dispatch(head, context: context)
        }
    }

    private func refuseBody(context: ChannelHandlerContext, head: HTTPRequestHead) {
        state = .closing
        let error = APIError.bodyTooLarge(limits.maxBodyBytes)
        write(.error(error), for: head, label: "invalid", headOnly: false, keepAlive: false, context: context)
    }

    private func dispatch(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let headers = RequestHeaders(ifNoneMatch: head.headers.first(name: "if-none-match"),
                                     lastEventID: head.headers.first(name: "last-event-id"))
        let routed: RoutedRequest
        switch APIRouter.route(method: head.method.rawValue, uri: head.uri, headers: headers, access: access) {
        case .failure(let error):
            let label = error.status == .notFound ? "other" : head.uri.apiRouteLabel
            write(.error(error), for: head, label: label, headOnly: head.method == .HEAD, keepAlive: head.apiKeepAlive,
                  context: context)
            return
        case .success(let request):
            routed = request
        }
        state = .responding
        shared.answering = true
        if let response = responder.respondNow(to: routed.endpoint) {
            // A read route with a snapshot at hand: answered on the event loop, no task, and
            // inline. Writing `.end` makes the pipelining handler deliver the next buffered
            // request at once, so the answer to that one (and only that one: the nesting stops
            // at one) goes to the loop's queue.
            if !answeringInline {
                answeringInline = true
                write(response, for: head, label: routed.label, headOnly: routed.headOnly,
                      keepAlive: head.apiKeepAlive, context: context)
                answeringInline = false
                return
            }
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let handler = bound.value
                guard case .responding = handler.state, let context = handler.context else { return }
                handler.write(response, for: head, label: routed.label, headOnly: routed.headOnly,
                              keepAlive: head.apiKeepAlive, context: context)
            }
            return
        }
        let responder = self.responder
        let endpoint = routed.endpoint
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.makeFutureWithTask {
            await responder.respond(to: endpoint)
        }.whenSuccess { response in
            let handler = bound.value
            guard case .responding = handler.state, let context = handler.context else { return }
            switch response {
            case .events(let lastEventID):
                handler.startStreaming(head, routed: routed, lastEventID: lastEventID, context: context)
            case .full:
                handler.write(response, for: head, label: routed.label, headOnly: routed.headOnly,
                              keepAlive: head.apiKeepAlive, context: context)
            }
        }
    }

    private func write(_ response: APIResponse, for request: HTTPRequestHead, label: String, headOnly: Bool,
                       keepAlive: Bool, context: ChannelHandlerContext) {
        guard case .full(let status, let extra, let body) = response else { return }
        var headers = NIOHTTP1.HTTPHeaders(extra)
        if status != .notModified { headers.replaceOrAdd(name: "Content-Length", value: String(body.count)) }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        responder.metrics.countRequest(route: label, code: Int(status.code))
        context.write(wrapOutboundOut(.head(NIOHTTP1.HTTPResponseHead(version: request.version, status: status, headers: headers))),
                      promise: nil)
        if !headOnly && !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        // Settle the state first: writing `.end` lets the pipelining handler deliver the next
        // request at once, re-entering channelRead.
        shared.responseInProgress = false
        shared.answering = false
        let reusable: Bool = switch state {
        case .responding, .receiving: keepAlive
        case .idle, .streaming, .closing: false
        }
        state = reusable ? .idle : .closing
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !reusable {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    // MARK: Event stream

    private func startStreaming(_ request: HTTPRequestHead, routed: RoutedRequest, lastEventID: UInt64?,
                                context: ChannelHandlerContext) {
        var subscription: EventSubscription?
        if !routed.headOnly {
            subscription = responder.hub.subscribe(lastEventID: lastEventID, bufferLimit: limits.sseBufferBytes,
                                                   limit: limits.maxSubscribers)
            guard subscription != nil else {
                write(.error(.tooManySubscribers(limits.maxSubscribers)), for: request, label: routed.label, headOnly: false,
                      keepAlive: false, context: context)
                return
            }
        }
        responder.metrics.countRequest(route: routed.label, code: 200)
        let headers = NIOHTTP1.HTTPHeaders([("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"),
                                   ("X-Accel-Buffering", "no")])
        context.write(wrapOutboundOut(.head(NIOHTTP1.HTTPResponseHead(version: request.version, status: .ok, headers: headers))),
                      promise: nil)
        if routed.headOnly {
            shared.responseInProgress = false
            shared.answering = false
            state = request.apiKeepAlive ? .idle : .closing
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !request.apiKeepAlive {
                let channel = context.channel
                done.whenComplete { _ in channel.close(promise: nil) }
            }
            return
        }
        context.write(wrapOutboundOut(.body(.byteBuffer(SSEEncoding.retry(milliseconds: limits.sseRetry.apiMilliseconds)))),
                      promise: nil)
        guard let subscription else { return }
        state = .streaming(subscription)
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        subscription.setReadyHandler {
            eventLoop.execute { bound.value.drain() }
        }
        let interval = TimeAmount.milliseconds(max(1, limits.heartbeatInterval.apiMilliseconds))
        heartbeat = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.sendHeartbeat()
        }
        context.flush()
        drain()
    }

    /// Moves waiting frames to the channel while the client keeps up; closes a dropped one.
    private func drain() {
        guard case .streaming(let subscription) = state, let context else { return }
        if subscription.isDropped {
            logger.notice("event subscriber dropped: it did not read and fell \(limits.sseBufferBytes) bytes behind",
                          metadata: ["remote": "\(context.channel.remoteAddress?.description ?? "unix")"])
            stopStreaming()
            state = .closing
            context.close(promise: nil)
            return
        }
        guard context.channel.isWritable else { return }
        let frames = subscription.take()
        guard !frames.isEmpty else { return }
        for frame in frames {
            context.write(wrapOutboundOut(.body(.byteBuffer(frame))), promise: nil)
        }
        context.flush()
    }

    private func sendHeartbeat() {
        guard case .streaming = state, let context, context.channel.isWritable else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(SSEEncoding.heartbeat))), promise: nil)
    }

    private func stopStreaming() {
        heartbeat?.cancel()
        heartbeat = nil
        if case .streaming(let subscription) = state { subscription.cancel() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        drain()
        context.fireChannelWritabilityChanged()
    }

    // MARK: Idle time and protocol errors

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            switch state {
            case .idle, .receiving:
                state = .closing
                context.close(promise: nil)
            case .responding, .streaming, .closing:
                break
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            logger.debug("API connection error: \(error)")
            stopStreaming()
            state = .closing
            context.close(promise: nil)
            return
        }
        let answerable: Bool = switch state {
        case .idle, .receiving: true
        case .responding, .streaming, .closing: false
        }
        state = .closing
        guard answerable else {
            context.close(promise: nil)
            return
        }
        let apiError: APIError = parserError == .headerOverflow
            ? .headTooLarge(limits.maxHeadBytes)
            : .badRequest("the request is not valid HTTP/1.1 (\(parserError))")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        state = .responding
        write(.error(apiError), for: head, label: "invalid", headOnly: false, keepAlive: false, context: context)
    }
}

extension HTTPRequestHead {
    /// Whether the connection may carry another request after this one's answer: as HTTP
    /// says (`isKeepAlive`), except after `CONNECT` or a request to switch protocols
    /// (`Connection: upgrade` with `Upgrade`). NIO's parser takes whatever follows those as
    /// the new protocol and parses no further request, so the connection is closed after the
    /// answer instead of leaving the client waiting for the idle timeout.
    var apiKeepAlive: Bool {
        guard isKeepAlive, method != .CONNECT else { return false }
        let upgrade = headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
        return !(upgrade && headers.contains(name: "upgrade"))
    }
}

extension String {
    /// The metrics label for a request that failed routing but named a known path.
    var apiRouteLabel: String {
        let path = split(separator: "?", maxSplits: 1).first.map(String.init) ?? self
        let known = ["/v1/state", "/v1/stations", "/v1/now", "/v1/next", "/v1/events", "/v1/health", "/metrics",
                     "/screen", "/", "/v1/refresh", "/v1/reload"]
        if known.contains(path) { return path }
        return path.hasPrefix("/v1/stations/") ? "/v1/stations/{id}" : "other"
    }
}
