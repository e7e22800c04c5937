"""Training threads on a shared machine: one per free core, never more than the caller allows."""
from __future__ import annotations

import pytest
import torch

from synthgate.generators import _threads
from synthgate.generators._threads import SMALL_WORK, busy_cores, choose_threads, torch_threads, training_threads

BIG = SMALL_WORK * 10


@pytest.mark.parametrize(("cores", "busy", "cap", "expected"), [
    (2, 0.0, 2, 2),     # a quiet machine: every core
    (2, 0.3, 2, 2),     # background noise does not take a core
    (2, 1.0, 2, 1),     # a second CPU-bound process: the free core only
    (2, 6.5, 2, 1),     # seven jobs on two cores: still one thread, never zero
    (16, 4.2, 16, 12),  # a big machine with four busy cores
    (16, 0.0, 4, 4),    # the caller's own limit (torch.set_num_threads) holds
    (4, 0.0, 8, 4),     # never more than the affinity allows
])
def test_one_thread_per_free_core(cores, busy, cap, expected):
    # Setup / Run
    threads = choose_threads(cores=cores, busy=busy, cap=cap, work=BIG)

    # Assert
    assert threads == expected


def test_a_small_table_trains_on_one_thread_whatever_the_machine():
    # Setup / Run
    threads = choose_threads(cores=16, busy=0.0, cap=16, work=SMALL_WORK - 1)

    # Assert: a second thread costs more than it saves there, and one thread keeps refits bit-identical
    assert threads == 1


def test_busy_cores_counts_the_machine_s_busy_share_over_the_window(monkeypatch):
    # Setup: /proc/stat moves by 300 busy of 400 jiffies on a 2-CPU machine
    readings = iter([(1_000, 5_000), (1_300, 5_400)])
    monkeypatch.setattr(_threads, "_cpu_times", lambda: next(readings))
    monkeypatch.setattr(_threads.time, "process_time", lambda: 7.0)  # we used no CPU in the window
    monkeypatch.setattr(_threads.os, "cpu_count", lambda: 2)

    # Run
    busy = busy_cores(window_s=0.0)

    # Assert
    assert busy == pytest.approx(1.5)


def test_our_own_cpu_time_is_not_counted_as_another_process(monkeypatch):
    # Setup: 300 busy of 400 jiffies (2 CPUs, 2 s) of which 1.0 s (100 jiffies) was our own encoding
    readings = iter([(1_000, 5_000), (1_300, 5_400)])
    own = iter([3.0, 4.0])
    monkeypatch.setattr(_threads, "_cpu_times", lambda: next(readings))
    monkeypatch.setattr(_threads.time, "process_time", lambda: next(own))
    monkeypatch.setattr(_threads, "_CLOCK_TICKS", 100)
    monkeypatch.setattr(_threads.os, "cpu_count", lambda: 2)

    # Run
    busy = busy_cores(window_s=0.0)

    # Assert: one core's worth of others' work (200 of 400 jiffies), not the 1.5 the machine shows
    assert busy == pytest.approx(1.0)


def _mark_aged(monkeypatch, age_s: float) -> tuple[_threads.LoadMark, list[float]]:
    """A mark on a quiet 400-jiffy window, read ``age_s`` seconds after it was taken; the pauses asked for."""
    readings = iter([(1_000, 5_000), (1_000, 5_400)])
    monkeypatch.setattr(_threads, "_cpu_times", lambda: next(readings))
    mark = _threads.load_mark()
    monkeypatch.setattr(_threads.time, "monotonic", lambda: mark.wall_s + age_s)
    pauses: list[float] = []
    monkeypatch.setattr(_threads.time, "sleep", pauses.append)
    return mark, pauses


def test_a_mark_taken_at_the_fit_s_start_measures_without_a_pause(monkeypatch):
    # Setup: the mark is older than the window, so the encoding time was the window
    mark, pauses = _mark_aged(monkeypatch, 1.0)

    # Run
    busy = busy_cores(window_s=0.25, since=mark)

    # Assert: a quiet machine, and no more than a zero pause
    assert busy == 0.0 and all(pause == 0.0 for pause in pauses)


def test_a_fresh_mark_is_waited_out_to_the_window(monkeypatch):
    # Setup
    mark, pauses = _mark_aged(monkeypatch, 0.05)

    # Run
    busy_cores(window_s=0.25, since=mark)

    # Assert
    assert pauses == [pytest.approx(0.2)]


def test_a_fit_s_mark_is_waited_out_only_to_the_short_window(monkeypatch):
    # Setup: the fit began 0.05 s ago (its encoding took that long)
    mark, pauses = _mark_aged(monkeypatch, 0.05)
    monkeypatch.setattr(_threads, "allowed_cores", lambda: 2)

    # Run
    training_threads(None, work=BIG, since=mark)

    # Assert: 0.1 s in all, not the 0.25 s of a fresh measurement
    assert pauses == [pytest.approx(_threads.MARKED_WINDOW_S - 0.05)] and _threads.MARKED_WINDOW_S == 0.1


def test_the_short_window_still_sees_a_core_another_process_keeps_busy():
    """The real /proc/stat: a spinning child process over a 0.1 s window counts as (nearly) a core."""
    import subprocess
    import sys
    import time

    # Setup
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)  # the child is running
        readings = []

        # Run: five windows of 0.1 s, each from a mark as a fit takes it
        for _ in range(5):
            readings.append(busy_cores(_threads.MARKED_WINDOW_S, since=_threads.load_mark()))
    finally:
        spinner.kill()
        spinner.wait()

    # Assert: the half-core threshold is crossed in every window (tick counts are coarse, not that coarse)
    assert min(readings) >= 0.6, readings


def test_busy_cores_falls_back_to_the_load_average_off_linux(monkeypatch):
    # Setup
    monkeypatch.setattr(_threads, "_cpu_times", lambda: None)
    monkeypatch.setattr(_threads.os, "getloadavg", lambda: (0.8, 0.5, 0.2))

    # Run / Assert
    assert busy_cores(window_s=0.0) == pytest.approx(0.8)


def test_a_requested_count_wins_and_the_previous_count_comes_back():
    # Setup
    before = torch.get_num_threads()

    # Run
    chosen = training_threads(1, work=BIG)
    with torch_threads(chosen):
        inside = torch.get_num_threads()

    # Assert
    assert chosen == 1 and inside == 1 and torch.get_num_threads() == before


def test_the_automatic_choice_stays_within_the_affinity_and_torch_s_limit():
    # Setup / Run
    chosen = training_threads(None, work=BIG)

    # Assert
    assert 1 <= chosen <= min(_threads.allowed_cores(), torch.get_num_threads())


def test_a_small_table_skips_the_load_measurement(monkeypatch):
    # Setup: measuring would fail the test
    def measured(*args, **kwargs):
        raise AssertionError("busy_cores was called")

    monkeypatch.setattr(_threads, "busy_cores", measured)

    # Run / Assert
    assert training_threads(None, work=SMALL_WORK - 1) == 1
