import Foundation
import NIOHTTP1
import StreamState

/// What an endpoint answers: a whole response, or the start of an event stream.
enum APIResponse: Sendable {
    case full(status: HTTPResponseStatus, headers: [(String, String)], body: [UInt8])
    case events(lastEventID: UInt64?)

    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok, headers: [(String, String)] = []) -> APIResponse {
        json(body: jsonBody(value), status: status, headers: headers)
    }

    /// A JSON answer whose body (`jsonBody`) is already made.
    static func json(body: [UInt8], status: HTTPResponseStatus = .ok, headers: [(String, String)] = []) -> APIResponse {
        .full(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// The JSON of `value` and a newline.
    static func jsonBody(_ value: some Encodable) -> [UInt8] {
        var body = SSEEncoding.encode(value)
        body.append(UInt8(ascii: "\n"))
        return body
    }

    /// The JSON of a state value (its own writer) and a newline.
    static func jsonBody(_ value: some StateJSONEncodable) -> [UInt8] {
        var body = value.jsonBytes
        body.append(UInt8(ascii: "\n"))
        return body
    }

    static func error(_ error: APIError) -> APIResponse {
        json(error.body, status: error.status, headers: error.headers)
    }
}

/// Answers endpoints from the backend, the hub and the metrics.
struct APIResponder: Sendable {
    let backend: any StateAPIBackend
    let hub: EventHub
    let metrics: MetricsRegistry
    let clock: @Sendable () -> Date
    /// The version-only answers, encoded once per document version.
    let encoded = EncodedAnswers()

    /// The answer to a read route from the backend's snapshot, at once (on the event loop);
    /// nil for the other routes, or when the backend keeps no snapshot.
    func respondNow(to endpoint: APIEndpoint) -> APIResponse? {
        guard let document = backend.snapshot?.current else { return nil }
        return read(endpoint, from: document)
    }

    /// The read routes, answered from `document`; nil for the others.
    private func read(_ endpoint: APIEndpoint, from document: StateDocument) -> APIResponse? {
        switch endpoint {
        case .state(let ifNoneMatch):
            let etag = "\"\(document.sequence)\""
            let headers = [("ETag", etag), ("Cache-Control", "no-cache")]
            if let ifNoneMatch, Self.matches(ifNoneMatch, etag: etag) {
                return .full(status: .notModified, headers: headers, body: [])
            }
            return .json(body: encoded.body(.state, of: document) { APIResponse.jsonBody(document) }, headers: headers)
        case .stations:
            return .json(body: encoded.body(.stations, of: document) { APIResponse.jsonBody(document.stations.map(StationSummary.init)) })
        case .station(let id):
            guard let station = document.station(id) else { return .error(.unknownStation(id)) }
            return .json(body: encoded.body(.station(id), of: document) { APIResponse.jsonBody(station) })
        case .now(let id):
            switch Self.station(id, in: document) {
            case .success(let station):
                let answer = NowAnswer(station: station, document: document, now: clock())
                return .json(body: encoded.body(.now(station.id), for: answer, in: document))
            case .failure(let error): return .error(error)
            }
        case .next(let id):
            switch Self.station(id, in: document) {
            case .success(let station):
                let answer = NextAnswer(station: station, document: document, now: clock())
                return .json(body: encoded.body(.next(station.id), for: answer, in: document))
            case .failure(let error): return .error(error)
            }
        case .history(let station, let stream):
            guard let configured = document.station(station) else { return .error(.unknownStation(station)) }
            guard configured.streams.contains(where: { $0.id == stream }) else {
                return .error(.notFound("station \(station) has no stream \(stream.prefix(200)); its streams: "
                                        + configured.streams.map(\.id).joined(separator: ", ")))
            }
            guard let answer = backend.history?.answer(station: station, stream: stream) else {
                return .error(.notFound("no history is kept for \(station)/\(stream) yet"))
            }
            return .json(answer)
        default:
            return nil
        }
    }

    /// The answer to any route (the read routes from the backend's current document).
    func respond(to endpoint: APIEndpoint) async -> APIResponse {
        switch endpoint {
        case .state, .stations, .station, .now, .next, .history:
            let document = await backend.currentDocument()
            return read(endpoint, from: document) ?? .error(.notFound("no such route"))
        case .events(let lastEventID):
            if hub.latestDocument == nil { hub.seed(await backend.currentDocument()) }
            return .events(lastEventID: lastEventID)
        case .health:
            let report = HealthReport(document: await backend.currentDocument(), engineAlive: await backend.engineAlive())
            return .json(report, status: report.status == .down ? .serviceUnavailable : .ok)
        case .metrics:
            let body = metrics.render(document: await backend.currentDocument(), hub: hub, history: backend.history,
                                      audio: await backend.liveAudio())
            return .full(status: .ok, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: body)
        case .screen:
            return .full(status: .ok, headers: [("Content-Type", "text/html; charset=utf-8"),
                                                ("Content-Security-Policy", ScreenPage.contentSecurityPolicy),
                                                ("Cache-Control", "no-cache")],
                         body: Array(ScreenPage.html.utf8))
        case .refresh(let id):
            guard await backend.refresh(station: id) else { return .error(.unknownStation(id ?? "")) }
            return .json(["accepted": true], status: .accepted)
        case .reload:
            do {
                try await backend.reload()
                return .json(["reloaded": true])
            } catch {
                return .error(APIError(.unprocessableEntity, "reload-refused", error.message))
            }
        }
    }

    /// The station named by `id`, or the live one (the first, when none is marked live).
    static func station(_ id: String?, in document: StateDocument) -> Result<StationState, APIError> {
        if let id {
            return document.station(id).map(Result.success) ?? .failure(.unknownStation(id))
        }
        if let live = document.live.flatMap(document.station) ?? document.stations.first {
            return .success(live)
        }
        return .failure(.notFound("no stations are configured"))
    }

    /// Whether an `If-None-Match` value matches `etag` (weak comparison, `*`, lists).
    static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            var tag = String(candidate).apiTrimmed
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            return tag == etag[...]
        }
    }
}

extension APIError {
    static func unknownStation(_ id: String) -> APIError {
        .notFound("no station \"\(id.prefix(200))\" is configured")
    }
}
