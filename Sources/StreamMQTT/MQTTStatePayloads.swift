import Foundation
import StreamState

/// The messages of the state, as bytes: pure, no I/O.
public enum MQTTStatePayloads {
    /// A station's message: `{"sequence":N,"station":{...},"updatedAt":"..."}`, the station
    /// object as in the state document, with the sequence and time of the document it is from
    /// (a reader comparing two sites' copies takes the newer).
    public static func station(_ station: StationState, in document: StateDocument) -> [UInt8] {
        var w = StateJSONWriter(capacity: 2048)
        w.raw("{\"sequence\":"); w.int(document.sequence)
        w.raw(",\"station\":"); station.writeJSON(to: &w)
        w.raw(",\"updatedAt\":"); w.date(document.updatedAt)
        w.raw("}")
        return w.bytes
    }

    /// The whole document's message: its JSON, as the state file and `GET /v1/state` have it.
    public static func state(_ document: StateDocument) -> [UInt8] {
        document.jsonBytes
    }

    /// `online`.
    public static let online = Array("online".utf8)
    /// `offline`.
    public static let offline = Array("offline".utf8)
}
