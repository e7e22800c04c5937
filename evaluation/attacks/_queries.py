"""Singling-out queries as integer ranges over rank-coded columns, counted for many queries at once."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthgate.evaluation._neighbours import as_floats

NULL = np.int32(np.iinfo(np.int32).max)  # the code of a null in every column; above every value's rank
TOP = NULL - 1  # the upper end of "any value that is not null"
# Rows checked per block of the count (a few arrays of this many int64: tens of MiB).
_BLOCK_ELEMENTS = 1 << 21


@dataclass(frozen=True)
class Queries:
    """Conjunctions of per-column conditions ``lo <= code <= hi`` (``negate``: outside it, and not null).

    An empty range is written (TOP, TOP): no value has that code and null has NULL.

    Attributes:
        cols: int (q, s) column of each condition.
        lo: int32 (q, s) lowest code that matches.
        hi: int32 (q, s) highest code that matches.
        negate: bool (q, s) whether the condition is the complement of the range (never matching null),
            or None when no condition is negated.
    """

    cols: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    negate: np.ndarray | None = None

    def __len__(self) -> int:
        return self.cols.shape[0]

    def keys(self) -> list[bytes]:
        """One key per query, equal for queries that state the same conditions (in any order)."""
        order = np.argsort(self.cols, axis=1, kind="stable")
        parts = [np.take_along_axis(a.astype(np.int64), order, axis=1) for a in (self.cols, self.lo, self.hi)]
        if self.negate is not None:
            parts.append(np.take_along_axis(self.negate.astype(np.int64), order, axis=1))
        stacked = np.ascontiguousarray(np.concatenate(parts, axis=1))
        return [row.tobytes() for row in stacked]

    def subset(self, rows: np.ndarray) -> Queries:
        neg = None if self.negate is None else self.negate[rows]
        return Queries(self.cols[rows], self.lo[rows], self.hi[rows], neg)


@dataclass(frozen=True)
class CodedTables:
    """The three tables rank-coded column by column, deduplicated, column-major ``(columns, rows)``.

    Numbers and datetimes are coded by their rank among the distinct values of all three tables, so
    ``<=`` and ``>=`` on values are ranges of codes; categories get arbitrary codes (only ``==`` is asked).

    Attributes:
        columns: The column names, in order.
        numeric: bool per column, True for numerical and datetime columns.
        train, synthetic, holdout: int32 (columns, unique rows) codes, NULL for null.
        synthetic_values: float64 (columns, unique synthetic rows) values of numeric columns (NaN else),
            for the median rule of the multivariate attack.
    """

    columns: tuple[str, ...]
    numeric: np.ndarray
    train: np.ndarray
    synthetic: np.ndarray
    holdout: np.ndarray
    synthetic_values: np.ndarray


def code_tables(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame,
                kinds: Mapping[str, str]) -> CodedTables:
    """Rank-code and deduplicate the three tables over the columns of ``kinds`` (anonymeter drops duplicates)."""
    columns = tuple(kinds)
    numeric = np.array([kinds[c] in ("numerical", "datetime") for c in columns], dtype=bool)
    frames = (train, synthetic, holdout)
    coded = [np.empty((len(columns), len(f)), dtype=np.int32) for f in frames]
    values = np.full((len(columns), len(synthetic)), np.nan)
    for j, col in enumerate(columns):
        if numeric[j]:
            floats = [as_floats(f[col]) for f in frames]
            distinct = np.unique(np.concatenate(floats))
            distinct = distinct[~np.isnan(distinct)]
            for out, x in zip(coded, floats):
                out[j] = np.where(np.isnan(x), NULL, np.searchsorted(distinct, np.nan_to_num(x)))
            values[j] = floats[1]
        else:
            joined = pd.concat([f[col] for f in frames], ignore_index=True)
            codes, _ = pd.factorize(joined, use_na_sentinel=True)
            codes = np.where(codes < 0, NULL, codes).astype(np.int32)
            bounds = np.cumsum([0] + [len(f) for f in frames])
            for out, a, b in zip(coded, bounds[:-1], bounds[1:]):
                out[j] = codes[a:b]
    unique = [_unique_columns(c) for c in coded]
    return CodedTables(columns=columns, numeric=numeric, train=coded[0][:, unique[0]],
                       synthetic=coded[1][:, unique[1]], holdout=coded[2][:, unique[2]],
                       synthetic_values=values[:, unique[1]])


class RowIndex:
    """One coded table prepared for counting: each column's rows sorted by code, and the rows row-major.

    A condition ``lo <= code <= hi`` then matches a contiguous run of its column's sorted rows, found
    by binary search; a query only checks the rows of its narrowest condition.
    """

    def __init__(self, table: np.ndarray) -> None:
        self.n_columns, self.n_rows = table.shape
        self.order = np.argsort(table, axis=1, kind="stable")
        self.sorted = np.take_along_axis(table, self.order, axis=1)
        self.flat = np.ascontiguousarray(table.T).view(np.uint32).ravel()  # row r, column j at r * C + j


def count_matches(index: RowIndex, queries: Queries) -> np.ndarray:
    """How many rows of the indexed table each query matches, int64 (q,).

    Each query checks every condition on the rows its narrowest (non-negated) condition matches, so
    the work is the sum of those runs rather than queries x rows: a query that singles out a row
    usually has a short run.
    """
    n_queries, n_slots = queries.cols.shape
    counts = np.zeros(n_queries, dtype=np.int64)
    if index.n_rows == 0 or n_queries == 0:
        return counts
    start, size = _runs(index, queries)
    pick = np.argmin(size, axis=1)
    run_start = start[np.arange(n_queries), pick] + queries.cols[np.arange(n_queries), pick] * index.n_rows
    run_size = size[np.arange(n_queries), pick]
    lo = queries.lo.view(np.uint32)
    width = (queries.hi - queries.lo).view(np.uint32)
    order = index.order.ravel()
    ends = np.cumsum(run_size)
    first = 0
    while first < n_queries:
        # A block of queries whose runs add up to about _BLOCK_ELEMENTS rows (at least one query).
        done = ends[first - 1] if first else 0
        last = max(first + 1, int(np.searchsorted(ends, done + _BLOCK_ELEMENTS, side="right")))
        part = slice(first, last)
        sizes = run_size[part]
        total = int(sizes.sum())
        if total:
            offsets = np.cumsum(sizes) - sizes
            rows = order[np.arange(total) + np.repeat(run_start[part] - offsets, sizes)] * index.n_columns
            ok = np.ones(total, dtype=bool)
            for s in range(n_slots):
                values = index.flat[rows + np.repeat(queries.cols[part, s], sizes)]
                hit = (values - np.repeat(lo[part, s], sizes)) <= np.repeat(width[part, s], sizes)
                if queries.negate is not None and queries.negate[part, s].any():
                    neg = np.repeat(queries.negate[part, s], sizes)
                    hit = np.where(neg, ~hit & (values != NULL), hit)
                ok &= hit
            filled = sizes > 0
            counts[first:last][filled] = np.add.reduceat(ok, offsets[filled])
        first = last
    return counts


def _runs(index: RowIndex, queries: Queries) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each condition's run in its column's sorted rows (negated: the whole column)."""
    start = np.zeros(queries.cols.shape, dtype=np.int64)
    size = np.full(queries.cols.shape, index.n_rows, dtype=np.int64)
    plain = np.ones(queries.cols.shape, dtype=bool) if queries.negate is None else ~queries.negate
    for j in np.unique(queries.cols[plain]):
        at = plain & (queries.cols == j)
        start[at] = np.searchsorted(index.sorted[j], queries.lo[at], side="left")
        size[at] = np.searchsorted(index.sorted[j], queries.hi[at], side="right") - start[at]
    return start, np.maximum(size, 0)


