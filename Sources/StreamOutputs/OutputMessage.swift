import StreamState

/// What one output sends for one state of its station: the text (rendered, transliterated,
/// cut), and what some kinds send besides it. Two messages with the same ``key`` say the same
/// thing to the receiver: the second is not sent.
public struct OutputMessage: Sendable, Equatable {
    /// The text: the template (or fallback) filled in, in the output's charset, cut to its
    /// length.
    public var text: String
    /// The song, while one plays (TuneIn's fields, RT+ and DL Plus tags).
    public var song: SongValue?
    /// The next program's name (OnAirScreen's `NEXT:`), `""` when none is known.
    public var next: String
    /// A warning for a studio display (OnAirScreen's `WARN:`): `""` unless the station is off
    /// the air with a stream down or stalled.
    public var warning: String
    /// The station as the document had it (the webhook's body).
    public var station: StationState
    /// What the receiver would see: equal keys, nothing new to send.
    public var key: String

    /// The message of `output` for `station` as it is now.
    public init(_ output: OutputSpec, station: StationState) {
        var text = output.charset.transliterate(OutputText.text(output, station: station))
        if let limit = output.maxLength { text = OutputCut.cut(text, maxLength: limit) }
        self.text = text
        song = station.now.song
        next = output.charset.transliterate(station.next.first?.name ?? "")
        // Off the air with a stream down or stalled (not while streams are still connecting).
        let down = !station.onAir && station.streams.contains { $0.status == .down || $0.status == .stalled }
        warning = down ? "\(station.name): stream down" : ""
        self.station = station
        switch output.target {
        case .udp: key = [text, next, warning].joined(separator: "\u{1}")
        case .webhook: key = [text, next, station.onAir ? "on" : "off", station.now.song?.title ?? "", station.now.program?.name ?? ""]
                .joined(separator: "\u{1}")
        case .tunein: key = [song?.title ?? "", song?.artist ?? "", song?.album ?? ""].joined(separator: "\u{1}")
        default: key = text
        }
    }

    /// Whether the output sends this message at all: an empty text is skipped by the kinds
    /// that keep their last text; TuneIn takes songs only.
    func isSent(by output: OutputSpec) -> Bool {
        if case .tunein = output.target { return song != nil }
        return output.sendsEmptyText || !text.isEmpty
    }
}
