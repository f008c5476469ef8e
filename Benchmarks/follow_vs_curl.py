#!/usr/bin/env python3
"""Following ICY streams against curl, in one run: CPU per byte received.

A loopback ICY server of this script's own (one thread, selectors) serves every connection
16,000 bytes/s of MPEG audio frames with `icy-metaint: 16000` (so one metadata block a second:
a StreamTitle when the title changed, every 5 s (--title-every; 0 never), staggered across
the streams, else the one zero byte, as Icecast does). streamd follows N streams (N stations,
one `follow` stream each, no sources) and, at the same time, `curl --parallel
--parallel-immediate --parallel-max N -H 'Icy-MetaData: 1'` reads N other URLs of the same
server to /dev/null. Over the measured seconds each reader's CPU time (utime + stime from
/proc) is divided by the bytes the server sent to its connections (headers, audio and
metadata): ns per byte, and the ratio. The server's CPU is not counted. curl 7.88 caps
--parallel-max at 300, the default N.

With --silence, every stream carries real music (10 s of pink noise, 128 kbit/s MP3 from
ffmpeg, looped) and streamd's streams have `silence = "music"`: each is decoded and measured
(issue 19). Run with and without it to get the cost of metering per followed stream; the
output also gives streamd's CPU per stream in ms per second. With --silence, the peer that
meters too runs in the same seconds: --ffmpeg K (default 10) processes of `ffmpeg -threads 1
-i http://…/fN -af astats=measure_perchannel=none:reset=44100 -f null -`, each following one
more stream of the same server (ffmpeg asks for ICY metadata and drops it), their CPU per
stream-second against streamd's.

Usage: Benchmarks/follow_vs_curl.py [--streams N] [--seconds S] [--settle S] [--title-every S]
                                   [--silence [--ffmpeg K]] [--streamd PATH]
Needs curl (and ffmpeg for --silence).
"""
import argparse, collections, json, os, selectors, shutil, signal, socket, subprocess, sys, tempfile, threading, time

from procstat import cpu_seconds, rss_mib

HERE = os.path.dirname(os.path.abspath(__file__))
RATE = 16000      # audio bytes per second per connection
METAINT = 16000   # audio bytes between metadata blocks
TICK = 0.1        # the server sends every connection what is due ten times a second
# One MPEG-1 layer III frame (128 kbit/s, 44.1 kHz: a 4-byte header and 413 bytes of silence);
# the audio is LOOP (these frames, or with --silence a real MP3) back to back, taken from a
# buffer long enough for any slice.
FRAME = b"\xff\xfb\x90\x64" + bytes(413)
LOOP = FRAME
AUDIO = LOOP * (2 * METAINT // len(LOOP) + 2)


def use_music():
    """LOOP: 10 s of stereo pink noise as 128 kbit/s MP3 (what a metered stream decodes)."""
    global LOOP, AUDIO
    path = tempfile.mktemp(suffix=".mp3")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.3:d=10",
                    "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0",
                    "-id3v2_version", "0", "-f", "mp3", path], check=True)
    with open(path, "rb") as f:
        LOOP = f.read()
    os.unlink(path)
    AUDIO = LOOP * (2 * METAINT // len(LOOP) + 2)


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.request = b""
        self.group = None      # "s" (streamd), "c" (curl) or "t" (stalled): the path's first letter
        self.index = 0
        self.icy = False       # the client asked for metadata
        self.start = 0.0
        self.audio = 0         # audio bytes queued so far
        self.out = bytearray()
        self.title = None


class IcyServer(threading.Thread):
    """Serves /sN and /cN as ICY streams and counts the bytes sent to each group (the path's
    first letter). /tN (used by sigterm_stalled.py) sends its headers and STALL audio bytes,
    then nothing, its connection left open."""

    STALL = 4096

    def __init__(self, title_every=5):
        super().__init__(daemon=True)
        self.title_every = title_every   # seconds between title changes of a stream; 0: never
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(2048)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.sent = collections.Counter()
        self.streams = collections.Counter()   # connections streaming now
        self.stop = False

    def title_block(self, conn, now):
        """The metadata block after each METAINT audio bytes: the title when it changed, else 0."""
        song = int(now + conn.index) // self.title_every if self.title_every else 0
        title = f"StreamTitle='Artist {conn.index} - Song {song}';".encode()
        if title == conn.title:
            return b"\x00"
        conn.title = title
        length = (len(title) + 15) // 16
        return bytes([length]) + title.ljust(16 * length, b"\x00")

    def feed(self, conn, now):
        """Queue what is due for `conn` (RATE audio bytes a second since it started) and send."""
        due = int((now - conn.start) * RATE)
        if conn.group == "t":
            due = min(due, self.STALL)
        while conn.audio < due:
            offset = conn.audio % METAINT
            n = min(due - conn.audio, METAINT - offset) if conn.icy else due - conn.audio
            start = conn.audio % len(LOOP)
            conn.out += AUDIO[start:start + n]
            conn.audio += n
            if conn.icy and conn.audio % METAINT == 0:
                conn.out += self.title_block(conn, now)
        if conn.out:
            try:
                sent = conn.sock.send(conn.out)
            except (BlockingIOError, ConnectionError):
                return   # a full socket buffer (sent at the next tick), or a client gone
            self.sent[conn.group] += sent
            del conn.out[:sent]

    def run(self):
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ)
        streaming = []
        next_tick = time.monotonic()
        while not self.stop:
            for key, _ in sel.select(max(0, next_tick - time.monotonic())):
                if key.fileobj is self.listener:
                    try:
                        sock, _ = self.listener.accept()
                    except BlockingIOError:
                        continue
                    sock.setblocking(False)
                    sel.register(sock, selectors.EVENT_READ, Connection(sock))
                    continue
                conn = key.data
                try:
                    data = conn.sock.recv(4096)
                except (BlockingIOError, ConnectionError):
                    data = b"" if conn.group is None else b"x"
                if not data:   # closed by the client
                    sel.unregister(conn.sock)
                    conn.sock.close()
                    if conn in streaming:
                        streaming.remove(conn)
                        self.streams[conn.group] -= 1
                    continue
                if conn.group is not None:
                    continue   # nothing more is expected from a client once it streams
                conn.request += data
                if b"\r\n\r\n" not in conn.request:
                    continue
                head = conn.request.decode("latin-1")
                path = head.split()[1]
                conn.group, conn.index = path[1], int(path[2:])
                conn.icy = "icy-metadata: 1" in head.lower()
                conn.start = time.monotonic()
                headers = ("HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\nicy-name: Bench " + path[1:] +
                           "\r\nicy-br: 128\r\n" + (f"icy-metaint: {METAINT}\r\n" if conn.icy else "") + "\r\n")
                conn.out += headers.encode()
                streaming.append(conn)
                self.streams[conn.group] += 1
            now = time.monotonic()
            if now >= next_tick:
                for conn in streaming:
                    self.feed(conn, now)
                next_tick += TICK
                if next_tick < now:
                    next_tick = now + TICK   # fell behind: do not burst to catch up


