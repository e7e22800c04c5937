"""Suppression for the risk steps: null quasi-identifier cells or drop rows of classes that miss the threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from synthgate.privacy.risk import class_diversity, class_ids, qi_codes, sensitive_codes

if TYPE_CHECKING:
    from synthgate.privacy.anonymity import RiskThreshold

__all__ = ["suppress_cells", "suppress_rows"]


def _risky_classes(
    codes: np.ndarray, cards: list[int], sensitive: np.ndarray | None, threshold: RiskThreshold
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns each row's class id, the class sizes and which classes miss k or l.

    Uniques are below k (k >= 2), so ``max_unique_share`` needs no separate test.
    """
    ids, n_classes = class_ids(codes, cards)
    sizes = np.bincount(ids, minlength=n_classes)
    risky = sizes < threshold.k
    if threshold.l is not None and sensitive is not None:
        risky |= class_diversity(ids, n_classes, sensitive) < threshold.l
    return ids, sizes, risky


def suppress_cells(
    table: pd.DataFrame, qis: tuple[str, ...], threshold: RiskThreshold, budget: int
) -> tuple[pd.DataFrame, int]:
    """Greedy local suppression: each round nulls the one quasi-identifier, over the risky
    records, that leaves the fewest risky records (ties: fewer cells, then column order).

    Nulling cells only moves risky records into other classes, so safe classes stay
    safe and the risky set never grows. When a round would overspend, it covers whole
    risky classes, smallest first, as far as the budget reaches.
    """
    codes, cards = qi_codes(table, qis)
    nulls = np.array(cards) - 1
    sensitive = sensitive_codes(table[threshold.sensitive]) if threshold.l is not None else None
    suppressed = np.zeros(codes.shape, dtype=bool)
    spent = 0
    while True:
        ids, sizes, risky = _risky_classes(codes, cards, sensitive, threshold)
        at_risk = risky[ids]
        if not at_risk.any():
            break
        best: tuple[int, int, int] | None = None
        best_rows: np.ndarray | None = None
        for j in range(len(qis)):
            rows = at_risk & (codes[:, j] != nulls[j])
            cost = int(rows.sum())
            if cost > budget - spent:
                rows = _smallest_classes_within(rows, ids, sizes, budget - spent)
                cost = int(rows.sum())
            if cost == 0:
                continue
            saved = codes[rows, j]
            codes[rows, j] = nulls[j]
            ids_after, _, risky_after = _risky_classes(codes, cards, sensitive, threshold)
            codes[rows, j] = saved
            score = (int(risky_after[ids_after].sum()), cost, j)
            if best is None or score < best:
                best, best_rows = score, rows
        if best is None:
            break
        column = best[2]
        codes[best_rows, column] = nulls[column]
        suppressed[best_rows, column] = True
        spent += best[1]
    for j, column in enumerate(qis):
        if suppressed[:, j].any():
            table[column] = table[column].mask(suppressed[:, j])
    return table, spent


def _smallest_classes_within(rows: np.ndarray, ids: np.ndarray, sizes: np.ndarray, budget: int) -> np.ndarray:
    """Narrows ``rows`` to whole classes, smallest first (then first seen), within ``budget`` rows."""
    if budget <= 0:
        return np.zeros_like(rows)
    cost = np.bincount(ids[rows], minlength=len(sizes))
    candidates = np.flatnonzero(cost)
    order = candidates[np.lexsort((candidates, sizes[candidates]))]
    within = order[np.cumsum(cost[order]) <= budget]
    return rows & np.isin(ids, within)


def suppress_rows(
    table: pd.DataFrame, qis: tuple[str, ...], threshold: RiskThreshold, budget: int
) -> tuple[pd.DataFrame, int]:
    """Drops the classes that miss the threshold, smallest first, as far as the budget reaches."""
    codes, cards = qi_codes(table, qis)
    sensitive = sensitive_codes(table[threshold.sensitive]) if threshold.l is not None else None
    ids, sizes, risky = _risky_classes(codes, cards, sensitive, threshold)
    drop = _smallest_classes_within(risky[ids], ids, sizes, budget)
    return table.loc[~drop], int(drop.sum())
