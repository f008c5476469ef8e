import CFaad

/// Decodes an AAC stream in ADTS frames (what Icecast and SHOUTcast serve as `audio/aac` or
/// `audio/aacp`: AAC-LC, HE-AAC v1 and v2) with FAAD2, into interleaved float samples. FAAD2
/// decodes whole frames, so the bytes are gathered here and cut at ADTS headers (sync word
/// 0xFFF, layer 0, the 13-bit frame length); a broken header or frame is skipped a byte at a
/// time until the next sync. Not thread-safe: one owner.
public final class AACDecoder: AudioDecoder {
    /// What the decoder could not do.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    private let handle: NeAACDecHandle
    private var pending: [UInt8] = []
    private var initialised = false
    /// Bytes kept waiting for the rest of a frame, at most (an ADTS frame is under 8 KiB).
    private static let maxPending = 64 * 1024

    /// A decoder with float output.
    public init() throws(Failure) {
        guard let handle = NeAACDecOpen() else { throw Failure(description: "NeAACDecOpen failed") }
        self.handle = handle
        if let config = NeAACDecGetCurrentConfiguration(handle) {
            config.pointee.outputFormat = UInt8(FAAD_FMT_FLOAT)
            config.pointee.downMatrix = 0
            NeAACDecSetConfiguration(handle, config)
        }
    }

    deinit {
        NeAACDecClose(handle)
    }

    @discardableResult
    public func feed(_ bytes: UnsafeRawBufferPointer,
                     samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int {
        pending.append(contentsOf: bytes)
        var decoded = 0
        var offset = 0
        defer {
            pending.removeFirst(min(offset, pending.count))
            if pending.count > Self.maxPending { pending.removeFirst(pending.count - Self.maxPending) }
        }
        while offset + 7 <= pending.count {
            guard pending[offset] == 0xFF, pending[offset + 1] & 0xF6 == 0xF0 else {
                offset += 1
                continue
            }
            let length = Int(pending[offset + 3] & 0x03) << 11 | Int(pending[offset + 4]) << 3 | Int(pending[offset + 5]) >> 5
            guard length >= 7 else {
                offset += 1
                continue
            }
            guard offset + length <= pending.count else { break }   // the rest of the frame is to come
            let count = pending.withUnsafeMutableBufferPointer { buffer -> Int in
                let frame = buffer.baseAddress! + offset
                if !initialised {
                    var rate: UInt = 0
                    var channels: UInt8 = 0
                    guard NeAACDecInit(handle, frame, UInt(length), &rate, &channels) >= 0 else { return -1 }
                    initialised = true
                }
                var info = NeAACDecFrameInfo()
                guard let output = NeAACDecDecode(handle, &info, frame, UInt(length)), info.error == 0 else { return -1 }
                let total = Int(info.samples)
                guard total > 0, info.channels > 0 else { return 0 }
                samples(UnsafeBufferPointer(start: output.assumingMemoryBound(to: Float.self), count: total),
                        Int(info.samplerate), Int(info.channels))
                return total
            }
            if count < 0 {
                offset += 1   // not a frame after all: look for the next sync
            } else {
                decoded += count
                offset += length
            }
        }
        return decoded
    }
}
