import StreamState

/// Where one station's watchers send what they see, stamped with the station and the
/// generation of its watchers (``WatcherGeneration``), so the store can tell a late report of
/// replaced watchers from news.
public struct WatchReporter: Sendable {
    /// The station's id.
    public let station: String
    /// The generation of the watchers that report through this.
    public let generation: WatcherGeneration
    private let send: @Sendable (Observation) -> Void

    /// A reporter sending to `send` (the store's inbox in the daemon; a recorder in `probe`).
    public init(station: String, generation: WatcherGeneration, send: @escaping @Sendable (Observation) -> Void) {
        self.station = station
        self.generation = generation
        self.send = send
    }

    /// Reports what stream `index` of the station saw.
    func stream(_ index: Int, _ event: StreamEvent) {
        send(.stream(station: station, generation: generation, index: index, event))
    }

    /// Reports how a poll of source `index` of the station ended.
    func source(_ index: Int, _ event: SourceEvent) {
        send(.source(station: station, generation: generation, index: index, event))
    }
}
