#!/usr/bin/env python3
"""Title latency through streamd against a real Icecast (driven by icecast-latency.sh).

For each admin title update (GET /admin/metadata?mode=updinfo) it timestamps, on one
monotonic clock:
  - plain  : a plain ICY reader of the same mount (its own connection, Icy-MetaData: 1)
             sees the new StreamTitle: the floor any listener has;
  - tap    : the metadata block carrying the new title passes through a forwarding tap
             between Icecast and streamd: the moment the bytes reach streamd's connection;
  - sse    : streamd's event stream (GET /v1/events on its Unix socket) shows the title.
sse - tap is streamd's own share (libcurl, demuxer, merge, publish, SSE write).
Icecast sends metadata every icy-metaint bytes (16000 = 1 s at 128 kbit/s), and each
connection has its own phase, so plain and tap each spread over about 0-1 s.

Only the Python standard library is used.
"""
import argparse
import base64
import json
import random
import socket
import statistics
import sys
import threading
import time
import urllib.parse

now = time.monotonic


class Seen:
    """First time each token was seen, per observer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = {}
        self.errors = []

    def mark(self, observer, text):
        t = now()
        with self.lock:
            for token in TOKENS:
                if token in text:
                    self.times.setdefault((observer, token), t)

    def get(self, observer, token):
        with self.lock:
            return self.times.get((observer, token))

    def error(self, what):
        with self.lock:
            self.errors.append(what)


TOKENS = []  # filled before any update is sent
SEEN = Seen()
READY = {"plain": threading.Event(), "tap": threading.Event(), "sse": threading.Event()}


def read_exact(sock, n, buf):
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return buf


def read_head(sock):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed before the head ended")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def metaint_of(head):
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "icy-metaint":
            return int(value.strip())
    raise ValueError("no icy-metaint in " + head)


def plain_reader(port, mount):
    """A listener of its own: the floor."""
    try:
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET {mount} HTTP/1.0\r\nHost: 127.0.0.1\r\nIcy-MetaData: 1\r\n\r\n".encode())
        head, buf = read_head(s)
        metaint = metaint_of(head)
        READY["plain"].set()
        while True:
            buf = read_exact(s, metaint + 1, buf)
            length = buf[metaint] * 16
            buf = read_exact(s, metaint + 1 + length, buf)
            if length:
                SEEN.mark("plain", buf[metaint + 1:metaint + 1 + length].decode("latin-1"))
            buf = buf[metaint + 1 + length:]
    except Exception as e:  # noqa: BLE001 - reported in the summary
        SEEN.error(f"plain reader: {e!r}")


def tap_server(listener, port):
    """Forwards streamd's stream connections to Icecast, noting when each metadata block
    passes (the bytes are forwarded untouched)."""
    while True:
        client, _ = listener.accept()
        threading.Thread(target=tap_connection, args=(client, port), daemon=True).start()


def tap_connection(client, port):
    try:
        upstream = socket.create_connection(("127.0.0.1", port))
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = client.recv(65536)
            if not chunk:
                return
            request += chunk
        upstream.sendall(request)
        head, rest = read_head(upstream)
        client.sendall(head.encode("latin-1") + b"\r\n\r\n")
        metaint = metaint_of(head) if "icy-metaint" in head.lower() else None
        READY["tap"].set()
        pending_meta = None  # bytes of metadata expected in the current block
        meta = b""
        left = metaint
        data = rest
        while True:
            if data:
                # Note metadata as it goes by, then forward the chunk.
                i = 0
                while metaint and i < len(data):
                    if pending_meta is None:
                        step = min(left, len(data) - i)
                        i += step
                        left -= step
                        if left == 0 and i < len(data):
                            pending_meta = data[i] * 16
                            i += 1
                            meta = b""
                            if pending_meta == 0:
                                pending_meta = None
                                left = metaint
                    else:
                        step = min(pending_meta - len(meta), len(data) - i)
                        meta += data[i:i + step]
                        i += step
                        if len(meta) == pending_meta:
                            SEEN.mark("tap", meta.decode("latin-1"))
                            pending_meta = None
                            left = metaint
                client.sendall(data)
            data = upstream.recv(65536)
            if not data:
                break
    except Exception as e:  # noqa: BLE001
        SEEN.error(f"tap: {e!r}")
    finally:
        try:
            client.close()
        except OSError:
            pass


def sse_reader(path, station):
    """streamd's event stream over its Unix socket (chunked HTTP/1.1)."""
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(b"GET /v1/events HTTP/1.1\r\nHost: streamd\r\nAccept: text/event-stream\r\n\r\n")
        head, buf = read_head(s)
        chunked = "chunked" in head.lower()
        text = b""
        while True:
            if chunked:
                while b"\r\n" not in buf:
                    buf += s.recv(65536) or b""
                size_line, buf = buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                buf = read_exact(s, size + 2, buf)
                text += buf[:size]
                buf = buf[size + 2:]
                if size == 0:
                    break
            else:
                chunk = s.recv(65536)
                if not chunk:
                    break
                text += chunk
            while b"\n\n" in text:
                event, text = text.split(b"\n\n", 1)
                handle_event(event.decode("utf-8"), station)
    except Exception as e:  # noqa: BLE001
        SEEN.error(f"sse reader: {e!r}")


