"""Evaluation figures as publish gates: a one-row frame and a suite of bounded GX expectations."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from synthgate.expectations.errors import MetricGateError

if TYPE_CHECKING:  # great_expectations is imported lazily: `import expectations` stays fast
    import great_expectations as gx

__all__ = [
    "METRIC_EXPECTATION",
    "MetricGate",
    "build_evaluation_suite",
    "evaluation_frame",
]

#: GX's snake_case type of the custom expectation every figure becomes.
METRIC_EXPECTATION = "expect_evaluation_metric_to_be_between"
_CLASS_NAME = "ExpectEvaluationMetricToBeBetween"
_METRIC_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class MetricGate:
    """One evaluation figure and the bounds it must meet for a release to be published.

    Attributes:
        metric: The figure's snake_case name, e.g. ``"dcr_share"``; it names the column of
            the evaluation frame and the expectation's column in Data Docs.
        value: The measured figure (an aggregate meant for publication), or None when the
            figure is not applicable: the gate is then left out of the frame and the suite.
        min_value: Inclusive lower bound, or None.
        max_value: Inclusive upper bound, or None. At least one bound must be given; equal
            bounds mean "equals" (``exact_matches`` 0: ``min_value=0, max_value=0``).
        description: Plain words for a reviewer; Data Docs show them after the bound.

    Raises:
        MetricGateError: The name is not snake_case, a number is not finite, no bound is
            given, or ``min_value > max_value``.
    """

    metric: str
    value: float | None
    min_value: float | None = None
    max_value: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.metric, str) or not _METRIC_NAME.fullmatch(self.metric):
            raise MetricGateError(str(self.metric), "the name must be snake_case, at most 64 chars")
        for field in ("value", "min_value", "max_value"):
            number = getattr(self, field)
            if number is not None and not _finite(number):
                raise MetricGateError(self.metric, f"{field} must be a finite number or None")
        if self.min_value is None and self.max_value is None:
            raise MetricGateError(self.metric, "give min_value, max_value or both")
        low, high = self.min_value, self.max_value
        if low is not None and high is not None and low > high:
            raise MetricGateError(self.metric, "min_value exceeds max_value")

    @property
    def applicable(self) -> bool:
        """Whether the figure was measured (and so becomes an expectation)."""
        return self.value is not None

    def rule(self) -> str:
        """The bound in words, e.g. ``"dcr_share is at most 0.55"``."""
        low, high = self.min_value, self.max_value
        if low is not None and high is not None:
            if low == high:
                return f"{self.metric} equals {low:g}"
            return f"{self.metric} lies between {low:g} and {high:g}"
        if high is not None:
            return f"{self.metric} is at most {high:g}"
        return f"{self.metric} is at least {low:g}"


def evaluation_frame(gates: Sequence[MetricGate]) -> pd.DataFrame:
    """Return the frame GX checks: one row, one float64 column per applicable figure.

    Args:
        gates: The figures with their bounds; those whose ``value`` is None are left out.

    Returns:
        A one-row frame (RangeIndex) whose columns are the applicable metrics in gate order.

    Raises:
        MetricGateError: Two gates name the same metric.
    """
    columns = {g.metric: [float(g.value)] for g in _applicable(gates) if g.value is not None}
    return pd.DataFrame(columns, index=pd.RangeIndex(1), dtype="float64")


def build_evaluation_suite(
    gates: Sequence[MetricGate], name: str = "release_evaluation"
) -> gx.ExpectationSuite:
    """Build the suite that turns every applicable figure into a publish gate.

    Each applicable gate becomes one ``ExpectEvaluationMetricToBeBetween`` (GX type
    ``expect_evaluation_metric_to_be_between``) on the metric's column of
    ``evaluation_frame(gates)``. Its description states the bound, then the gate's own words,
    so Data Docs and ``render_failures`` name both; GX shows the measured value beside it.

    Args:
        gates: The figures with their bounds; those whose ``value`` is None are left out.
        name: The suite's name (shown in Data Docs and in outcomes).

    Returns:
        An unsaved ``gx.ExpectationSuite`` (not bound to any data context); empty when no
        figure is applicable.

    Raises:
        MetricGateError: Two gates name the same metric.
    """
    import great_expectations as gx

    expectation = metric_expectation_class()
    expectations = [
        expectation(
            column=g.metric,
            min_value=g.min_value,
            max_value=g.max_value,
            description=f"{g.rule()}. {g.description}".strip(),
        )
        for g in _applicable(gates)
    ]
    return gx.ExpectationSuite(name=name, expectations=expectations)


@functools.cache
def metric_expectation_class() -> type:
    """Return the custom GX expectation class, defining (and registering) it on first use.

    It is GX 1.x's documented way to customise an expectation: a subclass of a core one with
    its own class name and default description. On the one-row evaluation frame a column's
    maximum is the figure itself, so ``ExpectColumnMaxToBeBetween`` supplies the check, the
    "observed value" renderer and the bound handling. Defining the subclass registers it in
    GX's process-wide registry, which lets suites be rebuilt from their configurations in a
    fresh context (``expectations._context._unbound_copy``).
    """
    import great_expectations.expectations as gxe

    class ExpectEvaluationMetricToBeBetween(gxe.ExpectColumnMaxToBeBetween):
        """Expect an evaluation figure (a one-row column) to lie within its bounds."""

        description: str = "An evaluation figure of the release lies within its bounds."

    # Module-level identity, so pickle and `from expectations.metrics import ...` find it.
    ExpectEvaluationMetricToBeBetween.__module__ = __name__
    ExpectEvaluationMetricToBeBetween.__qualname__ = _CLASS_NAME
    return ExpectEvaluationMetricToBeBetween


def __getattr__(name: str) -> Any:
    if name == _CLASS_NAME:
        return metric_expectation_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _applicable(gates: Sequence[MetricGate]) -> list[MetricGate]:
    names = [g.metric for g in gates]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise MetricGateError(duplicates[0], "more than one gate names this metric")
    return [g for g in gates if g.applicable]


def _finite(number: Any) -> bool:
    try:
        return not isinstance(number, bool) and math.isfinite(number)
    except TypeError:
        return False
