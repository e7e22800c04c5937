"""How cells and combinations compare across tables (integer codes, exact keys), and the 95% intervals on shares."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["combine", "counts", "newcombe", "value_codes", "wilson"]

_Z = 1.959963984540054  # two-sided 95%


def value_codes(series: Sequence[pd.Series]) -> tuple[list[np.ndarray], bool]:
    """One integer code per cell over all the tables (equal values, equal codes); -1 for null or empty.

    Numbers compare as numbers (3 and 3.0 are one) and datetimes as datetimes when every table
    holds them so; anything else compares as text after Unicode NFKC normalisation, trimming and
    case folding, with 3.0 written as 3 ("Anna", " anna" and "ANNA" are one value; an empty
    string is null). Only distinct values pass through Python, never rows.

    Returns:
        The codes per table, in the order given, and whether the column compared as text.
    """
    lengths = np.cumsum([len(s) for s in series])[:-1]
    if all(_plain_numeric(s) for s in series):
        codes, _ = pd.factorize(np.concatenate([s.to_numpy(dtype="float64", na_value=np.nan) for s in series]))
        return np.split(codes.astype(np.int64), lengths), False
    if all(pd.api.types.is_datetime64_any_dtype(s.dtype) for s in series):
        codes, _ = pd.factorize(pd.concat(list(series), ignore_index=True))
        return np.split(codes.astype(np.int64), lengths), False
    raw, uniques = pd.factorize(np.concatenate([s.astype(object).to_numpy() for s in series]))
    text = pd.Series(uniques, dtype=object)
    if pd.api.types.infer_dtype(text, skipna=True) != "string":
        text = text.map(_text)  # over distinct values: 3.0, 3 and "3" become one
    folded = text.str.normalize("NFKC").str.strip().str.casefold()
    remap, _ = pd.factorize(folded.where(folded != ""))
    codes = np.where(raw >= 0, remap[np.maximum(raw, 0)], -1) if len(remap) else raw
    return np.split(codes.astype(np.int64), lengths), True


def counts(codes: Sequence[np.ndarray]) -> np.ndarray:
    """How many rows of the first table (training) hold each code; at least one entry."""
    size = max(max(int(c.max(initial=-1)) for c in codes) + 1, 1)
    return np.bincount(codes[0][codes[0] >= 0], minlength=size)


def combine(codes: Sequence[Sequence[np.ndarray]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Exact combination keys per table over several columns' codes, and whether a row is not null on every one.

    ``codes`` holds one list per column of one array per table. Keys are refactorised column by
    column, so they stay below the row count and never collide (unlike a 64-bit hash).
    """
    per_table = list(zip(*codes))
    lengths = np.cumsum([len(c[0]) for c in per_table])[:-1]
    key = np.zeros(sum(len(c[0]) for c in per_table), dtype=np.int64)
    present = np.zeros(len(key), dtype=bool)
    for column in codes:
        column_codes = np.concatenate(column) + 1  # null becomes code 0: nulls equal nulls
        present |= column_codes > 0
        key, _ = pd.factorize(key * (int(column_codes.max()) + 1) + column_codes)
    return np.split(key.astype(np.int64), lengths), np.split(present, lengths)


def wilson(p: float, n: int) -> tuple[float, float]:
    """95% Wilson score interval of a proportion p observed over n trials; (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0  # nothing observed: the proportion could be anything
    centre = p + _Z**2 / (2 * n)
    spread = _Z * np.sqrt(p * (1 - p) / n + _Z**2 / (4 * n**2))
    return float(max(0.0, (centre - spread) / (1 + _Z**2 / n))), float(min(1.0, (centre + spread) / (1 + _Z**2 / n)))


def newcombe(p1: float, n1: int, p2: float, n2: int) -> tuple[float, float]:
    """95% interval of p1 - p2 for independent proportions from their Wilson intervals (Newcombe 1998, method 10)."""
    (l1, u1), (l2, u2) = wilson(p1, n1), wilson(p2, n2)
    d = p1 - p2
    return float(d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)), float(d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def _plain_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _text(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
