import StreamClient
import StreamState

/// Fetches the uptime strips' histories for the terminal screen over the daemon's socket.
/// A stream whose history cannot be had (a daemon from before the history route answers 404,
/// the daemon is away, the answer does not decode) is left out: its strip is not drawn, and
/// nothing is reported (the screen has no place for errors of a decoration).
struct ScreenHistory: Sendable {
    let client: DaemonClient

    /// The answers for `keys` that the daemon gave, in their order.
    func fetch(_ keys: [StreamKey]) async -> [HistoryAnswer] {
        var answers: [HistoryAnswer] = []
        for key in keys {
            guard !Task.isCancelled else { break }
            if let answer = try? await client.history(station: key.station, stream: key.stream) { answers.append(answer) }
        }
        return answers
    }
}
