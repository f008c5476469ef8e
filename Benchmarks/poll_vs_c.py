#!/usr/bin/env python3
"""Source polling against a C libcurl poller, in one run: CPU per poll.

nginx (one worker) serves the Icecast status-json fixture on 127.0.0.1 at every path. streamd
runs N stations, each with an `icecast` source polled every second (and one stream in probe
mode every hour, served MPEG frames so that it is up and costs nothing during the
measurement); the peer, Benchmarks/peers/
cpoller.c, polls N URLs every second on one curl_multi handle with If-None-Match and parses
nothing. Two modes: `304` (nginx sends ETags; an unchanged answer is a 304) and `200` (no
validators; the same body every time). For each, the CPU time of the poller's process over
the measured seconds is divided by the polls nginx logged for it. nginx's own CPU is not
counted. Ratios within one run are what to compare.

Usage: Benchmarks/poll_vs_c.py [--stations N] [--seconds S] [--streamd PATH]
Needs nginx (nginx-light) and a C compiler with libcurl4-openssl-dev.
"""
import argparse, os, shutil, signal, socket, subprocess, sys, tempfile, time

from procstat import cpu_seconds, rss_mib

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "../Tests/Fixtures/icecast/local-icecast-2.4.4-status-json-1mount.json")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def count(log, prefix):
    """(polls, reused) logged for paths starting with `prefix` and naming the status file (the
    C poller's /cN, streamd's /sN/status-json.xsl; not streamd's stream probes): how many, and
    how many came on a connection that had served a request before."""
    polls = reused = 0
    with open(log) as f:
        for line in f:
            status, path, requests = line.split()
            if path.startswith(prefix) and (prefix == "/c" or path.endswith("status-json.xsl")):
                polls += 1
                reused += int(requests) > 1
    return polls, reused


def start_nginx(work, mode):
    port = free_port()
    validators = "etag on;" if mode == "304" else "etag off; if_modified_since off; add_header Last-Modified \"\";"
    conf = f"{work}/nginx-{mode}.conf"
    with open(conf, "w") as f:
        f.write(f"""
daemon off; worker_processes 1; pid {work}/nginx-{mode}.pid; error_log {work}/nginx.err;
events {{ worker_connections 8192; }}
http {{
  log_format st '$status $request_uri $connection_requests'; access_log {work}/access-{mode}.log st buffer=64k flush=1s;
  keepalive_requests 1000000; default_type application/json;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{port}; root {work}/www; {validators}
    location ~ ^/stream {{ types {{ }} default_type audio/mpeg; try_files /live.mp3 =404; }}
    location / {{ try_files /status.json =404; }} }}
}}
""")
    proc = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc, port, f"{work}/access-{mode}.log"


def streamd_config(work, port, n):
    lines = ["[daemon]", f'socket = "{work}/streamd.sock"', f'state_file = "{work}/state.json"', 'log_level = "error"', ""]
    for i in range(n):
        lines += ["[[station]]", f'id = "s{i}"', f'name = "S{i}"', "",
                  "  [[station.stream]]", '  id = "main"', f'  url = "http://127.0.0.1:{port}/stream{i}"',
                  '  mode = "probe"', '  interval = "1h"', "",
                  "  [[station.source]]", '  kind = "icecast"', f'  url = "http://127.0.0.1:{port}/s{i}"',
                  '  interval = "1s"', ""]
    path = f"{work}/streamd-{port}.toml"
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def measure(pid, log, prefix, warmup, seconds):
    time.sleep(warmup)
    time.sleep(1.2)   # the access log's flush
    polls0, reused0 = count(log, prefix)
    cpu0 = cpu_seconds(pid)
    time.sleep(seconds)
    cpu1 = cpu_seconds(pid)
    time.sleep(1.2)
    polls1, reused1 = count(log, prefix)
    polls = polls1 - polls0
    reuse = (reused1 - reused0) / max(polls, 1) * 100
    return polls, (cpu1 - cpu0) / max(polls, 1) * 1e6, rss_mib(pid), reuse


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stations", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--streamd", default=os.path.join(HERE, "../.build/release/streamd"))
    args = parser.parse_args()
    if not os.access(args.streamd, os.X_OK):
        sys.exit(f"{args.streamd} is missing: swift build -c release (or --streamd PATH)")
    work = tempfile.mkdtemp(prefix="streamd-bench-poll-")
    try:
        os.makedirs(work + "/www")
        shutil.copy(FIXTURE, work + "/www/status.json")
        # The streams' probes (once at start, then hourly) get 300 kB of MPEG audio frames
        # (128 kbit/s, 44.1 kHz: a 4-byte header and 413 bytes of silence each), so they are
        # up and cost nothing during the measurement.
        with open(work + "/www/live.mp3", "wb") as f:
            f.write((b"\xff\xfb\x90\x64" + bytes(413)) * 720)
        cpoller = work + "/cpoller"
        subprocess.run(["cc", "-O2", "-o", cpoller, os.path.join(HERE, "peers/cpoller.c"), "-lcurl"], check=True)
        print(f"polling {args.stations} Icecast status endpoints every second, {args.seconds:g} s measured, "
              f"CPU per poll of the poller's process (nginx not counted)")
        print(f"{'mode':<5} | {'streamd µs/poll':>15} {'polls':>6} {'reused':>6} {'RSS MiB':>8} | "
              f"{'C poller µs/poll':>16} {'polls':>6} {'reused':>6} {'RSS MiB':>8} | ratio")
        for mode in ["304", "200"]:
            nginx, port, log = start_nginx(work, mode)
            try:
                daemon = subprocess.Popen([args.streamd, "run", "--config", streamd_config(work, port, args.stations)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                s_polls, s_us, s_rss, s_reuse = measure(daemon.pid, log, "/s", 8, args.seconds)
                daemon.send_signal(signal.SIGTERM)
                daemon.wait(timeout=30)
                c = subprocess.Popen([cpoller, f"http://127.0.0.1:{port}/c", str(args.stations), "1000",
                                      str(args.seconds + 8)], stdout=subprocess.PIPE)
                c_polls, c_us, c_rss, c_reuse = measure(c.pid, log, "/c", 3, args.seconds)
                c_out, _ = c.communicate(timeout=60)
                if c.returncode != 0 or c_polls == 0:
                    sys.exit(f"the C poller failed (exit {c.returncode}, printed {c_out!r}, nginx logged {c_polls} polls)")
            finally:
                nginx.send_signal(signal.SIGQUIT)
                nginx.wait(timeout=10)
            print(f"{mode:<5} | {s_us:>15.1f} {s_polls:>6} {s_reuse:>5.0f}% {s_rss:>8.1f} | "
                  f"{c_us:>16.1f} {c_polls:>6} {c_reuse:>5.0f}% {c_rss:>8.1f} | "
                  f"{s_us / max(c_us, 1e-9):5.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
