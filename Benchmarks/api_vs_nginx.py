#!/usr/bin/env python3
"""The socket API against nginx, in one run: server CPU per request for the same bytes.

Starts `streamd demo` (one simulated station) in a folder of its own, copies the daemon's
answers for the measured paths into files, and starts nginx serving those files on a Unix
socket of its own (one worker, access log off). Then, for each path and each server in turn,
a keep-alive client with N connections sends GET requests for a fixed time, and the servers'
CPU time (utime + stime from /proc, nginx's master and worker together) is divided by the
requests answered. The client's own CPU is not counted. Ratios within one run are what to
compare; the machines are shared and noisy.

Usage: Benchmarks/api_vs_nginx.py [--seconds S] [--connections N] [--streamd PATH]
Needs nginx (apt-get install nginx-light).
"""
import argparse, os, selectors, shutil, signal, socket, subprocess, sys, tempfile, time

from procstat import cpu_seconds

PATHS = ["/v1/state", "/v1/now", "/v1/stations"]


def get_once(sock_path, path):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: streamd\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def load(sock_path, path, connections, seconds):
    """Keep-alive GETs on `connections` sockets for `seconds`; the number of answers."""
    request = f"GET {path} HTTP/1.1\r\nHost: streamd\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    state = {}
    for _ in range(connections):
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock_path)
        s.setblocking(False)
        s.send(request)
        state[s] = bytearray()
        sel.register(s, selectors.EVENT_READ)
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            buf = state[s]
            chunk = s.recv(262144)
            if not chunk:
                raise SystemExit(f"{sock_path} closed a keep-alive connection on {path}")
            buf += chunk
            while True:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    break
                head = bytes(buf[:end]).lower()
                length = 0
                for line in head.split(b"\r\n"):
                    if line.startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if len(buf) < end + 4 + length:
                    break
                if not head.startswith(b"http/1.1 200"):
                    raise SystemExit(f"{path}: {head[:80]!r}")
                del buf[:end + 4 + length]
                done += 1
                s.send(request)
    for s in state:
        s.close()
    return done


def measure(name, sock_path, pids, path, connections, seconds):
    load(sock_path, path, connections, 0.5)   # warm up
    before = cpu_seconds(*pids)
    t0 = time.monotonic()
    n = load(sock_path, path, connections, seconds)
    elapsed = time.monotonic() - t0
    cpu = cpu_seconds(*pids) - before
    return {"server": name, "path": path, "requests": n, "rps": n / elapsed, "us_per_request": cpu / max(n, 1) * 1e6}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--streamd", default=os.path.join(os.path.dirname(__file__), "../.build/release/streamd"))
    args = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        sys.exit("nginx is missing: apt-get install nginx-light")
    if not os.access(args.streamd, os.X_OK):
        sys.exit(f"{args.streamd} is missing: swift build -c release (or --streamd PATH)")
    work = tempfile.mkdtemp(prefix="streamd-bench-api-")
    demo = subprocess.Popen([args.streamd, "demo", "--directory", work + "/demo"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    nginx_proc = None
    try:
        sock = work + "/demo/streamd.sock"
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        time.sleep(3)  # the demo's sources answer
        files = work + "/files"
        os.makedirs(files + "/v1")
        for path in PATHS:
            head, body = get_once(sock, path)
            with open(files + path, "wb") as f:
                f.write(body)
        nginx_sock = work + "/nginx.sock"
        conf = work + "/nginx.conf"
        with open(conf, "w") as f:
            f.write(f"""
daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/nginx.err;
events {{ worker_connections 4096; }}
http {{
  access_log off; keepalive_requests 1000000; default_type application/json;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen unix:{nginx_sock}; root {files}; etag on; }}
}}
""")
        nginx_proc = subprocess.Popen([nginx, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if os.path.exists(nginx_sock):
                break
            time.sleep(0.1)
        time.sleep(0.5)
        nginx_pids = [nginx_proc.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(nginx_proc.pid)],
                                                                        capture_output=True, text=True).stdout.split()]
        print(f"socket API vs nginx, {args.connections} keep-alive connections, {args.seconds:g} s per run, "
              f"server CPU per request (client not counted)")
        print(f"{'path':<14} {'bytes':>6} | {'streamd µs':>10} {'req/s':>8} | {'nginx µs':>9} {'req/s':>8} | ratio")
        for path in PATHS:
            size = os.path.getsize(files + path)
            s = measure("streamd", sock, [demo.pid], path, args.connections, args.seconds)
            n = measure("nginx", nginx_sock, nginx_pids, path, args.connections, args.seconds)
            print(f"{path:<14} {size:>6} | {s['us_per_request']:>10.1f} {s['rps']:>8.0f} | "
                  f"{n['us_per_request']:>9.1f} {n['rps']:>8.0f} | {s['us_per_request'] / max(n['us_per_request'], 1e-9):5.1f}x")
    finally:
        if nginx_proc:
            nginx_proc.send_signal(signal.SIGQUIT)
            nginx_proc.wait(timeout=10)
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
