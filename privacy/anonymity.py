"""Enforces a re-identification threshold (k, l, uniques) by ordered generalisation and suppression steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from synthgate.privacy._risk_errors import InvalidEnforcementError, RiskThresholdNotMetError
from synthgate.privacy.errors import ColumnActionError, ColumnNotFoundError, PrivacyError
from synthgate.privacy.generalise import GeneraliseRule
from synthgate.privacy._suppress import suppress_cells, suppress_rows
from synthgate.privacy.risk import RiskReport, measure_risk

__all__ = [
    "RiskThreshold",
    "GeneraliseStep",
    "SuppressCellsStep",
    "SuppressRowsStep",
    "EnforcementStep",
    "parse_steps",
    "StepOutcome",
    "EnforcementReport",
    "enforce_threshold",
]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskThreshold(_Config):
    """The risk a release accepts: every class holds ``k`` records and ``l`` sensitive values."""

    k: int = Field(ge=2, le=10_000, description="Smallest allowed equivalence class.")
    l: int | None = Field(  # noqa: E741 - the name of the measure
        None, ge=2, le=1_000, description="Fewest distinct sensitive values per class; needs `sensitive`."
    )
    sensitive: str | None = Field(None, min_length=1, description="Column for l-diversity.")
    max_unique_share: float | None = Field(
        None, ge=0.0, le=1.0, description="Largest allowed share of records alone in their class."
    )

    @model_validator(mode="after")
    def _l_needs_sensitive(self) -> RiskThreshold:
        if self.l is not None and self.sensitive is None:
            raise ValueError("l needs a sensitive column")
        return self

    def shortfalls(self, risk: RiskReport) -> list[str]:
        """Names the measures of ``risk`` that miss the threshold; empty when it holds.

        A table without rows has k = 0 and misses it, so suppression can never pass by
        dropping everything (``enforce_threshold`` returns an empty input as it is).
        """
        missed = []
        if risk.k < self.k:
            missed.append("k")
        if self.l is not None and (risk.l is None or risk.l < self.l):
            missed.append("l")
        if self.max_unique_share is not None and risk.unique_share > self.max_unique_share:
            missed.append("unique_share")
        return missed

    def is_met_by(self, risk: RiskReport) -> bool:
        """True when ``risk`` meets every part of the threshold."""
        return not self.shortfalls(risk)


class GeneraliseStep(_Config):
    """Coarsens one quasi-identifier with a generalisation rule."""

    step: Literal["generalise"] = "generalise"
    column: str = Field(min_length=1)
    rule: GeneraliseRule


class SuppressCellsStep(_Config):
    """Nulls quasi-identifier cells of records in classes that miss the threshold.

    ``max_share`` is a share of all quasi-identifier cells (rows x quasi-identifiers)
    of the table given to ``enforce_threshold``.
    """

    step: Literal["suppress_cells"] = "suppress_cells"
    max_share: float = Field(0.05, gt=0.0, le=0.5, description="Most cells this step may null.")


class SuppressRowsStep(_Config):
    """Drops whole classes that miss the threshold, smallest first.

    ``max_share`` is a share of the rows of the table given to ``enforce_threshold``.
    """

    step: Literal["suppress_rows"] = "suppress_rows"
    max_share: float = Field(0.05, gt=0.0, le=0.5, description="Most rows this step may drop.")


EnforcementStep = Annotated[
    Union[GeneraliseStep, SuppressCellsStep, SuppressRowsStep], Field(discriminator="step")
]
"""Any step, told apart by its ``step`` field."""


@cache
def _steps_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(list[EnforcementStep])


def parse_steps(configs: Sequence[Mapping[str, Any]]) -> list[EnforcementStep]:
    """Builds steps from mappings such as ``{"step": "suppress_rows", "max_share": 0.01}``.

    Raises:
        pydantic.ValidationError: Unknown step, unknown key or out-of-range value.
    """
    return _steps_adapter().validate_python([dict(config) for config in configs])


@dataclass(frozen=True)
class StepOutcome:
    """What one step did (counts only) and the risk after it."""

    step: str
    column: str | None
    cells_changed: int
    cells_suppressed: int
    rows_suppressed: int
    risk: RiskReport
    met: bool

    def to_dict(self) -> dict[str, Any]:
        """Returns the outcome as JSON-ready data."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["risk"] = self.risk.to_dict()
        return out


@dataclass(frozen=True)
class EnforcementReport:
    """The risk before any step, each step that ran, and whether the threshold holds."""

    threshold: RiskThreshold
    initial: RiskReport
    steps: tuple[StepOutcome, ...]
    steps_skipped: int
    met: bool

    @property
    def final(self) -> RiskReport:
        """The risk of the returned table."""
        return self.steps[-1].risk if self.steps else self.initial

    def to_dict(self) -> dict[str, Any]:
        """Returns the report as JSON-ready data."""
        return {
            "threshold": self.threshold.model_dump(),
            "initial": self.initial.to_dict(),
            "steps": [outcome.to_dict() for outcome in self.steps],
            "steps_skipped": self.steps_skipped,
            "met": self.met,
        }


