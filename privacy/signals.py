"""Column-level signals single values cannot give: cardinality, order, string shape, script, dates, ages."""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "MIN_ROWS",
    "age_signals",
    "as_dates",
    "basic_signals",
    "date_signals",
    "hangul_share",
    "integer_key_signals",
    "is_integer_key",
    "sex_signals",
    "shape_signals",
]

MIN_ROWS = 20  # below this, "every value distinct" or "increasing" happens by chance
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_DAYS_PER_YEAR = 365.2425
_MAX_AGE = 110
_SEX_WORDS = frozenset(
    "m f male female man woman men women boy girl 남 여 남자 여자 남성 여성 x u unknown other".split()
)


def hangul_share(values: Iterable[str]) -> float:
    """Share of Hangul letters among all letters of ``values`` (0.0 without letters)."""
    hangul = letters = 0
    for value in values:
        for ch in value:
            if ch.isalpha():
                letters += 1
                hangul += bool(_HANGUL.match(ch))
    return hangul / letters if letters else 0.0


def basic_signals(series: pd.Series) -> dict[str, float]:
    """Rows, null share, distinct non-null values and their share (``unique_share``)."""
    values = series.dropna()
    distinct = int(values.nunique())
    return {
        "rows": float(len(series)),
        "null_share": round(1 - len(values) / len(series), 4) if len(series) else 1.0,
        "distinct": float(distinct),
        "unique_share": round(distinct / len(values), 4) if len(values) else 0.0,
    }


def _shape(value: str) -> str:
    shape = re.sub(r"[0-9]", "9", value)
    shape = _HANGUL.sub("가", shape)
    return re.sub(r"[^\W\d_]", "a", shape)  # letters of other scripts


def shape_signals(sample: list[str]) -> dict[str, float]:
    """Length, digit and letter shares, Hangul share and the share of the commonest shape.

    A shape maps digits to 9, Hangul to 가 and other letters to a (``"010-1234-5678"``
    -> ``"999-9999-9999"``): identifiers share one shape, names and notes do not.
    """
    if not sample:
        return {}
    chars = sum(len(v) for v in sample) or 1
    shapes = Counter(_shape(v) for v in sample)
    return {
        "mean_length": round(sum(len(v) for v in sample) / len(sample), 2),
        "digit_share": round(sum(c.isdigit() for v in sample for c in v) / chars, 4),
        "letter_share": round(sum(c.isalpha() for v in sample for c in v) / chars, 4),
        "hangul_share": round(hangul_share(sample), 4),
        "same_shape_share": round(shapes.most_common(1)[0][1] / len(sample), 4),
    }


def _whole_numbers(series: pd.Series) -> pd.Series | None:
    """The non-null values in row order as int64, or None when the column is not whole numbers."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    values = series.dropna()
    if values.empty or not bool((values % 1 == 0).all()) or values.abs().max() >= 2**62:
        return None
    return values.astype("int64")


def integer_key_signals(series: pd.Series) -> dict[str, float]:
    """For whole numbers: increasing with row order, row numbers (0/1, 2, 3 ...) and fixed width."""
    values = _whole_numbers(series)
    if values is None or len(values) < 2:
        return {}
    steps = np.diff(values.to_numpy())
    widths = Counter(len(str(abs(v))) for v in values.to_numpy())
    return {
        "increasing_share": round(float((steps > 0).mean()), 4),
        "row_number": float(bool((steps == 1).all()) and int(values.iloc[0]) in (0, 1)),
        "fixed_width_share": round(widths.most_common(1)[0][1] / len(values), 4),
        "digits": float(widths.most_common(1)[0][0]),
    }


def age_signals(series: pd.Series) -> dict[str, float]:
    """``age_like`` 1.0 for whole numbers within 0-110 spread over decades (IQR >= 10 years)."""
    values = _whole_numbers(series)
    if values is None or len(values) < MIN_ROWS:
        return {}
    q1, q3 = values.quantile([0.25, 0.75])
    like = values.min() >= 0 and values.max() <= _MAX_AGE and q3 - q1 >= 10 and values.nunique() >= 10
    return {"age_like": float(like)}


def is_integer_key(series: pd.Series) -> bool:
    """True for whole numbers that key rows: row numbers, or distinct and increasing with row order,
    or distinct with one width of at least 4 digits (record numbers); never for ages.

    Needs ``MIN_ROWS`` values: in a short column distinct numbers prove nothing.
    """
    values = series.dropna()
    if len(values) < MIN_ROWS or values.nunique() < len(values):
        return False
    signals = integer_key_signals(series)
    if not signals:
        return False
    if signals["row_number"] or signals["increasing_share"] == 1.0:
        return True
    if age_signals(series).get("age_like") or values.abs().max() <= _MAX_AGE:
        return False
    return signals["fixed_width_share"] == 1.0 and signals["digits"] >= 4


def as_dates(series: pd.Series) -> pd.Series:
    """The non-null values parsed as timestamps (timezone dropped); unparsable values removed."""
    if pd.api.types.is_datetime64_any_dtype(series):
        parsed = series.dropna()
    else:
        text = series.dropna().astype(str).str.strip().str.rstrip(".")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas warns about mixed offsets; UTC is asked for below
            parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True).dropna()
    if not pd.api.types.is_datetime64_any_dtype(parsed):
        return pd.Series([], dtype="datetime64[ns]")
    if parsed.dt.tz is not None:
        parsed = parsed.dt.tz_localize(None)  # local wall-clock times: ages and spans need no zone
    return parsed


def date_signals(series: pd.Series, today: pd.Timestamp | None = None) -> dict[str, float]:
    """What dates look like: birth-like, event-like, with times of day, and how precise.

    * ``age_fit_share``: dates that imply an age of 0-110 today;
    * ``span_years``: the 5th to 95th percentile, in years;
    * ``birth_like`` 1.0: at least 95% imply ages 0-110 and they spread over 20 years or more;
    * ``event_like`` 1.0: not birth-like, within 20 years (admissions, arrests: dense);
    * ``time_share``: values with a time of day (timestamps);
    * ``exact_share``: values that are not the 1st of a month (exact days).
    """
    dates = as_dates(series)
    if dates.empty:
        return {}
    today = today or pd.Timestamp.today().normalize()
    ages = (today - dates).dt.days / _DAYS_PER_YEAR
    q05, q95 = dates.quantile([0.05, 0.95])
    span = (q95 - q05).days / _DAYS_PER_YEAR
    age_fit = float(((ages >= 0) & (ages <= _MAX_AGE)).mean())
    birth = age_fit >= 0.95 and span >= 20
    time_of_day = dates - dates.dt.normalize()
    return {
        "age_fit_share": round(age_fit, 4),
        "span_years": round(span, 1),
        "birth_like": float(birth),
        "event_like": float(not birth and span < 20),
        "time_share": round(float((time_of_day > pd.Timedelta(0)).mean()), 4),
        "exact_share": round(float((dates.dt.day != 1).mean()), 4),
    }


def sex_signals(sample: list[str]) -> dict[str, float]:
    """``sex_like`` 1.0 when at most 4 distinct values, 90%+ of them words for a sex (M/F, 남/여)."""
    if not sample:
        return {}
    folded = [v.strip().casefold() for v in sample]
    share = sum(v in _SEX_WORDS for v in folded) / len(folded)
    return {"sex_like": float(len(set(folded)) <= 4 and share >= 0.9)}
