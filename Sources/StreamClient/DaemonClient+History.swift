import Foundation
import StreamState

extension DaemonClient {
    /// `GET /v1/streams/{station}/{stream}/history`: the stream's last 24 hours. Throws
    /// ``DaemonClientError`` (`refused` with status 404 from a daemon that keeps no history,
    /// or for a stream it does not know).
    public func history(station: String, stream: String) async throws(DaemonClientError) -> HistoryAnswer {
        try await get("/v1/streams/\(Self.segment(station))/\(Self.segment(stream))/history", as: HistoryAnswer.self)
    }

    /// `id` as one path segment (ids are `[a-z0-9-]`; anything else is percent-encoded).
    static func segment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? id
    }
}
