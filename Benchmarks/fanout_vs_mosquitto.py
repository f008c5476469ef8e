#!/usr/bin/env python3
"""One change to N subscribers through an MQTT broker (mosquitto) beside streamd's own event stream, in one run.

The set-up of fanout_vs_redis.py (two stations; s0's song comes from an icecast source read
from a file; the change is a new song title, the marker, and `POST /v1/refresh?station=s0`),
with `[publish.mqtt]` to a mosquitto on a loopback port of its own (`persistence false`, no
connection limit). Two Benchmarks/peers/fanout_client.c processes hold the subscribers: N x
`GET /v1/events` on streamd's socket, and N MQTT connections subscribed at QoS 0 to
`streamd/bench/stations/s0` (each first gets the retained message, then waits). Each change
reaches both at once: the script takes t0 (CLOCK_MONOTONIC), tells the MQTT client to watch
for the marker from t0, and the SSE client to trigger the refresh with that t0. So the two
paths are measured on the same changes: streamd → SSE subscribers, and streamd → broker
(QoS 1, retained) → MQTT subscribers. p50/p99/max from t0 and from each change's first
delivery (the spread), how many got it, the CPU per change of streamd and of mosquitto.

Usage: Benchmarks/fanout_vs_mosquitto.py [--subscribers N [N ...]] [--rounds R] [--streamd PATH]
Needs mosquitto (apt-get install mosquitto) and a C compiler.
"""
import argparse, os, shutil, signal, subprocess, sys, time

import fanout_vs_redis as shared
from procstat import cpu_seconds, rss_mib

HERE = os.path.dirname(os.path.abspath(__file__))
TOPIC = "streamd/bench/stations/s0"


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_config(work, n, port):
    """fanout_vs_redis.py's configuration with [publish.mqtt] to the broker, site "bench"."""
    shared.write_config(work, n, "Fanout-0000")
    with open(f"{work}/streamd.toml", "a") as f:
        f.write(f'\n[publish.mqtt]\nurl = "mqtt://127.0.0.1:{port}"\nsite = "bench"\n')


