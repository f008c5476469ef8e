import Foundation
import StreamAudio
import StreamTestSupport
import Testing

/// Audio levels from real Ogg Vorbis and Ogg Opus: ffmpeg (libvorbis, libopus) encodes the same
/// stereo audio as the MP3 tests (3 s of a tone at half scale, 3 s of digital silence, 3 s of
/// a tone at −30 dBFS RMS), and the Ogg decoder, fed in any chunking, gives the levels a
/// station engineer expects. Chained streams (a new logical stream at each title change, as
/// Icecast sends them, or a file looped) are followed; garbage is skipped.
@Suite("Audio: levels from real Ogg Vorbis and Ogg Opus")
struct OggLevelsTests {
    /// The two codecs of an Ogg stream, as ffmpeg encodes them.
    enum Codec: String, CaseIterable, CustomTestStringConvertible {
        case vorbis, opus

        var ffmpeg: [String] {
            switch self {
            case .vorbis: ["-c:a", "libvorbis", "-b:a", "128k", "-f", "ogg"]
            case .opus: ["-c:a", "libopus", "-b:a", "128k", "-f", "ogg"]
            }
        }

        /// Opus decodes at 48 kHz whatever went in.
        var sampleRate: Int { self == .opus ? 48_000 : 44_100 }

        var testDescription: String { rawValue }
    }

    static let vorbis: Result<[UInt8], any Error> = Result { try AudioLevelsTests.encode(Codec.vorbis.ffmpeg, suffix: "ogg") }
    static let opus: Result<[UInt8], any Error> = Result { try AudioLevelsTests.encode(Codec.opus.ffmpeg, suffix: "ogg") }

    static func file(_ codec: Codec) throws -> [UInt8] { try (codec == .vorbis ? vorbis : opus).get() }

