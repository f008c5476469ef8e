#!/usr/bin/env bash
# Title latency against a real Icecast: from the admin title update to streamd's SSE event,
# side by side with a plain ICY reader of the same mount (the floor). A benchmark, not a test.
#
#   Benchmarks/icecast-latency.sh [UPDATES]        (default 30; at least 20 makes sense)
#
# Starts, on 127.0.0.1 only and in a temporary directory: Icecast 2 (a free port), an ffmpeg
# source client sending a 128 kbit/s MP3 tone in real time to /bench.mp3, and
# `streamd run` following that mount through a forwarding tap (Benchmarks/icecast_latency.py)
# that notes when each metadata block reaches streamd's connection. Then it sends the
# updates through /admin/metadata and prints p50/p95 per observer. Everything it started is
# stopped on exit (also on Ctrl-C or failure).
#
# Needs: icecast2, ffmpeg, python3, and a built streamd ($STREAMD_BIN, else
# .build/debug/streamd; run `swift build` first). As root, Icecast runs as icecast2:icecast.
set -euo pipefail

UPDATES="${1:-30}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STREAMD="${STREAMD_BIN:-$ROOT/.build/debug/streamd}"
HELPER="$ROOT/Benchmarks/icecast_latency.py"

for tool in icecast2 ffmpeg python3; do
  command -v "$tool" >/dev/null || { echo "icecast-latency: $tool is not installed (apt-get install icecast2 ffmpeg python3)" >&2; exit 69; }
done
[ -x "$STREAMD" ] || { echo "icecast-latency: no streamd binary at $STREAMD: run swift build first" >&2; exit 69; }

WORK="$(mktemp -d /tmp/streamd-bench.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ICE_PORT="$(free_port)"
TAP_PORT="$(free_port)"
ADMIN_PW="admin-$RANDOM$RANDOM"
SOURCE_PW="source-$RANDOM$RANDOM"

mkdir -p "$WORK/log"
SECURITY="<chroot>0</chroot>"
if [ "$(id -u)" -eq 0 ]; then
  chown icecast2:icecast "$WORK/log"
  SECURITY="$SECURITY<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
fi
cat >"$WORK/icecast.xml" <<EOF
<icecast>
  <location>loopback</location><admin>bench@localhost</admin><hostname>127.0.0.1</hostname>
  <limits><clients>50</clients><sources>4</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect><burst-size>65535</burst-size></limits>
  <authentication><source-password>$SOURCE_PW</source-password><relay-password>$SOURCE_PW</relay-password>
    <admin-user>admin</admin-user><admin-password>$ADMIN_PW</admin-password></authentication>
  <listen-socket><port>$ICE_PORT</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>$WORK/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security>$SECURITY</security>
</icecast>
EOF

status_has() {  # status_has MOUNT: 0 when status-json.xsl is valid JSON and lists MOUNT ("" = any valid answer)
  python3 - "$ICE_PORT" "$1" <<'PY'
import json, sys, urllib.request
try:
    doc = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/status-json.xsl", timeout=2))
except Exception:
    sys.exit(1)
src = doc["icestats"].get("source", [])
src = [src] if isinstance(src, dict) else src
sys.exit(0 if not sys.argv[2] or any(s.get("listenurl", "").endswith(sys.argv[2]) for s in src) else 1)
PY
}
wait_for() {  # wait_for WHAT COMMAND...: up to 20 s
  local what="$1"; shift
  for _ in $(seq 1 200); do "$@" && return 0; sleep 0.1; done
  echo "icecast-latency: timed out waiting for $what" >&2
  exit 1
}

echo "icecast-latency: Icecast on 127.0.0.1:$ICE_PORT, work directory $WORK"
icecast2 -c "$WORK/icecast.xml" >"$WORK/icecast.out" 2>&1 &
PIDS+=($!)
wait_for "Icecast" status_has ""

ffmpeg -nostdin -hide_banner -loglevel warning -re -f lavfi -i sine=frequency=440:sample_rate=44100 \
  -c:a libmp3lame -b:a 128k -content_type audio/mpeg -f mp3 \
  "icecast://source:$SOURCE_PW@127.0.0.1:$ICE_PORT/bench.mp3" >"$WORK/ffmpeg.out" 2>&1 &
PIDS+=($!)
wait_for "the /bench.mp3 source" status_has /bench.mp3

cat >"$WORK/streamd.toml" <<EOF
[daemon]
socket = "$WORK/streamd.sock"
state_file = "$WORK/state.json"

[[station]]
id = "bench"
name = "Bench"
  [[station.stream]]
  id = "main"
  url = "http://127.0.0.1:$TAP_PORT/bench.mp3"
EOF
# The helper starts the tap; streamd's first attempts before that are refused and retried.
"$STREAMD" run --config "$WORK/streamd.toml" >"$WORK/streamd.log" 2>&1 &
PIDS+=($!)
wait_for "streamd's socket" test -S "$WORK/streamd.sock"

echo "icecast-latency: streamd $("$STREAMD" --version 2>/dev/null || echo '(version unknown)'), $UPDATES updates"
python3 "$HELPER" --icecast-port "$ICE_PORT" --admin-password "$ADMIN_PW" --mount /bench.mp3 \
  --tap-port "$TAP_PORT" --socket "$WORK/streamd.sock" --station bench --updates "$UPDATES"
