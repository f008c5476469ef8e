#!/usr/bin/env python3
"""One change to N subscribers, streamd's event stream against Redis pub/sub, in one run.

streamd runs two stations (each a `probe` stream of a local MPEG file, checked hourly, so
nothing else changes; the first's file short, 8 kB, and the first also an `icecast` source read
from a file, polled hourly) with
`max_connections` and `max_subscribers` above N; redis-server runs on a Unix socket of its own
(`--save "" --appendonly no`). Benchmarks/peers/fanout_client.c (built here with cc) holds N
connections on one epoll for each: N x `GET /v1/events` on streamd's socket, N x `SUBSCRIBE` on
Redis's. Once every subscriber has its initial data, the client sets t0 and triggers one change
itself. For streamd, by default (`--trigger refresh`), this script has written a new song title
(the marker) into the source's answer, and the client sends `POST /v1/refresh?station=s0` on a
keep-alive connection of its own: the poll, decode, merge, encode and fan-out of one change,
as a station's song changes; the event that carries the marker is a `station` event. With
`--trigger reload` the script renames the station in the configuration instead and the client
sends SIGHUP (the reload's first event that carries the name is a snapshot). For Redis the
client sends a PUBLISH of the marker padded to the size of streamd's event, on a connection of
its own. It records when each subscriber's first bytes holding the marker
arrive. Rounds (10) alternate between the two servers, a second apart; the figures are pooled:
p50/p99/max from t0, and from the round's first delivery (the spread: the fan-out alone,
without the reload's own cost), how many of N got the change, and each server's CPU time per
change (from /proc; streamd's includes the reload).

Usage: Benchmarks/fanout_vs_redis.py [--subscribers N [N ...]] [--rounds R] [--trigger refresh|reload]
                                    [--streamd PATH]
Needs redis-server (apt-get install redis-server) and a C compiler.
"""
import argparse, os, resource, shutil, signal, socket, subprocess, sys, tempfile, time

from procstat import cpu_seconds, rss_mib

HERE = os.path.dirname(os.path.abspath(__file__))


def get_once(sock_path, path):
    """The body of one GET on streamd's Unix socket."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: streamd\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return data.partition(b"\r\n\r\n")[2]


def wait_for_socket(path, proc, what):
    for _ in range(200):
        if os.path.exists(path):
            return
        if proc.poll() is not None:
            sys.exit(f"{what} exited ({proc.returncode}) before opening {path}")
        time.sleep(0.05)
    sys.exit(f"{what} did not open {path}")


ICECAST_ANSWER = ('{"icestats":{"server_id":"Icecast 2.4.4","source":{"listenurl":"http://127.0.0.1/live.mp3",'
                  '"server_name":"Fanout","server_type":"audio/mpeg","title":"%s"}}}')


def write_answer(work, title):
    """The icecast source's answer, with `title` as the song; replaced atomically."""
    with open(f"{work}/status-json.xsl.new", "w") as f:
        f.write(ICECAST_ANSWER % title)
    os.replace(f"{work}/status-json.xsl.new", f"{work}/status-json.xsl")


def write_config(work, n, name):
    """streamd's configuration, station s0 named `name`; replaced atomically."""
    lines = ["[daemon]", f'socket = "{work}/streamd.sock"', f'state_file = "{work}/state.json"',
             'log_level = "error"', f"max_connections = {n + 100}", f"max_subscribers = {n + 100}", ""]
    for i, station_name in enumerate([name, "Other"]):
        # s0's stream is a short file: a refresh probes it too, and that should cost little.
        lines += ["[[station]]", f'id = "s{i}"', f'name = "{station_name}"', "",
                  "  [[station.stream]]", '  id = "main"', f'  url = "file://{work}/{"short" if i == 0 else "live"}.mp3"',
                  '  mode = "probe"', '  interval = "1h"', ""]
        if i == 0:
            lines += ["  [[station.source]]", '  kind = "icecast"', f'  url = "file://{work}/status-json.xsl"',
                      '  interval = "1h"', ""]
    with open(f"{work}/streamd.toml.new", "w") as f:
        f.write("\n".join(lines))
    os.replace(f"{work}/streamd.toml.new", f"{work}/streamd.toml")


