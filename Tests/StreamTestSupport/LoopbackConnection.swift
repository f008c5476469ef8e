import NIOCore

/// One client connection: reads the request head, then plays the route's script on the
/// channel's event loop.
final class LoopbackConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let server: ServerBox
    private var head: [UInt8] = []
    private var answered = false

    init(server: ServerBox) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        head += buffer.readBytes(length: buffer.readableBytes) ?? []
        if head.first == 0x16 {
            // A TLS ClientHello on this plain-HTTP port: answer in plain HTTP and close, as
            // nginx does, so the client's handshake fails at once ("wrong version number").
            answered = true
            let text = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
            context.close(promise: nil)
            return
        }
        guard let end = head.firstRange(of: [13, 10, 13, 10]) else {
            if head.count > 64 * 1024 { context.close(promise: nil) }
            return
        }
        var request = Self.parse(head[..<end.lowerBound])
        // A body (a webhook's POST): wait for all of it.
        let length = request.header("content-length").flatMap { Int($0) } ?? 0
        guard head.count >= end.upperBound + length else {
            if length > 1 << 20 { context.close(promise: nil) }
            return
        }
        request.body = Array(head[end.upperBound..<(end.upperBound + length)])
        answered = true
        guard let server = server.server.withLock({ $0 }) else { context.close(promise: nil); return }
        let route = server.respond(to: request)
        let player = ResponsePlayer(channel: context.channel, route: route, path: request.path, server: server)
        player.begin()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    static func parse(_ bytes: ArraySlice<UInt8>) -> RecordedRequest {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ")
        let target = parts.count > 1 ? String(parts[1]) : "/"
        let pathAndQuery = target.split(separator: "?", maxSplits: 1)
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return RecordedRequest(method: parts.first.map(String.init) ?? "GET",
                               path: pathAndQuery.first.map(String.init) ?? "/",
                               query: pathAndQuery.count > 1 ? String(pathAndQuery[1]) : nil,
                               headers: headers)
    }
}

/// Plays one route on a channel. Lives on the channel's event loop; all its state is
/// touched only there (hence `@unchecked Sendable`).
final class ResponsePlayer: @unchecked Sendable {
    let channel: any Channel
    let route: LoopbackRoute
    let path: String
    let server: LoopbackServer
    private var sentBody = 0
    private var chunkIndex = 0
    private var icySinceMeta = 0
    private var icyLastTitle: String?
    private let generation: Int

    init(channel: any Channel, route: LoopbackRoute, path: String, server: LoopbackServer) {
        self.channel = channel
        self.route = route
        self.path = path
        self.server = server
        self.generation = server.generation(of: path)
    }

    func begin() {
        channel.closeFuture.whenComplete { [server, path] _ in server.recordClose(of: path) }
        after(route.headDelay) { $0.sendHead() }
    }

    private func after(_ delay: Duration, _ body: @escaping @Sendable (ResponsePlayer) -> Void) {
        let nanos = Int64(delay.components.seconds) * 1_000_000_000 + Int64(delay.components.attoseconds / 1_000_000_000)
        channel.eventLoop.scheduleTask(in: .nanoseconds(nanos)) { [self] in
            guard channel.isActive else { return }
            guard server.generation(of: path) == generation else {
                channel.close(promise: nil)  // the route changed: end this response
                return
            }
            body(self)
        }
    }

    private func sendHead() {
        var text = route.statusLine + "\r\n"
        for (name, value) in route.headers { text += "\(name):\(value.isEmpty ? "" : " ")\(value)\r\n" }
        text += "\r\n"
        write(Array(text.utf8))
        sendBody()
    }

    private func sendBody() {
        switch route.body {
        case .fixed(let bytes):
            guard let dribble = route.dribble else {
                writeBody(bytes[...])
                finish()
                return
            }
            let remaining = bytes[sentBody...]
            if remaining.isEmpty { finish(); return }
            writeBody(remaining.prefix(dribble.bytes))
            if channel.isActive { after(dribble.interval) { $0.sendBody() } }
        case .generated(let next):
            guard channel.isWritable else {
                // The client reads slower than we generate: wait rather than queue, so a huge
                // body never sits in this process's memory.
                after(.milliseconds(2)) { $0.sendBody() }
                return
            }
            guard let chunk = next(chunkIndex) else { finish(); return }
            chunkIndex += 1
            writeBody(chunk[...])
            if channel.isActive { after(route.dribble?.interval ?? .milliseconds(50)) { $0.sendBody() } }
        case .icy(let metaint, let bytesPerSecond):
            let tick = Duration.milliseconds(50)
            writeICY(audioBytes: max(1, bytesPerSecond / 20), metaint: metaint)
            if channel.isActive { after(tick) { $0.sendBody() } }
        }
    }

    /// Writes `audioBytes` of filler, inserting a metadata block every `metaint` bytes.
    private func writeICY(audioBytes: Int, metaint: Int) {
        var out: [UInt8] = []
        var left = audioBytes
        if let plainAfter = route.icyPlainAfterBytes, sentBody >= plainAfter {
            writeBody([UInt8](repeating: 0xAA, count: audioBytes)[...])
            return
        }
        while left > 0 {
            let run = min(left, metaint - icySinceMeta)
            out += [UInt8](repeating: 0xAA, count: run)  // binary, as audio is (0x55 would read as text)
            icySinceMeta += run
            left -= run
            if icySinceMeta == metaint {
                icySinceMeta = 0
                out += metadataBlock()
            }
        }
        writeBody(out[...])
    }

    private func metadataBlock() -> [UInt8] {
        let title = server.title(for: path)
        guard let title, title != icyLastTitle else { return [0] }
        icyLastTitle = title
        var payload = Array("StreamTitle='\(title)';".utf8)
        let blocks = min(255, (payload.count + 15) / 16)
        payload = Array(payload.prefix(blocks * 16))
        payload += [UInt8](repeating: 0, count: blocks * 16 - payload.count)
        return [UInt8(blocks)] + payload
    }

    private func writeBody(_ bytes: ArraySlice<UInt8>) {
        var slice = bytes
        if let limit = route.closeAfterBodyBytes {
            slice = slice.prefix(max(0, limit - sentBody))
        }
        sentBody += slice.count
        if !slice.isEmpty { write(Array(slice)) }
        if let limit = route.closeAfterBodyBytes, sentBody >= limit {
            channel.close(mode: .all, promise: nil)
        }
    }

    private func write(_ bytes: [UInt8]) {
        guard channel.isActive else { return }
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    private func finish() {
        channel.close(promise: nil)
    }
}
