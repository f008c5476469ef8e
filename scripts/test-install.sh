#!/usr/bin/env bash
# Tests the dependency split (make build, demo and install ask apt-get for the build-and-run
# packages only; make test for the test tools too) and `make install` as a packager would use it:
# stages it with DESTDIR=<tmp> PREFIX=/usr, then
# checks what was staged, and runs the staged binary with the Swift toolchain out of reach
# (an empty folder bind-mounted over the toolchain's usr/ in a private mount namespace, made with
# `unshare --mount`: needs root, as make test runs in CI). Every check that fails says which and
# why, and the script exits 1; nothing is skipped.
#
#   scripts/test-install.sh                  make install into a new temporary folder
#   scripts/test-install.sh --staged DIR     check a tree already staged (DESTDIR=DIR PREFIX=/usr)
set -uo pipefail
cd "$(dirname "$0")/.."

failures=0
fail() { echo "test-install: FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "test-install: ok: $*"; }
die() { echo "test-install: FAIL: $*" >&2; exit 1; }

started=$(date +%s)
work=$(mktemp -d /tmp/streamd-test-install.XXXXXX)
trap 'rm -rf "$work"' EXIT

# --- Item 1: build, demo and install ask apt-get for what building and running needs only. ---
# install-deps.sh runs with stand-ins for dpkg-query (nothing is installed) and apt-get (records
# what it is asked for), so this needs no network and changes nothing.
test_tools="icecast2 ffmpeg mosquitto mosquitto-clients openssl tmux chromium fonts-dejavu-core curl gzip systemd man-db binutils"
mkdir -p "$work/fakebin"
printf '#!/bin/sh\nexit 1\n' > "$work/fakebin/dpkg-query"
printf '#!/bin/sh\necho "$*" >> "%s/apt.log"\n' "$work" > "$work/fakebin/apt-get"
printf '#!/bin/sh\nexec "$@"\n' > "$work/fakebin/sudo"
chmod +x "$work/fakebin/"*
for mode in build test; do
  rm -f "$work/apt.log"
  PATH="$work/fakebin:$PATH" scripts/install-deps.sh "$mode" > /dev/null || fail "install-deps.sh $mode failed"
  asked=$(grep '^install ' "$work/apt.log" 2>/dev/null | tr ' ' '\n' | grep -v '^-' | grep -vx install | tr '\n' ' ')
  for p in libcurl4-openssl-dev libmosquitto-dev libssl-dev libmpg123-dev libfaad-dev libogg-dev libvorbis-dev libopus-dev pkg-config ca-certificates; do
    echo " $asked" | grep -q " $p " || fail "install-deps.sh $mode does not install $p (asked for: $asked)"
  done
  for p in $test_tools; do
    if [ "$mode" = build ]; then
      echo " $asked" | grep -q " $p " && fail "install-deps.sh build installs the test tool $p"
    else
      echo " $asked" | grep -q " $p " || fail "install-deps.sh test does not install $p"
    fi
  done
done
for target in build demo install; do
  plan=$(make --no-print-directory -n "$target" 2>&1) || fail "make -n $target failed: $plan"
  echo "$plan" | grep -q 'install-deps.sh build' || fail "make $target does not run install-deps.sh build"
  echo "$plan" | grep -q 'install-deps.sh test' && fail "make $target runs install-deps.sh test (the test tools)"
done
plan=$(make --no-print-directory -n test 2>&1)
echo "$plan" | grep -q 'install-deps.sh test' || fail "make test does not run install-deps.sh test"
[ "$failures" -eq 0 ] && pass "make build, demo and install install only libcurl4-openssl-dev, libmosquitto-dev, libssl-dev, libmpg123-dev, libfaad-dev, libogg-dev, libvorbis-dev, libopus-dev, pkg-config, ca-certificates; make test the test tools too"

if [ "${1:-}" = "--staged" ]; then
  [ -n "${2:-}" ] || die "--staged needs a folder"
  root=$(cd "$2" && pwd)
else
  root="$work/root"
  echo "test-install: make install DESTDIR=$root PREFIX=/usr"
  make --no-print-directory install DESTDIR="$root" PREFIX=/usr > "$work/install.log" 2>&1 || {
    tail -40 "$work/install.log" >&2
    die "make install DESTDIR=$root PREFIX=/usr failed (its last lines above)"
  }
  pass "make install DESTDIR=… PREFIX=/usr ($(( $(date +%s) - started )) s)"
fi

bin="$root/usr/bin/streamd"
config="$root/etc/streamd/streamd.toml"
man="$root/usr/share/man/man8/streamd.8"
completions=(
  "$root/usr/share/bash-completion/completions/streamd"
  "$root/usr/share/zsh/vendor-completions/_streamd"
  "$root/usr/share/fish/vendor_completions.d/streamd.fish"
)
unit="$root/etc/systemd/system/streamd.service"

[ -x "$bin" ] || die "no executable staged at $bin"
[ -f "$config" ] || die "no configuration staged at $config"

# --- The binary: only system libraries. ---
ldd_out=$(ldd "$bin" 2>&1) || die "ldd $bin failed: $ldd_out"
echo "test-install: ldd $bin:"
echo "$ldd_out" | sed 's/^/    /'
if echo "$ldd_out" | grep -Eiq 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime'; then
  fail "the staged binary links the Swift runtime dynamically: $(echo "$ldd_out" | grep -Ei 'libswift|Foundation|dispatch|BlocksRuntime' | awk '{print $1}' | tr '\n' ' ')"
else
  pass "ldd lists no libswift*, libFoundation*, libdispatch or libBlocksRuntime"
fi
if echo "$ldd_out" | grep -q 'not found'; then
  fail "ldd cannot find: $(echo "$ldd_out" | grep 'not found' | awk '{print $1}' | tr '\n' ' ')"
fi
# A run path of $ORIGIN (the binary's own folder, as SwiftPM links) is harmless; any other would
# be a folder of the build machine, such as the toolchain's.
runpath=$(readelf -d "$bin" | grep -E '\((RUNPATH|RPATH)\)' | sed 's/.*\[\(.*\)\]/\1/' | tr ':' '\n' | grep -vx '$ORIGIN' || true)
if [ -n "$runpath" ]; then fail "the staged binary has a run path into the build machine: $runpath"; else pass "no run path but \$ORIGIN"; fi

# --- Run it with the toolchain out of reach. ---
# The toolchain's usr/ (its lib/swift holds the runtime: libswiftCore.so, libFoundation.so, ...).
swiftc_path=$(command -v swiftc) || die "swiftc not on the PATH: cannot tell where the toolchain is"
toolchain_usr=$(dirname "$(dirname "$(readlink -f "$swiftc_path")")")
runtime_dir=$(swiftc -print-target-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"]["runtimeLibraryPaths"][0])') \
  || die "swiftc -print-target-info did not name the runtime library folder"
[ -e "$runtime_dir/libswiftCore.so" ] || die "no libswiftCore.so in $runtime_dir: the toolchain is not where expected"
case "$runtime_dir" in "$toolchain_usr"/*) ;; *) die "the runtime folder $runtime_dir is outside the toolchain's $toolchain_usr";; esac
empty="$work/empty"
mkdir -p "$empty"

# Runs "$@" in a mount namespace where $toolchain_usr is an empty folder, with no LD_* variables.
# Prints the command's output; returns its exit code.
without_toolchain() {
  unshare --mount --propagation private -- env -u LD_LIBRARY_PATH -u LD_PRELOAD \
    bash -c 'mount --bind "$1" "$2" || exit 200
             [ ! -e "$3" ] || { echo "the toolchain is still visible at $3" >&2; exit 201; }
             shift 3; exec "$@"' _ "$empty" "$toolchain_usr" "$runtime_dir/libswiftCore.so" "$@"
}

probe=$(without_toolchain true 2>&1); rc=$?
case $rc in
  0) pass "toolchain hidden: $toolchain_usr is empty in a private mount namespace" ;;
  200) die "cannot hide the toolchain: mount --bind in unshare --mount failed (run as root): $probe" ;;
  201) die "cannot hide the toolchain: $probe" ;;
  *) die "cannot hide the toolchain: unshare --mount failed ($rc; needs root and CAP_SYS_ADMIN): $probe" ;;
esac

# run_hidden DESCRIPTION EXPECTED-EXIT COMMAND...: runs it without the toolchain; its output
# (stdout and stderr) is left in $work/out.
run_hidden() {
  local what=$1 want=$2; shift 2
  local rc
  without_toolchain "$@" > "$work/out" 2>&1; rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$what without the toolchain exited $rc, not $want: $(head -5 "$work/out")"
  else
    pass "$what without the toolchain (exit $rc)"
  fi
}
run_hidden "streamd --version" 0 "$bin" --version
[ -s "$work/out" ] && echo "    version: $(cat "$work/out")" || fail "streamd --version printed nothing"
run_hidden "streamd --help" 0 "$bin" --help
grep -q 'USAGE' "$work/out" || fail "streamd --help printed no USAGE line"
run_hidden "streamd check-config on the staged example configuration" 0 "$bin" check-config "$config"
sed 's/^/    /' "$work/out"

# --- The man page and the completions. ---
subcommands=$("$bin" --experimental-dump-help | python3 -c '
import json, sys
for sub in json.load(sys.stdin)["command"].get("subcommands", []):
    if sub["commandName"] != "help":
        print(sub["commandName"])') || die "streamd --experimental-dump-help gave no command list"
[ -n "$subcommands" ] || die "streamd --experimental-dump-help lists no subcommands"
echo "test-install: subcommands: $(echo $subcommands)"

if [ ! -s "$man" ]; then
  fail "no man page staged at $man"
else
  pass "man page staged: ${man#$root}"
  head -c 2000 "$man" | grep -q '^\.Dt STREAMD 8' || fail "the man page is not streamd(8) (no '.Dt STREAMD 8')"
  for sub in $subcommands; do
    grep -Eq "(^|[^a-z-])$sub([^a-z-]|$)" "$man" || fail "the man page does not mention the subcommand $sub"
  done
  rendered=$(MANWIDTH=80 man --warnings -l "$man" 2>"$work/man.err") || fail "man -l $man failed: $(cat "$work/man.err")"
  [ -s "$work/man.err" ] && fail "man --warnings on the man page: $(head -5 "$work/man.err")"
  echo "$rendered" | grep -q 'check-config' || fail "the rendered man page does not show check-config"
fi

for f in "${completions[@]}"; do
  if [ ! -s "$f" ]; then fail "no completion script staged at $f"; continue; fi
  for sub in $subcommands; do
    grep -q -- "$sub" "$f" || fail "${f#$root} does not complete the subcommand $sub"
  done
  pass "completion staged: ${f#$root}"
done
bash -n "${completions[0]}" 2>"$work/bash.err" || fail "the bash completion does not parse: $(cat "$work/bash.err")"

# --- The unit names the installed documentation. ---
if [ -f "$unit" ]; then
  grep -q '^ExecStart=/usr/bin/streamd ' "$unit" || fail "the staged unit does not start /usr/bin/streamd"
  docs=$(sed -n 's/^Documentation=//p' "$unit")
  echo "$docs" | grep -q 'man:streamd(8)' || fail "the staged unit's Documentation= does not name man:streamd(8)"
  for uri in $docs; do
    case "$uri" in
      man:*) ;;
      file://*) [ -f "$root${uri#file://}" ] || fail "the unit's Documentation= names ${uri}, not staged" ;;
      *) fail "the unit's Documentation= names $uri: neither man: nor file://" ;;
    esac
  done
else
  fail "no unit staged at $unit"
fi

echo "test-install: $(( $(date +%s) - started )) s"
if [ "$failures" -gt 0 ]; then
  echo "test-install: $failures check(s) failed" >&2
  exit 1
fi
echo "test-install: every check passed"