class Watcher(shared.Client):
    """A fanout_client whose rounds are started and read apart, so two run on one change."""

    def start(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def finish(self):
        _, got, closed = self.proc.stdout.readline().split()
        times = [float(t) for t in self.proc.stdout.readline().split()[1:]]
        assert len(times) == int(got)
        self.ready()
        return times, int(closed)


def run(args, work, client_bin, n):
    port = free_port()
    with open(f"{work}/mosquitto.conf", "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\n"
                f"log_dest file {work}/mosquitto.log\n" + ("user root\n" if os.getuid() == 0 else ""))
    broker = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", f"{work}/mosquitto.conf"],
                              stdout=subprocess.DEVNULL, stderr=open(f"{work}/mosquitto.err", "w"))
    shared.write_answer(work, "Fanout-0000")
    write_config(work, n, port)
    streamd_sock = f"{work}/streamd.sock"
    daemon = subprocess.Popen([args.streamd, "run", "--config", f"{work}/streamd.toml"],
                              stdout=subprocess.DEVNULL, stderr=open(f"{work}/streamd.err", "w"))
    try:
        shared.wait_for_socket(streamd_sock, daemon, "streamd")
        time.sleep(1.5)   # the first probe, the connection to the broker, the retained messages
        size = len(shared.get_once(streamd_sock, "/v1/stations/s0"))
        t = time.monotonic()
        sse = Watcher(client_bin, "sse", streamd_sock, n, "refresh")
        sse_setup = time.monotonic() - t
        t = time.monotonic()
        mqtt = Watcher(client_bin, "mqtt", str(port), n, TOPIC)
        mqtt_setup = time.monotonic() - t
        results = {"sse": [], "mqtt": []}
        closed = {"sse": 0, "mqtt": 0}
        cpu0 = cpu_seconds(daemon.pid), cpu_seconds(broker.pid)
        for r in range(1, args.rounds + 1):
            marker = f"Fanout-{r:04d}"
            shared.write_answer(work, marker)
            t0 = time.monotonic_ns()
            mqtt.start(f"watch {marker} {t0}")
            sse.start(f"go {marker} {size} {t0}")
            for name, client in (("sse", sse), ("mqtt", mqtt)):
                times, c = client.finish()
                results[name].append(times)
                closed[name] += c
            time.sleep(0.5)
        cpu = [(b - a) * 1000 / args.rounds for a, b in zip(cpu0, (cpu_seconds(daemon.pid), cpu_seconds(broker.pid)))]
        rss = rss_mib(daemon.pid), rss_mib(broker.pid)
        sse.quit()
        mqtt.quit()
    finally:
        for p in (daemon, broker):
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
    s, m = shared.summary(results["sse"], n), shared.summary(results["mqtt"], n)
    print(f"\n{n} subscribers on each path, {args.rounds} changes, {size}-byte station event")
    print(f"  connected: SSE {sse.connected} in {sse_setup:.1f} s (refused {sse.refused}), MQTT {mqtt.connected} in "
          f"{mqtt_setup:.1f} s; RSS streamd {rss[0]:.0f} MiB, mosquitto {rss[1]:.0f} MiB; "
          f"closed by the server: SSE {closed['sse']}, MQTT {closed['mqtt']}")
    print(f"  {'':<14} {'got':>11} | {'from t0: p50':>12} {'p99':>7} {'max':>7} | {'spread: p50':>11} {'p99':>7} {'max':>7}  (ms)")
    for name, x in (("streamd SSE", s), ("via mosquitto", m)):
        print(f"  {name:<14} {x['got']:>5}/{x['of']:<5} | {x['t0'][0]:>12.2f} {x['t0'][1]:>7.2f} {x['t0'][2]:>7.2f} | "
              f"{x['spread'][0]:>11.2f} {x['spread'][1]:>7.2f} {x['spread'][2]:>7.2f}")
    ratio = [a / b if b > 0 else float("nan") for a, b in zip(m["t0"] + m["spread"], s["t0"] + s["spread"])]
    print(f"  {'MQTT ÷ SSE':<14} {'':>11} | {ratio[0]:>11.1f}x {ratio[1]:>6.1f}x {ratio[2]:>6.1f}x | "
          f"{ratio[3]:>10.1f}x {ratio[4]:>6.1f}x {ratio[5]:>6.1f}x")
    for name, rounds in (("SSE", results["sse"]), ("MQTT", results["mqtt"])):
        print(f"  {name} per change, first / last delivery ms: " +
              ", ".join(f"{min(t) / 1000:.1f}/{max(t) / 1000:.1f}" if t else "none" for t in rounds))
    print(f"  CPU per change (the whole loop, idle time included): streamd {cpu[0]:.1f} ms (the refresh, the SSE "
          f"fan-out and the publish to the broker), mosquitto {cpu[1]:.1f} ms")
    for name, x in (("SSE", s), ("MQTT", m)):
        if x["got"] < x["of"]:
            print(f"  {name}: {x['of'] - x['got']} deliveries missing (subscriber x change)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--streamd", default=os.path.join(HERE, "../.build-bench/release/streamd"))
    args = parser.parse_args()
    if not os.access(args.streamd, os.X_OK):
        sys.exit(f"{args.streamd} is missing: make bench builds it (or --streamd PATH)")
    if not (shutil.which("mosquitto") or os.access("/usr/sbin/mosquitto", os.X_OK)):
        sys.exit("mosquitto is missing: apt-get install mosquitto")
    work, client_bin = shared.set_up(args.subscribers, "streamd-bench-mqtt-")
    try:
        print("one change (a new song and POST /v1/refresh) to N subscribers on each path at once: streamd's "
              "GET /v1/events, and [publish.mqtt] through mosquitto to MQTT subscribers (QoS 0) on loopback")
        for n in args.subscribers:
            run(args, work, client_bin, n)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
