import Foundation

/// Whether a followed stream's audio still flows, judged window by window as chunks arrive.
///
/// A window is fine when it brought `bytesPerSecond` on average, or, for a stream whose audio
/// time is known (Ogg's granule positions, MP3 or ADTS frame headers), at least half
/// of its length in audio: Vorbis, Opus or AAC dead air takes a few hundred bytes a second and
/// is a silent stream, not a stalled one.
/// A window with neither is a stall. Nothing arriving at all never reaches this (no chunk,
/// no call): the HTTP engine's idle limit ends that transfer.
struct StallWatch: Sendable {
    /// The part of a window's length that must arrive as audio time.
    static let audioShare = 0.5

    let bytesPerSecond: Int
    let window: TimeInterval
    private var start: Date
    private var bytes = 0
    private var audioAtStart: Double?

    /// Starts watching at `start` (the head's arrival).
    init(bytesPerSecond: Int, window: Duration, from start: Date) {
        self.bytesPerSecond = bytesPerSecond
        self.window = max(0.001, window.seconds)
        self.start = start
    }

    /// Adds `count` bytes that arrived at `now`, with the audio time the stream has delivered
    /// so far (nil: it does not tell). Returns why the stream is stalled when the window that
    /// just closed was too thin, else nil.
    mutating func add(_ count: Int, audioSeconds: Double?, at now: Date) -> String? {
        bytes += count
        if audioAtStart == nil { audioAtStart = audioSeconds }
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= window else { return nil }
        let enoughBytes = Double(bytes) >= Double(bytesPerSecond) * elapsed
        let audio = audioSeconds.map { $0 - (audioAtStart ?? $0) }
        let enoughAudio = audio.map { $0 >= elapsed * Self.audioShare } ?? false
        defer {
            start = now
            bytes = 0
            audioAtStart = audioSeconds
        }
        guard !enoughBytes && !enoughAudio else { return nil }
        let rate = Int((Double(bytes) / elapsed).rounded())
        let seconds = String(format: "%.0f", elapsed)
        if let audio {
            return "only \(rate) bytes/s and \(String(format: "%.1f", audio)) s of audio in \(seconds) s (under \(bytesPerSecond) bytes/s and under half real time)"
        }
        return "only \(rate) bytes/s in \(seconds) s (under \(bytesPerSecond) bytes/s)"
    }
}
