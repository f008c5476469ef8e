import CMpg123

/// Decodes an MP3 byte stream as it arrives (libmpg123's feed mode) into interleaved float
/// samples, full scale ±1.0. Bytes in any chunking; the decoder finds the frames itself and
/// skips what is not MP3 (an ID3 tag, a broken frame). Not thread-safe: one owner.
public final class MP3Decoder: AudioDecoder {
    /// What the decoder could not do.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// libmpg123's error code.
        public var code: Int32
        /// What it says.
        public var description: String
    }

    private let handle: OpaquePointer
    /// The sample rate and channels of the audio decoded so far (0 before the first frame).
    public private(set) var sampleRate = 0
    /// Channels.
    public private(set) var channels = 0

    /// A decoder in feed mode with float output.
    public init() throws(Failure) {
        var error: Int32 = 0
        guard let handle = mpg123_new(nil, &error) else {
            throw Failure(code: error, description: "mpg123_new: \(String(cString: mpg123_plain_strerror(error)))")
        }
        self.handle = handle
        mpg123_param2(handle, Int32(MPG123_ADD_FLAGS.rawValue), Int(MPG123_QUIET.rawValue | MPG123_FORCE_FLOAT.rawValue), 0)
        let opened = mpg123_open_feed(handle)
        guard opened == MPG123_OK.rawValue else {
            mpg123_delete(handle)
            throw Failure(code: opened, description: "mpg123_open_feed: \(String(cString: mpg123_plain_strerror(opened)))")
        }
    }

    deinit {
        mpg123_delete(handle)
    }

    /// Feeds `bytes`; `samples` gets each frame's samples with the format they are in
    /// (`sampleRate`, `channels`), straight from libmpg123's buffer (no copy). Frame by frame
    /// (`mpg123_decode_frame`), so a format change mid-chunk never relabels the samples before
    /// it (the fuzz target `audio` found that with `mpg123_decode`, which fills one buffer
    /// across the change). Decoding errors of a frame are skipped (the next frame
    /// resynchronises); returns the number of samples decoded.
    @discardableResult
    public func feed(_ bytes: UnsafeRawBufferPointer,
                     samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int {
        if let base = bytes.baseAddress, bytes.count > 0 {
            guard mpg123_feed(handle, base.assumingMemoryBound(to: UInt8.self), bytes.count) == MPG123_OK.rawValue else { return 0 }
        }
        var decoded = 0, errors = 0
        while true {
            var frame: off_t = 0
            var audio: UnsafeMutablePointer<UInt8>?
            var size = 0
            let result = mpg123_decode_frame(handle, &frame, &audio, &size)
            if result == MPG123_NEW_FORMAT.rawValue {
                var rate = 0, channelCount: Int32 = 0, encoding: Int32 = 0
                mpg123_getformat(handle, &rate, &channelCount, &encoding)
                sampleRate = rate
                channels = Int(channelCount)
                continue
            }
            if result == MPG123_OK.rawValue, let audio, size > 0, channels > 0 {
                let count = size / MemoryLayout<Float>.size
                audio.withMemoryRebound(to: Float.self, capacity: count) { floats in
                    samples(UnsafeBufferPointer(start: floats, count: count), sampleRate, channels)
                }
                decoded += count
                continue
            }
            if result == MPG123_NEED_MORE.rawValue || result == MPG123_DONE.rawValue { return decoded }
            // An error: libmpg123 resynchronises on the next frame; a few tries, then wait for more bytes.
            if result != MPG123_OK.rawValue {
                errors += 1
                if errors > 8 { return decoded }
            }
        }
    }
}
