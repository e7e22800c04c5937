"""How many CPU threads training uses: the cores this process may run on, less those other processes keep busy.

On a shared machine torch's default (one OpenMP thread per core) oversubscribes: with another
CPU-bound job on one of two cores, both of our threads meet at a barrier after every kernel and
the one that shares a core makes the other wait, so an epoch takes many times longer instead of
twice as long. One thread per free core degrades only in proportion to the cores we get.
"""
from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Rows × sub-columns below which training takes one thread: such fits take seconds, and one thread
# keeps their refits bit-identical (thread counts change float sums). Chosen under load, where a
# second thread only hurt; where a quiet machine's second thread starts to pay is still to measure.
SMALL_WORK = 2_000_000
# Shortest window measured from a mark taken at the fit's start (the encoding time counts in it): /proc/stat
# counts 10 ms ticks, so 0.1 s on 2 cores is 20 ticks, and a core another process keeps busy shows as
# 10 ± 2 of them, far from the half-core threshold. The 0.25 s of a fresh measurement was waited out
# at every fit: 0.15 s, 5% of a cps1988 fit.
MARKED_WINDOW_S = 0.1
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # jiffies per second in /proc/stat


def allowed_cores() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one, else the CPU count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of the whole machine from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(part) for part in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


@dataclass(frozen=True)
class LoadMark:
    """A reading to measure the machine's load from: /proc/stat's jiffies, our own CPU time, the clock."""

    machine: tuple[int, int] | None  # (busy, total) jiffies of all CPUs; None off Linux
    own_s: float  # CPU seconds of this process, all its threads
    wall_s: float


def load_mark() -> LoadMark:
    """Start a measurement of other processes' load (``busy_cores(since=...)``)."""
    return LoadMark(_cpu_times(), time.process_time(), time.monotonic())


def busy_cores(window_s: float = 0.25, *, since: LoadMark | None = None) -> float:
    """Cores kept busy by other processes right now.

    Measured on /proc/stat over a window, less this process's own CPU time, so our own work counts
    neither in the window nor (as it would in the load average) from before it. With ``since``
    the window is the time since that mark (work such as encoding the table can run in it); it is
    waited out to ``window_s`` if shorter. Off Linux: the 1-minute load average.

    Args:
        window_s: Shortest window, in seconds.
        since: Where the window starts (``load_mark``); None: now, and wait ``window_s``.

    Returns:
        Busy cores, between 0 and the machine's CPU count.
    """
    cpus = os.cpu_count() or 1
    mark = since or load_mark()
    if mark.machine is None:
        try:
            return min(float(cpus), os.getloadavg()[0])
        except OSError:
            return 0.0
    time.sleep(max(0.0, window_s - (time.monotonic() - mark.wall_s)))
    after, own_s = _cpu_times(), time.process_time()
    busy, total = after[0] - mark.machine[0], after[1] - mark.machine[1]
    if total <= 0:
        return 0.0
    own = (own_s - mark.own_s) * _CLOCK_TICKS  # in jiffies, as /proc/stat counts
    return min(float(cpus), cpus * max(0.0, busy - own) / total)


def choose_threads(*, cores: int, busy: float, cap: int, work: int, small: int = SMALL_WORK) -> int:
    """Threads for one training run: one per core that is free, at least one, at most ``cap``.

    Args:
        cores: Cores this process may use (its affinity).
        busy: Cores other processes keep busy (``busy_cores``), which may exceed ``cores``.
        cap: Upper bound, e.g. torch's current thread count (a caller's own limit holds).
        work: Rows × sub-columns of the table; small tables train on one thread.
        small: Work below which one thread is used (``SMALL_WORK`` by default).

    Returns:
        A thread count between 1 and ``min(cores, cap)``.
    """
    if work < small:
        return 1
    free = math.floor(cores - busy + 0.5)  # a core busy at least half the time counts as taken
    return int(max(1, min(cores, cap, free)))


def training_threads(requested: int | None, *, work: int, small: int = SMALL_WORK,
                     since: LoadMark | None = None) -> int:
    """The thread count to train with: ``requested`` if given, else chosen from the free cores now.

    ``small``: work below which one thread is used whatever the load (``SMALL_WORK`` by default).
    ``since``: measure the load since this mark (taken when the fit began) instead of pausing for it.
    """
    import torch

    if requested is not None:
        return requested
    if work < small:  # one thread whatever the load: skip the measurement's pause
        return 1
    busy = busy_cores(MARKED_WINDOW_S, since=since) if since is not None else busy_cores()
    return choose_threads(cores=allowed_cores(), busy=busy, cap=torch.get_num_threads(), work=work, small=small)


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block with torch's intra-op thread count set to ``count``, then restore it."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
