/// Routes that misbehave the way real servers do, for the fault matrix: each is what one
/// broken server sends, byte for byte.
extension LoopbackRoute {
    /// Answers only after `delay` (a server that accepted the connection and is busy).
    public static func answerAfter(_ delay: Duration, _ route: LoopbackRoute) -> LoopbackRoute {
        var late = route
        late.headDelay = delay
        return late
    }

    /// Sends its head (`headers` after the content type; by default announcing 1000 bytes of
    /// body), then nothing while the connection stays open.
    public static func headersThenSilence(contentType: String = "application/json",
                                          headers: [(String, String)] = [("Content-Length", "1000")]) -> LoopbackRoute {
        var route = LoopbackRoute(statusLine: "HTTP/1.1 200 OK", headers: [("Content-Type", contentType)] + headers,
                                  body: .generated { _ in [] })
        route.dribble = (bytes: 0, interval: .seconds(1))
        return route
    }

    /// `route` (with a `Content-Length` for its whole body) closed abruptly after half its
    /// body, or after `bytes`.
    public static func cutShort(_ route: LoopbackRoute, after bytes: Int? = nil) -> LoopbackRoute {
        var cut = route
        if case .fixed(let body) = route.body {
            cut.closeAfterBodyBytes = bytes ?? body.count / 2
        } else {
            cut.closeAfterBodyBytes = bytes ?? 4096
        }
        return cut
    }

    /// A 200 whose body is a captive portal's login page, not what the client asked for.
    public static func garbage(contentType: String = "text/html") -> LoopbackRoute {
        .ok("<!DOCTYPE html><html><head><title>Hotel WiFi</title></head><body><form action=\"/login\">"
            + "Log in to continue: <input name=\"room\"></form></body></html>\n", contentType: contentType)
    }

    /// A 200 announcing and sending `bytes` of `filler` (100 MB of spaces, valid leading JSON
    /// whitespace, by default) in 256 KiB chunks, one every `every` at most (1 ms: 256 MB/s) and
    /// only while the client keeps up: the server never holds more than a chunk and what the
    /// socket buffers, and the event loop it shares with other tests' servers is not monopolized.
    public static func huge(bytes: Int = 100_000_000, contentType: String = "application/json",
                            filler: UInt8 = 0x20, every: Duration = .milliseconds(1)) -> LoopbackRoute {
        let chunkSize = 256 * 1024
        let chunk = [UInt8](repeating: filler, count: chunkSize)
        let chunks = (bytes + chunkSize - 1) / chunkSize
        var route = LoopbackRoute(statusLine: "HTTP/1.1 200 OK",
                                  headers: [("Content-Type", contentType), ("Content-Length", "\(chunks * chunkSize)")],
                                  body: .generated { index in index < chunks ? chunk : nil })
        route.dribble = (bytes: chunkSize, interval: every)
        return route
    }

    /// A redirect to itself: the client follows it until its redirect limit.
    public static func redirectLoop(at path: String) -> LoopbackRoute {
        .redirect(to: path)
    }

    /// An ICY stream that sends its metadata blocks for `bytes` of body, then audio filler only:
    /// the relay switched to a source without ICY metadata on the same connection.
    public static func icyLosingMetadata(after bytes: Int, metaint: Int = 1000, name: String) -> LoopbackRoute {
        var route = LoopbackRoute.icyStream(metaint: metaint, extraHeaders: [("icy-name", name), ("icy-br", "128")])
        route.icyPlainAfterBytes = bytes
        return route
    }
}
