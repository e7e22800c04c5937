"""Line up the real (training), synthetic and holdout tables: same columns, one kind each, one dtype per kind."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthgate.evaluation.errors import EmptyTableError, TableMismatchError

__all__ = ["KINDS", "AlignedTables", "align_tables", "infer_kind"]

#: The column kinds the evaluation knows; anything else a caller declares is refused.
KINDS = ("numerical", "categorical", "datetime", "boolean")

# Below this many real rows, "every value distinct" says nothing about a column being an identifier.
_MIN_ROWS_FOR_IDENTIFIER = 20


@dataclass(frozen=True)
class AlignedTables:
    """The three tables over the columns they share, normalised for comparison.

    Attributes:
        train: The real rows the generator learned from.
        synthetic: The generated rows.
        holdout: Real rows the generator never saw.
        kinds: Column -> kind, for every column left to compare (in the real table's order).
        skipped: Column -> why it is left out (identifier-like, constant, all null, ignored).
    """

    train: pd.DataFrame
    synthetic: pd.DataFrame
    holdout: pd.DataFrame
    kinds: dict[str, str]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return list(self.kinds)


def infer_kind(series: pd.Series) -> str:
    """The kind of a column from its dtype: bool -> boolean, numbers -> numerical, datetimes, else categorical."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numerical"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "categorical"


def align_tables(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    kinds: Mapping[str, str] | None = None,
    ignore: Sequence[str] = (),
) -> AlignedTables:
    """Check that the tables can be compared and bring them to one shape.

    Args:
        real: The real training rows.
        synthetic: The synthetic rows.
        holdout: Real rows kept out of training.
        kinds: Column -> kind; columns not named are inferred from the real table's dtypes.
        ignore: Columns to leave out of every figure (e.g. fresh identifiers).

    Returns:
        The aligned tables; columns in the real table's order.

    Raises:
        EmptyTableError: A table has no rows, or no column is left to compare.
        TableMismatchError: The tables have different columns, a declared kind is unknown,
            or a column's kind differs between the real and another table.
    """
    tables = {"real": real, "synthetic": synthetic, "holdout": holdout}
    for name, frame in tables.items():
        if len(frame) == 0:
            raise EmptyTableError(name, _EMPTY_HINT.get(name, "has no rows"))
    dropped = set(ignore)
    columns = [c for c in real.columns if c not in dropped]
    for name in ("synthetic", "holdout"):
        _check_same_columns(name, [c for c in tables[name].columns if c not in dropped], columns)
    declared = dict(kinds or {})
    unknown = sorted(c for c, k in declared.items() if k not in KINDS)
    if unknown:
        raise TableMismatchError("real", f"has columns of a kind the evaluation does not know (allowed: "
                                 f"{', '.join(KINDS)})", unknown)
    resolved = {c: declared.get(c) or infer_kind(real[c]) for c in columns}
    for name in ("synthetic", "holdout"):
        _check_kinds(name, tables[name], resolved, declared)
    skipped = {c: "ignored by the caller" for c in real.columns if c in dropped}
    skipped.update(_uninformative(real, resolved))
    kept = {c: k for c, k in resolved.items() if c not in skipped}
    if not kept:
        raise EmptyTableError("real", "has no column left to compare (every column is an identifier, "
                              "constant, all null or ignored)")
    return AlignedTables(
        train=_normalise(real, kept), synthetic=_normalise(synthetic, kept), holdout=_normalise(holdout, kept),
        kinds=kept, skipped=skipped,
    )


_EMPTY_HINT = {
    "holdout": "has no rows: every privacy figure compares against held-out real rows "
               "(raise the holdout fraction, or pass a non-empty holdout table)",
}


def _check_same_columns(name: str, have: list[str], want: list[str]) -> None:
    missing = [c for c in want if c not in set(have)]
    if missing:
        raise TableMismatchError(name, "lacks columns of the real table", missing)
    extra = [c for c in have if c not in set(want)]
    if extra:
        raise TableMismatchError(name, "has columns the real table lacks", extra)
    if len(set(have)) != len(have):
        raise TableMismatchError(name, "has duplicate column names", sorted({c for c in have if have.count(c) > 1}))


def _check_kinds(name: str, frame: pd.DataFrame, resolved: Mapping[str, str], declared: Mapping[str, str]) -> None:
    for column, kind in resolved.items():
        series = frame[column]
        if series.isna().all():
            continue  # an all-null column fits any kind
        theirs = infer_kind(series)
        if theirs == kind or column in declared and _convertible(series, kind):
            continue
        raise TableMismatchError(name, f"column {column!r} is {theirs} where the real table's is {kind}")


def _convertible(series: pd.Series, kind: str) -> bool:
    """A declared kind accepts what converts to it without loss of meaning (e.g. 0/1 for boolean)."""
    try:
        _normalise_column(series, kind, strict=True)
    except (TypeError, ValueError):
        return False
    return True


def _uninformative(real: pd.DataFrame, kinds: Mapping[str, str]) -> dict[str, str]:
    reasons = {}
    for column, kind in kinds.items():
        values = real[column].dropna()
        if values.empty:
            reasons[column] = "all null in the real table"
        elif values.nunique() == 1 and len(values) == len(real):
            reasons[column] = "constant in the real table"
        elif (kind == "categorical" and len(real) >= _MIN_ROWS_FOR_IDENTIFIER
              and values.nunique() == len(values)):
            reasons[column] = "identifier-like: every real value is distinct"
    return reasons


def _normalise(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {c: _normalise_column(frame[c], k) for c, k in kinds.items()}, columns=list(kinds),
    ).reset_index(drop=True)


def _normalise_column(series: pd.Series, kind: str, *, strict: bool = False) -> pd.Series:
    series = series.reset_index(drop=True)
    if kind == "numerical":
        if pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("float64")
        converted = pd.to_numeric(series, errors="raise" if strict else "coerce")
        return converted.astype("float64")
    if kind == "datetime":
        converted = pd.to_datetime(series, errors="raise" if strict else "coerce", utc=True)
        return converted.dt.tz_localize(None).astype("datetime64[ns]")
    if kind == "boolean":
        return _as_boolean_text(series, strict=strict)
    return _as_text(series)


def _as_text(series: pd.Series) -> pd.Series:
    values = series.astype(object)
    mask = values.isna().to_numpy()
    text = values.map(_text).to_numpy(dtype=object)
    text[mask] = None
    return pd.Series(text, dtype=object)


def _text(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # 3.0 and 3 are one category, whichever dtype a table used
    return str(value)


_TRUE, _FALSE = {"true", "1", "1.0", "yes", "y", "t"}, {"false", "0", "0.0", "no", "n", "f"}


def _as_boolean_text(series: pd.Series, *, strict: bool) -> pd.Series:
    out = []
    for value in series.astype(object):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            out.append(None)
            continue
        word = str(value).strip().lower()
        if word in _TRUE:
            out.append("True")
        elif word in _FALSE:
            out.append("False")
        elif strict:
            raise ValueError("not a boolean")
        else:
            out.append(None)
    return pd.Series(out, dtype=object)
