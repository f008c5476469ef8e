// streamd audio-level benchmark: decode an MP3 file (libmpg123), or an Ogg Vorbis or Opus file
// (libogg + libvorbis or libopus: FILE.ogg, FILE.opus), and measure its levels second by second
// (StreamAudio), fed in 16 KiB chunks as a stream delivers them; prints the seconds of audio
// measured and the CPU it took. Benchmarks/levels_vs_ffmpeg.py runs it beside
// `ffmpeg -af astats` on the same file.
//
//   streamd-levels-bench FILE.mp3|FILE.ogg|FILE.opus
import Foundation
import StreamAudio

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

guard CommandLine.arguments.count == 2, let data = FileManager.default.contents(atPath: CommandLine.arguments[1]) else {
    print("usage: streamd-levels-bench FILE.mp3|FILE.ogg|FILE.opus")
    exit(64)
}
let bytes = Array(data)
let cpu0 = cpuSeconds()
let path = CommandLine.arguments[1]
let decoder: any AudioDecoder = path.hasSuffix(".ogg") || path.hasSuffix(".opus") ? try OggDecoder() : try MP3Decoder()
var meter: AudioLevels?
var seconds = 0
var loudest = AudioLevels.floorDb
var offset = 0
while offset < bytes.count {
    let end = min(bytes.count, offset + 16_384)
    bytes[offset..<end].withUnsafeBytes { raw in
        decoder.feed(raw) { samples, rate, channels in
            if meter?.sampleRate != rate || meter?.channels != channels { meter = AudioLevels(sampleRate: rate, channels: channels) }
            meter?.add(samples) { second in
                seconds += 1
                loudest = max(loudest, second.loudestRmsDb)
            }
        }
    }
    offset = end
}
print(String(format: "audio_seconds %d cpu_seconds %.3f loudest_rms_db %.1f", seconds, cpuSeconds() - cpu0, loudest))
