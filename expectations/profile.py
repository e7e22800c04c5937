"""Profile a training table into the coarse, publishable facts the synthetic suite is built from."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from synthgate.expectations._normalise import to_naive_utc
from synthgate.expectations.errors import ProfileError

__all__ = ["ColumnKind", "ColumnProfile", "TrainingProfile", "profile_training", "round_outward"]

SIGNIFICANT_DIGITS = 2


class ColumnKind(StrEnum):
    """How a column is profiled and checked; the values are the strings flows passes."""

    NUMERICAL = "numerical"
    CATEGORICAL = "categorical"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    ID = "id"


@dataclass(frozen=True)
class ColumnProfile:
    """What the synthetic suite may know about one training column.

    Everything here ends up in the published expectation suite, so it is deliberately coarse:
    numeric bounds are rounded outward to 2 significant figures and datetime bounds to whole
    months, so neither the exact minimum nor the exact maximum of the training data (often a
    single, identifiable record) is disclosed. Category lists are kept exact: they are the
    domain of a released column and are published in the synthetic data anyway. Columns that
    hold pseudonyms must be profiled as ``"id"``, which records the null rate only.

    Attributes:
        name: Column name.
        kind: One of ``ColumnKind``'s values.
        null_rate: Fraction of training rows where the column is null.
        categories: Categorical/boolean: sorted distinct non-null values as strings; else None.
        minimum: Numerical: lower bound (float); datetime: ISO date, first day of the month.
        maximum: Numerical: upper bound (float); datetime: ISO date, first day of a month.
    """

    name: str
    kind: str
    null_rate: float
    categories: tuple[str, ...] | None = None
    minimum: float | str | None = None
    maximum: float | str | None = None


@dataclass(frozen=True)
class TrainingProfile:
    """The profile of a whole training table.

    Attributes:
        columns: One profile per training column, in the table's order.
        rows: Number of training rows.
    """

    columns: tuple[ColumnProfile, ...]
    rows: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (the inverse of ``from_dict``)."""
        return {
            "rows": self.rows,
            "columns": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "null_rate": c.null_rate,
                    "categories": None if c.categories is None else list(c.categories),
                    "minimum": c.minimum,
                    "maximum": c.maximum,
                }
                for c in self.columns
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainingProfile:
        """Rebuild a profile written by ``to_dict``.

        Raises:
            ProfileError: A column entry is malformed (unknown kind, bad null rate, missing key).
        """
        columns = []
        for entry in data["columns"]:
            name = str(entry.get("name", "?"))
            try:
                kind = ColumnKind(entry["kind"]).value
                null_rate = float(entry["null_rate"])
                categories = entry.get("categories")
            except (KeyError, ValueError, TypeError):
                raise ProfileError(name, "malformed profile entry") from None
            if not 0.0 <= null_rate <= 1.0:
                raise ProfileError(name, "null_rate must lie in [0, 1]")
            columns.append(
                ColumnProfile(
                    name=name,
                    kind=kind,
                    null_rate=null_rate,
                    categories=None if categories is None else tuple(str(v) for v in categories),
                    minimum=entry.get("minimum"),
                    maximum=entry.get("maximum"),
                )
            )
        return cls(columns=tuple(columns), rows=int(data["rows"]))


def round_outward(value: float, *, up: bool, digits: int = SIGNIFICANT_DIGITS) -> float:
    """Round ``value`` to ``digits`` significant figures, away from the data's interior.

    ``up=True`` rounds towards +inf (for a maximum), ``up=False`` towards -inf (for a minimum),
    so the rounded range always contains the real one. Values that already have at most
    ``digits`` significant figures are unchanged (17 stays 17; 1234.5 becomes 1200 as a
    minimum and 1300 as a maximum). Decimal arithmetic on ``repr`` avoids binary noise
    (0.012 stays 0.012 instead of ceiling to 0.013).

    Args:
        value: The exact bound.
        up: Round towards +inf instead of -inf.
        digits: Significant figures to keep.

    Returns:
        The rounded bound as a float (0 and non-finite values are returned unchanged).
    """
    if value == 0 or not math.isfinite(value):
        return float(value)
    exact = Decimal(repr(float(value)))
    quantum = Decimal(1).scaleb(exact.adjusted() - (digits - 1))
    return float(exact.quantize(quantum, rounding=ROUND_CEILING if up else ROUND_FLOOR))


def profile_training(data: pd.DataFrame, kinds: Mapping[str, str]) -> TrainingProfile:
    """Profile every column of the (pseudonymised) training table.

    Args:
        data: The training table the generator learns from.
        kinds: For every column of ``data``, one of ``ColumnKind``'s values.

    Returns:
        The table's profile, in column order.

    Raises:
        ProfileError: A column has no kind, an unknown kind, is named in ``kinds`` but absent
            from ``data``, or its values cannot be read as its kind.
    """
    for name in kinds:
        if name not in data.columns:
            raise ProfileError(str(name), "has a kind but is not in the training table")
    columns = []
    for name in data.columns:
        if name not in kinds:
            raise ProfileError(str(name), "no kind given")
        try:
            kind = ColumnKind(kinds[name])
        except ValueError:
            allowed = ", ".join(k.value for k in ColumnKind)
            raise ProfileError(str(name), f"unknown kind; allowed: {allowed}") from None
        columns.append(_profile_column(str(name), kind, data[name]))
    return TrainingProfile(columns=tuple(columns), rows=len(data))


def _profile_column(name: str, kind: ColumnKind, series: pd.Series) -> ColumnProfile:
    null_rate = float(series.isna().mean()) if len(series) else 0.0
    values = series.dropna()
    profile = ColumnProfile(name=name, kind=kind.value, null_rate=null_rate)
    if kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN):
        categories = tuple(sorted({str(v) for v in values.astype(object)}))
        return replace(profile, categories=categories)
    if kind is ColumnKind.NUMERICAL:
        low, high = _numeric_range(name, values)
        return replace(profile, minimum=low, maximum=high)
    if kind is ColumnKind.DATETIME:
        low, high = _datetime_range(name, values)
        return replace(profile, minimum=low, maximum=high)
    return profile


def _numeric_range(name: str, values: pd.Series) -> tuple[float | None, float | None]:
    try:
        numbers = pd.to_numeric(values, errors="raise").astype("float64")
    except (ValueError, TypeError):
        raise ProfileError(name, "declared numerical but holds non-numeric values") from None
    numbers = numbers[np.isfinite(numbers.to_numpy())]
    if numbers.empty:
        return None, None
    return round_outward(numbers.min(), up=False), round_outward(numbers.max(), up=True)


def _datetime_range(name: str, values: pd.Series) -> tuple[str | None, str | None]:
    try:
        stamps = to_naive_utc(values)
    except (ValueError, TypeError, OverflowError):
        raise ProfileError(name, "declared datetime but holds non-datetime values") from None
    if stamps.empty:
        return None, None
    low, high = stamps.min(), stamps.max()
    floor = low.to_period("M").start_time
    ceil = high.to_period("M").start_time
    if ceil < high:
        ceil = (high.to_period("M") + 1).start_time
    return floor.strftime("%Y-%m-%d"), ceil.strftime("%Y-%m-%d")
