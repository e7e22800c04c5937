"""Training frames of the relational generator: child counts, context, positions, lags, gaps.

Column names the generator adds (never a real column's name, checked at fit)::

    __n_<child>   children of this row in table <child> (on the parent's model)
    __nsib        rows of this table under the same parent (context of a child's model)
    __p_<col>     the parent row's column (context), __g_<col> the grandparent's
    __pos         position in the parent's sequence, 0, 1, 2, ... (sequences)
    __prev_<col>  the previous event's column (lag 1; null at position 0), __prev_gap likewise
    __seen<i>_<col>  whether the i-th category of a sequence's categorical column came at an earlier
                  position of the same parent (the history beyond lag 1: events that happen once)
    __start       the first event's order_by (relative to the parent's date where it has one)
    __at          which landmark the event sits exactly on ("0", "1", ...; "-" none): an order_by value
                  that many subjects' events share (day 0 of a cohort, the enlistment day itself)
    __gap         order_by minus the previous event's (null at position 0)

Value protection by subject: in a child or grandchild table one subject (a root row) may hold
many rows, so the single-table model's row counts would let one subject's rare category or
extreme value through. Before the model sees a non-root table, a category held by fewer than
``value_protection`` subjects becomes the model's rare placeholder and numbers and dates are
clipped to the range that at least that many subjects reach on each side.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthgate.generators import _frames
from synthgate.generators._ar_columns import RARE

PREFIX = "__"


def count_name(child: str) -> str:
    return f"{PREFIX}n_{child}"


def parent_positions(plan: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> dict[str, np.ndarray]:
    """Per non-root table: each row's parent row position (-1 for an orphan or a missing key)."""
    out = {}
    for name in plan["order"]:
        tp = plan["tables"][name]
        if tp["parent"] is None:
            continue
        parent_keys = tables[tp["parent"]][tp["parent_key"]]
        lookup = pd.Series(np.arange(len(parent_keys)), index=pd.Index(parent_keys.astype(str)))
        keys = tables[name][tp["fk"]]
        pos = lookup.reindex(keys.astype(str).where(keys.notna(), None)).to_numpy()
        out[name] = np.where(pd.isna(pos), -1, pos).astype(np.int64)
    return out


