/// Maps a request line and a few headers to an endpoint, or to the error answer. Pure: no
/// I/O, no clock.
enum APIRouter {
    /// Resolves `method` and `uri` for a client of a listener with `access`.
    static func route(method: String, uri: String, headers: RequestHeaders, access: APIAccess)
        -> Result<RoutedRequest, APIError>
    {
        guard let target = RequestTarget(uri) else {
            return .failure(.badRequest("the request target \(uri.prefix(200)) is not a valid path"))
        }
        let path = target.path
        let station = target.query["station"]
        let isRead = method == "GET" || method == "HEAD"

        func read(_ endpoint: APIEndpoint, _ label: String) -> Result<RoutedRequest, APIError> {
            guard isRead else { return .failure(.methodNotAllowed(method, path, allow: ["GET", "HEAD"])) }
            return .success(RoutedRequest(endpoint: endpoint, headOnly: method == "HEAD", label: label))
        }
        func write(_ endpoint: APIEndpoint, _ label: String) -> Result<RoutedRequest, APIError> {
            guard access == .full else {
                return .failure(APIError(.forbidden, "forbidden",
                                         "\(label) is served on the Unix socket only; POST routes are not available over TCP"))
            }
            guard method == "POST" else { return .failure(.methodNotAllowed(method, path, allow: ["POST"])) }
            return .success(RoutedRequest(endpoint: endpoint, headOnly: false, label: label))
        }

        switch path {
        case "/v1/state": return read(.state(ifNoneMatch: headers.ifNoneMatch), path)
        case "/v1/stations": return read(.stations, path)
        case "/v1/now": return read(.now(station: station), path)
        case "/v1/next": return read(.next(station: station), path)
        case "/v1/events":
            let raw = headers.lastEventID ?? target.query["lastEventId"]
            return read(.events(lastEventID: raw.flatMap { UInt64($0.apiTrimmed) }), path)
        case "/v1/health": return read(.health, path)
        case "/metrics": return read(.metrics, path)
        case "/screen": return read(.screen, path)
        case "/" where access == .readOnly: return read(.screen, path)
        case "/v1/refresh": return write(.refresh(station: station), path)
        case "/v1/reload": return write(.reload, path)
        default:
            let prefix = "/v1/stations/"
            if path.hasPrefix(prefix), path.count > prefix.count {
                let id = String(path.dropFirst(prefix.count))
                if !id.contains("/") { return read(.station(id: id), "/v1/stations/{id}") }
            }
            let streams = "/v1/streams/"
            if path.hasPrefix(streams) {
                let parts = path.dropFirst(streams.count).split(separator: "/", omittingEmptySubsequences: false)
                if parts.count == 3, parts[2] == "history", !parts[0].isEmpty, !parts[1].isEmpty {
                    return read(.history(station: String(parts[0]), stream: String(parts[1])), "/v1/streams/{station}/{stream}/history")
                }
            }
            return .failure(.notFound("no route \(path.prefix(200)); see /v1/state, /v1/stations, /v1/now, /v1/next, /v1/streams/{station}/{stream}/history, /v1/events, /v1/health, /metrics, /screen"))
        }
    }
}

/// The request headers the routes read.
struct RequestHeaders: Sendable, Equatable {
    /// `If-None-Match`, as sent.
    var ifNoneMatch: String?
    /// `Last-Event-ID`, as sent.
    var lastEventID: String?
}

extension String {
    var apiTrimmed: Substring {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
    }
}
