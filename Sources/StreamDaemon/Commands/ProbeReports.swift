import Foundation
import StreamHTTP
import StreamState

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
        func ms(_ d: Duration) -> Double {
            ((Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) * 1000).rounded() / 1000
        }
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
    let error: ErrorValue

    init(_ error: any Error) {
        self.error = ErrorValue(any: error, at: Date())
    }
}

/// Prints a value as pretty JSON (sorted keys, RFC 3339 dates) on standard output.
func printJSON(_ value: some Encodable) throws {
    print(String(decoding: try StateDocument.makeEncoder(pretty: true).encode(value), as: UTF8.self))
}
