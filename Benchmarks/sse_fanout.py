#!/usr/bin/env python3
"""Many event-stream subscribers on one daemon: do they all get the snapshot and the changes?

Opens N connections to GET /v1/events on SOCKET (the daemon needs `[daemon] max_connections` and `max_subscribers`
above N, and an open-file limit to match), reads for SECONDS, and prints how many got the
snapshot, how many got at least one station event, how many were refused (503), and the
daemon's RSS and open descriptors when its PID is given.

Usage: Benchmarks/sse_fanout.py SOCKET N SECONDS [PID]
"""
import resource, selectors, socket, sys, time

from procstat import descriptors, rss_mib


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    path, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sel = selectors.DefaultSelector()
    t0 = time.time()
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.sendall(b"GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n")
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, {"buf": bytearray(), "snapshot": False, "station": False})
    print(f"{n} subscribers connected in {time.time() - t0:.1f} s", flush=True)
    refused = 0
    states = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        for key, _ in sel.select(0.5):
            try:
                data = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            st = key.data
            if not data:
                sel.unregister(key.fileobj)
                states.append(st)
                continue
            st["buf"] += data
            if st["buf"].startswith(b"HTTP/1.1 503"):
                refused += 1
                sel.unregister(key.fileobj)
                continue
            st["snapshot"] |= b"event: snapshot" in st["buf"]
            st["station"] |= b"event: station" in st["buf"]
            if len(st["buf"]) > 65536:
                del st["buf"][:-64]
    states += [key.data for key in sel.get_map().values()]
    print(f"snapshot {sum(s['snapshot'] for s in states)}, a station event {sum(s['station'] for s in states)}, refused {refused}")
    if len(sys.argv) > 4:
        pid = sys.argv[4]
        print(f"daemon RSS {rss_mib(pid):.0f} MiB, open descriptors {descriptors(pid)}")


if __name__ == "__main__":
    main()
