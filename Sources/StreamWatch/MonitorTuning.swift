/// The time constants of watching, in one place. Defaults suit real stations; tests shrink
/// them to see a stall or a reconnect in seconds.
public struct MonitorTuning: Sendable, Equatable {
    /// A followed stream slower than this many bytes per second (or than half its announced
    /// bitrate, when that is lower; unless its audio clock, Ogg's granules or its MP3 or ADTS
    /// frame headers, counts half real time)...
    public var stallBytesPerSecond: Int = 2000
    /// ...over this window is stalled (the stream session ends the transfer; libcurl's
    /// low-speed limit, where nothing arrives; a probe's libcurl limit is the full rate).
    public var stallWindow: Duration = .seconds(8)
    /// The first reconnect delay of a followed stream.
    public var reconnectInitial: Duration = .seconds(1)
    /// The longest reconnect delay.
    public var reconnectMaximum: Duration = .seconds(60)
    /// A connection that stayed up this long resets the reconnect backoff.
    public var healthyAfter: Duration = .seconds(30)
    /// How long a probe may read before deciding.
    public var probeTimeout: Duration = .seconds(10)
    /// Audio a probe reads from a stream without ICY metadata before hanging up.
    public var probeAudioBytes: Int = 32 * 1024
    /// The window over which the bitrate is measured (the connect burst is skipped).
    public var bitrateWindow: Duration = .seconds(10)
    /// Connecting time limit for streams.
    public var connectTimeout: Duration = .seconds(10)
    /// A followed stream is up only after this many seconds of audio (after the connect burst)
    /// averaging the sustained rate (``sustainedBytesPerSecond(announcedKbps:)``); until then a
    /// new connection keeps the status it had (pending, stalled or down).
    public var upAfterSeconds: Int = 3

    /// The defaults.
    public init() {}

    /// The rate a followed stream must keep to count as up: the stall limit, or half the
    /// announced bitrate when that is lower (a low-bitrate stream is not held to more than
    /// it sends).
    public func sustainedBytesPerSecond(announcedKbps: Int?) -> Int {
        guard let kbps = announcedKbps, kbps > 0 else { return stallBytesPerSecond }
        return max(1, min(stallBytesPerSecond, kbps * 1000 / 8 / 2))
    }
}
