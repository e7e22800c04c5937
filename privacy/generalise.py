"""Named generalisation rules that coarsen quasi-identifiers (ages, dates, extremes, rare categories)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Union

import numpy as np
import pandas as pd
from pydantic import Field, TypeAdapter, model_validator

from synthgate.privacy._address import parse_address
from synthgate.privacy._rule import Rule, rough_kind
from synthgate.privacy.errors import ColumnNotFoundError

__all__ = [
    "AgeBand",
    "DateTruncate",
    "TopBottomCode",
    "MergeRare",
    "AddressLevel",
    "GeneraliseRule",
    "RULES",
    "parse_rule",
    "coarsen_synthetic",
]


class AgeBand(Rule):
    """Replaces ages by band labels such as ``"30-39"``, ``"<18"`` and ``"90+"``.

    A band ``"30-39"`` holds ages in [30, 40), so 39.5 is in it. Bands start at
    ``bottom`` (or 0), so ``bottom=18, width=10`` gives ``"18-27"``, ``"28-37"``...
    The result is an ordered categorical, so labels sort naturally.
    """

    rule: Literal["age_band"] = "age_band"
    width: int = Field(10, ge=1, le=50, description="Years per band.")
    top: int | None = Field(
        90, ge=1, le=150, description="Ages from `top` upward form one band, e.g. '90+'; None: no top band."
    )
    bottom: int | None = Field(
        None, ge=0, le=150, description="Ages below `bottom` form one band, e.g. '<18'; None: no bottom band."
    )
    accepts_kinds: ClassVar[frozenset[str]] = frozenset({"numerical"})

    @model_validator(mode="after")
    def _bottom_below_top(self) -> AgeBand:
        if self.top is not None and self.bottom is not None and self.bottom >= self.top:
            raise ValueError("age_band needs bottom < top")
        return self

    def output_kind(self, input_kind: str) -> str:
        return "categorical"

    def apply(self, series: pd.Series) -> tuple[pd.Series, int]:
        ages = self._as_numbers(series).astype("float64")
        if np.isinf(ages).any():
            raise self._not_applicable(series, unparseable_cells=int(np.isinf(ages).sum()))
        anchor = self.bottom or 0
        starts = anchor + np.floor((ages - anchor) / self.width) * self.width
        labels = pd.Series(None, index=series.index, name=series.name, dtype=object)
        order: list[str] = []
        if self.bottom is not None:
            order.append(f"<{self.bottom}")
            labels[ages < self.bottom] = order[-1]
        middle = ages.notna() & labels.isna()
        if self.top is not None:
            middle &= ages < self.top
        for start in sorted(starts[middle].unique()):
            end = start + self.width if self.top is None else min(start + self.width, self.top)
            order.append(f"{int(start)}-{int(end) - 1}")
            labels[middle & (starts == start)] = order[-1]
        if self.top is not None:
            order.append(f"{self.top}+")
            labels[ages >= self.top] = order[-1]
        present = [label for label in order if (labels == label).any()]
        banded = labels.astype(pd.CategoricalDtype(present, ordered=True))
        return banded, int(ages.notna().sum())


class DateTruncate(Rule):
    """Truncates dates to the first day of their month, quarter or year; the time is dropped.

    Keeps the datetime64 dtype (and the time zone of tz-aware columns). Strings are
    parsed as dates first; any non-null string that does not parse is an error.
    """

    rule: Literal["date_truncate"] = "date_truncate"
    unit: Literal["month", "quarter", "year"] = Field(description="Keep dates down to this unit.")
    accepts_kinds: ClassVar[frozenset[str]] = frozenset({"datetime"})

    def reapplies_to_synthetic(self) -> bool:
        return True

    def apply(self, series: pd.Series) -> tuple[pd.Series, int]:
        if pd.api.types.is_datetime64_any_dtype(series):
            dates = series
        elif rough_kind(series) in ("numerical", "boolean"):
            raise self._not_applicable(series)
        else:
            dates = pd.to_datetime(series, errors="coerce", format="mixed")
            unparseable = int((dates.isna() & series.notna()).sum())
            if unparseable:
                raise self._not_applicable(series, unparseable_cells=unparseable)
        tz = getattr(dates.dt, "tz", None)
        wall = dates.dt.tz_localize(None) if tz is not None else dates
        period = {"month": "M", "quarter": "Q", "year": "Y"}[self.unit]
        truncated = wall.dt.to_period(period).dt.to_timestamp().astype(wall.dtype)
        if tz is not None:
            # Midnight on the 1st can fall in a DST gap or overlap in a few zones.
            truncated = truncated.dt.tz_localize(
                tz, nonexistent="shift_forward", ambiguous=np.ones(len(truncated), dtype=bool)
            )
        truncated.name = series.name
        changed = int((dates.notna() & (truncated != dates)).sum())
        return truncated, changed


class TopBottomCode(Rule):
    """Clips extreme values to a bound: values above ``upper`` become ``upper``, etc.

    Bounds are fixed numbers or quantiles of the column. Quantile bounds are derived
    from the data, so they are never reported. Integer columns stay integer when the
    bounds are whole numbers (quantile bounds are rounded for them).
    """

    rule: Literal["top_bottom_code"] = "top_bottom_code"
    lower: float | None = Field(None, description="Values below this become this.")
    upper: float | None = Field(None, description="Values above this become this.")
    lower_quantile: float | None = Field(
        None, ge=0.0, le=0.5, description="Lower bound as a quantile of the column."
    )
    upper_quantile: float | None = Field(
        None, ge=0.5, le=1.0, description="Upper bound as a quantile of the column."
    )
    accepts_kinds: ClassVar[frozenset[str]] = frozenset({"numerical"})

    @model_validator(mode="after")
    def _one_bound_per_side(self) -> TopBottomCode:
        if (self.lower, self.upper, self.lower_quantile, self.upper_quantile) == (None,) * 4:
            raise ValueError("top_bottom_code needs a bound: lower, upper, lower_quantile or upper_quantile")
        if self.upper is not None and self.upper_quantile is not None:
            raise ValueError("top_bottom_code takes upper or upper_quantile, not both")
        if self.lower is not None and self.lower_quantile is not None:
            raise ValueError("top_bottom_code takes lower or lower_quantile, not both")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError("top_bottom_code needs lower <= upper")
        return self

    def reapplies_to_synthetic(self) -> bool:
        return self.lower_quantile is None and self.upper_quantile is None

    def apply(self, series: pd.Series) -> tuple[pd.Series, int]:
        numbers = self._as_numbers(series)
        integral = pd.api.types.is_integer_dtype(numbers)
        lower = self._bound(numbers, self.lower, self.lower_quantile, integral)
        upper = self._bound(numbers, self.upper, self.upper_quantile, integral)
        if lower is not None and upper is not None and lower > upper:
            raise self._not_applicable(series, detail="its lower bound exceeds its upper bound")
        whole = all(b is None or float(b).is_integer() for b in (lower, upper))
        if integral and whole:
            lower, upper = (None if b is None else int(b) for b in (lower, upper))
        else:
            numbers = numbers.astype("float64")
        coded = numbers.clip(lower=lower, upper=upper)
        changed = int((numbers.notna() & (coded != numbers)).sum())
        return coded, changed

    @staticmethod
    def _bound(numbers: pd.Series, fixed: float | None, q: float | None, integral: bool) -> float | None:
        if fixed is not None:
            return fixed
        if q is None or numbers.notna().sum() == 0:
            return None
        value = float(numbers.astype("float64").quantile(q))
        return float(round(value)) if integral else value


class MergeRare(Rule):
    """Merges categories with fewer than ``min_count`` rows into ``other_label``.

    Rare categories also disappear from a categorical dtype's category list, so no
    later step can read them from there.
    """

    rule: Literal["merge_rare"] = "merge_rare"
    min_count: int = Field(10, ge=2, le=1_000_000, description="Categories with fewer rows are merged.")
    other_label: str = Field("other", min_length=1, max_length=64, description="Label of the merged group.")
    accepts_kinds: ClassVar[frozenset[str]] = frozenset({"categorical"})

    def apply(self, series: pd.Series) -> tuple[pd.Series, int]:
        counts = series.value_counts(dropna=True)
        rare = series.isin(counts.index[counts < self.min_count])
        if isinstance(series.dtype, pd.CategoricalDtype):
            merged = series
            if self.other_label not in series.cat.categories:
                merged = merged.cat.add_categories([self.other_label])
            merged = merged.mask(rare, self.other_label).cat.remove_unused_categories()
        else:
            merged = series.mask(rare, self.other_label)
        changed = int((rare & (series.astype(object) != self.other_label)).sum())
        return merged, changed


class AddressLevel(Rule):
    """Coarsens Korean addresses to the 시/도 or to 시/도 + 시/군/구.

    ``level: sido`` gives ``"서울특별시"``; ``level: sigungu`` gives
    ``"경기도 성남시 분당구"`` (the 구 of a city with districts is kept, as in the
    official 시군구 code list; ``keep_gu_in_si: false`` gives ``"경기도 성남시"``).
    Old and short names become the current official name (``"전라북도"`` →
    ``"전북특별자치도"``); 세종특별자치시 has no 시/군/구 and stays alone. No raw
    address survives: a value that does not start with one of the 17 시/도 becomes
    ``unknown_label``, and at ``level: sigungu`` a value whose 시/군/구 cannot be read
    becomes ``"<시/도> <unknown_label>"``; both count as unreadable cells.
    """

    rule: Literal["address_level"] = "address_level"
    level: Literal["sido", "sigungu"] = Field(description="sido: 시/도 only; sigungu: 시/도 + 시/군/구.")
    keep_gu_in_si: bool = Field(True, description="Keep the 구 of a city with districts (성남시 분당구).")
    unknown_label: str = Field("미상", min_length=1, max_length=32, description="Label of unreadable addresses.")
    accepts_kinds: ClassVar[frozenset[str]] = frozenset({"categorical", "text"})

    def output_kind(self, input_kind: str) -> str:
        return "categorical"

    def apply(self, series: pd.Series) -> tuple[pd.Series, int]:
        new, changed, _ = self.apply_counted(series)
        return new, changed

    def apply_counted(self, series: pd.Series) -> tuple[pd.Series, int, int]:
        if rough_kind(series) in ("numerical", "boolean", "datetime"):
            raise self._not_applicable(series)
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        labels, unreadable = [], []
        for value in uniques:
            label, readable = self._label(str(value))
            labels.append(label)
            unreadable.append(not readable)
        lookup = np.array([*labels, None], dtype=object)
        out = pd.Series(lookup[codes], index=series.index, name=series.name, dtype=object)
        present = codes >= 0
        changed = int((present & (out.to_numpy() != series.astype(object).to_numpy())).sum())
        return out, changed, int(np.array([*unreadable, False])[codes].sum())

    def _label(self, text: str) -> tuple[str, bool]:
        parsed = parse_address(text, keep_gu_in_si=self.keep_gu_in_si)
        if parsed is None:
            return self.unknown_label, False
        sido, sigungu = parsed
        if self.level == "sido" or (sigungu is None and sido == "세종특별자치시"):
            return sido, True
        if sigungu is None:
            return f"{sido} {self.unknown_label}", False
        return f"{sido} {sigungu}", True


GeneraliseRule = Annotated[
    Union[AgeBand, DateTruncate, TopBottomCode, MergeRare, AddressLevel], Field(discriminator="rule")
]
"""Any rule, told apart by its ``rule`` field; embed it in a pydantic model to parse YAML."""

RULES: dict[str, type[Rule]] = {
    "age_band": AgeBand,
    "date_truncate": DateTruncate,
    "top_bottom_code": TopBottomCode,
    "merge_rare": MergeRare,
    "address_level": AddressLevel,
}


@cache
def _rule_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(GeneraliseRule)


def parse_rule(config: Mapping[str, Any]) -> GeneraliseRule:
    """Builds a rule from a mapping such as ``{"rule": "age_band", "width": 5}``.

    Raises:
        pydantic.ValidationError: Unknown rule name, unknown key or out-of-range value.
    """
    return _rule_adapter().validate_python(dict(config))


def coarsen_synthetic(df: pd.DataFrame, rules: Mapping[str, GeneraliseRule]) -> pd.DataFrame:
    """Re-applies rules to a synthetic table so its granularity matches the training table.

    A generator trained on month-truncated dates still samples arbitrary timestamps;
    re-truncating restores the published granularity. Only rules that are idempotent
    and have no data-derived parameters are re-run (``DateTruncate`` and
    ``TopBottomCode`` with fixed bounds); the others shaped the training data already.

    Args:
        df: The synthetic table; it is not modified.
        rules: Column name to the rule used on the training table.

    Returns:
        A coarsened copy of ``df``.

    Raises:
        ColumnNotFoundError: A re-applied rule names a column missing from ``df``.
    """
    reapplied = {column: rule for column, rule in rules.items() if rule.reapplies_to_synthetic()}
    missing = [column for column in reapplied if column not in df.columns]
    if missing:
        raise ColumnNotFoundError(*missing)
    out = df.copy()
    for column, rule in reapplied.items():
        out[column], _ = rule.apply(out[column])
    return out
