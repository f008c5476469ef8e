#!/usr/bin/env bash
# Installs what building and testing streamd needs on a fresh Debian 12 machine.
# Skips the install when everything is already there. Runs as root (or with sudo).
set -euo pipefail

packages=(libcurl4-openssl-dev pkg-config ca-certificates gzip curl systemd icecast2 ffmpeg tmux chromium fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The state document's JSON Schema is checked with Python's jsonschema.
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "install-deps: installing the Python package jsonschema"
  python3 -m pip install -q jsonschema || { $SUDO apt-get install -y -q python3-jsonschema; }
fi
