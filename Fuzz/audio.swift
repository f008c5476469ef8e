// Audio decoding and metering (issue 19): MP3 (libmpg123), AAC in ADTS (FAAD2), Ogg Vorbis and
// Opus (libogg, libvorbis, libopus; the Ogg packet handling is streamd's own), measured as the
// dead-air meter measures them. Byte 0 picks the codec, byte 1 where the body is cut in two.
// Promises: a decoder is made; every run of samples has a sane rate, channel count and whole
// frames; every second's levels are finite numbers (they go into the JSON state document) with
// the peak at or above the RMS; and the levels do not depend on where the body was cut.
import StreamAudio

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard bytes.count >= 2 else { return 0 }
    let codecs: [AudioCodec] = [.mp3, .aac, .ogg]
    let codec = codecs[Int(bytes[0]) % codecs.count]
    let body = Array(bytes.dropFirst(2))
    let cut = Int(bytes[1]) * body.count / 255
    let whole = measure(codec, [body[...]])
    let halves = measure(codec, [body[..<cut], body[cut...]])
    check(whole == halves, "\(codec): the same levels whether the body comes whole or cut at \(cut) of \(body.count)")
    return 0
}

/// Each second's (loudest RMS, peak) of `parts` decoded one after the other.
private func measure(_ codec: AudioCodec, _ parts: [ArraySlice<UInt8>]) -> [[Double]] {
    guard let decoder = try? codec.makeDecoder() else {
        check(false, "a \(codec) decoder is made")
        return []
    }
    var levels: AudioLevels?
    var seconds: [[Double]] = []
    for part in parts {
        part.withUnsafeBytes { raw in
            _ = decoder.feed(raw) { samples, rate, channels in
                check(rate >= 1000 && rate <= 384_000, "\(codec): a sample rate of \(rate) Hz")
                check(channels >= 1 && channels <= 8, "\(codec): \(channels) channels")
                check(samples.count % channels == 0, "\(codec): whole frames (\(samples.count) samples, \(channels) channels)")
                if levels?.sampleRate != rate || levels?.channels != channels {
                    levels = AudioLevels(sampleRate: rate, channels: channels)
                }
                levels?.add(samples) { second in
                    check(second.peakDb.count == channels && second.rmsDb.count == channels, "\(codec): a level per channel")
                    for (peak, rms) in zip(second.peakDb, second.rmsDb) {
                        check(peak.isFinite && rms.isFinite, "\(codec): finite levels (peak \(peak), RMS \(rms))")
                        check(rms >= AudioLevels.floorDb && peak >= rms - 0.01, "\(codec): floor ≤ RMS ≤ peak (\(rms), \(peak))")
                    }
                    seconds.append([second.loudestRmsDb, second.peakDb.max() ?? AudioLevels.floorDb])
                }
            }
        }
    }
    return seconds
}
