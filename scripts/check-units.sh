#!/usr/bin/env bash
# Checks the systemd units the way CI must: `systemd-analyze verify` prints nothing (it exits
# 0 even on unknown keys, so any output is a failure) and `systemd-analyze security` rates the
# service "OK" or better (exposure 2.0 or lower). Works without systemd running.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v systemd-analyze >/dev/null || { echo "check-units: systemd-analyze missing (apt-get install systemd)" >&2; exit 1; }
bin="${STREAMD_BIN:-$PWD/.build/debug/streamd}"
[ -x "$bin" ] || { echo "check-units: $bin not built (swift build)" >&2; exit 1; }

# Documentation= names the man page and the installed docs (make install rewrites the
# /usr/local prefix): man: and file:// only, no web address that leads nowhere.
docs=$(sed -n 's/^Documentation=//p' systemd/streamd.service)
echo "$docs" | grep -qw 'man:streamd(8)' || { echo "check-units: streamd.service Documentation= does not name man:streamd(8)" >&2; exit 1; }
for uri in $docs; do
  case "$uri" in
    man:*) ;;
    file:///usr/local/share/doc/streamd/*) [ -f "docs/${uri##*/}" ] || { echo "check-units: Documentation= names $uri, but docs/${uri##*/} does not exist" >&2; exit 1; } ;;
    *) echo "check-units: Documentation= names $uri: only man: pages and the installed docs (file:///usr/local/share/doc/streamd/…)" >&2; exit 1 ;;
  esac
done
echo "check-units: Documentation=: $docs"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify needs the ExecStart binary to exist: point it at the built one.
sed "s|/usr/local/bin/streamd|$bin|" systemd/streamd.service > "$work/streamd.service"
cp systemd/streamd.socket "$work/"

out=$(cd "$work" && systemd-analyze verify --man=no streamd.service streamd.socket 2>&1) || { echo "$out"; echo "check-units: verify failed" >&2; exit 1; }
if [ -n "$out" ]; then
  echo "$out"
  echo "check-units: systemd-analyze verify printed warnings" >&2
  exit 1
fi
echo "check-units: systemd-analyze verify: clean"

report=$(cd "$work" && systemd-analyze security --offline=true --threshold=20 streamd.service 2>&1) || {
  echo "$report" | tail -5
  echo "check-units: exposure above 2.0" >&2
  exit 1
}
echo "check-units: $(echo "$report" | grep 'Overall exposure')"
