#!/usr/bin/env bash
# Installs what building and testing streamd needs on a fresh Debian 12 machine.
# Skips the install when everything is already there. Runs as root (or with sudo).
set -euo pipefail

packages=(libcurl4-openssl-dev pkg-config ca-certificates gzip curl)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
