"""What the benchmarks read of a process from /proc: CPU time and resident memory."""
import os


def cpu_seconds(*pids):
    """User and system CPU seconds of `pids` together (a process that is gone counts 0)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except FileNotFoundError:
            pass
    return total


def rss_mib(pid):
    """Resident memory of `pid`, MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_anon_mib(pid):
    """Resident anonymous memory of `pid` (the heap and stacks, not the mapped binary and
    libraries, whose pages come in as code is first run), MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


def descriptors(pid):
    """Open file descriptors of `pid`."""
    return len(os.listdir(f"/proc/{pid}/fd"))