def select_singling_out(candidates: Queries, index: RowIndex, limit: int,
                        seen: set[bytes]) -> np.ndarray:
    """Positions of the candidates that match exactly one indexed row and were not seen, first ``limit``.

    ``seen`` gains the keys of the kept queries (anonymeter keeps a query once, by its text).
    """
    counts = count_matches(index, candidates)
    kept: list[int] = []
    keys = candidates.keys()
    for i in np.flatnonzero(counts == 1):
        if len(kept) >= limit:
            break
        if keys[i] not in seen:
            seen.add(keys[i])
            kept.append(int(i))
    return np.asarray(kept, dtype=np.int64)


def concat(parts: Sequence[Queries], n_slots: int) -> Queries:
    """Queries from several batches as one set (an empty set of ``n_slots`` conditions if none)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        empty = np.zeros((0, n_slots), dtype=np.int32)
        return Queries(empty.astype(np.int64), empty, empty)
    negate = None if all(p.negate is None for p in parts) else np.concatenate(
        [p.negate if p.negate is not None else np.zeros_like(p.lo, dtype=bool) for p in parts])
    return Queries(np.concatenate([p.cols for p in parts]), np.concatenate([p.lo for p in parts]),
                   np.concatenate([p.hi for p in parts]), negate)


def _unique_columns(codes: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct row (columns, rows), in their original order."""
    if codes.shape[1] == 0:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(codes.T, axis=0, return_index=True)
    return np.sort(first)
