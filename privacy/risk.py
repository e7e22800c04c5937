"""Re-identification risk of a table: equivalence classes over quasi-identifiers, k, l and uniques."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthgate.privacy.errors import ColumnNotFoundError

__all__ = ["RiskReport", "measure_risk", "class_counts", "merge_class_counts", "measure_grouped_risk"]

# Mixed-radix class keys are re-compacted before they could overflow int64.
_KEY_LIMIT = 2**62


@dataclass(frozen=True)
class RiskReport:
    """How identifiable the records of a table are through its quasi-identifiers.

    Records with equal values in every quasi-identifier form an equivalence class. A
    null is a value of its own: all nulls of a column are equal to each other and to
    nothing else, so a suppressed (nulled) cell puts its record with the other nulls of
    that column. This never overstates ``k``: a wildcard reading would let one record
    count towards several classes. The report holds names, counts and class sizes
    only, never a cell value.

    Attributes:
        quasi_identifiers: The columns that define the classes, in the given order.
        sensitive: The column whose diversity ``l`` measures, or None.
        rows: Records in the table.
        classes: Equivalence classes (0 for an empty table, 1 without quasi-identifiers).
        k: Size of the smallest class; 0 for an empty table, ``rows`` without
            quasi-identifiers (every record is alike).
        l: Distinct l-diversity: the fewest distinct sensitive values in any class. A
            null sensitive value counts as one value (it is what gets published). None
            without a sensitive column; 0 for an empty table.
        unique_records: Records alone in their class.
        unique_share: ``unique_records / rows`` (0.0 for an empty table).
        smallest_class_sizes: Sizes of the smallest classes, ascending.
        size_histogram: ``(class size, number of classes)`` pairs, ascending by size.
    """

    quasi_identifiers: tuple[str, ...]
    sensitive: str | None
    rows: int
    classes: int
    k: int
    l: int | None  # noqa: E741 - the name of the measure
    unique_records: int
    unique_share: float
    smallest_class_sizes: tuple[int, ...]
    size_histogram: tuple[tuple[int, int], ...]

    def records_below(self, k: int) -> int:
        """Returns how many records are in classes with fewer than ``k`` records."""
        return sum(size * count for size, count in self.size_histogram if size < k)

    def to_dict(self) -> dict[str, Any]:
        """Returns the report as JSON-ready data (lists instead of tuples)."""
        out = asdict(self)
        out["quasi_identifiers"] = list(self.quasi_identifiers)
        out["smallest_class_sizes"] = list(self.smallest_class_sizes)
        out["size_histogram"] = [list(pair) for pair in self.size_histogram]
        return out


def measure_risk(
    data: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    sensitive: str | None = None,
    smallest: int = 5,
) -> RiskReport:
    """Measures k-anonymity, distinct l-diversity and unique records of a table.

    Args:
        data: The table, e.g. the pseudonymised training table; it is not modified.
        quasi_identifiers: Columns an attacker could know from elsewhere (age, sex,
            region, dates). Repeated names count once.
        sensitive: Column whose values must vary within each class, for ``l``.
        smallest: How many of the smallest class sizes to report.

    Returns:
        A ``RiskReport`` of counts and sizes.

    Raises:
        ColumnNotFoundError: A quasi-identifier or the sensitive column is missing.
        ValueError: ``smallest`` is negative.
    """
    if smallest < 0:
        raise ValueError(f"smallest must be >= 0, got {smallest}")
    qis = _check_columns(data, quasi_identifiers, sensitive)
    codes, cards = qi_codes(data, qis)
    ids, n_classes = class_ids(codes, cards)
    sizes = np.bincount(ids, minlength=n_classes)
    diversity = None if sensitive is None else class_diversity(ids, n_classes, sensitive_codes(data[sensitive]))
    return _report(qis, sensitive, sizes, diversity, smallest)


def _check_columns(data: pd.DataFrame, quasi_identifiers: Sequence[str], sensitive: str | None) -> tuple[str, ...]:
    if isinstance(quasi_identifiers, str):
        raise TypeError("quasi_identifiers must be a sequence of column names, not one string")
    qis = tuple(dict.fromkeys(quasi_identifiers))
    named = [*qis] + ([sensitive] if sensitive is not None else [])
    missing = [column for column in named if column not in data.columns]
    if missing:
        raise ColumnNotFoundError(*missing)
    return qis


def _report(
    qis: tuple[str, ...], sensitive: str | None, sizes: np.ndarray, diversity: np.ndarray | None, smallest: int
) -> RiskReport:
    rows = int(sizes.sum())
    ascending = np.sort(sizes) if len(sizes) else sizes
    histogram = np.unique(sizes, return_counts=True)
    unique = int((sizes == 1).sum())
    return RiskReport(
        quasi_identifiers=qis,
        sensitive=sensitive,
        rows=rows,
        classes=len(sizes),
        k=int(ascending[0]) if len(sizes) else 0,
        l=None if diversity is None else (int(diversity.min()) if len(diversity) else 0),
        unique_records=unique,
        unique_share=unique / rows if rows else 0.0,
        smallest_class_sizes=tuple(int(s) for s in ascending[:smallest]),
        size_histogram=tuple((int(s), int(c)) for s, c in zip(*histogram)),
    )


# Shared with privacy.anonymity: integer codes instead of values, so nothing below ever
# holds (or could print) a cell value.


def qi_codes(data: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, list[int]]:
    """Codes each column's values as integers; a null gets the code ``cards[j] - 1``.

    Every column gets a null code, present or not, so that suppressing a cell is
    writing that code.

    Returns:
        A ``(rows, columns)`` int64 matrix and the number of codes per column.
    """
    codes = np.empty((len(data), len(columns)), dtype=np.int64)
    cards = []
    for j, column in enumerate(columns):
        column_codes, uniques = pd.factorize(data[column], sort=False)
        null_code = len(uniques)
        codes[:, j] = np.where(column_codes < 0, null_code, column_codes)
        cards.append(null_code + 1)
    return codes, cards


def sensitive_codes(series: pd.Series) -> np.ndarray:
    """Codes a sensitive column as integers; nulls share one code, a value of their own."""
    codes, uniques = pd.factorize(series, sort=False)
    return np.where(codes < 0, len(uniques), codes).astype(np.int64)


def class_ids(codes: np.ndarray, cards: Sequence[int]) -> tuple[np.ndarray, int]:
    """Numbers the equivalence classes of a code matrix in order of first appearance.

    Returns:
        The class id of every row and the number of classes.
    """
    rows = codes.shape[0]
    key = np.zeros(rows, dtype=np.int64)
    span = 1
    for j, card in enumerate(cards):
        if span * card >= _KEY_LIMIT:
            key, uniques = pd.factorize(key, sort=False)
            key, span = key.astype(np.int64), len(uniques)
        key = key * card + codes[:, j]
        span *= card
    ids, uniques = pd.factorize(key, sort=False)
    return ids.astype(np.int64), len(uniques)


def class_diversity(ids: np.ndarray, n_classes: int, sensitive: np.ndarray) -> np.ndarray:
    """Counts the distinct sensitive codes in each class."""
    if len(ids) == 0:
        return np.zeros(n_classes, dtype=np.int64)
    span = int(sensitive.max()) + 1
    pairs = pd.unique(ids * span + sensitive)
    return np.bincount(pairs // span, minlength=n_classes)


# Risk from grouped counts: a table read in batches keeps one count per distinct combination of
# quasi-identifiers (and sensitive value), never the rows, and measures the same figures.


def class_counts(data: pd.DataFrame, quasi_identifiers: Sequence[str], *, sensitive: str | None = None) -> pd.Series:
    """Rows per distinct (quasi-identifiers..., sensitive) combination of ``data``, nulls a value of their own.

    Feed the counts of every batch to ``merge_class_counts`` and the total to
    ``measure_grouped_risk``: the figures equal ``measure_risk`` on the whole table, while
    memory grows with the number of combinations, not of rows.

    Raises:
        ColumnNotFoundError: A quasi-identifier or the sensitive column is missing.
    """
    qis = _check_columns(data, quasi_identifiers, sensitive)
    columns = [*qis, *([sensitive] if sensitive is not None and sensitive not in qis else [])]
    if not columns:
        return pd.Series([len(data)], index=pd.Index([0], name="_all"), dtype=np.int64)
    return data.groupby(columns, dropna=False, observed=True, sort=False).size().astype(np.int64)


def merge_class_counts(*counts: pd.Series) -> pd.Series:
    """One count per combination over several ``class_counts`` results (e.g. one per batch)."""
    present = [c for c in counts if c is not None]
    if len(present) == 1:
        return present[0]
    combined = pd.concat(present)
    levels = list(range(combined.index.nlevels))
    return combined.groupby(level=levels, dropna=False, sort=False, observed=True).sum().astype(np.int64)


def measure_grouped_risk(
    counts: pd.Series, quasi_identifiers: Sequence[str], *, sensitive: str | None = None, smallest: int = 5
) -> RiskReport:
    """``measure_risk`` from grouped counts (``class_counts``/``merge_class_counts``) instead of the rows.

    Class sizes are the sums of the counts over each quasi-identifier combination; ``l`` is
    the number of distinct sensitive values (null one of them) per class.
    """
    if smallest < 0:
        raise ValueError(f"smallest must be >= 0, got {smallest}")
    if isinstance(quasi_identifiers, str):
        raise TypeError("quasi_identifiers must be a sequence of column names, not one string")
    qis = tuple(dict.fromkeys(quasi_identifiers))
    counts = counts[counts > 0]
    if len(counts) == 0:
        return _report(qis, sensitive, np.zeros(0, dtype=np.int64), None if sensitive is None else
                       np.zeros(0, dtype=np.int64), smallest)
    keys = counts.index.to_frame(index=False)
    if qis:
        codes = np.empty((len(keys), len(qis)), dtype=np.int64)
        cards = []
        for j, column in enumerate(qis):
            column_codes, uniques = pd.factorize(keys[column], sort=False)
            codes[:, j] = np.where(column_codes < 0, len(uniques), column_codes)
            cards.append(len(uniques) + 1)
        ids, n_classes = class_ids(codes, cards)
    else:
        ids, n_classes = np.zeros(len(keys), dtype=np.int64), 1
    sizes = np.bincount(ids, weights=counts.to_numpy(dtype=np.float64), minlength=n_classes).astype(np.int64)
    diversity = None
    if sensitive is not None:
        if sensitive in qis:
            diversity = np.ones(n_classes, dtype=np.int64)
        else:
            diversity = class_diversity(ids, n_classes, sensitive_codes(keys[sensitive]))
    return _report(qis, sensitive, sizes, diversity, smallest)