class Client:
    """A running fanout_client: commands in, "ready" / "round" / "times" lines out."""

    def __init__(self, binary, mode, sock, n, arg):
        self.n = n
        self.proc = subprocess.Popen([binary, mode, sock, str(n), str(arg)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.connected, self.refused = self.ready()

    def ready(self):
        line = self.proc.stdout.readline().split()
        if not line or line[0] != "ready":
            sys.exit(f"fanout_client: expected ready, got {line}")
        return int(line[1]), int(line[2])

    def round(self, marker, size):
        """Trigger one change; the µs from t0 of every subscriber that got it, and how many closed."""
        self.proc.stdin.write(f"go {marker} {size}\n")
        self.proc.stdin.flush()
        _, got, closed = self.proc.stdout.readline().split()
        times = [float(t) for t in self.proc.stdout.readline().split()[1:]]
        assert len(times) == int(got)
        self.ready()
        return times, int(closed)

    def quit(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(rounds, n):
    """Pooled p50/p99/max in ms from t0 and from each round's first delivery; got, of N x rounds."""
    from_t0 = [t / 1000 for times in rounds for t in times]
    spread = [(t - min(times)) / 1000 for times in rounds if times for t in times]
    return {"got": len(from_t0), "of": n * len(rounds),
            "t0": [percentile(from_t0, 50), percentile(from_t0, 99), max(from_t0, default=float("nan"))],
            "spread": [percentile(spread, 50), percentile(spread, 99), max(spread, default=float("nan"))]}


def run(args, work, client_bin, n):
    redis_sock, streamd_sock = f"{work}/redis.sock", f"{work}/streamd.sock"
    redis = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", redis_sock, "--save", "",
                              "--appendonly", "no", "--maxclients", str(n + 100), "--dir", work,
                              "--logfile", f"{work}/redis.log"], stdout=subprocess.DEVNULL)
    write_answer(work, "Fanout-0000")
    write_config(work, n, "Fanout-0000")
    daemon = subprocess.Popen([args.streamd, "run", "--config", f"{work}/streamd.toml"],
                              stdout=subprocess.DEVNULL, stderr=open(f"{work}/streamd.err", "w"))
    try:
        wait_for_socket(redis_sock, redis, "redis-server")
        wait_for_socket(streamd_sock, daemon, "streamd")
        time.sleep(1)   # the streams' first probe
        # The size of streamd's event: Redis's payload size.
        size = len(get_once(streamd_sock, "/v1/state" if args.trigger == "reload" else "/v1/stations/s0"))
        t = time.monotonic()
        sse = Client(client_bin, "sse", streamd_sock, n, daemon.pid if args.trigger == "reload" else "refresh")
        sse_setup = time.monotonic() - t
        t = time.monotonic()
        red = Client(client_bin, "redis", redis_sock, n, "fanout")
        red_setup = time.monotonic() - t
        results = {"streamd": [], "redis": []}
        closed = {"streamd": 0, "redis": 0}
        cpu0 = cpu_seconds(daemon.pid), cpu_seconds(redis.pid)
        for r in range(1, args.rounds + 1):
            marker = f"Fanout-{r:04d}"   # fixed width: no marker holds another
            times, c = red.round(marker, size)
            results["redis"].append(times)
            closed["redis"] += c
            time.sleep(0.5)
            if args.trigger == "reload":
                write_config(work, n, marker)
            else:
                write_answer(work, marker)
            times, c = sse.round(marker, size)
            results["streamd"].append(times)
            closed["streamd"] += c
            time.sleep(0.5)
        cpu = [(b - a) * 1000 / args.rounds for a, b in zip(cpu0, (cpu_seconds(daemon.pid), cpu_seconds(redis.pid)))]
        metrics = get_once(streamd_sock, "/metrics").decode()
        dropped = [l for l in metrics.splitlines() if l.startswith("streamd_sse_dropped_total")]
        rss = rss_mib(daemon.pid), rss_mib(redis.pid)
        sse.quit()
        red.quit()
    finally:
        for p in (daemon, redis):
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
    s, rd = summary(results["streamd"], n), summary(results["redis"], n)
    print(f"\n{n} subscribers, {args.rounds} changes each, {size}-byte event / payload")
    print(f"  connected: streamd {sse.connected} in {sse_setup:.1f} s (refused {sse.refused}), "
          f"Redis {red.connected} in {red_setup:.1f} s; RSS streamd {rss[0]:.0f} MiB, Redis {rss[1]:.0f} MiB; "
          f"closed by the server: streamd {closed['streamd']}, Redis {closed['redis']}; "
          f"{dropped[0] if dropped else 'no dropped metric'}")
    print(f"  {'':<8} {'got':>11} | {'from t0: p50':>12} {'p99':>7} {'max':>7} | {'spread: p50':>11} {'p99':>7} {'max':>7}  (ms)")
    for name, x in (("streamd", s), ("Redis", rd)):
        print(f"  {name:<8} {x['got']:>5}/{x['of']:<5} | {x['t0'][0]:>12.2f} {x['t0'][1]:>7.2f} {x['t0'][2]:>7.2f} | "
              f"{x['spread'][0]:>11.2f} {x['spread'][1]:>7.2f} {x['spread'][2]:>7.2f}")
    ratio = [a / b if b > 0 else float("nan") for a, b in zip(s["t0"] + s["spread"], rd["t0"] + rd["spread"])]
    print(f"  {'ratio':<8} {'':>11} | {ratio[0]:>11.1f}x {ratio[1]:>6.1f}x {ratio[2]:>6.1f}x | "
          f"{ratio[3]:>10.1f}x {ratio[4]:>6.1f}x {ratio[5]:>6.1f}x")
    # Each change alone (a shared machine's hiccup shows as one slow round).
    for name, rounds in (("streamd", results["streamd"]), ("Redis", results["redis"])):
        print(f"  {name} per change, first / last delivery ms: " +
              ", ".join(f"{min(t) / 1000:.1f}/{max(t) / 1000:.1f}" if t else "none" for t in rounds))
    print(f"  server CPU per change (the whole loop, idle time included): streamd {cpu[0]:.1f} ms "
          f"(the {args.trigger} included), Redis {cpu[1]:.1f} ms, ratio {cpu[0] / max(cpu[1], 1e-9):.1f}x")
    if s["got"] < s["of"]:
        print(f"  streamd: {s['of'] - s['got']} deliveries missing (subscriber x change)")


def set_up(subscribers, prefix):
    """What both fan-out benchmarks need: the open-file limit raised for N connections to each
    server (in this process's children), a work folder (`prefix`) with the stations' stream
    files, and fanout_client built in it. Returns (work, client binary)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * max(subscribers) + 200
    if hard < need:
        sys.exit(f"the open-file hard limit {hard} is below {need}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        # The stations' streams: 300 kB of MPEG frames (128 kbit/s, silence) in a file, and 8 kB.
        with open(f"{work}/live.mp3", "wb") as f:
            f.write((b"\xff\xfb\x90\x64" + bytes(413)) * 720)
        with open(f"{work}/short.mp3", "wb") as f:
            f.write((b"\xff\xfb\x90\x64" + bytes(413)) * 20)
        client_bin = f"{work}/fanout_client"
        subprocess.run(["cc", "-O2", "-o", client_bin, os.path.join(HERE, "peers/fanout_client.c")], check=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return work, client_bin


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--trigger", choices=["refresh", "reload"], default="refresh",
                        help="how streamd's change is made: a source's new answer and POST /v1/refresh "
                             "(default), or a station renamed and SIGHUP")
    parser.add_argument("--streamd", default=os.path.join(HERE, "../.build-bench/release/streamd"))
    args = parser.parse_args()
    if not os.access(args.streamd, os.X_OK):
        sys.exit(f"{args.streamd} is missing: make bench builds it (or --streamd PATH)")
    if not shutil.which("redis-server"):
        sys.exit("redis-server is missing: apt-get install redis-server")
    work, client_bin = set_up(args.subscribers, "streamd-bench-fanout-")
    try:
        how = "POST /v1/refresh after the source's new song" if args.trigger == "refresh" else "SIGHUP after a station's rename"
        print(f"one change to N subscribers: streamd's GET /v1/events ({how}) "
              "against Redis SUBSCRIBE (PUBLISH), both on Unix sockets, rounds alternated")
        for n in args.subscribers:
            run(args, work, client_bin, n)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
