import COggAudio

/// Decodes an Ogg Vorbis or Ogg Opus stream as it arrives (what Icecast serves as
/// `application/ogg`, `audio/ogg`) into interleaved float samples: libogg finds the pages
/// (checksummed, so garbage before or between them is skipped) and gathers their packets; the
/// logical stream's first packet names its codec (`VorbisPackets`, `OpusPackets`).
///
/// A chained stream (Icecast begins a new logical stream at each title change, and a looped
/// file begins again) is followed: every beginning-of-stream page of Vorbis or Opus starts the
/// decoding afresh, whatever its serial number. A beginning page of another codec (FLAC, a
/// Skeleton or Theora stream multiplexed beside the audio) is passed over, and so are pages of
/// any serial but the one followed. Bytes in any chunking; never more samples than the stream
/// holds. Not thread-safe: one owner.
public final class OggDecoder: AudioDecoder {
    /// What the decoder could not do.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    private let sync = UnsafeMutablePointer<ogg_sync_state>.allocate(capacity: 1)
    private let stream = UnsafeMutablePointer<ogg_stream_state>.allocate(capacity: 1)
    /// The serial number of the logical stream followed (nil before the first Vorbis or Opus).
    private var serial: Int32?
    private var packets: (any OggPackets)?

    /// A decoder waiting for the first page of a Vorbis or Opus logical stream.
    public init() throws(Failure) {
        guard ogg_sync_init(sync) == 0 else {
            sync.deallocate()
            stream.deallocate()
            throw Failure(description: "ogg_sync_init failed")
        }
        guard ogg_stream_init(stream, 0) == 0 else {
            ogg_sync_clear(sync)
            sync.deallocate()
            stream.deallocate()
            throw Failure(description: "ogg_stream_init failed")
        }
    }

    deinit {
        packets = nil
        ogg_stream_clear(stream)
        ogg_sync_clear(sync)
        stream.deallocate()
        sync.deallocate()
    }

    @discardableResult
    public func feed(_ bytes: UnsafeRawBufferPointer,
                     samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        var buffer = ogg_sync_buffer(sync, bytes.count)
        if buffer == nil {   // libogg's sync state failed (out of memory): start it again
            ogg_sync_reset(sync)
            buffer = ogg_sync_buffer(sync, bytes.count)
        }
        guard let buffer else { return 0 }
        buffer.withMemoryRebound(to: UInt8.self, capacity: bytes.count) { $0.update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        ogg_sync_wrote(sync, bytes.count)
        var decoded = 0
        var page = ogg_page()
        while true {
            let found = ogg_sync_pageout(sync, &page)
            if found == 0 { break }          // the rest of a page is to come
            if found < 0 { continue }        // bytes skipped: garbage, or a page lost
            decoded += take(&page, samples: samples)
        }
        return decoded
    }

    /// One page: a Vorbis or Opus beginning starts a logical stream; a page of the one followed
    /// gives its packets to the codec.
    private func take(_ page: inout ogg_page,
                      samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int {
        let pageSerial = ogg_page_serialno(&page)
        if ogg_page_bos(&page) != 0 {
            let body = UnsafeRawBufferPointer(start: page.body, count: page.body == nil ? 0 : max(0, page.body_len))
            guard let kind = OggAudioKind(firstPacket: body) else { return 0 }
            ogg_stream_reset_serialno(stream, pageSerial)
            serial = pageSerial
            packets = kind.makePackets()
        } else if pageSerial != serial {
            return 0
        }
        guard let packets, ogg_stream_pagein(stream, &page) == 0 else { return 0 }
        var decoded = 0
        var packet = ogg_packet()
        while true {
            let found = ogg_stream_packetout(stream, &packet)
            if found == 0 { break }
            if found < 0 { continue }        // a hole: pages were lost; go on from the next packet
            decoded += withUnsafeMutablePointer(to: &packet) { packets.take($0, samples: samples) }
        }
        return decoded
    }
}
