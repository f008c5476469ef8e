#!/usr/bin/env python3
"""Fails when a target of streamd reaches into a room it may not use.

The rooms and what each may use are the table below (README, "Architecture", draws the same
picture). Two checks, because SwiftPM lets a file import any module already built, declared or
not: the dependencies Package.swift declares (`swift package dump-package`), and the `import`
lines of every source file of the target.

Usage: scripts/check-architecture.py   (from anywhere; exits 1 and says what is wrong)
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What each first-party target may depend on (targets of this package and products of
# others). Modules every target may import: the standard library's and the system's.
ALLOWED = {
    "CCurl": set(),
    "CMalloc": set(),
    "CMosquitto": set(),
    "CCrypto": set(),
    "CMpg123": set(),
    "CFaad": set(),
    "COggAudio": set(),
    "StreamFormats": set(),
    "StreamAudio": {"CMpg123", "CFaad", "COggAudio"},
    "StreamHTTP": {"CCurl", "NIOConcurrencyHelpers", "HeapModule"},
    "StreamState": {"StreamFormats", "NIOConcurrencyHelpers", "HeapModule"},
    # CTOML: TOMLKit's own C layer, for the reads that free TOMLKit's copies
    # (TOMLKit+FreedReads.swift); it comes with the TOMLKit product.
    "StreamConfig": {"StreamState", "StreamFormats", "TOMLKit", "CTOML"},
    "StreamWatch": {"StreamHTTP", "StreamState", "StreamFormats", "StreamAudio", "Logging", "Metrics", "NIOConcurrencyHelpers", "HeapModule"},
    "StreamAPI": {"StreamState", "StreamFormats", "Logging", "NIOCore", "NIOPosix", "NIOHTTP1", "NIOConcurrencyHelpers",
                  "Metrics", "Prometheus"},
    "StreamMQTT": {"CMosquitto", "StreamState", "StreamFormats", "Logging", "Metrics", "NIOConcurrencyHelpers"},
    "StreamOutputs": {"CCrypto", "StreamHTTP", "StreamState", "Logging", "NIOCore", "NIOPosix", "NIOConcurrencyHelpers"},
    "StreamClient": {"StreamHTTP", "StreamMQTT", "StreamState", "StreamFormats", "NIOConcurrencyHelpers"},
    "StreamDemo": {"StreamFormats", "NIOCore", "NIOPosix", "NIOConcurrencyHelpers"},
    "StreamService": {"CMalloc", "StreamHTTP", "StreamState", "StreamConfig", "StreamWatch", "StreamAPI", "StreamMQTT",
                      "StreamOutputs", "StreamFormats", "Logging", "Metrics", "Prometheus", "ServiceLifecycle", "UnixSignals",
                      "NIOConcurrencyHelpers"},
    "StreamDaemon": {"StreamService", "StreamClient", "StreamDemo", "StreamConfig", "StreamWatch", "StreamMQTT",
                     "StreamAPI", "StreamState", "StreamFormats", "StreamHTTP", "Logging",
                     "ArgumentParser", "ServiceLifecycle", "UnixSignals", "NIOConcurrencyHelpers"},
}
SYSTEM = {"Foundation", "FoundationEssentials", "FoundationXML", "Dispatch", "Glibc", "Darwin",
          "Synchronization", "_Concurrency", "Musl"}


def main() -> int:
    dump = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True)
    if dump.returncode != 0:
        print(dump.stderr, file=sys.stderr)
        print("check-architecture: swift package dump-package failed", file=sys.stderr)
        return 1
    package = json.loads(dump.stdout)
    problems = []
    seen = set()
    for target in package["targets"]:
        name = target["name"]
        if target["type"] in ("test",) or name in ("StreamTestSupport", "streamd-bench", "streamd-levels-bench"):
            continue
        seen.add(name)
        if name not in ALLOWED:
            problems.append(f"{name}: a new target; add it to the table in scripts/check-architecture.py and to README's Architecture")
            continue
        declared = set()
        for dependency in target.get("dependencies", []):
            for kind in ("byName", "target", "product"):
                if kind in dependency:
                    declared.add(dependency[kind][0])
        for extra in sorted(declared - ALLOWED[name]):
            problems.append(f"{name} depends on {extra} in Package.swift, which its room may not use")
        path = target.get("path") or os.path.join("Sources", name)
        for folder, _, files in os.walk(os.path.join(ROOT, path)):
            for file in files:
                if not file.endswith(".swift"):
                    continue
                full = os.path.join(folder, file)
                with open(full, encoding="utf-8") as handle:
                    for number, line in enumerate(handle, 1):
                        match = re.match(r"\s*(?:@\w+\s+)*import\s+(?:struct\s+|class\s+|enum\s+|func\s+)?(\w+)", line)
                        if match and match.group(1) not in SYSTEM and match.group(1) not in ALLOWED[name]:
                            problems.append(f"{os.path.relpath(full, ROOT)}:{number}: {name} may not import {match.group(1)}")
    for missing in sorted(set(ALLOWED) - seen):
        problems.append(f"{missing}: in the table but not in Package.swift")
    for problem in problems:
        print(f"check-architecture: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check-architecture: {len(seen)} targets keep to their rooms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
