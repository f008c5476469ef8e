/// A decoder of a compressed audio stream, fed bytes as they arrive in any chunking, giving
/// interleaved float samples (full scale ±1.0) with their format.
public protocol AudioDecoder: AnyObject {
    /// Feeds `bytes`; `samples` gets each run of decoded samples with its sample rate and
    /// channel count. What cannot be decoded is skipped. Returns the samples decoded.
    @discardableResult
    func feed(_ bytes: UnsafeRawBufferPointer,
              samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int
}

/// The codec of a stream, from its `Content-Type`.
public enum AudioCodec: String, Sendable, Equatable {
    /// MPEG audio layer III (`audio/mpeg`, `audio/mp3`).
    case mp3
    /// AAC in ADTS frames (`audio/aac`, `audio/aacp`, `audio/x-aac`): LC, HE-AAC v1 and v2.
    case aac
    /// Ogg Vorbis or Ogg Opus (`application/ogg`, `audio/ogg`, `audio/x-ogg`, `audio/vorbis`,
    /// `audio/opus`): the codec is read from each logical stream's first packet.
    case ogg

    /// The codec `contentType` names; MP3 when none is named (a decoder finds nothing in
    /// anything else); nil for a type that is none of them (a playlist, text).
    public init?(contentType: String?) {
        guard let type = contentType?.lowercased() else {
            self = .mp3
            return
        }
        if type.contains("ogg") || type.contains("vorbis") || type.contains("opus") {
            self = .ogg
        } else if type.contains("aac") {
            self = .aac
        } else if type.contains("mpeg") || type.contains("mp3") {
            self = .mp3
        } else {
            return nil
        }
    }

    /// A new decoder of this codec.
    public func makeDecoder() throws -> any AudioDecoder {
        switch self {
        case .mp3: try MP3Decoder()
        case .aac: try AACDecoder()
        case .ogg: try OggDecoder()
        }
    }
}
