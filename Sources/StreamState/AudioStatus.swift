import Foundation

/// Dead-air detection of one stream (its `silence` key): silent when the loudest channel's
/// RMS level stays under `thresholdDb` for `after`.
public struct SilenceSpec: Sendable, Equatable {
    /// The level under which a second counts as silent, dBFS.
    public var thresholdDb: Double
    /// How long silence must last before the stream is reported degraded.
    public var after: Duration

    /// Creates a silence spec.
    public init(thresholdDb: Double, after: Duration) {
        self.thresholdDb = thresholdDb
        self.after = after
    }

    /// Music: −40 dBFS for 20 s.
    public static let music = SilenceSpec(thresholdDb: -40, after: .seconds(20))
    /// Talk: −50 dBFS for 30 s (a voice is quieter than music, its pauses short).
    public static let talk = SilenceSpec(thresholdDb: -50, after: .seconds(30))
}

/// What a metered stream's audio measures (the stream's `audio` in the state document).
public struct AudioStatus: Codable, Sendable, Equatable {
    /// The last second's RMS level of the loudest channel, dBFS (−120: digital silence).
    public var levelDb: Double
    /// The last second's peak of the loudest channel, dBFS.
    public var peakDb: Double
    /// When the silence began, once it has lasted the stream's `after` (else null).
    public var silentSince: Date?

    /// Creates an audio status.
    public init(levelDb: Double, peakDb: Double, silentSince: Date? = nil) {
        self.levelDb = levelDb
        self.peakDb = peakDb
        self.silentSince = silentSince
    }

    enum CodingKeys: String, CodingKey { case levelDb, peakDb, silentSince }

    /// Encodes with an explicit `"silentSince": null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(levelDb, forKey: .levelDb)
        try c.encode(peakDb, forKey: .peakDb)
        try c.encode(silentSince, forKey: .silentSince)
    }
}

extension AudioStatus: StateJSONEncodable {
    /// The audio status's JSON, keys sorted.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"levelDb\":"); w.double(levelDb)
        w.raw(",\"peakDb\":"); w.double(peakDb)
        w.raw(",\"silentSince\":"); w.date(silentSince)
        w.raw("}")
    }
}