def handle_event(event, station):
    data = "\n".join(line[5:].lstrip() for line in event.split("\n") if line.startswith("data:"))
    if not data:
        return
    doc = json.loads(data)
    stations = doc.get("stations", [doc])
    for st in stations:
        if st.get("id") != station:
            continue
        if any(s.get("status") == "up" for s in st.get("streams", [])):
            READY["sse"].set()
        song = (st.get("now") or {}).get("song") or {}
        SEEN.mark("sse", f"{song.get('artist') or ''}|{song.get('title') or ''}")


def admin_update(port, password, mount, song):
    query = urllib.parse.urlencode({"mode": "updinfo", "mount": mount, "song": song})
    auth = base64.b64encode(f"admin:{password}".encode()).decode()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /admin/metadata?{query} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Basic {auth}\r\n\r\n".encode())
    reply = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
    s.close()
    if b"<return>1</return>" not in reply:
        raise RuntimeError(f"admin update failed: {reply[:300]!r}")


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--icecast-port", type=int, required=True)
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--mount", default="/bench.mp3")
    parser.add_argument("--tap-port", type=int, required=True, help="where the tap listens (streamd's stream URL)")
    parser.add_argument("--socket", required=True, help="streamd's Unix socket")
    parser.add_argument("--station", default="bench")
    parser.add_argument("--updates", type=int, default=30)
    parser.add_argument("--spacing", type=float, nargs=2, default=(1.6, 2.6), metavar=("MIN", "MAX"),
                        help="seconds between updates, drawn uniformly (avoids locking onto the 1 s metadata cadence)")
    parser.add_argument("--json", help="also write the raw samples here")
    args = parser.parse_args()

    run = f"{random.randrange(16**6):06x}"
    TOKENS.extend(f"lat{run}n{i:03d}" for i in range(args.updates))

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.tap_port))
    listener.listen(8)
    threading.Thread(target=tap_server, args=(listener, args.icecast_port), daemon=True).start()
    threading.Thread(target=plain_reader, args=(args.icecast_port, args.mount), daemon=True).start()
    threading.Thread(target=sse_reader, args=(args.socket, args.station), daemon=True).start()
    deadline = now() + 60
    for name, ready in READY.items():
        if not ready.wait(max(0.1, deadline - now())):
            sys.exit(f"icecast_latency: {name} never became ready; errors: {SEEN.errors}")
    time.sleep(1.5)

    samples = []
    for i, token in enumerate(TOKENS):
        t0 = now()
        admin_update(args.icecast_port, args.admin_password, args.mount, f"Latency Test {token}")
        t_admin = now()
        limit = t0 + 10
        while now() < limit and any(SEEN.get(o, token) is None for o in ("plain", "tap", "sse")):
            time.sleep(0.002)
        row = {"i": i, "admin_rtt": t_admin - t0}
        for observer in ("plain", "tap", "sse"):
            t = SEEN.get(observer, token)
            row[observer] = None if t is None else t - t0
        samples.append(row)
        shown = " ".join(f"{o}={row[o] * 1000:7.1f}ms" if row[o] is not None else f"{o}=   lost" for o in ("plain", "tap", "sse"))
        print(f"update {i + 1:3d}/{len(TOKENS)}: {shown}", flush=True)
        time.sleep(random.uniform(*args.spacing))

    def stats(label, values):
        values = [v * 1000 for v in values if v is not None]
        if not values:
            return f"{label:<44} {0:>4}       -        -        -        -"
        return (f"{label:<44} {len(values):>4} {percentile(values, 50):>8.1f} {percentile(values, 95):>8.1f}"
                f" {min(values):>8.1f} {max(values):>8.1f}")

    lost = {o: sum(1 for r in samples if r[o] is None) for o in ("plain", "tap", "sse")}
    overhead = [r["sse"] - r["tap"] for r in samples if r["sse"] is not None and r["tap"] is not None]
    print()
    print(f"Icecast 2.4.4, MP3 128 kbit/s, icy-metaint 16000 (1 s of audio); {len(samples)} admin updates")
    print(f"{'from the admin update to ...':<44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8} {'max ms':>8}")
    print(stats("a plain ICY reader sees it (the floor)", [r["plain"] for r in samples]))
    print(stats("its bytes reach streamd's connection (tap)", [r["tap"] for r in samples]))
    print(stats("streamd's SSE event shows it", [r["sse"] for r in samples]))
    print(stats("streamd's own share (SSE event - tap)", overhead))
    print(stats("(the admin request itself)", [r["admin_rtt"] for r in samples]))
    if any(lost.values()) or SEEN.errors:
        print(f"lost: {lost}; errors: {SEEN.errors}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(samples, f, indent=1)
    sys.exit(1 if lost["sse"] or SEEN.errors else 0)


if __name__ == "__main__":
    main()
