"""The observation window of a sequence table: events are drawn inside it, as real ones were recorded.

Real event tables are censored: an extract holds no event after its date (nor before the date it
starts from), and a subject's events end where its follow-up does. The relational generator draws
a sequence's ``order_by`` as a start plus gaps; drawn freely, starts and gaps sum past the end of
the window (on the defense demo 26% of posting dates and 37% of visit dates fell after the latest
real one). So each sequence table learns its window and every step sees it:

- the window is ``[low, high]`` of order_by, protected as the model's ranges are: the value that at
  least ``value_protection`` subjects reach at each end, never one subject's extreme; where a
  parent column of order_by's kind bounds the events of 99% of the parents that have some (a
  follow-up time, nafld1's ``futime`` for nafld3's ``days``), the window of each parent ends at
  that column's value (capped at ``high``);
- four context columns tell each step where it stands: ``__left``, the time from the previous event
  (for the first event: from the parent's date, else from ``low``) to the end of the window,
  ``__pace``, that time divided by the events still to come (this one included: the parent model
  drew their number), ``__since``, for the first event, the parent's date minus ``low``, and
  ``__rest``, the events after this one (the last event is often special: a current posting has no
  end date); the model learns gaps and starts given the time left, so a parent near the end draws
  short gaps;
- sampling keeps the window: an event drawn outside it is drawn again from the model with the same
  context (the model's distribution truncated to the window, which is what a censored table shows);
  after ``RETRIES`` draws the few left are moved to a uniform point between the previous event (the
  window's start, the parent's date) and it plus the time left per event to come. The number of events per
  parent is the parent model's, never cut. Redrawn and moved events are counted (``last_sample``).

Under differential privacy no window is learned (its ends and its bounding column are read off the
rows); the draw is the unconstrained start plus gaps.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

BOUND_SHARE = 0.99  # a parent column bounds the window when it bounds this share of the parents with events
RETRIES = 10  # draws of an event outside its window before it is moved to the edge
PACE_CORRELATION = 0.3  # gaps at least this correlated with the time left per event are learned as shares of it


def learn_window(days: np.ndarray, ppos: np.ndarray, subjects: np.ndarray, parent: pd.DataFrame,
                 tp: Mapping[str, Any], ptp: Mapping[str, Any], anchor: str | None) -> dict[str, Any]:
    """The window of a sequence table from its training rows (order_by in days or numbers, parent positions)."""
    frame = pd.DataFrame({"days": days, "subject": subjects})
    lows = np.sort(frame.groupby("subject")["days"].min().to_numpy())
    highs = np.sort(frame.groupby("subject")["days"].max().to_numpy())
    k = max(1, min(int(tp.get("protection", 1)), len(lows)))
    low, high = float(lows[k - 1]), float(highs[-k])
    kind = dict((c, k_) for c, k_ in tp["columns"])[tp["order_by"]]
    column, best = None, np.inf
    last = pd.Series(days).groupby(ppos).max()
    for c, pkind in ptp["columns"]:
        if pkind != kind or c == anchor:
            continue
        bound = _as_days(parent[c], kind).to_numpy()[last.index.to_numpy()]
        known = ~np.isnan(bound)
        if known.mean() < BOUND_SHARE or not known.any():
            continue
        slack = bound[known] - last.to_numpy()[known]
        if (slack >= 0).mean() >= BOUND_SHARE and np.median(slack) < best:
            column, best = c, float(np.median(slack))
    return {"low": low, "high": high, "column": column, "kind": kind, "scale": {"start": "gap", "gap": "gap"}}


def ends(window: Mapping[str, Any], parent: pd.DataFrame, ppos: np.ndarray) -> np.ndarray:
    """Each row's end of the window: its parent's bounding column (capped at ``high``), else ``high``."""
    high = float(window["high"])
    if window.get("column") is None or window["column"] not in parent:
        return np.full(len(ppos), high)
    bound = _as_days(parent[window["column"]], window["kind"]).to_numpy()[ppos]
    return np.where(np.isnan(bound), high, np.minimum(bound, high))


def context(window: Mapping[str, Any], end: np.ndarray, previous: np.ndarray, position: np.ndarray,
            siblings: np.ndarray, anchor_days: np.ndarray | None) -> dict[str, np.ndarray]:
    """``__left``, ``__pace``, ``__since`` and ``__rest`` of each step (previous: the previous event's order_by,
    NaN at position 0; siblings: the parent's events in this table)."""
    first = position == 0
    low = float(window["low"])
    left = end - reference(window, previous, position, anchor_days)
    remaining = np.maximum(np.asarray(siblings, dtype=float) - position, 1.0)  # this event and those after it
    since = np.where(first, anchor_days - low, np.nan) if anchor_days is not None else np.full(len(end), np.nan)
    return {"__left": left, "__pace": left / remaining, "__since": since.astype(float), "__rest": remaining - 1}


def reference(window: Mapping[str, Any], previous: np.ndarray, position: np.ndarray,
              anchor_days: np.ndarray | None) -> np.ndarray:
    """Where each step's time is counted from: the previous event; for the first, the parent's date or the
    window's start, whichever is later (NaN: a parent without a date)."""
    low = float(window["low"])
    origin = np.maximum(anchor_days, low) if anchor_days is not None else np.full(len(position), low)
    return np.where(position == 0, origin, previous).astype(float)


def choose_scale(window: dict[str, Any], gap: np.ndarray, pace: np.ndarray) -> None:
    """Learn gaps as shares of the time left where they grow with the time left per event (Spearman's
    correlation of the real gaps with ``__pace`` at least ``PACE_CORRELATION``: events spread over the
    window, as clinic visits are), else as days or numbers (scheduled visits, whose gaps do not)."""
    known = ~np.isnan(gap) & ~np.isnan(pace)
    rho = pd.Series(gap[known]).rank().corr(pd.Series(pace[known]).rank()) if known.sum() > 2 else np.nan
    rho = 0.0 if pd.isna(rho) else float(rho)
    window["pace_correlation"] = round(rho, 3)
    window["scale"]["gap"] = "fraction" if rho >= PACE_CORRELATION else "gap"


def fraction(value: np.ndarray, ref: np.ndarray, left: np.ndarray) -> np.ndarray:
    """The share of the time left that a step takes: (value - ref) / left (0 where no time is left)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (value - ref) / left
    return np.where(left > 0, share, np.where(np.isnan(left), np.nan, 0.0))


def outside(window: Mapping[str, Any], value: np.ndarray, end: np.ndarray, first: bool) -> np.ndarray:
    """Where a drawn order_by (days or number; NaN: not drawn) lies outside its window."""
    bad = np.isnan(value) | (value > end + 1e-9)
    if first:
        bad |= value < float(window["low"]) - 1e-9
    return bad


def _as_days(values: pd.Series, kind: str) -> pd.Series:
    if kind == "datetime":
        return (pd.to_datetime(values) - pd.Timestamp(0)) / pd.Timedelta(days=1)
    return pd.to_numeric(values, errors="coerce").astype(float)
