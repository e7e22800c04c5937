"""The peak resident memory of this process alone, for the benchmarks' child processes."""
from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """VmHWM from /proc/self/status: the high-water mark of this process's own memory, in MB.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` is not that in a child process: Linux keeps the larger of
    the parent's peak and the child's across fork and exec, so every fit of a benchmark whose parent
    had loaded a large table reported at least the parent's size (a child that peaked at 14 MB read
    813 MB under an 813 MB parent). Falls back to ``ru_maxrss`` where /proc is not there.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
