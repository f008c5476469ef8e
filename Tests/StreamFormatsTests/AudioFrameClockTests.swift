import Foundation
import Testing
import StreamTestSupport
@testable import StreamFormats

/// Feeds `bytes` to a fresh clock in chunks of `size`.
private func clock(_ bytes: [UInt8], chunk size: Int = .max) -> AudioFrameClock {
    var clock = AudioFrameClock()
    var at = 0
    while at < bytes.count {
        let end = at + min(size, bytes.count - at)
        clock.feed(Array(bytes[at ..< end]))
        at = end
    }
    return clock
}

/// `count` MPEG-2 Layer III frames (64 kbit/s, 22,050 Hz, no padding: 208 bytes, 576 samples
/// each), their bodies `fill`.
private func mpeg2LayerIII(_ count: Int, fill: UInt8 = 0) -> [UInt8] {
    let frame = [0xFF, 0xF3, 0x80, 0xC4] + [UInt8](repeating: fill, count: 204)
    return Array((0..<count).map { _ in frame }.joined())
}

@Suite("The audio frame clock: seconds of MP3 and AAC from frame headers")
struct AudioFrameClockTests {
    /// Frame counts from ffprobe 5.1 (`-count_packets`): 8 and 176 AAC frames at 44,100 Hz.
    @Test("ffmpeg's ADTS: every frame counted (ffprobe's count), the same in any chunks, ID3 tags before and between frames skipped",
          arguments: [("hls/ffmpeg_sine_96k.adts.aac", 8), ("hls/ffmpeg_adts_segment_two_id3_tags.aac", 176)])
    func adts(fixture: String, frames: Int) throws {
        let bytes = try Fixture.bytes(fixture)
        for size in [Int.max, 997, 7, 1] {
            let counted = clock(bytes, chunk: size)
            #expect(counted.frames == frames, "\(fixture) in \(size)-byte chunks")
            #expect(abs(counted.seconds - Double(frames * 1024) / 44100) < 1e-9, "\(fixture) in \(size)-byte chunks: \(counted.seconds) s")
        }
    }

    /// ffprobe counts 5 audio packets (64 kbit/s MPEG-1 Layer III, the tag 160 bytes long).
    @Test("ffmpeg's MP3 after an ID3v2 tag: its 5 frames (ffprobe's count) at 1152 samples each, in any chunks",
          arguments: ["id3/ffmpeg_tagged_v2.4.mp3", "id3/ffmpeg_tagged_v2.3.mp3"])
    func mp3(fixture: String) throws {
        let bytes = try Fixture.bytes(fixture)
        for size in [Int.max, 13, 1] {
            let counted = clock(bytes, chunk: size)
            #expect(counted.frames == 5, "\(fixture) in \(size)-byte chunks")
            #expect(abs(counted.seconds - 5 * 1152 / 44100.0) < 1e-9)
        }
    }

    @Test("MPEG-2 Layer III: 576 samples a frame at 22,050 Hz")
    func mpeg2() {
        let counted = clock(mpeg2LayerIII(100), chunk: 300)
        #expect(counted.frames == 100)
        #expect(abs(counted.seconds - 100 * 576 / 22050.0) < 1e-9)
        #expect(counted.isLocked)
    }

    @Test("a cut inside the stream loses at most the frames around it, and the clock locks again")
    func cut() throws {
        let bytes = try Fixture.bytes("hls/ffmpeg_adts_segment_two_id3_tags.aac")
        var damaged = bytes
        damaged.removeSubrange(10_000 ..< 10_150)
        let counted = clock(damaged, chunk: 512)
        #expect(counted.frames >= 176 - 3 && counted.frames < 176, "\(counted.frames) of 176 frames")
        #expect(counted.isLocked, "locked again after the cut")
    }

    @Test("bytes that are not MP3 or ADTS count nothing: random bytes, Ogg pages, a lone header")
    func notFrames() throws {
        var random = SeededRandom(seed: 19)
        let noise = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let fromNoise = clock(noise, chunk: 4096)
        #expect(fromNoise.seconds < 0.1, "200 kB of random bytes: \(fromNoise.frames) frames, \(fromNoise.seconds) s")
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixture.directory.appendingPathComponent("ogg").path) where name.hasSuffix(".ogg") {
            #expect(clock(try Fixture.bytes("ogg/\(name)")).frames == 0, "ogg/\(name)")
        }
        // One valid header, then zeros: nothing confirms it.
        let lone = clock(Array(mpeg2LayerIII(1).prefix(4)) + [UInt8](repeating: 0, count: 2000))
        #expect(lone.frames == 0)
        #expect(!lone.isLocked)
    }

    @Test("frames of another rate after a lock end it; the new run counts once two of its frames are seen")
    func formatChange() {
        // MPEG-1 Layer III, 128 kbit/s, 44,100 Hz: 417-byte frames.
        let stereo44 = (0..<10).flatMap { _ in [0xFF, 0xFB, 0x90, 0x00] + [UInt8](repeating: 0, count: 413) }
        let counted = clock(stereo44 + mpeg2LayerIII(10), chunk: 100)
        #expect(counted.frames == 20, "\(counted.frames)")
        #expect(abs(counted.seconds - (10 * 1152 / 44100.0 + 10 * 576 / 22050.0)) < 1e-9)
    }
}
