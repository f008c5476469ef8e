import StreamFormats

/// Builds Ogg pages with correct CRCs, for synthetic streams.
public enum OggBuilder {
    /// One page with an explicit segment table and body.
    public static func page(serial: UInt32, sequence: UInt32, flags: UInt8 = 0, granule: Int64 = 0,
                     table: [UInt8], body: [UInt8], version: UInt8 = 0) -> [UInt8] {
        var p = Array("OggS".utf8) + [version, flags]
        p += withUnsafeBytes(of: granule.littleEndian, Array.init)
        p += withUnsafeBytes(of: serial.littleEndian, Array.init)
        p += withUnsafeBytes(of: sequence.littleEndian, Array.init)
        p += [0, 0, 0, 0, UInt8(table.count)] + table + body
        let crc = OggCRC.checksum(p)
        p.replaceSubrange(22 ..< 26, with: withUnsafeBytes(of: crc.littleEndian, Array.init))
        return p
    }

    /// Laces `packets` into pages of at most `segmentsPerPage` segments; BOS on the first,
    /// EOS on the last if asked, `continued` where a page starts inside a packet.
    public static func pages(serial: UInt32, firstSequence: UInt32 = 0, bos: Bool = true, eos: Bool = false,
                      packets: [[UInt8]], segmentsPerPage: Int = 255) -> [UInt8] {
        var segments: [(lacing: UInt8, bytes: ArraySlice<UInt8>)] = []
        for packet in packets {
            var at = 0
            repeat {
                let n = min(255, packet.count - at)
                segments.append((UInt8(n), packet[at ..< at + n]))
                at += n
                if n < 255 { break }
                if at == packet.count { segments.append((0, [])); break }
            } while true
        }
        var out: [UInt8] = []
        var sequence = firstSequence
        var continued = false
        var start = 0
        while start < segments.count {
            let chunk = segments[start ..< min(start + segmentsPerPage, segments.count)]
            var flags: UInt8 = continued ? 0x01 : 0
            if start == 0, bos { flags |= 0x02 }
            if chunk.endIndex == segments.count, eos { flags |= 0x04 }
            out += page(serial: serial, sequence: sequence, flags: flags, table: chunk.map(\.lacing),
                        body: chunk.flatMap(\.bytes))
            continued = chunk.last.map { $0.lacing == 255 } ?? false
            sequence += 1
            start = chunk.endIndex
        }
        return out
    }

    /// A Vorbis comment body (no packet prefix, no framing bit).
    public static func commentBody(vendor: String, _ comments: [String]) -> [UInt8] {
        func le(_ n: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(n).littleEndian, Array.init) }
        var b = le(vendor.utf8.count) + Array(vendor.utf8) + le(comments.count)
        for c in comments { b += le(c.utf8.count) + Array(c.utf8) }
        return b
    }

    public static func vorbisComments(vendor: String = "streamd test", _ comments: [String]) -> [UInt8] {
        [0x03] + Array("vorbis".utf8) + commentBody(vendor: vendor, comments) + [0x01]
    }
}

