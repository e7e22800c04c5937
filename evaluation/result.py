"""The evaluation's result: every figure, each gate beside its bound, and why a figure is missing."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from synthgate.evaluation.config import GATES, Thresholds

__all__ = ["FIGURES", "FORMAT_VERSION", "VERDICTS", "Evaluation", "Gate", "holdout_rows_needed", "judge", "verdict_of"]

FORMAT_VERSION = 2

#: The headline figures, each a top-level key of ``Evaluation.to_dict()`` (null when not applicable).
#: A gated figure ``m`` with an interval has ``m_low`` and ``m_high``; a per-column figure has
#: ``m_column`` (or ``m_columns`` for a column set).
FIGURES = (
    "quality_score", "column_shapes", "column_pair_trends", "c2st",
    "raw_copy_share", "raw_copy_share_low", "raw_copy_share_high", "raw_copies", "raw_drawn",
    "chance_copy_share", "chance_copy_share_high", "exact_matches",
    "rare_value_share", "rare_value_share_column", "rare_value_share_holdout",
    "reproduced_record_excess", "reproduced_record_excess_low", "reproduced_record_excess_high",
    "reproduced_record_excess_columns", "reproduced_record_share", "reproduced_record_share_holdout",
    "close_records_share", "close_records_share_low", "close_records_share_high",
    "dcr_share", "dcr_share_low", "dcr_share_high", "nndr", "nndr_holdout", "nndr_ratio",
    "nndr_ratio_low", "nndr_ratio_high",
    "mia_auc", "mia_auc_low", "mia_auc_high",
    "singling_out_risk", "singling_out_risk_low", "singling_out_risk_high",
    "linkability_risk", "linkability_risk_low", "linkability_risk_high",
    "inference_risk", "inference_risk_low", "inference_risk_high", "inference_risk_column",
    "utility_ratio",
)

#: The verdicts a gate can reach, from worst to best.
VERDICTS = ("unmeasured", "fail", "inconclusive", "pass")


@dataclass(frozen=True)
class Gate:
    """One figure against its bound, with its interval and verdict.

    ``verdict`` is "pass", "fail", "inconclusive" (the interval is too wide to tell a pass from a
    fail) or "unmeasured" (a bounded figure that could not be measured: a check that did not run
    must not pass silently). ``accepted`` is true when the spec accepted this gate's inconclusive
    figure; ``holdout_rows_needed`` estimates the holdout rows that would make it conclusive.
    """

    metric: str
    title: str
    description: str
    value: float | None
    low: float | None
    high: float | None
    operator: str
    bound: float
    ideal: float | None
    verdict: str
    accepted: bool = False
    column: str | None = None
    columns: tuple[str, ...] | None = None
    holdout_rows_needed: int | None = None
    remedy: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict == "pass" or (self.verdict == "inconclusive" and self.accepted)

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "title": self.title, "description": self.description,
                "value": self.value, "low": self.low, "high": self.high, "operator": self.operator,
                "bound": self.bound, "ideal": self.ideal, "verdict": self.verdict, "accepted": self.accepted,
                "passed": self.passed, "column": self.column,
                "columns": None if self.columns is None else list(self.columns),
                "holdout_rows_needed": self.holdout_rows_needed, "remedy": self.remedy}

    def line(self) -> str:
        """One value-free line, e.g. ``close_records_share 0.112 [0.104, 0.121] (must be <= 0.08): FAILED``."""
        shown = "not measured" if self.value is None else _number(self.value)
        if self.low is not None and self.high is not None:
            shown += f" [{_number(self.low)}, {_number(self.high)}]"
        where = f" on {self.column}" if self.column else (f" on ({', '.join(self.columns)})" if self.columns else "")
        verdict = {"pass": "ok", "fail": "FAILED", "unmeasured": "FAILED (not measured)"}.get(self.verdict, "")
        if self.verdict == "inconclusive":
            more = (f"; about {self.holdout_rows_needed} holdout rows would decide it"
                    if self.holdout_rows_needed else "")
            verdict = ("INCONCLUSIVE, accepted by the spec" if self.accepted
                       else f"INCONCLUSIVE: the interval is too wide to tell{more}")
        remedy = f"; {self.remedy}" if self.remedy and self.verdict == "fail" else ""
        return f"{self.metric}{where} {shown} (must be {self.operator} {_number(self.bound)}): {verdict}{remedy}"


def verdict_of(value: float, low: float | None, high: float | None, operator: str, bound: float,
               ideal: float | None) -> str:
    """Pass, fail or inconclusive for one figure (see ``Thresholds``).

    Fail when the whole interval lies beyond the bound; pass when it lies within; when it
    straddles the bound, inconclusive if it is wider than the distance from the ideal value to
    the bound, else the estimate decides. Figures without an interval or ideal compare directly.
    """
    sign = 1.0 if operator == "<=" else -1.0  # mirror ">=" gates onto "<="
    v, b = sign * value, sign * bound
    if low is None or high is None or ideal is None:
        return "pass" if v <= b else "fail"
    lo, hi = sorted((sign * low, sign * high))
    if lo > b:
        return "fail"
    if hi <= b:
        return "pass"
    if hi - lo > abs(bound - ideal):
        return "inconclusive"
    return "pass" if v <= b else "fail"


def holdout_rows_needed(low: float, high: float, bound: float, ideal: float, holdout_rows: int) -> int | None:
    """Holdout rows that would narrow the interval to the distance between ideal and bound (width ∝ 1/√n)."""
    margin = abs(bound - ideal)
    if margin <= 0 or holdout_rows <= 0 or high <= low:
        return None
    return int(math.ceil(holdout_rows * ((high - low) / margin) ** 2))


def judge(figures: Mapping[str, Any], thresholds: Thresholds, not_applicable: Mapping[str, str], *,
          accept_inconclusive: Iterable[str] = (), holdout_rows: int = 0) -> tuple[Gate, ...]:
    """Put every figure beside its bound; a bound of None is no gate.

    A figure that could not be measured is "unmeasured" (it blocks) unless it is not applicable
    by the nature of the tables (``not_applicable`` says why).
    """
    accepted = set(accept_inconclusive)
    gates = []
    for rule in GATES:
        bound = getattr(thresholds, rule.threshold)
        if bound is None:
            continue
        ideal = rule.ideal
        if rule.metric == "raw_copy_share":  # the bound is chance, measured on the holdout
            chance = figures.get("chance_copy_share_high", figures.get("chance_copy_share"))
            if chance is None:
                continue
            bound, ideal = float(chance) + float(bound), None
        value = figures.get(rule.metric)
        column = figures.get(f"{rule.metric}_column")
        columns = figures.get(f"{rule.metric}_columns")
        common = {"metric": rule.metric, "title": rule.title, "description": rule.description,
                  "operator": rule.operator, "bound": float(bound), "ideal": ideal, "column": column,
                  "columns": None if columns is None else tuple(columns), "remedy": rule.remedy}
        if value is None or (isinstance(value, float) and math.isnan(value)):
            if rule.metric not in not_applicable:
                gates.append(Gate(value=None, low=None, high=None, verdict="unmeasured", **common))
            continue
        low, high = figures.get(f"{rule.metric}_low"), figures.get(f"{rule.metric}_high")
        if rule.shown_beyond and low is not None and high is not None:
            # the end of the interval nearest the bound's good side decides: fail only when shown beyond
            verdict = verdict_of(low if rule.operator == "<=" else high, low, high, rule.operator, float(bound), None)
        else:
            verdict = verdict_of(float(value), low, high, rule.operator, float(bound), ideal)
        needed = (holdout_rows_needed(low, high, float(bound), ideal, holdout_rows)
                  if verdict == "inconclusive" else None)
        gates.append(Gate(value=value, low=low, high=high, verdict=verdict,
                          accepted=verdict == "inconclusive" and rule.metric in accepted,
                          holdout_rows_needed=needed, **common))
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
        """Whether every gate holds (an inconclusive gate only if the spec accepted it)."""
        return all(gate.passed for gate in self.gates)

    @property
    def verdict(self) -> str:
        """"fail" if a gate failed or was not measured, "inconclusive" if one is and was not accepted, else "pass"."""
        if any(gate.verdict in ("fail", "unmeasured") for gate in self.gates):
            return "fail"
        return "pass" if self.passed else "inconclusive"

    def failures(self) -> tuple[Gate, ...]:
        return tuple(gate for gate in self.gates if not gate.passed)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form (evaluation.json); headline figures are top-level keys."""
        return {
            "format_version": FORMAT_VERSION,
            "passed": self.passed,
            "verdict": self.verdict,
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
