#!/usr/bin/env python3
"""Makes two timed-ID3 HLS segment fixtures beside this script with Debian's ffmpeg.

ffmpeg_adts_segment_two_id3_tags.aac: ffmpeg's AAC encoder and its ID3v2.4 writer (the
shape of Apple's packed-audio segments: an ID3 tag, then ADTS frames), then a second tag
with TXXX song_spot/length before more frames, as packagers that mark a title change
mid-segment write it.

ffmpeg_muxed_ts_segment_timed_id3.ts: this script writes a metadata-only transport stream (PAT, PMT with stream_type 0x15
and the metadata descriptor for 'ID3 ', PES packets on stream_id 0xBD, per Apple's "Timed
Metadata for HTTP Live Streaming"), then ffmpeg muxes it with AAC audio (`-c copy`): the
PAT, PMT and PES that end up in the fixture are written by ffmpeg's mpegts muxer, not here
(`ffprobe -show_packets -select_streams d` lists two timed_id3 packets, each 5 bytes short
of the tag because of the demuxer quirk noted in metadata_ts).

Run: python3 Tests/Fixtures/hls/ffmpeg_timed_id3_segments.py (needs ffmpeg; the output is
committed).
"""
import os, struct, subprocess, sys, tempfile, zlib

OUT = os.path.dirname(os.path.abspath(__file__))

def crc32_mpeg(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc

def syncsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])

def id3v24(frames):
    body = b""
    for fid, text in frames:
        if fid == "TXXX":
            desc, value = text
            content = b"\x03" + desc.encode() + b"\x00" + value.encode()
        else:
            content = b"\x03" + text.encode()
        body += fid.encode() + syncsafe(len(content)) + b"\x00\x00" + content
    return b"ID3\x04\x00\x00" + syncsafe(len(body)) + body

def section(table_id, body):
    length = len(body) + 4
    data = bytes([table_id, 0xB0 | (length >> 8), length & 0xFF]) + body
    return data + struct.pack(">I", crc32_mpeg(data))

def packets(pid, payload, counter, unit_start=True):
    out = []
    first = True
    while payload or first:
        chunk = payload[:184]
        payload = payload[184:]
        header = bytes([0x47, (0x40 if first and unit_start else 0) | (pid >> 8), pid & 0xFF])
        if len(chunk) < 184:   # adaptation field stuffing
            stuff = 184 - len(chunk) - 1
            af = bytes([stuff]) + (bytes([0x00]) + b"\xFF" * (stuff - 1) if stuff > 0 else b"")
            out.append(header + bytes([0x30 | (counter[pid] & 0xF)]) + af + chunk)
        else:
            out.append(header + bytes([0x10 | (counter[pid] & 0xF)]) + chunk)
        counter[pid] += 1
        first = False
    return b"".join(out)

def pts_bytes(pts):
    return bytes([0x21 | ((pts >> 29) & 0x0E), (pts >> 22) & 0xFF, 0x01 | ((pts >> 14) & 0xFE),
                  (pts >> 7) & 0xFF, 0x01 | ((pts << 1) & 0xFE)])

def metadata_ts(tags):
    counter = {0: 0, 0x1000: 0, 0x102: 0}
    pat = section(0x00, struct.pack(">HBBBHH", 1, 0xC1, 0, 0, 1, 0xE000 | 0x1000))
    pointer_descriptor = bytes([0x25, 15]) + b"\xFF\xFFID3 \xFFID3 \x00\x1F\x00\x01"
    metadata_descriptor = bytes([0x26, 13]) + b"\xFF\xFFID3 \xFFID3 \x00\x0F"
    program_info = pointer_descriptor
    es = bytes([0x15, 0xE0 | (0x102 >> 8), 0x102 & 0xFF, 0xF0, len(metadata_descriptor)]) + metadata_descriptor
    pmt = section(0x02, struct.pack(">HBBBHH", 1, 0xC1, 0, 0, 0xE000 | 0x102, 0xF000 | len(program_info)) + program_info + es)
    ts = packets(0, b"\x00" + pat, counter) + packets(0x1000, b"\x00" + pmt, counter)
    for sequence, (pts, tag) in enumerate(tags):
        # ffmpeg 5.1's demuxer drops a 5-byte metadata access-unit header (ISO/IEC 13818-1
        # 2.12.4) from stream type 0x15 payloads, so each tag gets one here; its muxer then
        # writes the bare ID3 tag that Apple's spec and hls.js expect.
        tag = bytes([0, sequence & 0xFF, 0xDF]) + struct.pack(">H", len(tag)) + tag
        header = bytes([0x84, 0x80, 5]) + pts_bytes(pts)
        pes = b"\x00\x00\x01\xBD" + struct.pack(">H", len(header) + len(tag)) + header + tag
        ts += packets(0x102, pes, counter)
    return ts

def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)

def main():
    os.makedirs(OUT, exist_ok=True)
    sine = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2"]
    with tempfile.TemporaryDirectory() as tmp:
        # A tag in the middle: ffmpeg's tagged ADTS, then a second tag, then more frames.
        tagged = os.path.join(tmp, "tagged.aac")
        ffmpeg(*sine, "-c:a", "aac", "-b:a", "64k", "-metadata", "title=Hungry Child - Edit",
               "-metadata", "artist=Hot Chip", "-metadata", "album=Why Make Sense?",
               "-f", "adts", "-write_id3v2", "1", tagged)
        plain = os.path.join(tmp, "plain.aac")
        ffmpeg(*sine, "-c:a", "aac", "-b:a", "64k", "-f", "adts", plain)
        audio = open(plain, "rb").read()
        head = open(tagged, "rb").read()
        second = id3v24([("TIT2", "Sunflower"), ("TPE1", "Post Malone / Swae Lee"),
                         ("TXXX", ("song_spot", "M")), ("TXXX", ("length", "00:02:38"))])
        with open(os.path.join(OUT, "ffmpeg_adts_segment_two_id3_tags.aac"), "wb") as f:
            f.write(head + second + audio)
        # MPEG-TS: metadata-only TS written here, muxed with AAC audio by ffmpeg.
        meta = os.path.join(tmp, "meta.ts")
        with open(meta, "wb") as f:
            f.write(metadata_ts([
                (90000, b"ID3\x04\x00\x00" + syncsafe(63) + b"PRIV" + syncsafe(53) + b"\x00\x00"
                 + b"com.apple.streaming.transportStreamTimestamp\x00" + struct.pack(">Q", 90000)),
                (90000 + 45000, id3v24([("TIT2", "Clair de Lune"), ("TPE1", "Philadelphia Orchestra"),
                                        ("TCOM", "Claude Debussy"), ("TALB", "Debussy: Orchestral Works")])),
            ]))
        aac = os.path.join(tmp, "audio.aac")
        ffmpeg(*sine, "-c:a", "aac", "-b:a", "64k", "-f", "adts", aac)
        ffmpeg("-i", aac, "-i", meta, "-map", "0:a", "-map", "1:d", "-c", "copy", "-f", "mpegts",
               os.path.join(OUT, "ffmpeg_muxed_ts_segment_timed_id3.ts"))
    print("wrote ffmpeg_adts_segment_two_id3_tags.aac and ffmpeg_muxed_ts_segment_timed_id3.ts in", OUT)

if __name__ == "__main__":
    sys.exit(main())
