import Foundation

/// One second of audio, measured: per channel the peak and the RMS level in dBFS (full scale
/// is 0 dB; digital silence is ``AudioLevels/floorDb``).
public struct AudioLevelSecond: Sendable, Equatable {
    /// The highest absolute sample of each channel, in dBFS.
    public var peakDb: [Double]
    /// The root mean square of each channel, in dBFS.
    public var rmsDb: [Double]

    /// Creates a measurement.
    public init(peakDb: [Double], rmsDb: [Double]) {
        self.peakDb = peakDb
        self.rmsDb = rmsDb
    }

    /// The loudest channel's RMS level: what silence detection looks at (one silent channel
    /// of a stereo stream is no dead air).
    public var loudestRmsDb: Double { rmsDb.max() ?? AudioLevels.floorDb }
}

/// Measures decoded audio (interleaved float samples, full scale ±1.0) second by second of
/// audio time: each full second of samples gives one ``AudioLevelSecond``. Pure; no allocation
/// per sample.
public struct AudioLevels: Sendable {
    /// The level reported for digital silence (and anything below it).
    public static let floorDb = -120.0

    /// Samples per channel per second.
    public private(set) var sampleRate: Int
    /// Channels, interleaved.
    public private(set) var channels: Int
    private var peaks: [Float]
    private var squares: [Double]
    private var frames = 0

    /// Measures audio of `sampleRate` frames per second with `channels` channels.
    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = max(1, sampleRate)
        self.channels = max(1, channels)
        peaks = Array(repeating: 0, count: self.channels)
        squares = Array(repeating: 0, count: self.channels)
    }

    /// A new format (the stream changed rate or channels): starts the second again.
    public mutating func reformat(sampleRate: Int, channels: Int) {
        self = AudioLevels(sampleRate: sampleRate, channels: channels)
    }

    /// Adds interleaved samples; calls `second` for each second of audio completed.
    ///
    /// Runs once per decoded sample of every metered stream, so it works a run at a time (up to
    /// the end of the current second), one channel after the other, in local variables: the
    /// daemon's profile had the per-sample array updates (a uniqueness and a bounds check each)
    /// at a quarter of a metered stream's CPU.
    public mutating func add(_ samples: UnsafeBufferPointer<Float>, second: (AudioLevelSecond) -> Void) {
        let channels = self.channels
        let available = samples.count / channels
        var frame = 0
        while frame < available {
            let run = min(sampleRate - frames, available - frame)
            for channel in 0..<channels {
                // Summed on from the second's total, sample by sample: the same order of
                // additions (so the same figure) however the samples arrive.
                var peak = peaks[channel]
                var sum = squares[channel]
                var index = frame * channels + channel
                let end = (frame + run) * channels
                while index < end {
                    let sample = samples[index]
                    peak = max(peak, abs(sample))
                    sum += Double(sample) * Double(sample)
                    index += channels
                }
                peaks[channel] = peak
                squares[channel] = sum
            }
            frame += run
            frames += run
            if frames == sampleRate {
                second(finishSecond())
            }
        }
    }

    private mutating func finishSecond() -> AudioLevelSecond {
        let measured = AudioLevelSecond(peakDb: peaks.map { Self.decibels(Double($0)) },
                                        rmsDb: squares.map { Self.decibels(($0 / Double(frames)).squareRoot()) })
        for channel in 0..<channels {
            peaks[channel] = 0
            squares[channel] = 0
        }
        frames = 0
        return measured
    }

    /// `20 log10(amplitude)`, not below ``floorDb``.
    public static func decibels(_ amplitude: Double) -> Double {
        guard amplitude > 0 else { return floorDb }
        return max(floorDb, 20 * log10(amplitude))
    }
}
