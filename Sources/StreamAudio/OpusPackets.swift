import COggAudio

/// Decodes one Opus logical stream's packets with libopus (RFC 7845): the `OpusHead` packet
/// (its channel count and pre-skip; channel mapping family 0, mono or stereo, which is what
/// radio streams carry), `OpusTags` skipped, then each audio packet with `opus_decode_float` at
/// 48 kHz. The pre-skip (the encoder's delay) is dropped from the start. A head that cannot be
/// used ends the stream's decoding (nothing more until the next logical stream); a broken audio
/// packet is skipped. The head's output gain is not applied (streams carry 0 dB).
final class OpusPackets: OggPackets {
    /// Opus decodes at 48 kHz whatever the input's rate was.
    static let sampleRate = 48_000
    /// The longest Opus packet: 120 ms at 48 kHz.
    private static let maxFrames = 5_760

    private var decoder: OpaquePointer?
    private var channels = 0
    /// Samples per channel still to drop (the pre-skip).
    private var skip = 0
    private var broken = false
    private var output: [Float] = []

    deinit {
        if let decoder { opus_decoder_destroy(decoder) }
    }

    func take(_ packet: UnsafeMutablePointer<ogg_packet>,
              samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int {
        guard !broken else { return 0 }
        let bytes = packet.bytes
        guard let decoder else {
            takeHead(bytes)
            return 0
        }
        guard !bytes.isEmpty, !bytes.starts(with: Array("OpusTags".utf8)) else { return 0 }
        let frames = output.withUnsafeMutableBufferPointer { out in
            opus_decode_float(decoder, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(bytes.count),
                              out.baseAddress!, Int32(Self.maxFrames), 0)
        }
        guard frames > skip else {
            if frames > 0 { skip -= Int(frames) }
            return 0
        }
        let first = skip * channels, count = Int(frames) * channels
        skip = 0
        output.withUnsafeBufferPointer { out in
            samples(UnsafeBufferPointer(rebasing: out[first..<count]), Self.sampleRate, channels)
        }
        return count - first
    }

    /// `OpusHead`: version (major 0), channels, pre-skip (little-endian), input rate, gain, mapping family.
    private func takeHead(_ head: UnsafeRawBufferPointer) {
        guard head.count >= 19, head.starts(with: Array("OpusHead".utf8)), head[8] >> 4 == 0,
              (1...2).contains(head[9]), head[18] == 0 else {
            broken = true
            return
        }
        var error: Int32 = 0
        let created = opus_decoder_create(Int32(Self.sampleRate), Int32(head[9]), &error)
        guard let created, error == OPUS_OK else {
            if let created { opus_decoder_destroy(created) }
            broken = true
            return
        }
        decoder = created
        channels = Int(head[9])
        skip = Int(head[10]) | Int(head[11]) << 8
        output = [Float](repeating: 0, count: Self.maxFrames * channels)
    }
}
