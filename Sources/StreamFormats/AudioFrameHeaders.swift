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
        let rates = version == 1 ? [44100, 48000, 32000] : version == 2 ? [22050, 24000, 16000] : [11025, 12000, 8000]
        sampleRate = rates[rateIndex]
        let table: [Int]
        switch (version == 1, layer) {
        case (true, 1): table = [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
        case (true, 2): table = [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
        case (true, _): table = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        case (false, 1): table = [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
        case (false, _): table = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        }
        bitrate = table[bitrateIndex - 1]
        let bits = bitrate * 1000
        switch layer {
        case 1: frameLength = (12 * bits / sampleRate + padding) * 4
        case 3 where version != 1: frameLength = 72 * bits / sampleRate + padding
        default: frameLength = 144 * bits / sampleRate + padding
        }
    }

    /// Whether `other` can follow this header in the same stream.
    func matches(_ other: MPEGAudioHeader) -> Bool {
        other.version == version && other.layer == layer && other.sampleRate == sampleRate
    }
}

/// The header of an ADTS frame (AAC in its streaming wrapper, as radio sends `audio/aac`).
struct ADTSHeader: Equatable {
    /// The sampling-frequency index (0…12).
    var sampleRateIndex: Int
    /// The frame's length in bytes, header included.
    var frameLength: Int

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
    }
}
