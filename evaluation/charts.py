"""Chart data that never reveals a record: binned shares of real and synthetic values, association matrices."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MISSING", "OTHER", "association_matrices", "distribution_charts"]

MISSING = "(missing)"
OTHER = "(other)"
#: Quantile bins a numeric chart starts from (before small bins are merged).
NUMERIC_BINS = 10
#: Categories a chart names at most; the rest are pooled into OTHER.
MAX_CATEGORIES = 20
#: Share of exact zeros from which a numeric chart draws 0 as its own bar and bins the other values:
#: quantile bins of a mostly-zero count column would otherwise collapse into one bar of 100%.
ZERO_SHARE = 0.1
_NUMERIC = ("numerical", "datetime")
_NS_PER_DAY = 86_400 * 10**9


def distribution_charts(train: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str], *,
                        min_count: int = 10, max_columns: int = 12, columns: Sequence[str] | None = None,
                        max_categories: int = MAX_CATEGORIES) -> list[dict[str, Any]]:
    """Real against synthetic distributions, one chart per column, safe to publish.

    Every bin holds at least ``min_count`` real rows: numeric and date bins start at inner
    quantiles of the real values, rounded (2-3 significant figures; dates to a day, month or
    year), with open outer bins ("< 20", ">= 80"), so no real minimum, maximum or extreme value
    appears; a bin with too few real rows is merged with its smaller neighbour. Categories with
    fewer real rows are pooled into "(other)" and never named; an "(other)" that is itself too
    small joins the smallest named category. Missing values are a "(missing)" bin under the same
    rule (for numbers and dates, shares are then of the non-missing values). The synthetic rows
    are binned on the same bins. Shares, not counts, are published.

    Args:
        train: The real training rows.
        synthetic: The synthetic rows.
        kinds: Column -> kind.
        min_count: Fewest real rows a bin may show.
        max_columns: Most charts. Without ``columns``, the first columns of ``kinds`` (the
            spec's order) are charted; the caller may rank them (e.g. worst shape score first).
        columns: The columns to chart, in order (unknown names are ignored).
        max_categories: Most categories a chart names.

    Returns:
        One dict per column: ``column``, ``kind``, ``bins`` (labels), ``real`` and ``synthetic``
        (shares), ``min_count``, ``merged_bins``, ``other_categories`` (real categories pooled),
        ``notes``; and ``skipped`` (the reason) instead of bins when no safe chart exists.
    """
    charts = []
    for name in _chosen(kinds, columns, max_columns):
        kind = kinds[name]
        draw = _numeric_chart if kind in _NUMERIC else _category_chart
        chart = {"column": name, "kind": kind, "bins": [], "real": [], "synthetic": [], "min_count": min_count,
                 "merged_bins": 0, "other_categories": 0, "notes": [], "skipped": None}
        chart.update(draw(train[name], synthetic[name], kind, min_count, max_categories))
        charts.append(chart)
    return charts


def association_matrices(train: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str], *,
                         max_columns: int = 20, columns: Sequence[str] | None = None,
                         min_rows: int = 20) -> dict[str, Any]:
    """Pairwise association of the real and of the synthetic rows, for two heat maps side by side.

    Two numbers or dates: Spearman's rank correlation (signed, -1..1) over the rows where both
    are known. A pair with a category or boolean: Cramér's V (0..1), numbers and dates cut at the
    real deciles (the same cuts for the synthetic rows), missing values a level of their own.
    The diagonal is 1; a pair that cannot be measured (a constant column, fewer than
    ``min_rows`` rows: a coefficient of a handful of rows says more about them than about the
    table) is None.

    Args:
        train: The real training rows.
        synthetic: The synthetic rows.
        kinds: Column -> kind.
        max_columns: Most columns (the first of ``columns`` or of ``kinds``).
        columns: The columns, in order (unknown names are ignored).
        min_rows: Fewest rows (known in both columns, for Spearman) a coefficient is shown for.

    Returns:
        ``columns``, ``real`` and ``synthetic`` (square lists of lists) and ``method``.
    """
    names = _chosen(kinds, columns, max_columns)
    real_cuts = {name: _decile_cuts(_as_number(train[name])) for name in names if kinds[name] in _NUMERIC}
    matrices = {}
    for table, frame in (("real", train), ("synthetic", synthetic)):
        numbers = {name: _as_number(frame[name]) for name in names if kinds[name] in _NUMERIC}
        codes = {name: _codes(frame[name], real_cuts.get(name)) for name in names}
        matrices[table] = _matrix(names, kinds, numbers, codes, min_rows)
    return {"columns": names, **matrices,
            "method": {"numerical": "spearman", "mixed": "cramers_v", "categorical": "cramers_v"}}


def _chosen(kinds: Mapping[str, str], columns: Sequence[str] | None, limit: int) -> list[str]:
    names = [name for name in (kinds if columns is None else columns) if name in kinds]
    return list(dict.fromkeys(names))[:limit]


# --- numbers and dates -------------------------------------------------------------------------

def _numeric_chart(real: pd.Series, fake: pd.Series, kind: str, min_count: int,
                   _max_categories: int) -> dict[str, Any]:
    values, other = _as_number(real), _as_number(fake)
    known = values[~np.isnan(values)]
    if len(known) < 2 * min_count:
        return {"skipped": f"fewer than {2 * min_count} known real values (2 x min_count): no chart"}
    fake_known = other[~np.isnan(other)]
    zeros = int((known == 0).sum()) if kind != "datetime" else 0
    notes = []
    if zeros >= max(min_count, ZERO_SHARE * len(known)) and len(known) - zeros >= min_count:
        labels, counts, fake_counts, merged = _zero_and_rest(known, fake_known, kind, min_count)
        notes.append("0 is drawn as its own bar; the other bars hold the values other than 0")
    else:
        labels, counts, fake_counts, merged = _binned(known, fake_known, kind, min_count)
    missing, fake_missing = len(values) - len(known), len(other) - len(fake_known)
    if missing >= min_count:
        labels.append(MISSING)
        counts, fake_counts = np.append(counts, missing), np.append(fake_counts, fake_missing)
    elif missing or fake_missing:
        notes.append(f"missing values are left out (fewer than {min_count} real rows are missing): shares are "
                     f"of the known values; {_share(fake_missing, len(other)):.1%} of the synthetic rows are missing")
    return {"bins": labels, "real": _shares(counts), "synthetic": _shares(fake_counts), "merged_bins": merged,
            "notes": notes}


def _binned(known: np.ndarray, fake_known: np.ndarray, kind: str,
            min_count: int) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Quantile bins of the real values (merged up to ``min_count``), the synthetic values on the same edges."""
    edges = _edges(known, kind) if len(known) >= 2 * min_count else np.array([])
    counts = np.bincount(np.searchsorted(edges, known, side="right"), minlength=len(edges) + 1)
    edges, counts, merged = _merge(edges, counts, min_count)
    fake_counts = np.bincount(np.searchsorted(edges, fake_known, side="right"), minlength=len(edges) + 1)
    return _labels(edges, kind), counts, fake_counts, merged


def _zero_and_rest(known: np.ndarray, fake_known: np.ndarray, kind: str,
                   min_count: int) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """A bar for exact zeros, then the other values binned as usual (the caller checked both hold min_count)."""
    rest = known[known != 0]
    labels, counts, fake_counts, merged = _binned(rest, fake_known[fake_known != 0], kind, min_count)
    if (rest > 0).all():  # a count or amount: the first bin starts above 0, not at the real minimum
        labels[0] = "> 0" if len(labels) == 1 else labels[0].replace("< ", "> 0 to < ", 1)
    elif (rest < 0).all():
        labels[-1] = "< 0" if len(labels) == 1 else labels[-1].replace(">= ", "", 1) + " to < 0"
    elif len(labels) == 1:
        labels[0] = "not 0"
    return (["0", *labels], np.concatenate([[int((known == 0).sum())], counts]),
            np.concatenate([[int((fake_known == 0).sum())], fake_counts]), merged)


def _edges(known: np.ndarray, kind: str) -> np.ndarray:
    """Inner quantiles, rounded, strictly between the real minimum and maximum."""
    levels = np.linspace(0, 1, NUMERIC_BINS + 1)[1:-1]
    raw = np.quantile(known, levels)
    if kind == "datetime":
        edges = _round_dates(raw, known.max() - known.min())
    else:  # 2 significant figures, 3 where 2 would merge quantiles that 3 keep apart
        two, three = np.unique(_round_sig(raw, 2)), np.unique(_round_sig(raw, 3))
        edges = two if len(two) >= len(three) else three
    # An edge at the minimum or maximum would print it: "< min" is empty, ">= max" holds only it.
    return edges[(edges > known.min()) & (edges < known.max())]


def _round_sig(values: np.ndarray, figures: int) -> np.ndarray:
    out = []
    for value in values:
        if value == 0 or not math.isfinite(value):
            out.append(0.0 if value == 0 else value)
            continue
        out.append(round(float(value), figures - 1 - int(math.floor(math.log10(abs(value))))))
    return np.asarray(out, dtype=float)


def _round_dates(raw: np.ndarray, span_ns: float) -> np.ndarray:
    """Dates (as ns) to the nearest year over a 20-year span, month over 2 years, else day."""
    stamps = pd.to_datetime(raw.astype("int64"))
    if span_ns >= 20 * 365 * _NS_PER_DAY:
        rounded = pd.to_datetime([f"{stamp.year + (stamp.dayofyear > 183)}-01-01" for stamp in stamps])
    elif span_ns >= 2 * 365 * _NS_PER_DAY:
        rounded = pd.to_datetime([(stamp + pd.Timedelta(days=15)).strftime("%Y-%m-01") for stamp in stamps])
    else:
        rounded = stamps.round("D")
    return np.unique(rounded.as_unit("ns").asi8.astype(float))


def _merge(edges: np.ndarray, counts: np.ndarray, min_count: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Merge the smallest bin under ``min_count`` real rows into its smaller neighbour, until none is left."""
    edges, counts, merged = list(edges), list(counts), 0
    while len(counts) > 1 and min(counts) < min_count:
        i = int(np.argmin(counts))
        j = i + 1 if i == 0 else i - 1 if i == len(counts) - 1 else (i - 1 if counts[i - 1] <= counts[i + 1] else i + 1)
        low = min(i, j)
        counts[low] += counts.pop(low + 1)
        edges.pop(low)  # the edge between bins low and low + 1
        merged += 1
    return np.asarray(edges, dtype=float), np.asarray(counts), merged


def _labels(edges: np.ndarray, kind: str) -> list[str]:
    if kind == "datetime":
        stamps = pd.to_datetime(edges.astype("int64")).round("D")
        unit = "%Y" if all(s.month == 1 and s.day == 1 for s in stamps) else (
            "%Y-%m" if all(s.day == 1 for s in stamps) else "%Y-%m-%d")
        shown = [stamp.strftime(unit) for stamp in stamps]
    else:
        shown = [np.format_float_positional(edge, trim="-") for edge in edges]
    if not shown:
        return ["all values"]
    return [f"< {shown[0]}", *(f"{a} to < {b}" for a, b in zip(shown, shown[1:])), f">= {shown[-1]}"]


# --- categories and booleans -------------------------------------------------------------------

def _category_chart(real: pd.Series, fake: pd.Series, kind: str, min_count: int,
                    max_categories: int) -> dict[str, Any]:
    counts = _by_count(real.fillna(MISSING).value_counts())  # fillna: missing competes as a level
    named = [label for label, count in counts.items() if count >= min_count][:max_categories]
    if not named:
        return {"skipped": f"no category holds {min_count} real rows (min_count): no chart"}
    if MISSING in named:  # shown last among the named levels, a reader looks for it there
        named = [label for label in named if label != MISSING] + [MISSING]
    fake_counts = fake.fillna(MISSING).value_counts()
    real_named = [int(counts[label]) for label in named]
    fake_named = [int(fake_counts.get(label, 0)) for label in named]
    other_real, other_fake = len(real) - sum(real_named), len(fake) - sum(fake_named)
    labels, merged = list(named), 0
    if other_real >= min_count:
        labels.append(OTHER)
        real_named.append(other_real)
        fake_named.append(other_fake)
    elif other_real or other_fake:  # too small to show alone: joins the smallest named category
        smallest = int(np.argmin(real_named))
        labels[smallest] = f"{labels[smallest]} + {OTHER}"
        real_named[smallest] += other_real
        fake_named[smallest] += other_fake
        merged = 1
    return {"bins": labels, "real": _shares(np.asarray(real_named)), "synthetic": _shares(np.asarray(fake_named)),
            "merged_bins": merged, "other_categories": len(counts) - len(named)}


def _by_count(counts: pd.Series) -> pd.Series:
    """Most frequent first, ties by name, so charts do not depend on row order."""
    order = np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))
    return counts.iloc[order]


def _shares(counts: np.ndarray) -> list[float]:
    total = counts.sum()
    return [round(float(count / total), 4) if total else 0.0 for count in counts]


def _share(part: int, total: int) -> float:
    return part / total if total else 0.0


# --- association -------------------------------------------------------------------------------

def _as_number(column: pd.Series) -> np.ndarray:
    """Numbers as float64, dates as nanoseconds; missing as NaN."""
    if pd.api.types.is_datetime64_any_dtype(column):
        values = column.to_numpy(dtype="datetime64[ns]").view("int64").astype(float)
        return np.where(column.isna().to_numpy(), np.nan, values)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _decile_cuts(values: np.ndarray) -> np.ndarray:
    known = values[~np.isnan(values)]
    return np.unique(np.quantile(known, np.linspace(0.1, 0.9, 9))) if len(known) else np.array([])


def _codes(column: pd.Series, cuts: np.ndarray | None) -> np.ndarray:
    """Integer levels: numbers cut at ``cuts``, categories by value; missing is a level of its own."""
    if cuts is not None:
        values = _as_number(column)
        return np.where(np.isnan(values), len(cuts) + 1, np.searchsorted(cuts, values, side="right"))
    codes, _ = pd.factorize(column, use_na_sentinel=True)
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes)


def _matrix(names: list[str], kinds: Mapping[str, str], numbers: Mapping[str, np.ndarray],
            codes: Mapping[str, np.ndarray], min_rows: int) -> list[list[float | None]]:
    size = len(names)
    matrix: list[list[float | None]] = [[1.0 if i == j else None for j in range(size)] for i in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            a, b = names[i], names[j]
            if kinds[a] in _NUMERIC and kinds[b] in _NUMERIC:
                value = _spearman(numbers[a], numbers[b], min_rows)
            else:
                value = _cramers_v(codes[a], codes[b], min_rows)
            matrix[i][j] = matrix[j][i] = value
    return matrix


def _spearman(x: np.ndarray, y: np.ndarray, min_rows: int) -> float | None:
    from scipy.stats import rankdata

    both = ~(np.isnan(x) | np.isnan(y))
    if both.sum() < max(min_rows, 3):
        return None
    rx, ry = rankdata(x[both]), rankdata(y[both])
    if rx.std() == 0 or ry.std() == 0:
        return None
    return round(float(np.corrcoef(rx, ry)[0, 1]), 4)


def _cramers_v(x: np.ndarray, y: np.ndarray, min_rows: int) -> float | None:
    if len(x) < max(min_rows, 2):
        return None
    _, x = np.unique(x, return_inverse=True)
    _, y = np.unique(y, return_inverse=True)
    rows, cols = x.max() + 1, y.max() + 1
    if min(rows, cols) < 2:
        return None
    observed = np.bincount(x * cols + y, minlength=rows * cols).reshape(rows, cols).astype(float)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / len(x)
    chi2 = ((observed - expected) ** 2 / expected).sum()
    return round(float(min(1.0, math.sqrt(chi2 / (len(x) * (min(rows, cols) - 1))))), 4)
