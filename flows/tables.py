"""Give each column the dtype its declared kind asks for, and split the training view."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from synthgate.flows.errors import ColumnTypeError

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


def _as_text(values: pd.Series) -> pd.Series:
    out = values.astype(object)
    mask = values.notna()
    if pd.api.types.is_float_dtype(values):
        # 1412.0 read from a CSV column with gaps is the identifier "1412".
        out[mask] = [str(int(v)) if float(v).is_integer() else str(v) for v in values[mask]]
    else:
        out[mask] = values[mask].map(str)
    out[~mask] = None
    return out


def _numerical(name: str, values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("int64")
    converted = pd.to_numeric(values, errors="coerce")
    bad = int((converted.isna() & values.notna()).sum())
    if bad:
        raise ColumnTypeError(name, "numerical", bad, "numbers")
    infinite = int(np.isinf(converted.to_numpy(dtype="float64", na_value=np.nan)).sum())
    if infinite:
        raise ColumnTypeError(name, "numerical", infinite, "finite numbers")
    return converted


def _datetime(name: str, values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    converted = pd.to_datetime(values, errors="coerce", format="mixed", utc=False)
    bad = int((converted.isna() & values.notna()).sum())
    if bad:
        raise ColumnTypeError(name, "datetime", bad, "dates or timestamps")
    return converted


def _boolean(name: str, values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values
    text = values.map(lambda v: str(v).strip().lower(), na_action="ignore")
    known = text.isin(_TRUE | _FALSE) | values.isna()
    if not bool(known.all()):
        raise ColumnTypeError(name, "boolean", int((~known).sum()), "true/false, yes/no or 1/0")
    result = text.map(lambda v: v in _TRUE, na_action="ignore")
    return result.astype("boolean") if values.isna().any() else result.astype(bool)


def coerce_kinds(data: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """Return a copy whose columns have the dtypes of their declared kinds.

    numerical → int64/float64, datetime → datetime64, boolean → bool (or nullable boolean),
    categorical, id and text → object strings with None for missing.

    Raises:
        ColumnTypeError: naming the column, the kind and how many cells do not fit (never the cells).
    """
    out = {}
    for name in data.columns:
        kind, values = kinds[name], data[name]
        if kind == "numerical":
            out[name] = _numerical(name, values)
        elif kind == "datetime":
            out[name] = _datetime(name, values)
        elif kind == "boolean":
            out[name] = _boolean(name, values)
        else:
            out[name] = _as_text(values)
    return pd.DataFrame(out, index=data.index)
