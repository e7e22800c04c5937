"""Singling-out risk (anonymeter's SinglingOutEvaluator): queries that isolate one synthetic row, tried on real rows."""
from __future__ import annotations

from collections.abc import Mapping
from math import comb
from typing import Literal

import numpy as np
import pandas as pd

from synthgate.evaluation.attacks._common import capped, check_tables
from synthgate.evaluation.attacks._queries import NULL, TOP, CodedTables, Queries, RowIndex, code_tables, concat, \
    count_matches, select_singling_out
from synthgate.evaluation.attacks._rates import AttackResult, rates_and_risk
from synthgate.evaluation.errors import NotApplicable

N_ATTACKS = 1_000
N_COLS = 3
# anonymeter tries up to 10 million candidate queries (minutes to hours on 50,000 rows). We try at
# most 200 per wanted query and at most WORK / (synthetic rows) in all: each candidate is checked
# against every synthetic row, and 1.5e9 row checks take about 4 s on 2 cores. Where few
# combinations isolate a row, both report fewer queries than wanted (details: n_queries).
ATTEMPTS_PER_QUERY = 200
WORK = 1_500_000_000
_BATCH = 1_000  # candidate queries drawn at a time, as anonymeter
_MAX_DRAWS = 20  # draws per allowed attempt before giving up on finding untried pairs


