#!/usr/bin/env bash
# Installs what streamd needs on a fresh Debian 12 machine, with apt-get; skips the install when
# everything is already there. Runs as root (or with sudo).
#
#   scripts/install-deps.sh build   building and running streamd: make build, make demo, make install
#   scripts/install-deps.sh test    the above and the test tools: make test
#
# Building and running needs only libcurl and libmosquitto (and their headers, found through
# pkg-config) and the CA certificates for HTTPS; the Swift toolchain itself is expected on the
# PATH. The test tools (a real Icecast server fed by ffmpeg, a real Mosquitto broker and its
# clients, openssl for the broker's test CA, tmux and Chromium for the studio screens, curl,
# gzip, systemd's analyzers, man and readelf for the install test, Python's jsonschema) are
# never installed by build, demo or install.
set -euo pipefail

build_packages=(libcurl4-openssl-dev libmosquitto-dev libssl-dev libmpg123-dev libfaad-dev libogg-dev libvorbis-dev libopus-dev pkg-config ca-certificates)
test_packages=(curl gzip systemd icecast2 ffmpeg mosquitto mosquitto-clients openssl tmux chromium fonts-dejavu-core man-db binutils)

mode="${1:-}"
case "$mode" in
  build) packages=("${build_packages[@]}") ;;
  test)  packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 64 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps ($mode): installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ "$mode" = test ] || exit 0

# The state document's JSON Schema is checked with Python's jsonschema (tests only).
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "install-deps (test): installing the Python package jsonschema"
  python3 -m pip install -q jsonschema || { $SUDO apt-get install -y -q python3-jsonschema; }
fi
