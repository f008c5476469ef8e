/// The 4-byte header of an MPEG-1/2/2.5 audio frame (Layer I, II or III: MP3 is Layer III).
struct MPEGAudioHeader: Equatable {
    /// 1 (MPEG-1), 2 (MPEG-2) or 25 (MPEG-2.5).
    var version: Int
    /// 1, 2 or 3.
    var layer: Int
    /// Sample rate in Hz.
    var sampleRate: Int
    /// Bitrate in kbit/s.
    var bitrate: Int
    /// The frame's length in bytes, header included.
    var frameLength: Int

    /// The header at `offset`, or nil when the bytes there are not a valid one (free-format
    /// and reserved values count as invalid: they never appear in broadcast streams).
    init?<C: RandomAccessCollection>(_ bytes: C, at offset: C.Index) where C.Element == UInt8, C.Index == Int {
        guard offset >= bytes.startIndex, offset + 4 <= bytes.endIndex else { return nil }
        let b1 = bytes[offset + 1], b2 = bytes[offset + 2]
        guard bytes[offset] == 0xFF, b1 & 0xE0 == 0xE0 else { return nil }
        let versionBits = Int((b1 >> 3) & 3), layerBits = Int((b1 >> 1) & 3)
        let bitrateIndex = Int(b2 >> 4), rateIndex = Int((b2 >> 2) & 3), padding = Int((b2 >> 1) & 1)
        guard versionBits != 1, layerBits != 0, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        version = versionBits == 3 ? 1 : versionBits == 2 ? 2 : 25
        layer = 4 - layerBits
        sampleRate = Self.sampleRates[version == 1 ? 0 : version == 2 ? 1 : 2][rateIndex]
        let table = version == 1 ? layer - 1 : layer == 1 ? 3 : 4
        bitrate = Self.bitrates[table][bitrateIndex - 1]
        let bits = bitrate * 1000
        switch layer {
        case 1: frameLength = (12 * bits / sampleRate + padding) * 4
        case 3 where version != 1: frameLength = 72 * bits / sampleRate + padding
        default: frameLength = 144 * bits / sampleRate + padding
        }
    }

    /// Sample rates by version (MPEG-1, 2, 2.5) and rate index. Tables are static so that a
    /// header read per frame (``AudioFrameClock``) allocates nothing.
    static let sampleRates = [[44100, 48000, 32000], [22050, 24000, 16000], [11025, 12000, 8000]]
    /// Bitrates in kbit/s by table (MPEG-1 Layer I, II, III; MPEG-2/2.5 Layer I; Layer II and
    /// III) and bitrate index 1…14.
    static let bitrates = [
        [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
        [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
        [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
        [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
        [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    ]

    /// Whether `other` can follow this header in the same stream.
    func matches(_ other: MPEGAudioHeader) -> Bool {
        other.version == version && other.layer == layer && other.sampleRate == sampleRate
    }

    /// The samples per channel the frame decodes to: 384 (Layer I), 1152 (Layer II, and
    /// Layer III in MPEG-1), 576 (Layer III in MPEG-2 and 2.5).
    var samplesPerFrame: Int {
        switch layer {
        case 1: 384
        case 3 where version != 1: 576
        default: 1152
        }
    }

    /// The seconds of audio the frame holds.
    var seconds: Double { Double(samplesPerFrame) / Double(sampleRate) }
}

/// The header of an ADTS frame (AAC in its streaming wrapper, as radio sends `audio/aac`).
struct ADTSHeader: Equatable {
    /// The sampling-frequency index (0…12).
    var sampleRateIndex: Int
    /// The frame's length in bytes, header included.
    var frameLength: Int
    /// The raw data blocks in the frame (1…4), 1024 samples per channel each.
    var rawDataBlocks: Int

    /// The sample rates of the sampling-frequency indexes 0…12 (ISO/IEC 14496-3).
    static let sampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]

    /// The header at `offset`, or nil when the bytes there are not a valid one.
    init?<C: RandomAccessCollection>(_ bytes: C, at offset: C.Index) where C.Element == UInt8, C.Index == Int {
        guard offset >= bytes.startIndex, offset + 7 <= bytes.endIndex else { return nil }
        guard bytes[offset] == 0xFF, bytes[offset + 1] & 0xF6 == 0xF0 else { return nil }
        let index = Int((bytes[offset + 2] >> 2) & 0x0F)
        let length = (Int(bytes[offset + 3] & 0x03) << 11) | (Int(bytes[offset + 4]) << 3) | Int(bytes[offset + 5] >> 5)
        let headerLength = bytes[offset + 1] & 1 == 1 ? 7 : 9
        guard index < 13, length >= headerLength else { return nil }
        sampleRateIndex = index
        frameLength = length
        rawDataBlocks = Int(bytes[offset + 6] & 0x03) + 1
    }

    /// Whether `other` can follow this header in the same stream.
    func matches(_ other: ADTSHeader) -> Bool { other.sampleRateIndex == sampleRateIndex }

    /// The seconds of audio the frame holds. For HE-AAC the header names the core rate, at
    /// which the frame's 1024 samples last as long as the 2048 the decoder makes.
    var seconds: Double { Double(1024 * rawDataBlocks) / Double(Self.sampleRates[sampleRateIndex]) }
}
