/// One non-empty metadata block cut out of an ICY stream.
public struct IcyMetadataBlock: Sendable, Equatable, Hashable {
    /// The payload (length byte × 16 bytes, NUL padding included), copied from the stream.
    public var payload: [UInt8]
    /// Audio bytes that preceded the block in the stream.
    public var audioOffset: UInt64

    /// Creates a block.
    public init(payload: [UInt8], audioOffset: UInt64) {
        self.payload = payload
        self.audioOffset = audioOffset
    }
}

/// Splits an ICY stream body (`Icy-MetaData: 1`) into audio and metadata blocks.
///
/// After every `metaint` audio bytes comes one length byte L and L × 16 bytes of metadata
/// (at most 4080). Feed chunks of any size as they arrive; audio is handed on as slices of
/// the chunk (never copied), metadata is copied into blocks. A block with L = 0 yields
/// nothing but is counted in `boundaryCount`. State lives between calls, so block
/// boundaries may fall anywhere in the chunks.
public struct IcyDemuxer: Sendable {
    /// The largest `icy-metaint` accepted; servers send 8192-32768, 16000 is common.
    public static let maximumMetaint = 65_536 * 4
    /// The most metadata bytes one length byte can announce (255 × 16).
    public static let maximumBlockSize = 255 * 16

    /// Audio bytes between metadata blocks.
    public let metaint: Int
    /// Audio bytes passed through so far.
    public private(set) var audioByteCount: UInt64 = 0
    /// Metadata bytes (length bytes and payloads) consumed so far.
    public private(set) var metadataByteCount: UInt64 = 0
    /// Block boundaries passed so far, empty blocks included.
    public private(set) var boundaryCount: UInt64 = 0

    /// Where the demuxer is between chunks.
    private enum Phase: Sendable {
        case audio(remaining: Int)
        case lengthByte
        case metadata(remaining: Int)
    }

    private var phase: Phase
    private var pending: [UInt8] = []

    /// Creates a demuxer; a metaint that is zero, negative or above `maximumMetaint`
    /// throws (treat the stream as having no metadata).
    public init(metaint: Int) throws(ParseError) {
        guard metaint > 0, metaint <= Self.maximumMetaint else {
            throw ParseError(format: "icy", location: "icy-metaint",
                             message: "metaint \(metaint) is outside 1...\(Self.maximumMetaint)")
        }
        self.metaint = metaint
        self.phase = .audio(remaining: metaint)
    }

    /// Consumes `chunk`: calls `audio` with each run of audio bytes (slices of `chunk`, in
    /// order) and returns the non-empty metadata blocks completed in this chunk.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer,
                              audio: (UnsafeRawBufferPointer) -> Void) -> [IcyMetadataBlock] {
        var blocks: [IcyMetadataBlock] = []
        var index = 0
        while index < chunk.count {
            let available = chunk.count &- index
            switch phase {
            case .audio(let remaining):
                let take = min(remaining, available)
                audio(UnsafeRawBufferPointer(rebasing: chunk[index..<(index &+ take)]))
                audioByteCount &+= UInt64(take)
                index &+= take
                phase = take == remaining ? .lengthByte : .audio(remaining: remaining &- take)
            case .lengthByte:
                let size = Int(chunk[index]) &* 16
                index &+= 1
                metadataByteCount &+= 1
                if size == 0 {
                    boundaryCount &+= 1
                    phase = .audio(remaining: metaint)
                } else {
                    pending.reserveCapacity(size)
                    phase = .metadata(remaining: size)
                }
            case .metadata(let remaining):
                let take = min(remaining, available)
                pending.append(contentsOf: chunk[index..<(index &+ take)])
                metadataByteCount &+= UInt64(take)
                index &+= take
                if take == remaining {
                    blocks.append(IcyMetadataBlock(payload: pending, audioOffset: audioByteCount))
                    pending.removeAll(keepingCapacity: true)
                    boundaryCount &+= 1
                    phase = .audio(remaining: metaint)
                } else {
                    phase = .metadata(remaining: remaining &- take)
                }
            }
        }
        return blocks
    }

    /// `feed` for bytes in an array (tests, `file://` probes).
    public mutating func feed(_ bytes: [UInt8], audio: (UnsafeRawBufferPointer) -> Void)
        -> [IcyMetadataBlock] {
        bytes.withUnsafeBytes { feed($0, audio: audio) }
    }
}
