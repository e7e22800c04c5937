"""Profile a training table into protected, publishable facts the synthetic suite is built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from synthgate.expectations._bounds import (
    SIGNIFICANT_DIGITS,
    month_bounds,
    numeric_bounds,
    round_outward,
    share_up,
)
from synthgate.expectations._normalise import to_naive_utc
from synthgate.expectations.errors import ProfileError

__all__ = [
    "SIGNIFICANT_DIGITS",
    "ColumnKind",
    "ColumnProfile",
    "TrainingProfile",
    "profile_training",
    "round_outward",
]

DEFAULT_PROTECTION = 5


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

    Everything here is published (suite, Data Docs, validation.json), so it obeys the value
    protection the generator obeys: no category held by fewer than ``k`` training rows is
    named, and no bound is a value held by fewer than ``k`` rows (bounds start from the k-th
    smallest and k-th largest value and are rounded outward, see ``expectations._bounds``).
    Under differential privacy, categories and bounds come from declared domains only, and
    nothing else (not even the null rate) is read from the data. Columns that hold pseudonyms
    must be profiled as ``"id"``, which records the null rate only.

    Attributes:
        name: Column name.
        kind: One of ``ColumnKind``'s values.
        null_rate: Fraction of training rows where the column is null; None under DP.
        categories: Categorical/boolean: sorted values held by >= k rows (or declared), plus
            the generator's placeholder if any; None when not checked.
        minimum: Numerical: protected lower bound (float); datetime: ISO date.
        maximum: Numerical: protected upper bound (float); datetime: ISO date.
        outside_share: Share of non-null training values the published categories or bounds
            leave out (rare categories, values beyond the k-th), rounded up to 0.001.
        placeholder: The generator's stand-in for rare categories, when it is allowed.
        declared: Categories or bounds come from a declared public domain (DP), not the data.
    """

    name: str
    kind: str
    null_rate: float | None
    categories: tuple[str, ...] | None = None
    minimum: float | str | None = None
    maximum: float | str | None = None
    outside_share: float = 0.0
    placeholder: str | None = None
    declared: bool = False


