import StreamState

extension ScreenModel {
    /// At most this many streams of the displayed station get an uptime strip (the first, in
    /// configuration order): the main stream and its backups, not every probe.
    public static let maxStrips = 3

    /// The first ``maxStrips`` streams of `station`.
    static func stripStreams(of station: StationState) -> [StreamKey] {
        station.streams.prefix(maxStrips).map { StreamKey(station: station.id, stream: $0.id) }
    }

    /// The strips of `keys`, in their order, from the answers among `histories` (keys with
    /// no answer have no strip).
    static func strips(for keys: [StreamKey], from histories: [HistoryAnswer]) -> [UptimeStrip] {
        keys.compactMap { key in
            histories.first { $0.station == key.station && $0.stream == key.stream }.map(UptimeStrip.init)
        }
    }
}
