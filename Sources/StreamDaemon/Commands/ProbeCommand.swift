import ArgumentParser
import Foundation
import StreamCore

/// `streamd probe KIND URL`: fetch one stream or source once and print what streamd makes
/// of it, as JSON. Exit 0 on success, 1 with the error as JSON on failure.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Fetch one stream or source once and print what streamd makes of it (JSON).",
        discussion: "KIND is http (status, headers, size, timings). file:// URLs work.")

    @Argument(help: "What to fetch: http.") var kind: String
    @Argument(help: "The URL (http, https or file).") var url: String
    @Option(help: "Give up after this many seconds.") var timeout: Double = 15

    func run() async throws {
        guard kind == "http" else {
            printError("streamd probe: unknown kind '\(kind)' (known: http)")
            throw ExitStatus.usage
        }
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let request = HTTPRequest(url: url, totalTimeout: .milliseconds(Int(timeout * 1000)))
        do {
            let response = try await engine.fetch(request)
            try printJSON(HTTPProbeReport(response, url: url))
        } catch {
            try printJSON(ErrorReport(error))
            throw ExitStatus.failure
        }
    }
}

/// What `probe http` prints.
struct HTTPProbeReport: Encodable {
    struct Header: Encodable { let name: String; let value: String }
    struct Timings: Encodable {
        let nameLookupMs, connectMs, tlsMs, firstByteMs, totalMs: Double
    }

    let kind = "http"
    let url: String
    let effectiveURL: String
    let status: Int
    let statusLine: String
    let headers: [Header]
    let size: Int
    let redirects: Int
    let remoteAddress: String?
    let timings: Timings

    init(_ response: HTTPResponse, url: String) {
        func ms(_ d: Duration) -> Double { (Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15).rounded(toPlaces: 3) }
        self.url = url
        effectiveURL = response.summary.effectiveURL
        status = response.status
        statusLine = response.head.statusLine
        headers = response.headers.map { Header(name: $0.name, value: $0.value) }
        size = response.body.count
        redirects = response.summary.redirectCount
        remoteAddress = response.summary.remoteAddress
        let t = response.summary.timings
        timings = Timings(nameLookupMs: ms(t.nameLookup), connectMs: ms(t.connect), tlsMs: ms(t.tlsHandshake),
                          firstByteMs: ms(t.firstByte), totalMs: ms(t.total))
    }
}

/// `{"error": {...}}` for a failed probe.
struct ErrorReport: Encodable {
    struct Body: Encodable {
        let kind: String
        let message: String
        let url: String?
        let httpStatus: Int?
        let curlCode: Int?
    }
    let error: Body

    init(_ error: any Error) {
        if let http = error as? HTTPError {
            self.error = Body(kind: http.kind.rawValue, message: http.message, url: http.url,
                              httpStatus: http.httpStatus, curlCode: http.curlCode)
        } else if let parse = error as? ParseError {
            self.error = Body(kind: "parse", message: parse.description, url: nil, httpStatus: nil, curlCode: nil)
        } else {
            self.error = Body(kind: "other", message: "\(error)", url: nil, httpStatus: nil, curlCode: nil)
        }
    }
}

/// Prints a value as pretty JSON with sorted keys on standard output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
