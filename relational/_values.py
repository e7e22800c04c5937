"""Key values compared as text: 1412, 1412.0 and "1412" are one key; a column with fractions holds no key."""
from __future__ import annotations

import numpy as np
import pandas as pd


def key_counts(series: pd.Series) -> pd.Series | None:
    """Rows per distinct non-null key value, indexed by the value as text; None when no key can live here.

    Booleans, datetimes and numbers with fractions are not keys. Integral floats (an integer
    column with nulls read by pandas) count as integers.
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return None
    counts = series.value_counts(dropna=True, sort=False)
    index = counts.index
    if pd.api.types.is_float_dtype(index):
        values = index.to_numpy(dtype="float64")
        if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
            return None
        text = pd.Index(values.astype("int64").astype(str))
    elif pd.api.types.is_integer_dtype(index):
        text = pd.Index(index.astype("int64").astype(str))
    elif pd.api.types.is_numeric_dtype(index):
        return None
    else:
        text = pd.Index([_text(v) for v in index])
    counts = pd.Series(counts.to_numpy(), index=text)
    return counts.groupby(level=0, sort=False).sum() if not text.is_unique else counts


def _text(value) -> str:
    """A key as text: integral numbers without a decimal point (as pseudonymisation reads them), text stripped."""
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def integers(counts: pd.Series) -> np.ndarray | None:
    """The distinct values as integers when every one is an integer written plainly, else None."""
    values = pd.to_numeric(pd.Series(counts.index, dtype=object), errors="coerce")
    if values.isna().any():
        return None
    return values.to_numpy(dtype="float64")
