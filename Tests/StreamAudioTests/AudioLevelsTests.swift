import Foundation
import StreamAudio
import StreamTestSupport
import Testing

/// Audio levels from real MP3 and AAC: ffmpeg (libmp3lame) encodes, in stereo (no upmix, whose pan law would lower the
/// levels), 3 s of a tone at half scale, 3 s of
/// digital silence and 3 s of quiet music (a tone at −30 dBFS RMS); libmpg123 decodes it fed
/// in the chunks a stream delivers, and the levels and the silence detector say what a
/// station engineer expects: loud, dead air, quiet but on the air.
@Suite("Audio: levels and silence from real MP3")
struct AudioLevelsTests {
    /// The test MP3, made once per run.
    static let mp3: Result<[UInt8], any Error> = Result { try encode(["-c:a", "libmp3lame", "-b:a", "128k"], suffix: "mp3") }
    /// The same audio as AAC-LC in ADTS frames (ffmpeg's own encoder; HE-AAC needs libfdk-aac,
    /// which Debian's ffmpeg lacks).
    static let aac: Result<[UInt8], any Error> = Result { try encode(["-c:a", "aac", "-b:a", "128k", "-f", "adts"], suffix: "aac") }

    static func encode(_ codec: [String], suffix: String) throws -> [UInt8] {
        let ffmpeg = try requireTool("ffmpeg")
        let path = NSTemporaryDirectory() + "streamd-levels-\(UUID().uuidString).\(suffix)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-nostdin", "-loglevel", "error",
                             "-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*440*t)|0.5*sin(2*PI*440*t):s=44100:d=3",
                             "-f", "lavfi", "-i", "aevalsrc=0|0:s=44100:d=3",
                             "-f", "lavfi", "-i", "aevalsrc=0.04472*sin(2*PI*440*t)|0.04472*sin(2*PI*440*t):s=44100:d=3",
                             "-filter_complex", "[0][1][2]concat=n=3:v=0:a=1"] + codec + [path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("ffmpeg exited \(process.terminationStatus)") }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The levels of `bytes` fed `chunk` bytes at a time.
    static func levels(_ bytes: [UInt8], codec: AudioCodec = .mp3, chunk: Int) throws -> [AudioLevelSecond] {
        let decoder = try codec.makeDecoder()
        var meter: AudioLevels?
        var seconds: [AudioLevelSecond] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            bytes[offset..<end].withUnsafeBytes { raw in
                decoder.feed(raw) { samples, rate, channels in
                    if meter?.sampleRate != rate || meter?.channels != channels { meter = AudioLevels(sampleRate: rate, channels: channels) }
                    meter?.add(samples) { seconds.append($0) }
                }
            }
            offset = end
        }
        return seconds
    }

    @Test("loud, silent, quiet: RMS about −9, the floor, −30 dBFS; every chunking gives the same levels", arguments: [AudioCodec.mp3, .aac])
    func levelsOfEachPart(codec: AudioCodec) throws {
        let mp3 = try (codec == .mp3 ? Self.mp3 : Self.aac).get()
        let seconds = try Self.levels(mp3, codec: codec, chunk: 997)
        #expect(seconds.count == 9, "\(seconds.count) seconds")
        guard seconds.count >= 9 else { return }
        for index in [0, 1, 2] {
            #expect(abs(seconds[index].loudestRmsDb - -9.03) < 1, "second \(index): \(seconds[index])")
            #expect(abs(seconds[index].peakDb[0] - -6.02) < 1)
        }
        for index in [4, 5] { #expect(seconds[index].loudestRmsDb < -90, "second \(index): \(seconds[index])") }
        for index in [7, 8] { #expect(abs(seconds[index].loudestRmsDb - -30) < 1, "second \(index): \(seconds[index])") }
        #expect(try Self.levels(mp3, codec: codec, chunk: 1) == seconds)
        #expect(try Self.levels(mp3, codec: codec, chunk: mp3.count) == seconds)
    }

    @Test("a relay switching sources mid-stream (44.1 kHz stereo MP3, then 22.05 kHz mono): each frame's samples in their own format, in any chunking")
    func formatChangeMidStream() throws {
        let ffmpeg = try requireTool("ffmpeg")
        func mp3(_ rate: Int, channels: Int) throws -> [UInt8] {
            let path = NSTemporaryDirectory() + "streamd-switch-\(UUID().uuidString).mp3"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ffmpeg)
            process.arguments = ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=\(rate):duration=2",
                                 "-ac", "\(channels)", "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0", "-id3v2_version", "0", path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TestFailure("ffmpeg exited \(process.terminationStatus)") }
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let stream = try mp3(44100, channels: 2) + mp3(22050, channels: 1)
        func samplesPerFormat(chunk: Int) throws -> [String: Int] {
            let decoder = try AudioCodec.mp3.makeDecoder()
            var counts: [String: Int] = [:]
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + chunk)
                stream[offset..<end].withUnsafeBytes { raw in
                    decoder.feed(raw) { samples, rate, channels in counts["\(rate)x\(channels)", default: 0] += samples.count }
                }
                offset = end
            }
            return counts
        }
        let whole = try samplesPerFormat(chunk: stream.count)
        // 2 s each, give or take the encoder's padding (a frame is 1,152 samples a channel at
        // 44.1 kHz, 576 at 22.05 kHz).
        #expect(abs((whole["44100x2"] ?? 0) - 2 * 44100 * 2) <= 3 * 1152 * 2, "\(whole)")
        #expect(abs((whole["22050x1"] ?? 0) - 2 * 22050) <= 3 * 576, "\(whole)")
        #expect(whole.count == 2, "\(whole)")
        #expect(try samplesPerFormat(chunk: 997) == whole)
        #expect(try samplesPerFormat(chunk: 1) == whole)
    }

    @Test("the detector: dead air once it lasted `after`, dated from its start; quiet music (−30 dBFS) never")
    func silence() throws {
        let seconds = try Self.levels(try Self.mp3.get(), chunk: 4096)
        var detector = SilenceDetector(thresholdDb: -40, after: .seconds(2))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var reported: [Date?] = []
        for (index, second) in seconds.enumerated() {
            reported.append(detector.add(second, endingAt: start.addingTimeInterval(Double(index + 1))))
        }
        // Seconds 1–3 loud; 4 mostly silent (the encoder's delay carries a little tone into it).
        #expect(reported[0...3].allSatisfy { $0 == nil })
        let since = try #require(reported[5], "\(seconds.map(\.loudestRmsDb))")
        #expect(since == start.addingTimeInterval(4) || since == start.addingTimeInterval(3))
        #expect(reported[6...].allSatisfy { $0 == nil }, "quiet music is no dead air: \(seconds.map(\.loudestRmsDb))")
    }

    @Test("not audio (a web page, random bytes): no samples, no crash", arguments: [AudioCodec.mp3, .aac])
    func garbage(codec: AudioCodec) throws {
        let decoder = try codec.makeDecoder()
        var random = SeededRandom(seed: 7)
        let noise = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) }
        let page = Array("<!doctype html><html><body>Not a stream</body></html>".utf8)
        var count = 0
        for bytes in [page, noise] {
            bytes.withUnsafeBytes { raw in count += decoder.feed(raw) { _, _, _ in } }
        }
        #expect(count < 44_100, "random bytes may look like a frame or two, never a second of audio: \(count)")
    }

    @Test("the codec from the Content-Type")
    func codecs() {
        #expect(AudioCodec(contentType: "audio/mpeg") == .mp3 && AudioCodec(contentType: "audio/aacp") == .aac)
        #expect(AudioCodec(contentType: "audio/AAC") == .aac && AudioCodec(contentType: nil) == .mp3)
        #expect(AudioCodec(contentType: "application/ogg") == .ogg && AudioCodec(contentType: "text/html") == nil)
    }

    @Test("levels: full scale is 0 dB, a sine's RMS 3 dB under its peak, silence the floor")
    func arithmetic() {
        var meter = AudioLevels(sampleRate: 1000, channels: 2)
        var samples: [Float] = []
        for frame in 0..<1000 {
            samples.append(Float(sin(2 * Double.pi * 50 * Double(frame) / 1000)))   // left: full-scale sine
            samples.append(0)                                                    // right: silent
        }
        var seconds: [AudioLevelSecond] = []
        samples.withUnsafeBufferPointer { meter.add($0) { seconds.append($0) } }
        #expect(seconds.count == 1)
        #expect(abs(seconds[0].peakDb[0]) < 0.01 && abs(seconds[0].rmsDb[0] - -3.01) < 0.01)
        #expect(seconds[0].rmsDb[1] == AudioLevels.floorDb && seconds[0].loudestRmsDb == seconds[0].rmsDb[0])
    }
}
