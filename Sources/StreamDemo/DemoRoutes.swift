import Foundation
import StreamFormats

/// A request head the demo station received.
struct DemoRequest: Sendable {
    /// `GET`, `HEAD`, ...
    var method: String
    /// The path without the query.
    var path: String
    /// Query parameters, percent-decoded; the first of a repeated name wins.
    var query: [String: String]
    /// Header fields as sent.
    var headers: [(name: String, value: String)]

    /// The first value of a header, any case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Parses a request head (request line and header lines, without the blank line);
    /// nil when the request line is not `METHOD TARGET VERSION`.
    static func parse(_ bytes: ArraySlice<UInt8>) -> DemoRequest? {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { return nil }
        let target = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if target.count == 2 {
            for pair in target[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let decode = { (s: Substring) in
                    s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
                }
                let name = decode(kv[0])
                if query[name] == nil { query[name] = kv.count == 2 ? decode(kv[1]) : "" }
            }
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                            line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return DemoRequest(method: String(parts[0]), path: String(target[0]), query: query, headers: headers)
    }
}

/// What the demo station answers.
enum DemoResponse: Sendable, Equatable {
    /// A whole document.
    case document(status: Int, contentType: String, body: [UInt8])
    /// The endless ICY stream; metadata interleaved only when the client asked for it.
    case stream(metadata: Bool)
}

/// The demo station's routes, answered from the playlist and the clock alone.
struct DemoService: Sendable {
    let playlist: DemoPlaylist
    let clock: @Sendable () -> Date

    /// The answer to `request` (`HEAD` is answered like `GET`; the caller drops the body).
    func respond(to request: DemoRequest) -> DemoResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return Self.text(405, "method \(request.method) not allowed: the demo station answers GET and HEAD\n")
        }
        switch request.path {
        case "/live.mp3":
            return .stream(metadata: request.header("Icy-MetaData")?.trimmingCharacters(in: .whitespaces) == "1")
        case "/triton/nowplaying":
            let count = request.query["numberToFetch"].flatMap { Int($0) } ?? DemoPayloads.tritonDefaultCount
            return .document(status: 200, contentType: "text/xml;charset=UTF-8",
                             body: DemoPayloads.tritonNowPlaying(playlist, at: clock(), count: count))
        case "/composer/now":
            return Self.json(DemoPayloads.composerNow(playlist, at: clock()))
        case "/composer/day":
            let now = clock()
            let today = StationLocalTime(timeZone: DemoPlaylist.timeZone).day(of: now)
            guard let text = request.query["date"] else {
                return Self.json(DemoPayloads.composerDay(playlist, date: today))
            }
            guard text.count == 10, let day = StationLocalTime.Day.parse(text), "\(day)" == text else {
                return .document(status: 400, contentType: "application/json; charset=utf-8",
                                 body: Array(#"{"error":"date must be YYYY-MM-DD"}"#.utf8))
            }
            return Self.json(DemoPayloads.composerDay(playlist, date: day))
        case "/":
            return Self.text(200, """
                \(DemoPlaylist.stationName): a simulated station (streamd demo).
                /live.mp3                 ICY stream (send Icy-MetaData: 1 for titles)
                /triton/nowplaying        Triton now-playing XML (numberToFetch=N)
                /composer/now             NPR Composer now (onNow, nextUp)
                /composer/day?date=D      NPR Composer day schedule (YYYY-MM-DD)

                """)
        default:
            return Self.text(404, "no such path on the demo station: \(request.path)\n")
        }
    }

    private static func json(_ body: [UInt8]) -> DemoResponse {
        .document(status: 200, contentType: "application/json; charset=utf-8", body: body)
    }

    private static func text(_ status: Int, _ body: String) -> DemoResponse {
        .document(status: status, contentType: "text/plain; charset=utf-8", body: Array(body.utf8))
    }
}
