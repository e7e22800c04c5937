"""Time-zone-aware timestamps: refused by name, or read as naive UTC when the spec says ``source.timezone: utc``.

The generators learn naive datetimes. A column of ``2024-03-01T10:00:00+09:00`` strings (or a
Parquet timestamp with a time zone) is either converted to UTC by an explicit spec option, or
stops the run in the preflight with one line naming the column; it is never silently shifted.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from synthgate.flows.errors import ColumnTypeError, InputError

# A time of day followed by Z or a UTC offset (+09:00, -0500, +09) at the end of the text.
_OFFSET = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"


def aware_cells(values: pd.Series) -> int:
    """How many cells of ``values`` carry a time zone (all of them for a tz-aware dtype)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return int(values.notna().sum())
    if pd.api.types.is_datetime64_any_dtype(values) or not (
            pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return 0
    text = values.dropna()
    text = text[text.map(lambda v: isinstance(v, str))]
    return int(text.str.strip().str.contains(_OFFSET, regex=True).sum()) if len(text) else 0


def align_timezones(frame: pd.DataFrame, kinds: Mapping[str, str], timezone: str | None) -> pd.DataFrame:
    """Return ``frame`` with its datetime columns naive: refused when aware and ``timezone`` is unset.

    Args:
        frame: the source table as read (before the kinds are applied).
        kinds: column -> declared kind (only ``datetime`` columns are looked at).
        timezone: ``source.timezone`` of the spec: ``"utc"`` or None.

    Raises:
        InputError: a datetime column holds time-zone-aware values and the spec does not say how to read them
            (names the column and the count, never a value).
        ColumnTypeError: with ``utc``, cells that do not read as timestamps.
    """
    out = None
    for name, kind in kinds.items():
        if kind != "datetime" or name not in frame.columns:
            continue
        values = frame[name]
        aware = aware_cells(values)
        if not aware:
            continue
        if timezone is None:
            raise InputError(
                f"column '{name}' holds time-zone-aware timestamps ({aware} value(s) with a UTC offset or zone); "
                "the generator learns naive times: set source.timezone: utc to read them as UTC (values without an "
                "offset are taken as UTC), or export the column without offsets")
        out = frame.copy() if out is None else out
        out[name] = _as_naive_utc(name, values)
    return frame if out is None else out


def _as_naive_utc(name: str, values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None)
    converted = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    bad = int((converted.isna() & values.notna()).sum())
    if bad:
        raise ColumnTypeError(name, "datetime", bad, "dates or timestamps")
    return converted.dt.tz_localize(None)
