"""Protected bounds: the k-th smallest and largest value, rounded outward past every rare value."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
import pandas as pd

SIGNIFICANT_DIGITS = 2


def round_outward(value: float, *, up: bool, digits: int = SIGNIFICANT_DIGITS) -> float:
    """Round ``value`` to ``digits`` significant figures, away from the data's interior.

    ``up=True`` rounds towards +inf (for a maximum), ``up=False`` towards -inf (for a minimum),
    so the rounded range always contains the real one. Values that already have at most
    ``digits`` significant figures are unchanged (17 stays 17; 1234.5 becomes 1200 as a
    minimum and 1300 as a maximum). Decimal arithmetic on ``repr`` avoids binary noise
    (0.012 stays 0.012 instead of ceiling to 0.013).

    Args:
        value: The exact bound.
        up: Round towards +inf instead of -inf.
        digits: Significant figures to keep.

    Returns:
        The rounded bound as a float (0 and non-finite values are returned unchanged).
    """
    if value == 0 or not math.isfinite(value):
        return float(value)
    exact = Decimal(repr(float(value)))
    quantum = Decimal(1).scaleb(exact.adjusted() - (digits - 1))
    return float(exact.quantize(quantum, rounding=ROUND_CEILING if up else ROUND_FLOOR))


def share_up(share: float) -> float:
    """A share rounded up to 0.001 (published shares are coarse and never understate)."""
    return min(1.0, math.ceil(round(float(share) * 1000, 6)) / 1000)


def order_index(count: int, k: int) -> int:
    """Which order statistic bounds a column of ``count`` values: the k-th, as the generator.

    The autoregressive generator clips to its k-th smallest and largest values with
    ``k = min(protection, max(1, count // 2))`` (so a tiny column keeps a range at all); the
    profile uses the same rank so that the generator's output lies inside the published bounds.
    """
    return min(k, max(1, count // 2))


def numeric_bounds(values: np.ndarray, k: int) -> tuple[float | None, float | None, float]:
    """Protected (low, high) of finite ``values`` and the share of values outside them.

    Each bound starts from the k-th smallest (largest) value, is rounded outward to 2
    significant figures and, while it equals a value held by 1 to k-1 rows, moved further
    out (first to 1 significant figure, then in steps of that figure), so no bound names a
    value fewer than k rows hold.
    """
    if len(values) == 0:
        return None, None, 0.0
    ordered = np.sort(values)
    rank = order_index(len(ordered), k)
    rare = _rare(pd.Series(ordered), k)
    low = _outward(float(ordered[rank - 1]), up=False, rare=rare)
    high = _outward(float(ordered[-rank]), up=True, rare=rare)
    outside = float(np.mean((ordered < low) | (ordered > high)))
    return low, high, share_up(outside)


def month_bounds(stamps: pd.Series, k: int) -> tuple[str | None, str | None, float]:
    """Protected (low, high) ISO dates of naive UTC ``stamps`` and the share outside them.

    The k-th earliest (latest) stamp widened to a month start, moved a month further out
    while that month start is a stamp held by 1 to k-1 rows.
    """
    stamps = stamps.dropna()
    if stamps.empty:
        return None, None, 0.0
    ordered = stamps.sort_values().reset_index(drop=True)
    rank = order_index(len(ordered), k)
    rare = _rare(ordered, k)
    low_value, high_value = ordered.iloc[rank - 1], ordered.iloc[len(ordered) - rank]
    floor = low_value.to_period("M").start_time
    ceil = high_value.to_period("M").start_time
    if ceil < high_value:
        ceil = (high_value.to_period("M") + 1).start_time
    while floor in rare:
        floor = (floor.to_period("M") - 1).start_time
    while ceil in rare:
        ceil = (ceil.to_period("M") + 1).start_time
    outside = float(((ordered < floor) | (ordered > ceil)).mean())
    return floor.strftime("%Y-%m-%d"), ceil.strftime("%Y-%m-%d"), share_up(outside)


def _rare(values: pd.Series, k: int) -> frozenset:
    """The values held by at least one and fewer than ``k`` rows."""
    counts = values.value_counts()
    return frozenset(counts.index[counts < k])


def _outward(value: float, *, up: bool, rare: frozenset) -> float:
    candidate = round_outward(value, up=up)
    if candidate not in rare:
        return candidate
    # A coarser bound first: stepping one unit at a time past a run of rare values would put
    # the bound right next to the most extreme of them.
    candidate = round_outward(value, up=up, digits=1)
    while candidate in rare:
        scale = abs(candidate) or abs(value) or 1.0
        step = Decimal(1).scaleb(Decimal(repr(scale)).adjusted())
        exact = Decimal(repr(candidate))
        candidate = float(exact + step if up else exact - step)
    return candidate
