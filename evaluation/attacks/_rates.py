"""Success rates and the residual risk as anonymeter's stats/confidence.py; the risk's interval is a score interval.

The rates (Wilson) and the point estimate of the residual risk are anonymeter 1.1.0's. Its
interval is not: anonymeter propagates the two Wilson errors to first order through
``(attack - control) / (1 - control)``, which divides by the control's failure rate and is too
narrow where the control often succeeds (a control rate of 0.8 or more, common on columns with few
values). The residual is one minus a ratio of failure rates, ``(1 - attack) / (1 - control)``, so
``risk_interval`` inverts the Miettinen-Nurminen score test of that ratio instead: its error rates
hold at the bound where the first-order interval's reach twice to five times their level
(docs/evaluation.md, "The interval of a risk").
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from math import exp, inf, log, sqrt
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


#: Search range of the failure-rate ratio (log scale) and bisection steps: 64 halvings of a range 55
#: wide leave 3e-18, below what a double resolves at these logs (~1e-14), so more steps change nothing.
_RATIO_RANGE = (log(1e-12), log(1e12))
_BISECTIONS = 64


def _score_statistic(theta: float, x1: float, n1: float, x2: float, n2: float) -> float:
    """Miettinen-Nurminen's squared score statistic of ``p1 = theta * p2`` for ``x1`` of ``n1`` and ``x2`` of ``n2``.

    The two rates are re-estimated under the constraint (the smaller root of the likelihood's
    quadratic) and the variance carries the ``N / (N - 1)`` factor of Miettinen and Nurminen (1985).
    ``ratio_interval`` calls it only with an event on some side (none on either fits every ratio).
    """
    total = n1 + n2
    b = theta * (n1 + x2) + x1 + n2
    root = sqrt(max(b * b - 4.0 * total * theta * (x1 + x2), 0.0))
    p2 = (b - root) / (2.0 * total * theta)
    p1 = theta * p2
    variance = (p1 * (1.0 - p1) / n1 + theta * theta * p2 * (1.0 - p2) / n2) * total / (total - 1.0)
    gap = x1 / n1 - theta * x2 / n2
    if variance <= 0.0:
        return 0.0 if gap == 0.0 else inf
    return gap * gap / variance


def ratio_interval(x1: float, n1: float, x2: float, n2: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Score interval of the ratio of two binomial rates ``(x1 / n1) / (x2 / n2)`` (Miettinen-Nurminen).

    Every ratio whose score test does not reject it at ``confidence``; the ends are found by
    bisection on the log scale. Counts may be fractional (a scaled control count). The edges are
    explicit: no event on the first side gives a lower end of 0, none on the second an upper end of
    infinity, none on either ``(0, inf)``; statsmodels 0.14's ``confint_proportions_2indep`` agrees
    inside but returns (0.5, 0.5) for 0 of 30 against 30 of 30 and (1.0, 1.13) for 30 of 30 twice.

    Raises:
        ValueError: A side with no attempts, a count outside ``[0, n]``, or ``confidence`` outside (0, 1).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must lie in (0, 1)")
    if n1 < 1 or n2 < 1 or not (0.0 <= x1 <= n1 and 0.0 <= x2 <= n2):
        raise ValueError("each side needs at least one attempt and a count between 0 and its attempts")
    if x1 + x2 == 0:
        return 0.0, inf
    critical = NormalDist().inv_cdf(0.5 * (1.0 + confidence)) ** 2

    def rejected(log_theta: float) -> bool:
        return _score_statistic(exp(log_theta), x1, n1, x2, n2) > critical

    def end(inside: float, outside: float) -> float:
        for _ in range(_BISECTIONS):
            middle = 0.5 * (inside + outside)
            inside, outside = (inside, middle) if rejected(middle) else (middle, outside)
        return exp(0.5 * (inside + outside))

    smallest, largest = _RATIO_RANGE
    centre = largest if x2 == 0 else smallest if x1 == 0 else log((x1 / n1) / (x2 / n2))
    low = 0.0 if x1 == 0 or not rejected(smallest) else end(centre, smallest)
    high = inf if x2 == 0 or not rejected(largest) else end(centre, largest)
    return low, high


def risk_interval(n_attacks: float, n_success: float, n_control_attacks: float, n_control: float,
                  confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Interval of the residual risk ``1 - (failure rate on training) / (failure rate on holdout)``, in [0, 1].

    The residual ``(attack - control) / (1 - control)`` is exactly that, so its interval is the score
    interval of the failure-rate ratio (``ratio_interval``) turned around and clipped. A count is
    clipped into ``[0, attacks]`` first, as anonymeter's Wilson rate tolerates one (a scaled control count).
    """
    n_success, n_control = min(max(n_success, 0.0), n_attacks), min(max(n_control, 0.0), n_control_attacks)
    low, high = ratio_interval(n_attacks - n_success, n_attacks, n_control_attacks - n_control,
                               n_control_attacks, confidence)
    return min(max(1.0 - high, 0.0), 1.0), min(max(1.0 - low, 0.0), 1.0)


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
        ``risk`` is anonymeter's; ``ci`` is the score interval (``risk_interval``), widened to hold
        ``risk`` where Wilson's pull towards 0.5 puts the estimate outside it (small counts).
    """
    n_control_attacks = n_control_attacks or n_attacks
    attack = success_rate(n_attacks, n_success, confidence)
    control = success_rate(n_control_attacks, n_control, confidence)
    baseline = (None if n_baseline is None else
                success_rate(n_baseline_attacks or n_attacks, n_baseline, confidence).value)
    risk, _ = bound(residual(attack, control))
    low, high = risk_interval(n_attacks, n_success, n_control_attacks, n_control, confidence)
    return {"risk": risk, "ci": (min(low, risk), max(high, risk)), "attack_rate": attack.value,
            "control_rate": control.value, "baseline_rate": baseline}
