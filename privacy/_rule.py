"""The base of every generalisation rule: frozen typo-proof config, kind checks, numeric coercion."""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd
from pydantic import BaseModel, ConfigDict

from synthgate.privacy.errors import RuleNotApplicableError

__all__ = ["Rule", "rough_kind"]


class Rule(BaseModel):
    """Shared shape: a frozen, typo-proof config plus ``apply``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    accepts_kinds: ClassVar[frozenset[str]] = frozenset()

    def output_kind(self, input_kind: str) -> str:
        """Returns the kind of the column after the rule, for an accepted ``input_kind``."""
        return input_kind

    def apply(self, series: pd.Series) -> tuple[pd.Series, int]:
        """Applies the rule; returns the new series and how many non-null cells changed."""
        raise NotImplementedError

    def apply_counted(self, series: pd.Series) -> tuple[pd.Series, int, int]:
        """Like ``apply``, plus how many non-null cells could not be read (0 unless a rule counts them)."""
        new, changed = self.apply(series)
        return new, changed, 0

    def reapplies_to_synthetic(self) -> bool:
        """True when the rule may be re-run on synthetic data: idempotent, no data-derived parameters."""
        return False

    def _not_applicable(self, series: pd.Series, **facts: Any) -> RuleNotApplicableError:
        name = "<unnamed>" if series.name is None else str(series.name)
        return RuleNotApplicableError(name, self.rule, rough_kind(series), self.accepts_kinds, **facts)

    def _as_numbers(self, series: pd.Series) -> pd.Series:
        """The series as numbers, or an error that counts the cells that are not numbers."""
        kind = rough_kind(series)
        if kind == "numerical":
            return series
        if kind in ("boolean", "datetime"):
            raise self._not_applicable(series)
        # Strings of numbers (a CSV read as text) are fine; count the cells that are not.
        numbers = pd.to_numeric(series.astype(object), errors="coerce")
        unparseable = int((numbers.isna() & series.notna()).sum())
        if unparseable:
            raise self._not_applicable(series, unparseable_cells=unparseable)
        return numbers


def _is_plain_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype)


def rough_kind(series: pd.Series) -> str:
    """A dtype-only kind for error messages (``kinds.infer_kind`` looks at values too)."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    if _is_plain_numeric(series):
        return "numerical"
    return "categorical"
