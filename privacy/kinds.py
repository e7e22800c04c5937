"""Column kinds and how to infer one from a column's dtype, values and name."""

from __future__ import annotations

import re

import pandas as pd

from synthgate.privacy.hints import match_name_hint
from synthgate.privacy.signals import is_integer_key

__all__ = ["KINDS", "infer_kind", "is_low_cardinality"]

KINDS = frozenset({"numerical", "categorical", "datetime", "boolean", "id", "text"})

_BOOLEAN_PAIRS = (
    frozenset({"0", "1"}),
    frozenset({"true", "false"}),
    frozenset({"yes", "no"}),
    frozenset({"y", "n"}),
)
# ISO 8601 dates and date-times, plus the dotted form common in Korean records (2024.01.05).
_ISO_DATE = re.compile(
    r"^\d{4}([-/.])\d{1,2}\1\d{1,2}\.?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_MOSTLY = 0.9
_PARSE_SAMPLE = 1_000  # enough to tell dates apart; parsing every row of a large column is slow
_MIN_ROWS_FOR_UNIQUENESS = 20  # in a 5-row frame every category looks unique


def is_low_cardinality(distinct: int, rows: int) -> bool:
    """True for a code that repeats: few distinct values, each used many times.

    Such a column is a category even when it is named like an identifier
    (``test_id`` with two values), so the id name hint is ignored for it.
    """
    return rows > 0 and distinct <= 20 and distinct / rows < 0.5


def infer_kind(series: pd.Series) -> str:
    """Infers the kind of a column: one of ``KINDS``.

    Rules, in order:

    * bool dtype, or exactly two distinct values from {0, 1}, {true, false},
      {yes, no} or {y, n} (case-insensitive) -> ``"boolean"``;
    * datetime64 dtype, or strings of which at least 90% are ISO dates -> ``"datetime"``;
    * numbers -> ``"numerical"``, except whole numbers in a column named like an
      identifier (``subject_id``, ``mrn``) that is not a repeating code, and whole
      numbers that key rows (``signals.is_integer_key``: row numbers, distinct and
      increasing with row order, or distinct record numbers of one width) -> ``"id"``;
    * strings with a mean length over 30 characters or four or more words -> ``"text"``;
    * strings named like an identifier (and not a repeating code), or, in columns of
      20 or more values, over 90% distinct with no spaces and at most 40
      characters -> ``"id"``;
    * anything else -> ``"categorical"``.

    Args:
        series: The column; its name is used for the identifier hint.

    Returns:
        The kind.
    """
    values = series.dropna()
    distinct = values.nunique()
    named_id = _named_identifier(series.name) and not is_low_cardinality(distinct, len(values))
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    if pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype):
        if distinct == 2 and set(values.unique()) <= {0, 1}:
            return "boolean"
        whole = pd.api.types.is_integer_dtype(series) or bool((values % 1 == 0).all())
        # Row and record numbers key rows whatever their name: learned as numbers they leak.
        return "id" if whole and (named_id or is_integer_key(series)) else "numerical"
    texts = values.astype(str)
    if frozenset(texts.str.strip().str.casefold().unique()) in _BOOLEAN_PAIRS:
        return "boolean"
    if len(texts) and _date_share(texts) >= _MOSTLY:
        return "datetime"
    if len(texts) and (texts.str.len().mean() > 30 or texts.str.split().str.len().mean() >= 4):
        return "text"
    if named_id:
        return "id"
    if len(texts) >= _MIN_ROWS_FOR_UNIQUENESS and distinct / len(texts) > _MOSTLY:
        if not texts.str.contains(r"\s").any() and texts.str.len().max() <= 40:
            return "id"
    return "categorical"


def _named_identifier(name: object) -> bool:
    hint = match_name_hint(str(name)) if name is not None else None
    return hint is not None and hint.category == "identifier"


def _date_share(texts: pd.Series) -> float:
    """Share of values that look like ISO dates and parse as real dates (not 2024-13-45)."""
    sample = texts.drop_duplicates().head(_PARSE_SAMPLE).str.strip()
    iso = sample[sample.str.match(_ISO_DATE)]
    if iso.empty:
        return 0.0
    parsed = pd.to_datetime(iso.str.rstrip("."), errors="coerce", format="mixed")
    return float(parsed.notna().sum()) / len(sample)
