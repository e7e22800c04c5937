"""Success rates, their Wilson intervals and the residual risk, exactly as anonymeter's stats/confidence.py."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from math import sqrt
from statistics import NormalDist
from typing import Any, NamedTuple

CONFIDENCE = 0.95


class Rate(NamedTuple):
    """A success rate: Wilson's point estimate and its symmetric error bound."""

    value: float
    error: float


def success_rate(n_total: int, n_success: float, confidence: float = CONFIDENCE) -> Rate:
    """Wilson score estimate of a Bernoulli success rate (anonymeter's ``success_rate``).

    Args:
        n_total: Attacks made (at least 1).
        n_success: Successful attacks; may be fractional (a size-corrected control count).
        confidence: Level of the error bound.

    Returns:
        The rate, pulled slightly towards 0.5 as Wilson's estimator does, and its error bound.
    """
    if not 0.0 <= confidence <= 1.0:
        raise ValueError("confidence must lie in [0, 1]")
    if n_total < 1:
        raise ValueError("a rate needs at least one attack")
    z = NormalDist().inv_cdf(0.5 * (1.0 + confidence))
    z2 = z * z
    variance = n_success * (n_total - n_success) / n_total
    denominator = n_total + z2
    rate = (n_success + 0.5 * z2) / denominator
    error = (z / denominator) * sqrt(max(variance, 0.0) + 0.25 * z2)
    return Rate(rate, error)


def residual(attack: Rate, control: Rate) -> Rate:
    """Excess success on training over control, normalised by the control's room to improve.

    ``(attack - control) / (1 - control)`` with the error propagated to first order, as anonymeter.
    """
    value = (attack.value - control.value) / (1.0 - control.value)
    d_attack = 1.0 / abs(1.0 - control.value)
    d_control = (attack.value - 1.0) / (1.0 - control.value) ** 2
    return Rate(value, sqrt((attack.error * d_attack) ** 2 + (control.error * d_control) ** 2))


def bound(rate: Rate) -> tuple[float, tuple[float, float]]:
    """Point estimate and interval clipped into [0, 1] (anonymeter's ``bind_value``)."""

    def clip(x: float) -> float:
        return min(max(x, 0.0), 1.0)

    return clip(rate.value), (clip(rate.value - rate.error), clip(rate.value + rate.error))


@dataclass(frozen=True)
class AttackResult:
    """Outcome of one privacy attack: aggregates only, never a cell value.

    Attributes:
        attack: "singling_out", "linkability" or "inference".
        risk: Residual risk ``(attack - control) / (1 - control)`` clipped to [0, 1].
        ci: Its 95% interval, clipped to [0, 1].
        attack_rate: Success rate against the training rows.
        control_rate: Success rate against the holdout rows.
        baseline_rate: Success rate of a random-guessing attacker (None where not measured).
        n_attacks: Attacks made against the training rows.
        details: Mode, columns used, caps, per-column figures: JSON-able, no values.
    """

    attack: str
    risk: float
    ci: tuple[float, float]
    attack_rate: float
    control_rate: float
    baseline_rate: float | None
    n_attacks: int
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (the interval as a two-item list)."""
        out = asdict(self)
        out["ci"] = list(self.ci)
        out["details"] = dict(self.details)
        return out


def rates_and_risk(
    n_attacks: int, n_success: float, n_control: float, *, n_control_attacks: int | None = None,
    n_baseline: float | None = None, n_baseline_attacks: int | None = None, confidence: float = CONFIDENCE,
) -> dict[str, Any]:
    """Rates of the attack, control and baseline and the residual risk with its interval.

    Args:
        n_attacks: Attacks against the training rows.
        n_success: Of those, successful.
        n_control: Successful attacks against the holdout rows.
        n_control_attacks: Attacks against the holdout (default ``n_attacks``).
        n_baseline: Successful random guesses (None: no baseline).
        n_baseline_attacks: Random guesses made (default ``n_attacks``).
        confidence: Level of the interval (the point estimates are Wilson's at this level too).

    Returns:
        ``risk``, ``ci``, ``attack_rate``, ``control_rate``, ``baseline_rate`` (Wilson point estimates).
    """
    attack = success_rate(n_attacks, n_success, confidence)
    control = success_rate(n_control_attacks or n_attacks, n_control, confidence)
    baseline = (None if n_baseline is None else
                success_rate(n_baseline_attacks or n_attacks, n_baseline, confidence).value)
    risk, ci = bound(residual(attack, control))
    return {"risk": risk, "ci": ci, "attack_rate": attack.value, "control_rate": control.value,
            "baseline_rate": baseline}
