"""The evaluation's result: every figure, each gate beside its bound, and why a figure is missing."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from synthgate.evaluation.config import GATES, Thresholds

__all__ = ["FIGURES", "FORMAT_VERSION", "Evaluation", "Gate", "judge"]

FORMAT_VERSION = 1

#: The headline figures, each a top-level key of ``Evaluation.to_dict()`` (null when not applicable).
FIGURES = (
    "quality_score", "column_shapes", "column_pair_trends",
    "dcr_share", "dcr_share_low", "nndr", "nndr_holdout", "nndr_ratio", "exact_matches", "mia_auc", "mia_auc_low",
    "singling_out_risk", "linkability_risk", "inference_risk",
    "singling_out_risk_low", "linkability_risk_low", "inference_risk_low", "utility_ratio",
)


@dataclass(frozen=True)
class Gate:
    """One figure against its bound."""

    metric: str
    value: float | None
    operator: str
    bound: float
    passed: bool
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "operator": self.operator, "bound": self.bound,
                "passed": self.passed, "description": self.description}

    def line(self) -> str:
        """One value-free line, e.g. ``dcr_share 0.612 > 0.55 (bound)``."""
        shown = "not applicable" if self.value is None else _number(self.value)
        verdict = "ok" if self.passed else "FAILED"
        return f"{self.metric} {shown} (must be {self.operator} {_number(self.bound)}): {verdict}"


def judge(figures: Mapping[str, float | int | None], thresholds: Thresholds,
          not_applicable: Mapping[str, str]) -> tuple[Gate, ...]:
    """Put every figure beside its bound; a bound of None is no gate.

    A figure that could not be measured fails its gate unless it is not applicable by the nature
    of the tables (``not_applicable`` says why): a check that did not run must not pass silently.
    """
    gates = []
    for rule in GATES:
        bound = getattr(thresholds, rule.threshold)
        if bound is None:
            continue
        value = figures.get(rule.metric)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            if rule.metric in not_applicable:
                continue  # reported as not applicable, with its reason, beside the gates
            gates.append(Gate(rule.metric, None, rule.operator, bound, False, rule.description))
            continue
        passed = value <= bound if rule.operator == "<=" else value >= bound
        gates.append(Gate(rule.metric, value, rule.operator, bound, bool(passed), rule.description))
    return tuple(gates)


@dataclass(frozen=True)
class Evaluation:
    """Every figure of one evaluation; ``to_dict()`` is evaluation.json.

    Attributes:
        figures: The headline figures by name (``FIGURES``), None when not applicable.
        gates: Each bounded figure beside its bound.
        not_applicable: Figure or block -> why it was not measured.
        rows: Rows of each table.
        columns: {"evaluated": column -> kind, "skipped": column -> reason}.
        fidelity: Per-column and per-pair scores, diagnostic, chart data (privacy-safe aggregates).
        utility: The utility block, or None.
        privacy: Details of each privacy figure (samples, intervals, per-column risks).
        timings: Seconds per step.
        config: The configuration used (thresholds included), for reproduction.
    """

    figures: Mapping[str, float | int | None]
    gates: tuple[Gate, ...]
    not_applicable: Mapping[str, str]
    rows: Mapping[str, int]
    columns: Mapping[str, Mapping[str, str]]
    fidelity: Mapping[str, Any]
    utility: Mapping[str, Any] | None
    privacy: Mapping[str, Any]
    timings: Mapping[str, float]
    config: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether every gate holds."""
        return all(gate.passed for gate in self.gates)

    def failures(self) -> tuple[Gate, ...]:
        return tuple(gate for gate in self.gates if not gate.passed)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form (evaluation.json); headline figures are top-level keys."""
        return {
            "format_version": FORMAT_VERSION,
            "passed": self.passed,
            **{name: self.figures.get(name) for name in FIGURES},
            "utility": self.utility,
            "rows": dict(self.rows),
            "columns": {k: dict(v) for k, v in self.columns.items()},
            "fidelity": dict(self.fidelity),
            "privacy": dict(self.privacy),
            "gates": [gate.to_dict() for gate in self.gates],
            "not_applicable": dict(self.not_applicable),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "config": dict(self.config),
            **dict(self.extra),
        }


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.3g}"
