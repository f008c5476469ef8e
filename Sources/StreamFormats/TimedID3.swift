/// An ID3 tag found inside a media segment, with where and when it sits.
public struct TimedID3: Sendable, Equatable {
    /// The tag.
    public var tag: ID3Tag
    /// The byte offset in the segment where the tag (or, in MPEG-TS, the packet carrying its
    /// PES header) starts.
    public var offset: Int
    /// Its presentation time in seconds: the PES PTS in MPEG-TS (33 bits / 90 kHz), or in
    /// packed audio the `transportStreamTimestamp` of the segment's first tag; nil when
    /// neither is known.
    public var presentationTime: Double?

    /// Creates a timed tag.
    public init(tag: ID3Tag, offset: Int, presentationTime: Double?) {
        self.tag = tag
        self.offset = offset
        self.presentationTime = presentationTime
    }
}

/// Finds the timed ID3 metadata of HLS segments: packed audio (ADTS AAC, MP3) and MPEG-TS.
///
/// Policies: `tags(inSegment:)` tells the container from the bytes (MPEG-TS when 0x47 repeats
/// every 188 bytes, else packed audio). In packed audio the walk goes tag by tag and frame by
/// frame (ADTS and MPEG audio headers), so a tag between frames is found wherever it sits;
/// after bytes it cannot read it resynchronises one byte at a time. A tag that does not
/// parse is skipped. Later tags in packed audio take their time from the segment's
/// `transportStreamTimestamp` plus the audio frames' durations before them when those are
/// ADTS or MPEG frames of known rate.
public enum TimedMetadata {
    /// The ID3 tags in a segment of either kind, in stream order.
    public static func tags(inSegment bytes: [UInt8]) -> [TimedID3] {
        if MPEGTransportStream.syncOffset(bytes) != nil {
            return (try? MPEGTransportStream.id3Tags(bytes)) ?? []
        }
        return tags(inPackedAudio: bytes)
    }

    /// The ID3 tags in an elementary audio stream (HLS packed audio: ADTS AAC or MP3).
    public static func tags(inPackedAudio bytes: [UInt8]) -> [TimedID3] {
        var found: [TimedID3] = []
        var base: Double?
        var elapsed = 0.0
        var i = 0
        while i < bytes.count {
            if let length = ID3Tag.length(of: bytes, at: i), i + length <= bytes.count {
                if let tag = try? ID3Tag.parse(bytes[i..<(i + length)]) {
                    if base == nil, let timestamp = tag.transportStreamTimestamp { base = timestamp - elapsed }
                    found.append(TimedID3(tag: tag, offset: i, presentationTime: base.map { $0 + elapsed }))
                    i += length
                    continue
                }
            }
            if let adts = ADTSHeader(bytes, at: i), i + adts.frameLength <= bytes.count {
                elapsed += 1024 / Double(adtsRates[adts.sampleRateIndex])
                i += adts.frameLength
            } else if let mpeg = MPEGAudioHeader(bytes, at: i), i + mpeg.frameLength <= bytes.count {
                let samples = mpeg.layer == 1 ? 384 : (mpeg.layer == 3 && mpeg.version != 1 ? 576 : 1152)
                elapsed += Double(samples) / Double(mpeg.sampleRate)
                i += mpeg.frameLength
            } else {
                i += 1
            }
        }
        return found
    }

    /// ADTS sampling-frequency index to Hz.
    private static let adtsRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]
}
