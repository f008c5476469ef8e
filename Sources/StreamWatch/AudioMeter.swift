import Dispatch
import Foundation
import NIOConcurrencyHelpers
import StreamAudio
import StreamState

/// Listens to a followed MP3, AAC or Ogg (Vorbis, Opus) stream for dead air (the stream's `silence` key): the stream
/// session hands it each chunk of audio (one copy, on the engine thread); decoding
/// (libmpg123, FAAD2, or libogg with libvorbis or libopus) and measuring run on a queue of the meter's own, so the HTTP engine never waits for them.
/// Each second of audio gives one reading: the loudest channel's RMS and peak (to 0.1 dB), and
/// since when the stream is silent once that has lasted `after`.
///
/// Seconds are counted in audio time from the first decoded sample: the burst a server sends
/// at connect (a few seconds of audio at once) is measured as audio, not as wall time.
final class AudioMeter: Sendable {
    private let queue = DispatchQueue(label: "streamd.audio-meter")
    private let state: NIOLockedValueBox<State>
    private let stopped = NIOLockedValueBox(false)
    private let report: @Sendable (AudioStatus, Date) -> Void

    private struct State: @unchecked Sendable {
        // Touched only on the meter's queue; the box carries it there.
        var decoder: (any AudioDecoder)?
        var levels: AudioLevels?
        var detector: SilenceDetector
        var start: Date?
        var seconds = 0
        var broken = false
    }

    private let codec: AudioCodec

    init(silence: SilenceSpec, codec: AudioCodec, clock: @escaping @Sendable () -> Date = Date.init,
         report: @escaping @Sendable (AudioStatus, Date) -> Void) {
        self.codec = codec
        state = NIOLockedValueBox(State(detector: SilenceDetector(thresholdDb: silence.thresholdDb, after: silence.after)))
        self.report = report
        self.clock = clock
    }

    private let clock: @Sendable () -> Date

    /// Takes a chunk of the stream's audio (copied; measured later on the meter's queue).
    func feed(_ bytes: UnsafeRawBufferPointer) {
        let chunk = [UInt8](bytes)
        queue.async { [self] in measure(chunk) }
    }

    /// Nothing is reported after this (the session ended).
    func stop() {
        stopped.withLockedValue { $0 = true }
    }

    private func measure(_ chunk: [UInt8]) {
        var readings: [(AudioStatus, Date)] = []
        state.withLockedValue { state in
            guard !state.broken else { return }
            if state.decoder == nil {
                do { state.decoder = try codec.makeDecoder() } catch { state.broken = true; return }
            }
            _ = chunk.withUnsafeBytes { raw in
                state.decoder?.feed(raw) { samples, rate, channels in
                    if state.levels?.sampleRate != rate || state.levels?.channels != channels {
                        state.levels = AudioLevels(sampleRate: rate, channels: channels)
                    }
                    if state.start == nil { state.start = clock() }
                    state.levels?.add(samples) { second in
                        state.seconds += 1
                        let end = (state.start ?? clock()).addingTimeInterval(Double(state.seconds))
                        let since = state.detector.add(second, endingAt: end)
                        let level = AudioStatus(levelDb: Self.tenth(second.loudestRmsDb), peakDb: Self.tenth(second.peakDb.max() ?? AudioLevels.floorDb),
                                                silentSince: since)
                        readings.append((level, end))
                    }
                }
            }
        }
        guard !stopped.withLockedValue({ $0 }) else { return }
        for (reading, at) in readings { report(reading, at) }
    }

    private static func tenth(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
