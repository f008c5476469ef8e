#!/usr/bin/env python3
"""Writes the timed-ID3 HLS segment fixtures next to this file (see PROVENANCE.md).

Inputs (generated with Debian's ffmpeg, see PROVENANCE.md): ffmpeg_sine_96k.adts.aac
(ADTS frames) and ../id3/ffmpeg_tagged_v2.4.mp3 (its leading ID3v2.4 tag). Layouts follow
Apple's "Timed Metadata for HTTP Live Streaming" (PRIV transportStreamTimestamp, PES stream
type 0x15 with a metadata descriptor, stream_id 0xBD) and ISO/IEC 13818-1 (PAT, PMT, PES, CRC).
"""
import os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.dirname(HERE)

def read(path):
    with open(os.path.join(FIX, path), "rb") as f:
        return f.read()

def adts_frames(data):
    frames, i = [], 0
    while i + 7 <= len(data) and data[i] == 0xFF and data[i + 1] & 0xF6 == 0xF0:
        n = ((data[i + 3] & 3) << 11) | (data[i + 4] << 3) | (data[i + 5] >> 5)
        frames.append(data[i:i + n]); i += n
    return frames

def syncsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])

def frame(fid, payload, version):
    size = syncsafe(len(payload)) if version == 4 else struct.pack(">I", len(payload))
    return fid.encode() + size + b"\x00\x00" + payload

def tag(frames, version=4):
    body = b"".join(frames)
    return b"ID3" + bytes([version, 0, 0]) + syncsafe(len(body)) + body

def priv_timestamp(pts):
    return frame("PRIV", b"com.apple.streaming.transportStreamTimestamp\x00" + struct.pack(">Q", pts), 4)

def ffmpeg_tag():
    mp3 = read("id3/ffmpeg_tagged_v2.4.mp3")
    size = (mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9]
    return mp3[:10 + size]

SPOT_END = tag([frame("TIT2", b"\x00" + b'text="Spot Block End" amgTrackId="-1" length="00:00:00"', 3),
                frame("TXXX", b"\x00" + b"song_spot\x00", 3)], version=3)

frames = adts_frames(read("hls/ffmpeg_sine_96k.adts.aac"))

# Packed audio: timestamp tag, 3 frames, ffmpeg's tag, 3 frames, the spot-block-end tag, the rest.
packed = tag([priv_timestamp(900000)]) + b"".join(frames[:3]) + ffmpeg_tag() + b"".join(frames[3:6]) \
    + SPOT_END + b"".join(frames[6:])
with open(os.path.join(HERE, "written_packed_aac_segment_with_timed_id3.aac"), "wb") as f:
    f.write(packed)

def crc32_mpeg(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc

def psi(table_id, body, ext):
    section = bytes([table_id]) + struct.pack(">H", 0xB000 | (len(body) + 9)) + struct.pack(">H", ext) \
        + b"\xC1\x00\x00" + body
    return section + struct.pack(">I", crc32_mpeg(section))

def packets(pid, payload, counter, pusi_first=True):
    out, first = [], True
    while payload or first:
        chunk = payload[:184]
        payload = payload[184:]
        header = bytes([0x47, (0x40 if first and pusi_first else 0) | (pid >> 8), pid & 0xFF])
        if len(chunk) < 184:   # pad with an adaptation field of stuffing
            stuffing = 184 - len(chunk) - 1
            af = bytes([stuffing]) + (b"\x00" + b"\xFF" * (stuffing - 1) if stuffing > 0 else b"")
            out.append(header + bytes([0x30 | (counter[pid] & 0x0F)]) + af + chunk)
        else:
            out.append(header + bytes([0x10 | (counter[pid] & 0x0F)]) + chunk)
        counter[pid] += 1
        first = False
    return out

def pts_bytes(pts):
    return bytes([0x21 | ((pts >> 29) & 0x0E), (pts >> 22) & 0xFF, 0x01 | ((pts >> 14) & 0xFE),
                  (pts >> 7) & 0xFF, 0x01 | ((pts << 1) & 0xFE)])

def pes(stream_id, pts, payload):
    body = b"\x80\x80\x05" + pts_bytes(pts) + payload
    length = len(body) if len(body) < 65536 else 0
    return b"\x00\x00\x01" + bytes([stream_id]) + struct.pack(">H", length) + body

def transport_stream(declared):
    counter = {0: 0, 0x1000: 0, 0x100: 0, 0x102: 0}
    pat = psi(0x00, struct.pack(">HH", 1, 0xE000 | 0x1000), 1)
    audio_es = bytes([0x0F]) + struct.pack(">HH", 0xE000 | 0x100, 0xF000)
    if declared:   # metadata_descriptor: application format 0xFFFF 'ID3 ', format 0xFF 'ID3 ', service 0, flags
        md = b"\xFF\xFF" + b"ID3 " + b"\xFF" + b"ID3 " + b"\x00\x0F"
        info = bytes([0x26, len(md)]) + md
        meta_es = bytes([0x15]) + struct.pack(">HH", 0xE000 | 0x102, 0xF000 | len(info)) + info
        program_info = b"\x25\x0F\xFF\xFFID3 \xFFID3 \x00\x1F\x00\x01"   # metadata_pointer_descriptor
    else:          # private data, nothing says ID3: only the PES payload does
        meta_es = bytes([0x06]) + struct.pack(">HH", 0xE000 | 0x102, 0xF000)
        program_info = b""
    pmt = psi(0x02, struct.pack(">HH", 0xE000 | 0x100, 0xF000 | len(program_info)) + program_info
              + audio_es + meta_es, 1)
    out = packets(0, b"\x00" + pat, counter) + packets(0x1000, b"\x00" + pmt, counter)
    out += packets(0x100, pes(0xC0, 900000, b"".join(frames[:4])), counter)
    out += packets(0x102, pes(0xBD, 945000, ffmpeg_tag()), counter)
    out += packets(0x100, pes(0xC0, 909600, b"".join(frames[4:8])), counter)
    out += packets(0x102, pes(0xBD, 990000, SPOT_END), counter)
    out += packets(0x100, pes(0xC0, 919200, b"".join(frames[8:])), counter)
    return b"".join(out)

for declared, name in [(True, "written_ts_segment_with_timed_id3.ts"), (False, "written_ts_segment_id3_on_private_pid.ts")]:
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(transport_stream(declared))