    /// `seconds` of `expression` (an aevalsrc expression, both channels) as one Ogg file of `codec`.
    static func encode(_ expression: String, seconds: Int, codec: Codec, mono: Bool = false) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "streamd-ogg-\(UUID().uuidString).ogg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requireTool("ffmpeg"))
        let channels = mono ? expression : "\(expression)|\(expression)"
        process.arguments = ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "aevalsrc=\(channels):s=44100:d=\(seconds)"]
            + codec.ffmpeg + [path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("ffmpeg exited \(process.terminationStatus)") }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Each second's level with the sample rate it was measured at.
    static func levels(_ bytes: [UInt8], chunk: Int = 4096) throws -> [(rate: Int, second: AudioLevelSecond)] {
        let decoder = try AudioCodec.ogg.makeDecoder()
        var meter: AudioLevels?
        var seconds: [(rate: Int, second: AudioLevelSecond)] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            _ = bytes[offset..<end].withUnsafeBytes { raw in
                decoder.feed(raw) { samples, rate, channels in
                    if meter?.sampleRate != rate || meter?.channels != channels { meter = AudioLevels(sampleRate: rate, channels: channels) }
                    meter?.add(samples) { seconds.append((rate, $0)) }
                }
            }
            offset = end
        }
        return seconds
    }

    /// The pages of an Ogg file: where each begins and its granule position.
    static func pages(_ bytes: [UInt8]) -> [(offset: Int, granule: Int64)] {
        var pages: [(offset: Int, granule: Int64)] = []
        var offset = 0
        while offset + 27 <= bytes.count, bytes[offset..<(offset + 4)].elementsEqual("OggS".utf8) {
            let granule = (0..<8).reduce(Int64(0)) { $0 | Int64(bytes[offset + 6 + $1]) << (8 * $1) }
            let segments = Int(bytes[offset + 26])
            guard offset + 27 + segments <= bytes.count else { break }
            pages.append((offset, granule))
            offset += 27 + segments + bytes[(offset + 27)..<(offset + 27 + segments)].reduce(0) { $0 + Int($1) }
        }
        return pages
    }

    static func rms(_ seconds: [(rate: Int, second: AudioLevelSecond)]) -> [Double] {
        seconds.map { ($0.second.loudestRmsDb * 10).rounded() / 10 }
    }

    @Test("loud, silent, quiet: RMS about −9, under −90, −30 dBFS; 1 byte, 997 bytes or all at once give the same levels",
          arguments: Codec.allCases)
    func levelsOfEachPart(codec: Codec) throws {
        let file = try Self.file(codec)
        let measured = try Self.levels(file, chunk: 997)
        let seconds = measured.map(\.second)
        #expect(seconds.count == 9, "\(seconds.count) seconds: \(Self.rms(measured))")
        #expect(measured.allSatisfy { $0.rate == codec.sampleRate && $0.second.rmsDb.count == 2 })
        guard seconds.count >= 9 else { return }
        for index in [0, 1, 2] {
            #expect(abs(seconds[index].loudestRmsDb - -9.03) < 1, "second \(index): \(seconds[index])")
            #expect(abs(seconds[index].peakDb[0] - -6.02) < 1, "second \(index): \(seconds[index])")
        }
        for index in [4, 5] { #expect(seconds[index].loudestRmsDb < -90, "second \(index): \(seconds[index])") }
        for index in [7, 8] { #expect(abs(seconds[index].loudestRmsDb - -30) < 1, "second \(index): \(seconds[index])") }
        #expect(try Self.levels(file, chunk: 1).map(\.second) == seconds)
        #expect(try Self.levels(file, chunk: file.count).map(\.second) == seconds)
    }

    @Test("a chained stream of the same codec (tone, then silence: two files, two serial numbers): both links measured",
          arguments: Codec.allCases)
    func chained(codec: Codec) throws {
        let tone = try Self.encode("0.5*sin(2*PI*440*t)", seconds: 3, codec: codec)
        let silence = try Self.encode("0", seconds: 4, codec: codec)
        let measured = try Self.levels(tone + silence)
        let rms = Self.rms(measured)
        // The first link's last packet may carry a few samples of padding past its 3 s: they
        // go into second 4, so that one is not asserted.
        #expect(measured.count == 7, "\(rms)")
        guard measured.count == 7 else { return }
        #expect(rms[0...2].allSatisfy { abs($0 - -9.03) < 1 }, "\(rms)")
        #expect(rms[4...6].allSatisfy { $0 < -90 }, "\(rms)")
    }

    @Test("a chain of Vorbis (stereo, 44.1 kHz), Opus (mono, 48 kHz), Vorbis again: each link decoded in its own format")
    func chainOfCodecs() throws {
        let links = [try Self.encode("0.5*sin(2*PI*440*t)", seconds: 3, codec: .vorbis),
                     try Self.encode("0", seconds: 4, codec: .opus, mono: true),
                     try Self.encode("0.04472*sin(2*PI*440*t)", seconds: 3, codec: .vorbis)]
        let measured = try Self.levels(links.flatMap { $0 }, chunk: 997)
        let rms = Self.rms(measured)
        // A new format starts the meter's second again (the helper's rule, as AudioMeter's):
        // each link gives its whole seconds.
        #expect(measured.map(\.rate) == [44_100, 44_100, 44_100, 48_000, 48_000, 48_000, 48_000, 44_100, 44_100, 44_100], "\(measured.map(\.rate))")
        #expect(measured.map(\.second.rmsDb.count) == [2, 2, 2, 1, 1, 1, 1, 2, 2, 2])
        guard measured.count == 10 else { return }
        #expect(rms[0...2].allSatisfy { abs($0 - -9.03) < 1 }, "\(rms)")
        #expect(rms[3...6].allSatisfy { $0 < -90 }, "\(rms)")
        #expect(rms[7...9].allSatisfy { abs($0 - -30) < 1 }, "\(rms)")
    }

    @Test("a file looped (its pages again from the start, the same serial number): decoded again each time", arguments: Codec.allCases)
    func looped(codec: Codec) throws {
        let tone = try Self.encode("0.5*sin(2*PI*440*t)", seconds: 2, codec: codec)
        let once = try Self.levels(tone)
        let thrice = try Self.levels(tone + tone + tone)
        #expect(once.count == 2, "\(Self.rms(once))")
        #expect(thrice.count == 6, "\(Self.rms(thrice))")
        #expect(Self.rms(thrice).allSatisfy { abs($0 - -9.03) < 1 }, "\(Self.rms(thrice))")
    }

    @Test("garbage before the first page is skipped; a page broken in the middle of a link is lost, the rest decoded",
          arguments: Codec.allCases)
    func garbageAround(codec: Codec) throws {
        let file = try Self.file(codec)
        var random = SeededRandom(seed: 19)
        let noise = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let html = Array("<!doctype html><html><body>Moved</body></html>\r\n".utf8)
        let clean = try Self.levels(file).map(\.second)
        #expect(try Self.levels(html + noise + file).map(\.second) == clean, "the same levels after garbage")
        // 1,000 bytes of the second audio page (ffmpeg's pages hold a second of audio each)
        // overwritten: that page fails its checksum and is skipped, with the packet it began,
        // and the decoder picks up again at the next: a second of the tone is lost, no more.
        let audioPages = Self.pages(file).filter { $0.granule > 0 }
        #expect(audioPages.count >= 9)
        guard audioPages.count >= 2 else { return }
        var broken = file
        let start = audioPages[1].offset + 100
        broken.replaceSubrange(start..<(start + 1_000), with: noise[0..<1_000])
        let measured = try Self.levels(broken)
        #expect((7...8).contains(measured.count), "\(Self.rms(measured))")
        #expect(measured.first.map { abs($0.second.loudestRmsDb - -9.03) < 1 } == true, "\(Self.rms(measured))")
        #expect(measured.suffix(2).allSatisfy { abs($0.second.loudestRmsDb - -30) < 1 }, "\(Self.rms(measured))")
    }

    @Test("joined in the middle of a link (no beginning page, no headers): nothing until the next link begins", arguments: Codec.allCases)
    func joinedMidway(codec: Codec) throws {
        let file = try Self.file(codec)
        let tail = Array(file[(file.count / 2)...])
        #expect(try Self.levels(tail).isEmpty)
        let measured = try Self.levels(tail + file)
        #expect(measured.count == 9, "the next link, whole: \(Self.rms(measured))")
    }

    @Test("Ogg FLAC (a codec not decoded here): passed over, no samples; a Vorbis link after it is decoded")
    func otherCodec() throws {
        let path = NSTemporaryDirectory() + "streamd-ogg-\(UUID().uuidString).ogg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requireTool("ffmpeg"))
        process.arguments = ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*440*t):s=44100:d=3",
                             "-c:a", "flac", "-f", "ogg", path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let flac = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(flac.starts(with: Array("OggS".utf8)) && flac.count > 10_000)
        #expect(try Self.levels(flac).isEmpty)
        let vorbis = try Self.encode("0.5*sin(2*PI*440*t)", seconds: 2, codec: .vorbis)
        #expect(try Self.levels(flac + vorbis).count == 2)
    }

    @Test("not audio (a web page, random bytes, random bytes after a capture pattern): no samples, no crash")
    func garbage() throws {
        let decoder = try AudioCodec.ogg.makeDecoder()
        var random = SeededRandom(seed: 7)
        let noise = (0..<262_144).map { _ in UInt8.random(in: 0...255, using: &random) }
        let page = Array("<!doctype html><html><body>Not a stream</body></html>".utf8)
        var count = 0
        for bytes in [page, noise, Array("OggS".utf8) + noise.prefix(4096)] {
            bytes.withUnsafeBytes { raw in count += decoder.feed(raw) { _, _, _ in } }
        }
        #expect(count < 44_100, "random bytes are never a second of audio: \(count)")
    }

    @Test("the codec from the Content-Type: the Ogg types")
    func codecs() {
        for type in ["application/ogg", "audio/ogg", "audio/vorbis", "audio/opus", "audio/x-ogg", "Audio/OGG"] {
            #expect(AudioCodec(contentType: type) == .ogg, "\(type)")
        }
        #expect(AudioCodec(contentType: "audio/mpeg") == .mp3 && AudioCodec(contentType: "audio/aacp") == .aac)
    }
}
