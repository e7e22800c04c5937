"""Dtype-independent canonical forms of cells, rows and frames (private helpers)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

# A null cell's canonical form, apart from the strings "nan" or "None". No NUL byte: pandas
# hashes object arrays as C strings, so "\x00..." would hash like "".
NULL_TOKEN = "<synthgate:null:7f3a>"


def to_naive_utc(values: pd.Series) -> pd.Series:
    """Return ``values`` as naive UTC datetimes (tz-aware converted, strings parsed).

    Raises:
        ValueError: The values cannot be read as datetimes (also TypeError, OverflowError).
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values
    return pd.to_datetime(values, utc=True, format="mixed").dt.tz_localize(None)


def _is_datetime_like(series: pd.Series) -> bool:
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        return True
    return series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in (
        "datetime",
        "datetime64",
    )


def canonical_cells(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return a (number, text) pair per cell that is equal across representations of a value.

    Numbers, booleans and numeric strings in object columns become a float64 (text ""), so
    1, 1.0, True-as-1 and "1" agree; datetimes become microseconds since the epoch in UTC
    (text "T"), whatever the unit or time zone; other values become their ``str`` (number 0);
    categoricals and pandas strings compare as their values; every kind of null (None, NaN,
    NaT, pd.NA) becomes ``NULL_TOKEN``. Integers above 2**53 lose precision as floats, so they
    may compare equal to a neighbour: a false positive, the safe side for a copy detector.
    Object columns are converted per distinct value, which keeps low-cardinality columns fast.
    """
    nulls = series.isna().to_numpy()
    pair = _datetime_pair(series) if _is_datetime_like(series) else None
    if pair is not None:
        numbers, text = pair
    elif pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        text = np.full(len(series), "", dtype=object)
    else:
        codes, uniques = pd.factorize(series.astype(object).to_numpy(), use_na_sentinel=True)
        unique_series = pd.Series(uniques, dtype=object)
        unique_numbers = pd.to_numeric(unique_series, errors="coerce").to_numpy(dtype="float64")
        unique_text = np.where(np.isnan(unique_numbers), unique_series.astype(str), "")
        # A trailing slot for code -1 (null), so an all-null column indexes safely.
        unique_numbers = np.append(unique_numbers, 0.0)
        unique_text = np.append(unique_text.astype(object), NULL_TOKEN)
        numbers, text = unique_numbers[codes], unique_text[codes]
    numbers = numbers + 0.0  # + 0.0 turns -0.0 into 0.0
    numbers[nulls | np.isnan(numbers)] = 0.0  # one bit pattern; the text tells nulls apart
    text[nulls] = NULL_TOKEN
    return numbers, text


def _datetime_pair(series: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        micros = to_naive_utc(series).dt.as_unit("us").to_numpy().view("int64")
    except (ValueError, TypeError, OverflowError):
        return None  # unparseable object cells: compared by their text form instead
    return micros.astype("float64"), np.full(len(series), "T", dtype=object)


def row_keys(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Return a 64-bit hash per row of ``frame`` over ``columns`` in canonical form.

    Two rows that hold the same values (in the sense of ``canonical_cells``) get the same key
    whatever their dtypes. A hash collision (about 2**-64 per pair) can only add a false
    "copied" flag, never hide a copy.
    """
    parts = {}
    for i, name in enumerate(columns):
        parts[f"n{i}"], parts[f"t{i}"] = canonical_cells(frame[name])
    canonical = pd.DataFrame(parts, index=frame.index)
    return pd.util.hash_pandas_object(canonical, index=False).to_numpy()


def as_text(series: pd.Series) -> pd.Series:
    """Return each cell as stripped text (nulls stay null) for matching against raw strings.

    Integral floats are written without ".0" (an identifier 12345 read back as 12345.0 still
    matches the raw identifier "12345"); booleans become "True"/"False".
    """
    if pd.api.types.is_float_dtype(series):
        floats = series.to_numpy(dtype="float64", na_value=np.nan)
        integral = np.isfinite(floats) & (floats == np.round(floats)) & (np.abs(floats) < 2**53)
        text = np.where(integral, np.where(integral, floats, 0).astype("int64").astype(str),
                        floats.astype(str)).astype(object)
        text[np.isnan(floats)] = None
        return pd.Series(text, index=series.index, dtype=object)
    codes, uniques = pd.factorize(series.astype(object).to_numpy(), use_na_sentinel=True)
    unique_text = pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy(dtype=object)
    text = np.append(unique_text, None)[codes]  # code -1 (null) takes the trailing None
    return pd.Series(text, index=series.index, dtype=object)


def text_set(values: Collection[object]) -> frozenset[str]:
    """Return the stripped, non-empty string forms of ``values`` (nulls dropped)."""
    series = pd.Series(list(values))  # inferred dtype: floats 12345.0 read as "12345"
    return frozenset(t for t in as_text(series).dropna() if t)


def gx_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with dtypes GX 1.24's pandas type checks can recognise.

    GX 1.24 cannot match a ``category`` column or a tz-aware datetime column against any type
    name in ``ExpectColumnValuesToBeInTypeList`` (and compares tz-aware columns to naive bounds
    with an error). The view changes representation only, never a value: categoricals and
    pandas strings become object columns of the same values, tz-aware datetimes become naive
    UTC (the profile's bounds are naive UTC too), and other datetime units become nanoseconds
    where they fit, which also puts range checks on GX's vectorised path.
    """
    columns = {}
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, (pd.CategoricalDtype, pd.StringDtype)):
            series = series.astype(object)
        elif isinstance(series.dtype, pd.DatetimeTZDtype):
            series = to_naive_utc(series)
        if pd.api.types.is_datetime64_dtype(series.dtype) and series.dtype != "datetime64[ns]":
            try:
                series = series.dt.as_unit("ns")
            except (OverflowError, ValueError):
                pass  # out of the nanosecond range: GX checks it on its slower path
        columns[name] = series
    return pd.DataFrame(columns, index=frame.index)
