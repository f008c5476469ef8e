/// The audio time an MP3 or AAC (ADTS) stream has delivered, counted from its frame headers
/// without decoding: each MPEG audio frame holds 384, 576 or 1152 samples, each ADTS frame
/// 1024 per raw data block, at the rate its header names.
///
/// The stall rule uses it: an encoder's digital silence can take a few hundred bytes a second
/// (ffmpeg's AAC: 565 bytes/s at 128 kbit/s), under any byte-rate floor, yet arrives in real
/// time. Feed it the audio bytes (ICY metadata removed) as they come, in chunks of any size.
///
/// It counts only frames it is locked on: a header whose frame is followed by a header of the
/// same kind, version and rate. Bytes that are not frames (an ID3 tag, a cut, garbage) are
/// skipped by searching byte by byte for the next such pair, from where the lost header should
/// have been; a run that starts there (another rate after a source switch) counts from its
/// first frame once its second confirms it. A stream that never locks (another
/// codec, not audio) stays at zero seconds, and its bytes alone are judged.
public struct AudioFrameClock: Sendable {
    /// Seconds of audio in the frames counted so far.
    public private(set) var seconds: Double = 0
    /// Frames counted so far.
    public private(set) var frames = 0
    /// Whether it is walking a run of frames now (false before the first pair, and after a loss).
    public var isLocked: Bool { lock != nil }

    /// Bytes read of a header: enough for either kind's fields (ADTS needs 7; MPEG 4).
    static let headerBytes = 7
    /// The most bytes kept while searching: an ADTS frame is at most 8,191 bytes, so a
    /// candidate and the header that confirms it always fit.
    static let searchLimit = 16 * 1024

    private var lock: AudioFrame?
    /// Bytes of the current frame still to pass (after its header).
    private var skip = 0
    /// Bytes not yet walked: a header split across chunks, or the bytes being searched.
    private var pending: [UInt8] = []

    /// A clock at zero.
    public init() {}

    /// Walks `bytes`, the next audio bytes of the stream.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let count = bytes.count
        while i < count {
            if skip > 0 {
                let passed = min(skip, count - i)
                skip -= passed
                i += passed
                continue
            }
            guard let lock else {
                pending.append(contentsOf: bytes[i...])
                i = count
                search()
                continue
            }
            // The usual case: the whole header in this chunk, read where it is.
            if pending.isEmpty, i + Self.headerBytes <= count, let frame = AudioFrame(bytes, at: i), frame.follows(lock) {
                add(frame)
                skip = frame.length
                continue
            }
            let take = min(Self.headerBytes - pending.count, count - i)
            pending.append(contentsOf: bytes[i..<(i + take)])
            i += take
            guard pending.count == Self.headerBytes else { break }
            if let frame = AudioFrame(pending, at: 0), frame.follows(lock) {
                add(frame)
                skip = frame.length - Self.headerBytes
                pending.removeAll(keepingCapacity: true)
            } else {
                // Lost: search again from where the header should have been (it may be the
                // first frame of a new run: another rate after a source switch).
                self.lock = nil
                pending.append(contentsOf: bytes[i...])
                i = count
                search()
            }
        }
    }

    /// Walks `bytes` (tests, fuzzing).
    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Searches `pending` for a header followed by a matching one, then walks the frames from
    /// there while they follow each other; keeps what is left (a partial header, or a candidate
    /// waiting for the bytes that confirm it).
    private mutating func search() {
        var p = 0
        while p + Self.headerBytes <= pending.count {
            if let lock {
                guard let frame = AudioFrame(pending, at: p), frame.follows(lock) else {
                    self.lock = nil   // searched again from p
                    continue
                }
                add(frame)
                let end = p + frame.length
                if end > pending.count {
                    skip = end - pending.count
                    p = pending.count
                    break
                }
                p = end
                continue
            }
            guard let frame = AudioFrame(pending, at: p) else { p += 1; continue }
            let next = p + frame.length
            if next + Self.headerBytes > pending.count { break }   // wait for the confirming header
            if let second = AudioFrame(pending, at: next), second.follows(frame) {
                lock = frame   // walked from p on the next pass, counted there
                continue
            }
            p += 1
        }
        pending.removeFirst(min(p, pending.count))
        if pending.count > Self.searchLimit { pending.removeFirst(pending.count - Self.searchLimit) }
    }

    private mutating func add(_ frame: AudioFrame) {
        seconds += frame.seconds
        frames += 1
    }
}

/// One frame header of either kind the clock walks.
enum AudioFrame: Sendable {
    case mpeg(MPEGAudioHeader)
    case adts(ADTSHeader)

    /// The header at `offset`, or nil. The kinds never both match: ADTS's layer bits are 00,
    /// which MPEG audio reserves.
    init?<C: RandomAccessCollection>(_ bytes: C, at offset: Int) where C.Element == UInt8, C.Index == Int {
        if let adts = ADTSHeader(bytes, at: offset) {
            self = .adts(adts)
        } else if let mpeg = MPEGAudioHeader(bytes, at: offset) {
            self = .mpeg(mpeg)
        } else {
            return nil
        }
    }

    /// The frame's length in bytes, header included.
    var length: Int {
        switch self {
        case .mpeg(let header): header.frameLength
        case .adts(let header): header.frameLength
        }
    }

    /// The seconds of audio it holds.
    var seconds: Double {
        switch self {
        case .mpeg(let header): header.seconds
        case .adts(let header): header.seconds
        }
    }

    /// Whether it can follow `previous` in one stream: the same kind, version, layer and rate.
    func follows(_ previous: AudioFrame) -> Bool {
        switch (previous, self) {
        case (.mpeg(let a), .mpeg(let b)): a.matches(b)
        case (.adts(let a), .adts(let b)): a.matches(b)
        default: false
        }
    }
}
