// The audio frame clock: seconds of MP3 and AAC (ADTS) from frame headers, walked as a
// followed stream's bytes arrive. Byte 0 of the input chooses where the rest is cut in two.
import StreamFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard let first = input.first else { return 0 }
    let bytes = Array(input.dropFirst())
    var whole = AudioFrameClock()
    whole.feed(bytes)
    // The longest a frame lasts: ADTS, 4 raw data blocks of 1024 samples at 7,350 Hz.
    let longest = 4 * 1024 / 7350.0
    check(whole.seconds.isFinite && whole.seconds >= 0, "seconds finite and not negative")
    check(whole.frames >= 0 && whole.frames <= bytes.count / 7, "at most a frame per 7 bytes (the shortest header)")
    check(whole.seconds <= Double(whole.frames) * longest + 1e-9, "no frame lasts over \(longest) s")
    // The same bytes in two chunks, then one byte at a time: the same frames, the same seconds.
    let cut = bytes.isEmpty ? 0 : Int(first) % (bytes.count + 1)
    var two = AudioFrameClock()
    two.feed(Array(bytes[..<cut]))
    two.feed(Array(bytes[cut...]))
    check(two.frames == whole.frames && two.seconds == whole.seconds, "the same in two chunks (cut at \(cut))")
    if bytes.count <= 4096 {
        var single = AudioFrameClock()
        for byte in bytes { single.feed([byte]) }
        check(single.frames == whole.frames && single.seconds == whole.seconds, "the same a byte at a time")
    }
    return 0
}
