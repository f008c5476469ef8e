#!/usr/bin/env python3
"""SIGTERM while a stream is stalled: how long until the daemon has exited.

The loopback ICY server of follow_vs_curl.py serves one stream that sends its headers and
4 KB of audio and then stalls (the connection stays open, nothing more comes), and a few
healthy streams (16,000 B/s, titles changing). streamd follows them all, one station each.
Once it has connected (every stream open at the server, then 5 s: the healthy ones are up),
the script sends SIGTERM and times the wait for the process to exit (waitpid); ten times, a
fresh daemon each time. It prints min/median/max, the exit codes, and whether the final
state file was written after the signal (a new file in its place, or its mtime after the
signal; and its sequence before and after). Issue 15's target: exit within 1 s, the final
state written.

Usage: Benchmarks/sigterm_stalled.py [--trials N] [--healthy N] [--settle S] [--streamd PATH]
"""
import argparse, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time

from follow_vs_curl import IcyServer

HERE = os.path.dirname(os.path.abspath(__file__))
GIVE_UP = 30   # seconds to wait for an exit before SIGKILL


def streamd_config(work, port, healthy):
    lines = ["[daemon]", f'socket = "{work}/streamd.sock"', f'state_file = "{work}/state.json"',
             'log_level = "error"', ""]
    paths = ["t0"] + [f"s{i}" for i in range(1, healthy + 1)]   # t0: the stalled stream
    for path in paths:
        lines += ["[[station]]", f'id = "{path}"', f'name = "{path.upper()}"', "",
                  "  [[station.stream]]", '  id = "main"', f'  url = "http://127.0.0.1:{port}/{path}"',
                  '  mode = "follow"', ""]
    with open(f"{work}/streamd.toml", "w") as f:
        f.write("\n".join(lines))
    return f"{work}/streamd.toml"


def sequence(path):
    try:
        with open(path) as f:
            return json.load(f)["sequence"]
    except (OSError, ValueError, KeyError):
        return None


def trial(args, work, server, config):
    """One daemon: start, wait until every stream is open and the stall is on, SIGTERM, time the exit."""
    state = f"{work}/state.json"
    if os.path.exists(state):
        os.remove(state)
    daemon = subprocess.Popen([args.streamd, "run", "--config", config],
                              stdout=subprocess.DEVNULL, stderr=open(f"{work}/streamd.err", "a"))
    deadline = time.monotonic() + 20
    while (server.streams["t"], server.streams["s"]) != (1, args.healthy):
        if time.monotonic() > deadline or daemon.poll() is not None:
            daemon.kill()
            sys.exit(f"streamd did not open every stream: {dict(server.streams)} (exit {daemon.poll()})")
        time.sleep(0.1)
    time.sleep(args.settle)   # the stalled stream has sent its 4 KB and gone quiet
    seq_before = sequence(state)
    # Written after the signal: the file is replaced by a rename, so a new inode, or a
    # modification time after a file touched now (the same coarse clock as the state file's).
    inode = os.stat(state).st_ino if os.path.exists(state) else None
    with open(f"{work}/signal-sent", "w"):
        pass
    signalled = os.stat(f"{work}/signal-sent").st_mtime_ns
    t0 = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    try:
        code = daemon.wait(timeout=GIVE_UP)   # waitpid
        elapsed = time.monotonic() - t0
    except subprocess.TimeoutExpired:
        daemon.kill()
        code = daemon.wait()
        elapsed = float("inf")
    written = os.path.exists(state) and (os.stat(state).st_ino != inode or os.stat(state).st_mtime_ns > signalled)
    # Wait until the server has seen every connection close before the next daemon starts.
    deadline = time.monotonic() + 5
    while sum(server.streams.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return elapsed, code, written, seq_before, sequence(state)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--healthy", type=int, default=3)
    parser.add_argument("--settle", type=float, default=5)
    parser.add_argument("--streamd", default=os.path.join(HERE, "../.build-bench/release/streamd"))
    args = parser.parse_args()
    if not os.access(args.streamd, os.X_OK):
        sys.exit(f"{args.streamd} is missing: make bench builds it (or --streamd PATH)")
    work = tempfile.mkdtemp(prefix="streamd-bench-sigterm-")
    server = IcyServer()
    server.start()
    try:
        config = streamd_config(work, server.port, args.healthy)
        print(f"SIGTERM to streamd following 1 stalled stream (headers + {IcyServer.STALL} bytes, then "
              f"nothing) and {args.healthy} healthy ones, {args.settle:g} s after connecting; {args.trials} trials")
        print(f"  {'trial':>5} {'exit s':>8} {'code':>4}  state file written after the signal (sequence before -> after)")
        times = []
        for i in range(1, args.trials + 1):
            elapsed, code, written, before, after = trial(args, work, server, config)
            times.append(elapsed)
            print(f"  {i:>5} {elapsed:>8.3f} {code:>4}  {'yes' if written else 'NO'} ({before} -> {after})", flush=True)
        print(f"  exit after SIGTERM: min {min(times):.3f} s, median {statistics.median(times):.3f} s, "
              f"max {max(times):.3f} s; within 1 s: {sum(t <= 1 for t in times)} of {len(times)}")
    finally:
        server.stop = True
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