def sequence(path):
    """The state file's `sequence` (written at most once a second: the count is close, not exact)."""
    with open(path) as f:
        return json.load(f)["sequence"]


def titled_stations(path):
    """Stations on the air with a title from their stream, in the state file."""
    try:
        with open(path) as f:
            stations = json.load(f)["stations"]
    except (OSError, ValueError):
        return 0
    return sum(1 for st in stations if st["onAir"] and "Artist" in json.dumps(st["now"]))


def metered_streams(path):
    """Streams with an audio level in the state file (decoded and measured), and one level."""
    try:
        with open(path) as f:
            streams = [s for st in json.load(f)["stations"] for s in st["streams"]]
    except (OSError, ValueError):
        return 0, None
    levels = [s["audio"]["levelDb"] for s in streams if s.get("audio")]
    return len(levels), (levels[0] if levels else None)


def streamd_config(work, port, n, silence=False):
    lines = ["[daemon]", f'socket = "{work}/streamd.sock"', f'state_file = "{work}/state.json"',
             'log_level = "error"', ""]
    for i in range(n):
        lines += ["[[station]]", f'id = "s{i}"', f'name = "S{i}"', "",
                  "  [[station.stream]]", '  id = "main"', f'  url = "http://127.0.0.1:{port}/s{i}"',
                  '  mode = "follow"'] + (['  silence = "music"'] if silence else []) + [""]
    path = f"{work}/streamd.toml"
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--settle", type=float, default=15, help="seconds from every station up to the measurement")
    parser.add_argument("--title-every", type=float, default=5, help="seconds between title changes (0: never)")
    parser.add_argument("--silence", action="store_true", help="real MP3 audio, and silence = \"music\" on every stream")
    parser.add_argument("--ffmpeg", type=int, default=10, help="with --silence: ffmpeg astats processes as the peer")
    parser.add_argument("--streamd", default=os.path.join(HERE, "../.build-bench/release/streamd"))
    args = parser.parse_args()
    peers = args.ffmpeg if args.silence else 0
    if args.silence:
        use_music()
    if not os.access(args.streamd, os.X_OK):
        sys.exit(f"{args.streamd} is missing: make bench builds it (or --streamd PATH)")
    n = args.streams
    work = tempfile.mkdtemp(prefix="streamd-bench-follow-")
    server = IcyServer(args.title_every)
    server.start()
    daemon = curl = None
    ffmpegs = []
    try:
        daemon = subprocess.Popen([args.streamd, "run", "--config", streamd_config(work, server.port, n, args.silence)],
                                  stdout=subprocess.DEVNULL, stderr=open(f"{work}/streamd.err", "w"))
        # --parallel-immediate: open every connection at once instead of waiting to learn whether
        # the first one multiplexes (an endless HTTP/1.0 answer never says).
        command = ["curl", "--no-progress-meter", "--parallel", "--parallel-immediate", "--parallel-max", str(n),
                   "-H", "Icy-MetaData: 1"]
        for i in range(n):
            command += ["-o", "/dev/null", f"http://127.0.0.1:{server.port}/c{i}"]
        curl = subprocess.Popen(command)
        for i in range(peers):
            ffmpegs.append(subprocess.Popen(["ffmpeg", "-nostdin", "-loglevel", "error", "-threads", "1",
                                             "-i", f"http://127.0.0.1:{server.port}/f{i}",
                                             "-af", "astats=measure_perchannel=none:reset=44100", "-f", "null", "-"]))
        deadline = time.monotonic() + 30
        while (server.streams["s"], server.streams["c"], server.streams["f"]) != (n, n, peers):
            if time.monotonic() > deadline:
                sys.exit(f"not every stream connected in 30 s: {server.streams} of {n} each")
            time.sleep(0.2)
        # Every station on the air with its title in the state file, then the start's last
        # versions (each stream's bitrate, about 10 s after it is up) before measuring.
        while titled_stations(f"{work}/state.json") < n:
            if time.monotonic() > deadline + 60:
                sys.exit("streamd did not have every station up with a title in 90 s")
            time.sleep(0.5)
        time.sleep(args.settle)
        titles = f"a new title every {args.title_every:g} s" if args.title_every else "the title never changing"
        audio = "pink-noise MP3, every stream metered (silence = \"music\")" if args.silence else "silent MP3 frames, not metered"
        print(f"following {n} ICY streams at {RATE} B/s each (icy-metaint {METAINT}, {titles}; {audio}), "
              f"{args.seconds:g} s measured, CPU per byte sent by the server (the server's CPU not counted)")
        seq0 = sequence(f"{work}/state.json")
        def cpus():
            return cpu_seconds(daemon.pid), cpu_seconds(curl.pid), sum(cpu_seconds(p.pid) for p in ffmpegs)
        sent0, cpu0 = dict(server.sent), cpus()
        time.sleep(args.seconds)
        sent1, cpu1 = dict(server.sent), cpus()
        seq1 = sequence(f"{work}/state.json")
        rss = rss_mib(daemon.pid), rss_mib(curl.pid)
        if (server.streams["s"], server.streams["c"]) != (n, n):
            print(f"streams dropped during the measurement: {server.streams} of {n} each")
        figures = {}
        for name, group, k in (("streamd", "s", 0), ("curl", "c", 1)):
            sent = sent1[group] - sent0[group]
            cpu = cpu1[k] - cpu0[k]
            figures[name] = cpu / max(sent, 1) * 1e9
            print(f"  {name:<8} {sent / args.seconds / n:>8.0f} B/s per stream  CPU {cpu:6.2f} s  "
                  f"{figures[name]:6.2f} ns/byte  {cpu / args.seconds / n * 1000:6.3f} ms CPU per stream-second  "
                  f"RSS {rss[k]:5.1f} MiB")
        if peers:
            sent = sent1["f"] - sent0["f"]
            cpu = cpu1[2] - cpu0[2]
            figures["ffmpeg"] = cpu / max(sent, 1) * 1e9
            print(f"  {'ffmpeg':<8} {sent / args.seconds / peers:>8.0f} B/s per stream  CPU {cpu:6.2f} s  "
                  f"{figures['ffmpeg']:6.2f} ns/byte  {cpu / args.seconds / peers * 1000:6.3f} ms CPU per stream-second  "
                  f"({peers} processes, astats)")
        titled = titled_stations(f"{work}/state.json")
        print(f"  streamd's state file: {titled} of {n} stations on the air with a stream title; "
              f"{(seq1 - seq0) / args.seconds:.1f} document versions a second during the measurement")
        if args.silence:
            metered, level = metered_streams(f"{work}/state.json")
            print(f"  metered: {metered} of {n} streams with an audio level in the state file (e.g. {level} dBFS)")
        print(f"  ratio streamd / curl: {figures['streamd'] / max(figures['curl'], 1e-9):.2f}x")
        if peers:
            print(f"  ratio streamd / ffmpeg astats (both following and metering): "
                  f"{figures['streamd'] / max(figures['ffmpeg'], 1e-9):.2f}x")
    finally:
        server.stop = True
        for p in ffmpegs:   # ffmpeg would wait on a server that is gone
            p.kill()
            p.wait()
        for p in (daemon, curl):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