@dataclass(frozen=True)
class TrainingProfile:
    """The profile of a whole training table.

    Attributes:
        columns: One profile per training column, in the table's order.
        rows: Number of training rows.
        protection: k: the fewest training rows behind any published category or bound.
        private: The generator was trained with differential privacy (declared domains only).
    """

    columns: tuple[ColumnProfile, ...]
    rows: int
    protection: int = 1
    private: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (the inverse of ``from_dict``)."""
        return {
            "rows": self.rows,
            "protection": self.protection,
            "private": self.private,
            "columns": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "null_rate": c.null_rate,
                    "categories": None if c.categories is None else list(c.categories),
                    "minimum": c.minimum,
                    "maximum": c.maximum,
                    "outside_share": c.outside_share,
                    "placeholder": c.placeholder,
                    "declared": c.declared,
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
                null_rate = None if entry["null_rate"] is None else float(entry["null_rate"])
                categories = entry.get("categories")
                outside = float(entry.get("outside_share", 0.0))
            except (KeyError, ValueError, TypeError):
                raise ProfileError(name, "malformed profile entry") from None
            if null_rate is not None and not 0.0 <= null_rate <= 1.0:
                raise ProfileError(name, "null_rate must lie in [0, 1]")
            if not 0.0 <= outside <= 1.0:
                raise ProfileError(name, "outside_share must lie in [0, 1]")
            columns.append(
                ColumnProfile(
                    name=name,
                    kind=kind,
                    null_rate=null_rate,
                    categories=None if categories is None else tuple(str(v) for v in categories),
                    minimum=entry.get("minimum"),
                    maximum=entry.get("maximum"),
                    outside_share=outside,
                    placeholder=entry.get("placeholder"),
                    declared=bool(entry.get("declared", False)),
                )
            )
        return cls(
            columns=tuple(columns),
            rows=int(data["rows"]),
            protection=int(data.get("protection", 1)),
            private=bool(data.get("private", False)),
        )


def profile_training(
    data: pd.DataFrame,
    kinds: Mapping[str, str],
    *,
    protection: int = DEFAULT_PROTECTION,
    rare_placeholder: str | None = None,
    dp_domains: Mapping[str, Mapping[str, Any]] | None = None,
) -> TrainingProfile:
    """Profile every column of the (pseudonymised) training table, with value protection.

    Args:
        data: The training table the generator learns from.
        kinds: For every column of ``data``, one of ``ColumnKind``'s values.
        protection: k, the generator's value protection: no category held by fewer than k
            rows is named and no bound is a value held by fewer than k rows (1 turns it off).
        rare_placeholder: What the generator emits for categories too rare to learn (e.g.
            ``"_RARE_"``); it joins every learned categorical column's allowed values.
        dp_domains: None unless the generator was trained with differential privacy. Under
            DP pass its declared domains (may be empty), ``{column: {"values": [...]}}`` or
            ``{column: {"min": ..., "max": ...}}``: categories and bounds then come from them
            alone, undeclared columns get neither, and no null rate is read from the data.

    Returns:
        The table's profile, in column order.

    Raises:
        ProfileError: A column has no kind, an unknown kind, is named in ``kinds`` but absent
            from ``data``, or its values cannot be read as its kind.
        ValueError: ``protection`` is below 1.
    """
    if protection < 1:
        raise ValueError("protection must be at least 1")
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
        if dp_domains is None:
            column = _profile_column(str(name), kind, data[name], protection, rare_placeholder)
        else:
            column = _declared_column(str(name), kind, dp_domains.get(str(name)) or {})
        columns.append(column)
    return TrainingProfile(
        columns=tuple(columns), rows=len(data), protection=protection, private=dp_domains is not None
    )


def _profile_column(
    name: str, kind: ColumnKind, series: pd.Series, k: int, placeholder: str | None
) -> ColumnProfile:
    null_rate = float(series.isna().mean()) if len(series) else 0.0
    values = series.dropna()
    profile = ColumnProfile(name=name, kind=kind.value, null_rate=null_rate)
    if kind is ColumnKind.BOOLEAN:
        # The domain of a boolean is public: naming both values discloses nothing.
        return replace(profile, categories=("False", "True"))
    if kind is ColumnKind.CATEGORICAL:
        counts = values.astype(object).map(str).value_counts()
        kept = counts[counts >= k]
        categories = set(kept.index)
        if placeholder is not None:
            categories.add(placeholder)
        outside = 1.0 - kept.sum() / counts.sum() if counts.sum() else 0.0
        return replace(
            profile,
            categories=tuple(sorted(categories)),
            outside_share=share_up(outside),
            placeholder=placeholder,
        )
    if kind is ColumnKind.NUMERICAL:
        low, high, outside = numeric_bounds(_numbers(name, values), k)
        return replace(profile, minimum=low, maximum=high, outside_share=outside)
    if kind is ColumnKind.DATETIME:
        low, high, outside = month_bounds(_stamps(name, values), k)
        return replace(profile, minimum=low, maximum=high, outside_share=outside)
    return profile


def _declared_column(name: str, kind: ColumnKind, domain: Mapping[str, Any]) -> ColumnProfile:
    """A column under DP: only what its declared public domain says, nothing from the data."""
    profile = ColumnProfile(name=name, kind=kind.value, null_rate=None)
    if kind is ColumnKind.BOOLEAN:
        return replace(profile, categories=("False", "True"), declared=True)
    if kind is ColumnKind.CATEGORICAL and domain.get("values") is not None:
        categories = tuple(sorted({str(v) for v in domain["values"]}))
        return replace(profile, categories=categories, declared=True)
    if domain.get("min") is None or domain.get("max") is None:
        return profile
    if kind is ColumnKind.NUMERICAL:
        try:
            low, high = float(domain["min"]), float(domain["max"])
        except (TypeError, ValueError):
            raise ProfileError(name, "declared domain min/max are not numbers") from None
        return replace(profile, minimum=low, maximum=high, declared=True)
    if kind is ColumnKind.DATETIME:
        try:
            low, high = (_iso(pd.Timestamp(domain[key])) for key in ("min", "max"))
        except (TypeError, ValueError):
            raise ProfileError(name, "declared domain min/max are not dates") from None
        return replace(profile, minimum=low, maximum=high, declared=True)
    return profile


def _iso(stamp: pd.Timestamp) -> str:
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.isoformat()


def _numbers(name: str, values: pd.Series) -> np.ndarray:
    try:
        numbers = pd.to_numeric(values, errors="raise").astype("float64").to_numpy()
    except (ValueError, TypeError):
        raise ProfileError(name, "declared numerical but holds non-numeric values") from None
    return numbers[np.isfinite(numbers)]


def _stamps(name: str, values: pd.Series) -> pd.Series:
    try:
        return to_naive_utc(values)
    except (ValueError, TypeError, OverflowError):
        raise ProfileError(name, "declared datetime but holds non-datetime values") from None
