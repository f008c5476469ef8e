import NIOCore
import StreamState

/// The Server-Sent Events wire format of `GET /v1/events`: `id:`, `event:` and one `data:`
/// line per event (JSON has no raw line breaks), a blank line after each; comments start
/// with `:`.
enum SSEEncoding {
    /// `id: <id>\nevent: <event>\ndata: <json>\n\n`.
    static func frame(id: UInt64, event: String, json: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(json.count + event.utf8.count + 40)
        buffer.writeString("id: \(id)\nevent: \(event)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
    }

    /// `retry: <ms>\n\n`, sent once at the start of a stream.
    static func retry(milliseconds: Int64) -> ByteBuffer {
        ByteBuffer(string: "retry: \(milliseconds)\n\n")
    }

    /// The `: heartbeat` comment.
    static let heartbeat = ByteBuffer(string: ": heartbeat\n\n")

    /// The snapshot event for `document` (event id = its sequence).
    static func snapshot(_ document: StateDocument) -> ByteBuffer {
        frame(id: document.sequence, event: "snapshot", json: encode(document))
    }

    /// The station event for `station` in the document with `sequence`.
    static func station(_ station: StationState, sequence: UInt64) -> ByteBuffer {
        frame(id: sequence, event: "station", json: encode(station))
    }

    /// The document encoder's bytes for `value`; `{}` if encoding fails (it cannot for the model).
    static func encode(_ value: some Encodable) -> [UInt8] {
        (try? [UInt8](StateDocument.makeEncoder().encode(value))) ?? Array("{}".utf8)
    }

    /// The same bytes for the state types, from their own writer (no `JSONEncoder`).
    static func encode(_ value: some StateJSONEncodable) -> [UInt8] {
        value.jsonBytes
    }
}
