"""``make bench``: customer search and listing measured at scale (see README, Performance)."""

from pathlib import Path


def peak_resident_mb() -> float:
    """This process's peak resident memory since it started (``VmHWM``), in MB.

    Not ``ru_maxrss``: Linux keeps it across ``exec``, so a child started by a parent that had
    grown to 500 MB (``make bench`` after its 1,000,000-row scenarios) would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("/proc/self/status has no VmHWM line")