def singling_out(
    train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, kinds: Mapping[str, str], *,
    n_attacks: int = N_ATTACKS, mode: Literal["multivariate", "univariate"] = "multivariate",
    n_cols: int = N_COLS, max_attempts: int | None = None,
    control_scaling: Literal["anonymeter", "matched"] = "anonymeter", seed: int = 0,
) -> AttackResult:
    """Measure how often queries that single out one synthetic row single out one training row.

    As anonymeter 1.1.0: the three tables are deduplicated; queries are built from synthetic rows
    (multivariate: ``n_cols`` random columns of a random row, ``>=`` a number above the column's median
    and ``<=`` one below it, ``==`` a category, "is null" a null; univariate: a rare value, the minimum,
    the maximum or the one null of a column) and kept when they match exactly one synthetic row. The
    attack succeeds on each query that matches exactly one training row; the control counts the same
    on the holdout. Rates are over the queries found: anonymeter divides by ``n_attacks`` even when it
    found fewer (after up to 10 million attempts), which dilutes the rates; we cap the attempts to
    stay fast, and dividing by what was found keeps the estimate unbiased (only the interval widens).
    ``control_scaling="anonymeter"`` scales the control count by (holdout rows + 1) / (training
    rows + 1), which is what anonymeter 1.1.0's size correction amounts to in practice (its fitted
    model receives a constant); it lowers the control rate when the holdout is smaller and so
    overstates the risk. ``"matched"`` instead evaluates on a random subset of the larger of the two
    real tables with as many rows as the smaller one: no model, no bias from the size.

    Args:
        train: Real rows the generator learned from (the attack's targets).
        synthetic: Generated rows (the attacker's knowledge).
        holdout: Real rows the generator never saw (the control).
        kinds: Column -> kind; every column takes part.
        n_attacks: Queries wanted (and random queries of the baseline).
        mode: "multivariate" or "univariate".
        n_cols: Conditions per multivariate query; capped at the number of columns.
        max_attempts: Candidate queries tried at most (default: ``200 * n_attacks``, at most
            ``WORK / synthetic rows``, at least 1,000).
        control_scaling: "anonymeter" or "matched", see above.
        seed: Seed of every random choice.

    Returns:
        The result (``n_attacks``: the queries found); ``details`` holds mode, n_cols, queries wanted,
        attempts and table sizes, never a query.

    Raises:
        NotApplicable: A table is empty or lacks columns, or no query isolates a synthetic row.
    """
    if mode not in ("multivariate", "univariate"):
        raise ValueError("mode must be 'multivariate' or 'univariate'")
    if control_scaling not in ("anonymeter", "matched"):
        raise ValueError("control_scaling must be 'anonymeter' or 'matched'")
    columns = check_tables(train, synthetic, holdout, kinds, "singling out")
    rng = np.random.default_rng(seed)
    coded = code_tables(train, synthetic, holdout, {c: kinds[c] for c in columns})
    details: dict = {"mode": mode, "control_scaling": control_scaling}
    if n_attacks < 1:
        raise ValueError("n_attacks must be at least 1")
    if mode == "multivariate":
        n_cols = capped(n_cols, len(columns), details, key="n_cols")
        attempts = max_attempts if max_attempts is not None else max(
            _BATCH, min(ATTEMPTS_PER_QUERY * n_attacks, WORK // coded.synthetic.shape[1]))
        queries, tried = _multivariate(coded, n_attacks, n_cols, attempts, rng)
        details["n_cols"] = n_cols
    else:
        queries, tried = _univariate(coded, n_attacks, rng)
        n_cols = 1
    if len(queries) == 0:
        raise NotApplicable(f"singling out: no {mode} query isolates a synthetic row in {tried} attempts")
    baseline = _random_queries(coded, n_attacks, n_cols, rng)
    target, control, scale = _real_tables(coded, control_scaling, rng)
    target_index = RowIndex(target)
    n_success = int(np.sum(count_matches(target_index, queries) == 1))
    n_control = float(np.sum(count_matches(RowIndex(control), queries) == 1)) * scale
    n_baseline = int(np.sum(count_matches(target_index, baseline) == 1))
    figures = rates_and_risk(len(queries), n_success, n_control, n_baseline=n_baseline,
                             n_baseline_attacks=len(baseline))
    details.update({
        "n_queries_wanted": n_attacks, "attempts": int(tried), "n_success": n_success,
        "n_control_success": n_control, "n_baseline_success": n_baseline,
        "rows_unique": {"train": int(coded.train.shape[1]), "synthetic": int(coded.synthetic.shape[1]),
                        "holdout": int(coded.holdout.shape[1])},
        "rows_compared": {"train": int(target.shape[1]), "holdout": int(control.shape[1])},
        "control_scale": scale,
    })
    return AttackResult(attack="singling_out", n_attacks=len(queries), details=details, **figures)


def _multivariate(coded: CodedTables, n_queries: int, n_cols: int, max_attempts: int,
                  rng: np.random.Generator) -> tuple[Queries, int]:
    """Queries from random synthetic rows and columns, kept when they isolate one synthetic row.

    anonymeter draws (row, columns) with replacement and so re-evaluates repeats; a repeat can never
    yield a new query, so we skip the pairs already tried. The queries found are distributed as
    anonymeter's; only the attempts they cost differ.
    """
    syn = coded.synthetic
    n_columns, n_rows = syn.shape
    index = RowIndex(syn)
    with np.errstate(all="ignore"):
        medians = np.array([np.nanmedian(v) if coded.numeric[j] and not np.all(np.isnan(v)) else np.nan
                            for j, v in enumerate(coded.synthetic_values)])
    n_pairs = n_rows * comb(n_columns, n_cols)
    tried_pairs: set[bytes] = set()
    seen: set[bytes] = set()
    found: list[Queries] = []
    n_found, tried, draws = 0, 0, 0
    while n_found < n_queries and tried < min(max_attempts, n_pairs) and draws < _MAX_DRAWS * max_attempts:
        rows = rng.integers(0, n_rows, size=_BATCH)
        cols = np.sort(np.argsort(rng.random((_BATCH, n_columns)), axis=1)[:, :n_cols], axis=1)
        draws += _BATCH
        fresh = _fresh(np.column_stack([rows, cols]), tried_pairs, min(max_attempts, n_pairs) - tried)
        rows, cols = rows[fresh], cols[fresh]
        tried += len(fresh)
        codes = syn[cols, rows[:, None]]
        above = coded.synthetic_values[cols, rows[:, None]] > medians[cols]
        numeric = coded.numeric[cols] & (codes != NULL)
        # A number above the median asks ">=" it (up to any value), else "<=" it; others ask "==".
        lo = np.where(numeric & ~above, 0, codes).astype(np.int32)
        hi = np.where(numeric & above, TOP, codes).astype(np.int32)
        batch = Queries(cols, lo, hi)
        kept = select_singling_out(batch, index, n_queries - n_found, seen)
        found.append(batch.subset(kept))
        n_found += len(kept)
    return concat(found, n_cols), tried


def _fresh(pairs: np.ndarray, tried: set[bytes], room: int) -> np.ndarray:
    """Positions of the (row, columns) pairs not tried before, at most ``room``; marks them tried."""
    keep: list[int] = []
    for i, pair in enumerate(pairs):
        if len(keep) >= room:
            break
        key = pair.tobytes()
        if key not in tried:
            tried.add(key)
            keep.append(i)
    return np.asarray(keep, dtype=np.int64)


def _univariate(coded: CodedTables, n_queries: int, rng: np.random.Generator) -> tuple[Queries, int]:
    """One-condition queries: the single null, the minimum, the maximum and each value seen once."""
    syn = coded.synthetic
    cols, lo, hi = [], [], []
    for j in range(syn.shape[0]):
        values = syn[j]
        present = values[values != NULL]
        if values.size - present.size == 1:
            cols += [j]
            lo += [NULL]
            hi += [NULL]
        if coded.numeric[j] and present.size:
            cols += [j, j]
            lo += [0, int(present.max())]
            hi += [int(present.min()), TOP]
        distinct, counts = np.unique(present, return_counts=True)
        rare = distinct[counts == 1]
        cols += [j] * rare.size
        lo += rare.tolist()
        hi += rare.tolist()
    order = rng.permutation(len(cols))
    candidates = Queries(np.asarray(cols, dtype=np.int64)[order, None],
                         np.asarray(lo, dtype=np.int32)[order, None], np.asarray(hi, dtype=np.int32)[order, None])
    kept = select_singling_out(candidates, RowIndex(syn), n_queries, set())
    return candidates.subset(kept), len(candidates)


# anonymeter's random operators: categories "==" or "!="; numbers any comparison.
_NUMERIC_OPS = ("eq", "ne", "gt", "lt", "ge", "le")
_CATEGORY_OPS = ("eq", "ne")


def _random_queries(coded: CodedTables, n_queries: int, n_cols: int, rng: np.random.Generator) -> Queries:
    """The baseline attacker: random columns, random synthetic values (null included), random operators."""
    syn = coded.synthetic
    uniques = [np.unique(syn[j]) for j in range(syn.shape[0])]
    cols = np.sort(np.argsort(rng.random((n_queries, syn.shape[0])), axis=1)[:, :n_cols], axis=1)
    lo = np.zeros(cols.shape, dtype=np.int32)
    hi = np.zeros(cols.shape, dtype=np.int32)
    negate = np.zeros(cols.shape, dtype=bool)
    for q in range(n_queries):
        for s, j in enumerate(cols[q]):
            value = int(rng.choice(uniques[j]))
            op = str(rng.choice(_NUMERIC_OPS if coded.numeric[j] else _CATEGORY_OPS))
            lo[q, s], hi[q, s], negate[q, s] = _condition(value, op)
    return Queries(cols, lo, hi, negate)


def _condition(value: int, op: str) -> tuple[int, int, bool]:
    """(lo, hi, negate) of ``code op value``; a null value asks "is null" (==) or "is not null"."""
    if value == NULL:
        return (NULL, NULL, False) if op == "eq" else (0, TOP, False)
    if op == "lt" and value == 0:
        return (TOP, TOP, False)  # below the lowest rank: matches nothing
    return {"eq": (value, value, False), "ne": (value, value, True), "gt": (value + 1, TOP, False),
            "lt": (0, value - 1, False), "ge": (value, TOP, False), "le": (0, value, False)}[op]


def _real_tables(coded: CodedTables, scaling: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
    """The training and holdout codes the queries run on, and the factor on the control count."""
    train, holdout = coded.train, coded.holdout
    n_train, n_holdout = train.shape[1], holdout.shape[1]
    if n_train == n_holdout:
        return train, holdout, 1.0
    if scaling == "anonymeter":
        return train, holdout, (n_holdout + 1) / (n_train + 1)
    size = min(n_train, n_holdout)
    if n_train > size:
        train = train[:, np.sort(rng.permutation(n_train)[:size])]
    else:
        holdout = holdout[:, np.sort(rng.permutation(n_holdout)[:size])]
    return train, holdout, 1.0

