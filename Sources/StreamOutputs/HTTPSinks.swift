import Foundation
import StreamHTTP
import StreamState

/// The outputs that speak HTTP, through the daemon's libcurl engine (never a thread of their
/// own): Icecast's metadata update, a signed webhook, TuneIn AIR. A failure names the URL
/// without its query (where TuneIn's key travels) and never a secret.
struct HTTPSink: OutputSink {
    /// What to ask, and how to read the answer.
    enum Endpoint: Sendable {
        case icecast(mountURL: String, user: String, password: OutputSecret)
        case webhook(url: String, secret: OutputSecret?)
        case tunein(url: String, partnerID: String, partnerKey: OutputSecret, stationID: String)
    }

    let endpoint: Endpoint
    let engine: CurlEngine
    /// The URL without its query, for messages.
    let shownURL: String

    func send(_ message: OutputMessage, completion: @escaping @Sendable (OutputFailure?) -> Void) {
        let request: HTTPRequest
        do {
            request = try makeRequest(message)
        } catch {
            return completion(error)
        }
        let endpoint = self.endpoint, shown = shownURL
        engine.startFetch(request) { result in
            switch result {
            case .success(let response):
                completion(Self.failure(in: response, endpoint: endpoint, shown: shown))
            case .failure(let error):
                completion(OutputFailure(kind: error.kind.rawValue, message: "\(shown): \(error.message)", httpStatus: error.httpStatus))
            }
        }
    }

    /// The request for `message`.
    func makeRequest(_ message: OutputMessage) throws(OutputFailure) -> HTTPRequest {
        switch endpoint {
        case .icecast(let mountURL, let user, let password):
            guard var parts = URLComponents(string: mountURL), !parts.path.isEmpty, parts.path != "/" else {
                throw OutputFailure(kind: "url", message: "\(shownURL) names no mount")
            }
            let mount = parts.path
            parts.path = "/admin/metadata"
            parts.queryItems = [URLQueryItem(name: "mount", value: mount), URLQueryItem(name: "mode", value: "updinfo"),
                                URLQueryItem(name: "song", value: message.text), URLQueryItem(name: "charset", value: "UTF-8")]
            parts.percentEncodedQuery = parts.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            let credentials = Data("\(user):\(password.value)".utf8).base64EncodedString()
            return HTTPRequest(url: parts.string ?? mountURL, headers: [("Authorization", "Basic \(credentials)")],
                               totalTimeout: .seconds(10), maxRedirects: 0, maxBodyBytes: 64 << 10, acceptCompressed: false)
        case .webhook(let url, let secret):
            let body = WebhookBody.json(message)
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("X-Streamd-Event", "now-playing")]
            if let secret {
                headers.append(("X-Streamd-Signature-256", "sha256=" + HMACSHA256.hex(key: Array(secret.value.utf8), message: body)))
            }
            return HTTPRequest(url: url, headers: headers, totalTimeout: .seconds(10), maxRedirects: 0, maxBodyBytes: 64 << 10,
                               acceptCompressed: false, body: body)
        case .tunein(let url, let partnerID, let partnerKey, let stationID):
            guard var parts = URLComponents(string: url) else { throw OutputFailure(kind: "url", message: "\(shownURL) is no URL") }
            let song = message.song
            parts.queryItems = [URLQueryItem(name: "partnerId", value: partnerID), URLQueryItem(name: "partnerKey", value: partnerKey.value),
                                URLQueryItem(name: "id", value: stationID), URLQueryItem(name: "title", value: song?.title ?? ""),
                                URLQueryItem(name: "artist", value: song?.artist ?? "")]
                + (song?.album.map { [URLQueryItem(name: "album", value: $0)] } ?? [])
            parts.percentEncodedQuery = parts.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            return HTTPRequest(url: parts.string ?? url, totalTimeout: .seconds(10), maxBodyBytes: 64 << 10)
        }
    }

    /// Why an answer is a failure, or nil: a status outside 2xx, or Icecast's `<return>0</return>`.
    static func failure(in response: HTTPResponse, endpoint: Endpoint, shown: String) -> OutputFailure? {
        let status = response.head.status
        guard (200..<300).contains(status) else {
            let reason = status == 401 || status == 403 ? " (check the credentials)" : ""
            return OutputFailure(kind: "http", message: "\(shown) answered HTTP \(status)\(reason)", httpStatus: status)
        }
        if case .icecast = endpoint, String(decoding: response.body, as: UTF8.self).contains("<return>0</return>") {
            let text = String(decoding: response.body, as: UTF8.self)
            let said = text.range(of: "<message>").flatMap { open in
                text.range(of: "</message>", range: open.upperBound..<text.endIndex).map { String(text[open.upperBound..<$0.lowerBound]) }
            } ?? "no"
            return OutputFailure(kind: "refused", message: "\(shown): Icecast refused the update (\(said))")
        }
        return nil
    }
}

/// The body a webhook receives: `{"event":"now-playing","station":{...},"text":"..."}`, the
/// station as the state document has it (keys sorted).
enum WebhookBody {
    static func json(_ message: OutputMessage) -> [UInt8] {
        var writer = StateJSONWriter()
        writer.raw("{\"event\":\"now-playing\",\"station\":")
        message.station.writeJSON(to: &writer)
        writer.raw(",\"text\":")
        writer.string(message.text)
        writer.raw("}")
        return writer.bytes
    }
}
