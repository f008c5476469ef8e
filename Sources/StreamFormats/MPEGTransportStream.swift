/// Just enough MPEG-2 Transport Stream (ISO/IEC 13818-1) to find timed ID3 metadata in
/// HLS segments.
///
/// Policies: packets are 188 bytes from the first offset where the sync byte 0x47 repeats
/// three times; a packet that lost sync is skipped. The PAT gives the PMTs; a PMT stream
/// with `stream_type` 0x15 (metadata in PES, as Apple's "Timed Metadata for HTTP Live
/// Streaming" specifies) or with an `ID3 ` registration or metadata descriptor carries ID3.
/// Any other PID whose PES payload begins with an ID3 header is read too (some packagers
/// declare it as private data, or the PMT is missing). A PES with several tags gives them
/// all, with or without a metadata access-unit cell header. PES lengths of 0 (unbounded) are allowed; a PES ends at the next payload start on
/// its PID or at the end of the segment.
enum MPEGTransportStream {
    /// The offset of the first packet, or nil when the bytes are not MPEG-TS.
    static func syncOffset(_ bytes: [UInt8]) -> Int? {
        for offset in 0..<min(188, bytes.count) where bytes[offset] == 0x47 {
            let packets = (bytes.count - offset) / 188
            guard packets >= 1 else { return nil }
            if (0..<min(packets, 3)).allSatisfy({ bytes[offset + $0 * 188] == 0x47 }) { return offset }
        }
        return nil
    }

    /// The ID3 tags in a segment, in the order their PES packets start.
    static func id3Tags(_ bytes: [UInt8]) throws(ParseError) -> [TimedID3] {
        guard let start = syncOffset(bytes) else {
            throw ParseError(format: "mpeg-ts", location: "byte 0", message: "no MPEG-TS sync (0x47 every 188 bytes)")
        }
        var pmtPIDs: Set<Int> = []
        var id3PIDs: Set<Int> = []
        var pending: [Int: (offset: Int, payload: [UInt8])] = [:]
        var pes: [(pid: Int, offset: Int, payload: [UInt8])] = []
        var offset = start
        while offset + 188 <= bytes.count {
            defer { offset += 188 }
            guard bytes[offset] == 0x47 else { continue }
            let pid = Int(bytes[offset + 1] & 0x1F) << 8 | Int(bytes[offset + 2])
            let unitStart = bytes[offset + 1] & 0x40 != 0
            let control = (bytes[offset + 3] >> 4) & 3
            guard control & 1 != 0 else { continue }                       // no payload
            var payloadStart = offset + 4
            if control & 2 != 0 { payloadStart += 1 + Int(bytes[offset + 4]) }
            guard payloadStart < offset + 188 else { continue }
            let payload = bytes[payloadStart..<(offset + 188)]
            if pid == 0x1FFF { continue }
            if pid == 0 {
                if unitStart { pmtPIDs.formUnion(programMapPIDs(Array(payload))) }
                continue
            }
            if pmtPIDs.contains(pid) {
                if unitStart { id3PIDs.formUnion(metadataPIDs(Array(payload))) }
                continue
            }
            if unitStart {
                if let done = pending.removeValue(forKey: pid) { pes.append((pid, done.offset, done.payload)) }
                pending[pid] = (offset, Array(payload))
            } else if pending[pid] != nil {
                pending[pid]!.payload += payload
            }
        }
        for (pid, done) in pending.sorted(by: { $0.value.offset < $1.value.offset }) { pes.append((pid, done.offset, done.payload)) }
        pes.sort { $0.offset < $1.offset }
        var found: [TimedID3] = []
        for packet in pes {
            guard let (pts, body) = pesPayload(packet.payload) else { continue }
            guard id3PIDs.contains(packet.pid) || ID3Tag.length(of: body, at: 0) != nil else { continue }
            // A payload wrapped in a metadata access-unit cell (ISO/IEC 13818-1 2.12.4: a
            // 5-byte header before the tag) is read past its header.
            var i = ID3Tag.length(of: body, at: 0) == nil && ID3Tag.length(of: body, at: 5) != nil ? 5 : 0
            while let length = ID3Tag.length(of: body, at: i), i + length <= body.count {
                if let tag = try? ID3Tag.parse(body[i..<(i + length)]) {
                    found.append(TimedID3(tag: tag, offset: packet.offset, presentationTime: pts))
                }
                i += length
            }
        }
        return found
    }