def subjects_of(plan: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
                parents: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per table: each row's subject (root row position; -1 when its chain is broken)."""
    out: dict[str, np.ndarray] = {}
    for name in plan["order"]:
        tp = plan["tables"][name]
        if tp["parent"] is None:
            out[name] = np.arange(len(tables[name]))
        else:
            up = out[tp["parent"]]
            pos = parents[name]
            out[name] = np.where(pos >= 0, up[np.maximum(pos, 0)], -1)
    return out


def canonical(frame: pd.DataFrame, columns: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame({c: _frames.to_canonical(frame[c], c, k) for c, k in columns}, index=frame.index)


def informative(candidates: pd.DataFrame, kinds: Mapping[str, str], target: np.ndarray, cap: int) -> list[str]:
    """The ``cap`` columns of ``candidates`` that tell most about ``target`` (child counts per row).

    Score: |Spearman correlation| for numbers, dates and booleans; the correlation ratio for
    categories. Ties keep the table's order.
    """
    if len(candidates.columns) <= cap:
        return list(candidates.columns)
    y = pd.Series(target, dtype=float, index=candidates.index)
    scores = {}
    for name in candidates.columns:
        column, kind = candidates[name], kinds[name]
        if kind == "categorical":
            codes = column.astype(object).where(column.notna(), "\0na")
            means = y.groupby(codes).transform("mean")
            total = float(((y - y.mean()) ** 2).sum())
            scores[name] = float(((means - y.mean()) ** 2).sum()) / total if total > 0 else 0.0
        else:
            values = (column.astype("int64") if kind == "datetime" else column).astype(float)
            values = values.where(column.notna())
            score = values.rank().corr(y.rank()) if values.notna().sum() > 2 else 0.0
            scores[name] = 0.0 if pd.isna(score) else abs(float(score))
    return sorted(candidates.columns, key=lambda c: -scores[c])[:cap]


HISTORY_CATEGORIES = 16  # a categorical sequence column with more categories gets no "seen before" flags


def seen_name(column: str, index: int) -> str:
    return f"{PREFIX}seen{index}_{column}"


def history_categories(column: pd.Series, subject: np.ndarray, threshold: int) -> list[str] | None:
    """The categories (as text, sorted) whose earlier occurrence a sequence's model is told, or None.

    Only categories that at least ``threshold`` subjects hold (the rule of ``protect_by_subject``,
    so a flag never marks the few subjects with a rare category); None when more than
    ``HISTORY_CATEGORIES`` remain (a flag per category would outweigh the row) or none do.
    """
    text = category_text_of(column)
    present = text.notna().to_numpy()
    holders = pd.Series(subject[present]).groupby(text[present].to_numpy()).nunique()
    kept = sorted(str(c) for c in holders.index[holders >= max(threshold, 1)])
    return kept if 0 < len(kept) <= HISTORY_CATEGORIES else None


LANDMARK_SHARE = 0.02  # an exact order_by value (from the parent's date) holding this share of events
LANDMARKS = 3  # most landmarks per sequence table
NO_LANDMARK = "-"


def landmarks(values: np.ndarray, subject: np.ndarray, threshold: int) -> list[float]:
    """Exact values that at least ``LANDMARK_SHARE`` of the events and ``threshold`` subjects share, commonest first.

    A sum of drawn gaps never lands exactly on such a value, so without this a cohort's day 0 (the
    diagnosis every subject's sequence is counted from) becomes a smear around it.
    """
    values = np.asarray(values, dtype=float)
    known = ~np.isnan(values)
    if not known.any():
        return []
    frame = pd.DataFrame({"v": values[known], "s": subject[known]})
    events, holders = frame["v"].value_counts(), frame.groupby("v")["s"].nunique()
    keep = events[(events >= LANDMARK_SHARE * known.sum()) & (holders.reindex(events.index) >= max(threshold, 1))]
    return [float(v) for v in keep.index[:LANDMARKS]]


def landmark_codes(values: np.ndarray, marks: list[float]) -> pd.Series:
    """Each event's landmark as text ("0", "1", ...), or ``NO_LANDMARK``."""
    values = np.asarray(values, dtype=float)
    codes = np.full(len(values), NO_LANDMARK, dtype=object)
    for j, mark in enumerate(marks):
        codes[values == mark] = str(j)
    return pd.Series(codes, dtype=object)


def category_codes(column: pd.Series, categories: list[str]) -> np.ndarray:
    """Each value's index in ``categories`` (-1: null or another category)."""
    codes = category_text_of(column).map({c: i for i, c in enumerate(categories)})
    return codes.fillna(-1).to_numpy(dtype=np.int64)


def seen_before(codes: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """(rows, n) booleans: category i came at an earlier row of the same group (rows in sequence order)."""
    hot = np.zeros((len(codes), n), dtype=np.int64)
    known = codes >= 0
    hot[np.flatnonzero(known), codes[known]] = 1
    running = pd.DataFrame(hot).groupby(np.asarray(group), sort=False).cumsum().to_numpy()
    return (running - hot) > 0


def category_text_of(column: pd.Series) -> pd.Series:
    """Values as text, nulls kept (a category's identity across training and sampling)."""
    return column.astype(object).map(lambda v: None if pd.isna(v) else str(v))


def protect_by_subject(frame: pd.DataFrame, kinds: Mapping[str, str], subject: np.ndarray,
                       threshold: int) -> pd.DataFrame:
    """``frame`` with values that fewer than ``threshold`` subjects hold made rare or clipped."""
    if threshold <= 1:
        return frame
    out = frame.copy()
    subject = pd.Series(subject, index=frame.index)
    for name in frame.columns:
        kind, column = kinds[name], frame[name]
        if kind == "boolean" or column.notna().sum() == 0:
            continue
        present = column.notna()
        if kind == "categorical":
            holders = subject[present].groupby(column[present]).nunique()
            rare = set(holders.index[holders < threshold])
            if rare:
                out[name] = column.where(~column.isin(rare), RARE)
            continue
        grouped = column[present].groupby(subject[present])
        lows, highs = grouped.min().sort_values(), grouped.max().sort_values()
        if len(lows) < threshold:
            out[name] = column.where(pd.Series(False, index=column.index))  # too few subjects: nothing to learn
            continue
        low, high = lows.iloc[threshold - 1], highs.iloc[-threshold]
        if low > high:
            low = high
        out[name] = column.clip(lower=low, upper=high)
    return out


def to_days(values: pd.Series) -> pd.Series:
    """A datetime series as float days since 1970-01-01 (NaN for NaT)."""
    return (values - pd.Timestamp(0)) / pd.Timedelta(days=1)


def from_days(days: np.ndarray) -> pd.Series:
    return pd.Timestamp(0) + pd.to_timedelta(pd.Series(days, dtype=float), unit="D")
