#!/usr/bin/env python3
"""Audio levels against ffmpeg, in one run: CPU per second of audio.

Issue 19's cost target: metering a followed stream (decoding it and measuring its level)
must cost no more than `ffmpeg -af astats` on the same stream. This script makes one MP3 with
ffmpeg (pink noise, 128 kbit/s stereo, 44.1 kHz; --minutes long), then runs, alternately and
--rounds times each, `streamd-levels-bench FILE` (libmpg123 + StreamAudio's per-second peak
and RMS, fed in 16 KiB chunks) and `ffmpeg -threads 1 -i FILE -af astats=reset=44100 -f null -`
(libavcodec's MP3 decoder + astats, one thread). Each run's CPU (utime + stime of the child,
from wait4) is divided by the seconds of audio: ms of CPU per second of audio, and the ratio.

--codec vorbis or opus does the same with Ogg Vorbis (libvorbis, 128 kbit/s) or Ogg Opus
(libopus, 128 kbit/s, decoded at 48 kHz): streamd's libogg + libvorbis or libopus against
libavcodec's own Vorbis or Opus decoder + astats (reset each second of the decoded rate).

Usage: Benchmarks/levels_vs_ffmpeg.py [--minutes M] [--rounds R] [--bench PATH] [--codec mp3|vorbis|opus]
Needs ffmpeg with libmp3lame, libvorbis and libopus (Debian's ffmpeg).
"""
import argparse, os, resource, shutil, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# codec: (file suffix, ffmpeg encoder arguments, decoded sample rate, label, streamd's libraries)
CODECS = {
    "mp3": ("mp3", ["-c:a", "libmp3lame", "-b:a", "128k"], 44100, "MP3", "libmpg123"),
    "vorbis": ("ogg", ["-c:a", "libvorbis", "-b:a", "128k"], 44100, "Ogg Vorbis", "libvorbis"),
    "opus": ("opus", ["-c:a", "libopus", "-b:a", "128k", "-f", "ogg"], 48000, "Ogg Opus", "libopus"),
}


def child_cpu(command):
    """Runs `command`; returns (its CPU seconds, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[:400]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bench", default=os.path.join(HERE, "..", ".build-bench", "release", "streamd-levels-bench"))
    parser.add_argument("--codec", choices=sorted(CODECS), default="mp3")
    args = parser.parse_args()
    suffix, encoder, rate, label, decoder = CODECS[args.codec]
    ffmpeg = shutil.which("ffmpeg") or sys.exit("ffmpeg is not installed: apt-get install ffmpeg")
    if not os.access(args.bench, os.X_OK):
        sys.exit(f"{args.bench} missing: swift build -c release --scratch-path .build-bench --product streamd-levels-bench")
    seconds = int(args.minutes * 60)
    with tempfile.TemporaryDirectory() as folder:
        mp3 = os.path.join(folder, f"noise.{suffix}")
        subprocess.run([ffmpeg, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                        f"anoisesrc=d={seconds}:c=pink:r=44100:a=0.3", "-ac", "2"] + encoder + [mp3], check=True)
        ours, theirs = [], []
        for _ in range(args.rounds):
            cpu, out = child_cpu([args.bench, mp3])
            measured = int(out.split()[1])
            if abs(measured - seconds) > 1:
                sys.exit(f"streamd-levels-bench measured {measured} s of {seconds}: {out.strip()}")
            ours.append(cpu)
            cpu, _ = child_cpu([ffmpeg, "-nostdin", "-loglevel", "error", "-threads", "1", "-i", mp3,
                                "-af", f"astats=measure_perchannel=none:reset={rate}", "-f", "null", "-"])
            theirs.append(cpu)
    ms_ours = statistics.median(ours) / seconds * 1000
    ms_theirs = statistics.median(theirs) / seconds * 1000
    print(f"audio levels, {seconds} s of 128 kbit/s stereo {label}, median of {args.rounds} alternated runs")
    print(f"  streamd ({decoder} + StreamAudio)".ljust(37) + f"{ms_ours:6.3f} ms CPU per audio second")
    print(f"  ffmpeg -af astats (one thread)     {ms_theirs:6.3f} ms CPU per audio second")
    print(f"  ratio streamd / ffmpeg             {ms_ours / ms_theirs:6.2f}x  (target: <= 1)")


if __name__ == "__main__":
    main()