    /// PMT PIDs listed in a PAT section (after the pointer field).
    private static func programMapPIDs(_ payload: [UInt8]) -> [Int] {
        guard let section = section(payload, tableID: 0x00) else { return [] }
        var pids: [Int] = []
        var i = 8
        while i + 4 <= section.count - 4 {
            let program = Int(section[i]) << 8 | Int(section[i + 1])
            let pid = Int(section[i + 2] & 0x1F) << 8 | Int(section[i + 3])
            if program != 0 { pids.append(pid) }
            i += 4
        }
        return pids
    }

    /// PIDs a PMT section declares as ID3 metadata.
    private static func metadataPIDs(_ payload: [UInt8]) -> [Int] {
        guard let section = section(payload, tableID: 0x02), section.count >= 12 else { return [] }
        let programInfoLength = Int(section[10] & 0x0F) << 8 | Int(section[11])
        var i = 12 + programInfoLength
        var pids: [Int] = []
        while i + 5 <= section.count - 4 {
            let streamType = section[i]
            let pid = Int(section[i + 1] & 0x1F) << 8 | Int(section[i + 2])
            let infoLength = Int(section[i + 3] & 0x0F) << 8 | Int(section[i + 4])
            let info = section[min(i + 5, section.count)..<min(i + 5 + infoLength, section.count)]
            if streamType == 0x15 || hasID3Descriptor(Array(info)) { pids.append(pid) }
            i += 5 + infoLength
        }
        return pids
    }

    /// Whether descriptors hold a registration (0x05) or metadata (0x26) descriptor naming `ID3 `.
    private static func hasID3Descriptor(_ info: [UInt8]) -> Bool {
        var i = 0
        while i + 2 <= info.count {
            let tag = info[i], length = Int(info[i + 1])
            let body = Array(info[min(i + 2, info.count)..<min(i + 2 + length, info.count)])
            let id3: [UInt8] = Array("ID3 ".utf8)
            if tag == 0x05 || tag == 0x26, body.count >= 4,
               (0...(body.count - 4)).contains(where: { Array(body[$0..<($0 + 4)]) == id3 }) {
                return true
            }
            i += 2 + length
        }
        return false
    }

    /// The section with `tableID` after the pointer field, cut to its `section_length`.
    private static func section(_ payload: [UInt8], tableID: UInt8) -> [UInt8]? {
        guard let pointer = payload.first.map(Int.init), pointer + 4 <= payload.count else { return nil }
        let s = Array(payload[(pointer + 1)...])
        guard s.count >= 3, s[0] == tableID else { return nil }
        let length = Int(s[1] & 0x0F) << 8 | Int(s[2])
        return Array(s.prefix(3 + length))
    }

    /// The PTS (seconds) and payload of a PES packet, or nil when it is not one.
    private static func pesPayload(_ bytes: [UInt8]) -> (Double?, [UInt8])? {
        guard bytes.count >= 6, bytes[0] == 0, bytes[1] == 0, bytes[2] == 1 else { return nil }
        let streamID = bytes[3]
        let declared = Int(bytes[4]) << 8 | Int(bytes[5])
        let end = declared == 0 ? bytes.count : min(bytes.count, 6 + declared)
        let noHeader: Set<UInt8> = [0xBC, 0xBE, 0xBF, 0xF0, 0xF1, 0xF2, 0xF8, 0xFF]
        if noHeader.contains(streamID) { return (nil, Array(bytes[min(6, end)..<end])) }
        guard bytes.count >= 9 else { return nil }
        let headerLength = Int(bytes[8])
        var pts: Double?
        if bytes[7] & 0x80 != 0, bytes.count >= 14 {
            let b = bytes[9..<14].map(UInt64.init)
            let value = (b[0] >> 1 & 0x07) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1
            pts = Double(value) / 90_000
        }
        let payloadStart = 9 + headerLength
        guard payloadStart <= end else { return nil }
        return (pts, Array(bytes[payloadStart..<end]))
    }
}
