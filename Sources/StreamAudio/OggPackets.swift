import COggAudio

/// The codec layer under ``OggDecoder``: takes one logical stream's packets in order, its
/// header packets first, and gives what they decode to. One instance per logical stream (a
/// chained stream's next link gets a new one). Not thread-safe: the decoder owns it.
protocol OggPackets: AnyObject {
    /// Takes the next packet; `samples` gets each run of interleaved samples with their sample
    /// rate and channel count. A packet that does not decode gives nothing. Returns the samples
    /// decoded.
    func take(_ packet: UnsafeMutablePointer<ogg_packet>,
              samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int
}

/// The audio codecs of an Ogg logical stream that ``OggDecoder`` decodes, named by the stream's
/// first packet (the only packet of its first page).
enum OggAudioKind: Equatable {
    /// Vorbis: the identification header begins `\x01vorbis`.
    case vorbis
    /// Opus: the ID header begins `OpusHead`.
    case opus

    /// The codec whose first packet begins `packet`; nil for another (FLAC, Theora, Skeleton) or none.
    init?(firstPacket packet: UnsafeRawBufferPointer) {
        if packet.starts(with: [0x01] + Array("vorbis".utf8)) {
            self = .vorbis
        } else if packet.starts(with: Array("OpusHead".utf8)) {
            self = .opus
        } else {
            return nil
        }
    }

    /// A decoder of this codec's packets, waiting for the stream's first packet.
    func makePackets() -> any OggPackets {
        switch self {
        case .vorbis: VorbisPackets()
        case .opus: OpusPackets()
        }
    }
}

extension UnsafeMutablePointer where Pointee == ogg_packet {
    /// The packet's bytes (valid until the stream state is next touched).
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: pointee.packet, count: pointee.packet == nil ? 0 : max(0, pointee.bytes))
    }
}