def enforce_threshold(
    data: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    threshold: RiskThreshold,
    steps: Sequence[EnforcementStep | Mapping[str, Any]],
) -> tuple[pd.DataFrame, EnforcementReport]:
    """Applies steps in order until the table meets the threshold.

    The risk is measured first and after every step; the first step after which the
    threshold holds is the last one run. Suppression budgets are shares of ``data``
    and add up over steps. Suppressed cells become null (NaN, NaT or None, as pandas
    does for the dtype; integer columns become float) and count as a value of their
    own, together with cells that were null already. Kept rows keep their index
    labels. Deterministic: no randomness anywhere.

    Args:
        data: The table; it is not modified.
        quasi_identifiers: The columns that define equivalence classes.
        threshold: The risk to reach.
        steps: Steps or mappings that parse as steps, applied in order.

    Returns:
        The table meeting the threshold and an ``EnforcementReport`` of counts and sizes.

    Raises:
        ColumnNotFoundError: A quasi-identifier, the sensitive column or a step's column is missing.
        InvalidEnforcementError: A step generalises a column that is not a quasi-identifier,
            or the sensitive column is a quasi-identifier.
        RuleNotApplicableError: A generalisation rule does not fit its column.
        ColumnActionError: A rule failed otherwise (only the exception type is kept).
        RiskThresholdNotMetError: The threshold still fails after every step.
    """
    if isinstance(quasi_identifiers, str):
        raise TypeError("quasi_identifiers must be a sequence of column names, not one string")
    parsed = [step if isinstance(step, BaseModel) else parse_steps([step])[0] for step in steps]
    qis = tuple(dict.fromkeys(quasi_identifiers))
    _check(data, qis, threshold, parsed)
    base_rows = len(data)
    table = data.copy()
    initial = _measure(table, qis, threshold)
    outcomes: list[StepOutcome] = []
    # An empty input has no record to re-identify.
    met = base_rows == 0 or threshold.is_met_by(initial)
    for step in parsed:
        if met:
            break
        table, counts = _run(step, table, qis, threshold, base_rows)
        risk = _measure(table, qis, threshold)
        met = threshold.is_met_by(risk)
        outcomes.append(StepOutcome(step.step, getattr(step, "column", None), *counts, risk=risk, met=met))
    report = EnforcementReport(threshold, initial, tuple(outcomes), len(parsed) - len(outcomes), met)
    if not met:
        raise _not_met(table, qis, threshold, report)
    return table, report


def _check(data: pd.DataFrame, qis: tuple[str, ...], threshold: RiskThreshold, steps: list[Any]) -> None:
    named = [*qis, *([threshold.sensitive] if threshold.sensitive else [])]
    named += [step.column for step in steps if isinstance(step, GeneraliseStep)]
    missing = [column for column in dict.fromkeys(named) if column not in data.columns]
    if missing:
        raise ColumnNotFoundError(*missing)
    if threshold.sensitive in qis:
        raise InvalidEnforcementError(f"the sensitive column {threshold.sensitive!r} is also a quasi-identifier")
    for step in steps:
        if isinstance(step, GeneraliseStep) and step.column not in qis:
            raise InvalidEnforcementError(f"generalise step on {step.column!r}, which is not a quasi-identifier")


def _measure(table: pd.DataFrame, qis: Sequence[str], threshold: RiskThreshold) -> RiskReport:
    return measure_risk(table, qis, sensitive=threshold.sensitive)


def _run(
    step: Any, table: pd.DataFrame, qis: tuple[str, ...], threshold: RiskThreshold, base_rows: int
) -> tuple[pd.DataFrame, tuple[int, int, int]]:
    """Runs one step; returns the table and (cells changed, cells suppressed, rows suppressed)."""
    if isinstance(step, GeneraliseStep):
        # Any rule object with ``apply(series) -> (series, changed)`` works here.
        try:
            table[step.column], changed = step.rule.apply(table[step.column])
        except PrivacyError:
            raise
        except Exception as error:  # library messages may quote a cell: keep the type only
            raise ColumnActionError(step.column, "generalise", type(error).__name__) from None
        return table, (int(changed), 0, 0)
    if isinstance(step, SuppressCellsStep):
        budget = int(np.floor(step.max_share * base_rows * len(qis)))
        table, cells = suppress_cells(table, qis, threshold, budget)
        return table, (0, cells, 0)
    budget = int(np.floor(step.max_share * base_rows))
    table, rows = suppress_rows(table, qis, threshold, budget)
    return table, (0, 0, rows)


def _not_met(
    table: pd.DataFrame, qis: tuple[str, ...], threshold: RiskThreshold, report: EnforcementReport
) -> RiskThresholdNotMetError:
    """Builds the error, measuring the table once without each quasi-identifier."""
    without = []
    for column in qis:
        risk = _measure(table, [q for q in qis if q != column], threshold)
        without.append((column, risk.k, risk.l, threshold.is_met_by(risk)))
    final = report.final
    return RiskThresholdNotMetError(
        required_k=threshold.k,
        achieved_k=final.k,
        required_l=threshold.l,
        achieved_l=final.l if threshold.l is not None else None,
        unique_share=final.unique_share,
        max_unique_share=threshold.max_unique_share,
        without=without,
        report=report,
    )
