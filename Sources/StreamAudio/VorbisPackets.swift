import COggAudio

/// Decodes one Vorbis logical stream's packets with libvorbis: the three headers
/// (identification, comment, setup: `vorbis_synthesis_headerin`), then audio packets
/// (`vorbis_synthesis`, `vorbis_synthesis_blockin`, `vorbis_synthesis_pcmout`), the planar
/// output interleaved. A header that does not parse ends the stream's decoding (nothing more
/// until the next logical stream); a broken audio packet is skipped.
final class VorbisPackets: OggPackets {
    private let info = UnsafeMutablePointer<vorbis_info>.allocate(capacity: 1)
    private let comment = UnsafeMutablePointer<vorbis_comment>.allocate(capacity: 1)
    private let dsp = UnsafeMutablePointer<vorbis_dsp_state>.allocate(capacity: 1)
    private let block = UnsafeMutablePointer<vorbis_block>.allocate(capacity: 1)
    /// Header packets taken (three before audio).
    private var headers = 0
    /// Whether `dsp` and `block` are initialised (after the third header).
    private var synthesising = false
    private var broken = false
    private var interleaved: [Float] = []

    init() {
        vorbis_info_init(info)
        vorbis_comment_init(comment)
    }

    deinit {
        if synthesising {
            vorbis_block_clear(block)
            vorbis_dsp_clear(dsp)
        }
        vorbis_comment_clear(comment)
        vorbis_info_clear(info)
        block.deallocate()
        dsp.deallocate()
        comment.deallocate()
        info.deallocate()
    }

    func take(_ packet: UnsafeMutablePointer<ogg_packet>,
              samples: (UnsafeBufferPointer<Float>, _ sampleRate: Int, _ channels: Int) -> Void) -> Int {
        guard !broken else { return 0 }
        guard synthesising else {
            takeHeader(packet)
            return 0
        }
        guard vorbis_synthesis(block, packet) == 0, vorbis_synthesis_blockin(dsp, block) == 0 else { return 0 }
        let channels = Int(info.pointee.channels), rate = Int(info.pointee.rate)
        var decoded = 0
        var pcm: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>?
        while true {
            let frames = Int(vorbis_synthesis_pcmout(dsp, &pcm))
            guard frames > 0, let planes = pcm else { break }
            let count = frames * channels
            if interleaved.count < count { interleaved = [Float](repeating: 0, count: count) }
            interleaved.withUnsafeMutableBufferPointer { out in
                for channel in 0..<channels {
                    guard let plane = planes[channel] else { continue }
                    for frame in 0..<frames { out[frame * channels + channel] = plane[frame] }
                }
                samples(UnsafeBufferPointer(rebasing: out[0..<count]), rate, channels)
            }
            vorbis_synthesis_read(dsp, Int32(frames))
            decoded += count
        }
        return decoded
    }

    private func takeHeader(_ packet: UnsafeMutablePointer<ogg_packet>) {
        guard vorbis_synthesis_headerin(info, comment, packet) == 0 else {
            broken = true
            return
        }
        headers += 1
        guard headers == 3 else { return }
        guard vorbis_synthesis_init(dsp, info) == 0 else {
            broken = true
            return
        }
        guard vorbis_block_init(dsp, block) == 0 else {
            vorbis_dsp_clear(dsp)
            broken = true
            return
        }
        synthesising = true
    }
}
