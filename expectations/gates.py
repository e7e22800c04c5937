"""Privacy gates: a per-synthetic-row boolean frame computed in pandas, checked by GX."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from synthgate.expectations._normalise import as_text, row_keys, text_set
from synthgate.expectations.errors import ValidationRunError

__all__ = ["GATE_COLUMNS", "GATE_DESCRIPTIONS", "privacy_gate_frame"]

#: What each gate column means; True in a row marks a privacy failure of that synthetic row.
GATE_DESCRIPTIONS: dict[str, str] = {
    "copies_training_row": (
        "No synthetic row equals a training row over the learned columns "
        "(compared after normalising dtypes; null equals null)."
    ),
    "identifier_matches_pseudonym": (
        "No identifier value in the synthetic table is a pseudonym issued for the training data."
    ),
    "identifier_matches_raw_identifier": (
        "No identifier value in the synthetic table is a raw (pre-pseudonymisation) identifier."
    ),
    "contains_raw_value": (
        "No text cell of the synthetic table equals a raw value of a dropped, pseudonymised "
        "or redacted column."
    ),
}

#: The gate frame's columns, in order. Every gate must be False in every row for a release.
GATE_COLUMNS: tuple[str, ...] = tuple(GATE_DESCRIPTIONS)


def privacy_gate_frame(
    synthetic: pd.DataFrame,
    *,
    training: pd.DataFrame,
    learned_columns: Sequence[str],
    identifier_columns: Sequence[str],
    pseudonyms: Collection[str],
    raw_identifiers: Collection[str],
    raw_sensitive_values: Collection[str],
    common: int | None = None,
) -> pd.DataFrame:
    """Evaluate the privacy gates for every synthetic row, without handing values to GX.

    The sensitive inputs (training rows, pseudonyms, raw values) are used only here, in memory;
    the returned frame holds booleans alone, so GX and its Data Docs can show which gate failed
    and for how many (synthetic) rows, but never what matched.

    Matching semantics:

    - ``copies_training_row``: the row's canonical form over ``learned_columns`` equals some
      training row's. Canonical forms ignore dtype (1 == 1.0 == "1", categorical == object,
      any datetime unit or time zone is compared as UTC microseconds) and treat all nulls as
      equal; rows are compared by a 64-bit hash of their canonical cells.
    - ``identifier_matches_pseudonym`` / ``identifier_matches_raw_identifier``: some
      identifier cell, as stripped text (integral floats without ".0"), is in the set.
    - ``contains_raw_value``: some text cell (object, string or categorical column, and every
      identifier column) equals, as stripped text, a member of ``raw_sensitive_values``. This
      is an exact whole-cell match, not a substring search: substring search over 50k rows
      times every raw value is quadratic, and short raw values ("M", "1") would flag nearly
      every row. Empty strings are ignored for the same reason. Raw values embedded inside a
      longer synthetic string are out of scope here; free-text columns are redacted upstream.

    Args:
        synthetic: The generated table.
        training: The (pseudonymised) table the generator learned from.
        learned_columns: Columns the generator learned; compared for copied rows.
        identifier_columns: Synthetic columns that hold identifiers (pseudonyms or generated ids).
        pseudonyms: Every pseudonym issued for the training data.
        raw_identifiers: The raw identifiers those pseudonyms replaced.
        raw_sensitive_values: Raw values of dropped, pseudonymised or redacted columns.
        common: None: any copy of a training row fails ``copies_training_row``. k (the spec's
            sample.keep_common_rows): only a copy of a combination fewer than k training rows hold.

    Returns:
        A frame with ``synthetic``'s index and one bool column per name in ``GATE_COLUMNS``.

    Raises:
        ValidationRunError: A learned column is missing from either table, or an identifier
            column is missing from the synthetic table.
    """
    _require_columns(synthetic, learned_columns, "synthetic", "learned")
    _require_columns(training, learned_columns, "training", "learned")
    _require_columns(synthetic, identifier_columns, "synthetic", "identifier")
    identifiers = {c: as_text(synthetic[c]) for c in identifier_columns}
    gates = {
        "copies_training_row": _copies_training_row(synthetic, training, learned_columns, common),
        "identifier_matches_pseudonym": _any_in(
            identifiers.values(), text_set(pseudonyms), synthetic
        ),
        "identifier_matches_raw_identifier": _any_in(
            identifiers.values(), text_set(raw_identifiers), synthetic
        ),
        "contains_raw_value": _any_in(
            _text_columns(synthetic, identifiers), text_set(raw_sensitive_values), synthetic
        ),
    }
    return pd.DataFrame(gates, index=synthetic.index, columns=list(GATE_COLUMNS)).astype(bool)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], table: str, role: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationRunError(f"{role} columns missing from the {table} table: {missing}")


def _copies_training_row(
    synthetic: pd.DataFrame, training: pd.DataFrame, learned_columns: Sequence[str], common: int | None = None,
) -> np.ndarray:
    if not learned_columns or synthetic.empty or training.empty:
        return np.zeros(len(synthetic), dtype=bool)
    training_keys = row_keys(training, learned_columns)
    if common is not None:  # a combination k or more real rows share points at no one
        keys, counts = np.unique(training_keys, return_counts=True)
        training_keys = keys[counts < common]
    return np.isin(row_keys(synthetic, learned_columns), training_keys)


def _text_columns(synthetic: pd.DataFrame, identifiers: dict[str, pd.Series]) -> list[pd.Series]:
    texts = list(identifiers.values())
    for name in synthetic.columns:
        series = synthetic[name]
        if name not in identifiers and _is_text_like(series):
            texts.append(as_text(series))
    return texts


def _is_text_like(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(
        series.dtype, (pd.StringDtype, pd.CategoricalDtype)
    )


def _any_in(
    columns: Collection[pd.Series], values: frozenset[str], synthetic: pd.DataFrame
) -> np.ndarray:
    hits = np.zeros(len(synthetic), dtype=bool)
    if not values:
        return hits
    for text in columns:
        hits |= text.isin(values).to_numpy()
    return hits
