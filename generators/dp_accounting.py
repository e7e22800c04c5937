"""One RDP accountant for everything a DP generator learns: pre-training Gaussian releases and DP-SGD.

The maths lives here as pure functions (no torch state); the privacy argument is in ``docs/dp.md``.
opacus is imported lazily: its RDP analysis (``opacus.accountants.analysis.rdp``) is the audited code
that DP-SGD itself is accounted with, so the pre-training releases are charged by the same formulas.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from synthgate.generators.errors import GeneratorError

__all__ = [
    "ORDERS", "BudgetPlan", "DPBudgetError", "GaussianRelease", "SgdRun", "accountant_record",
    "calibrate_sgd_noise", "epsilon_spent", "plan_budget", "release_noise_for",
]

# opacus's RDPAccountant.DEFAULT_ALPHAS (1.1 … 10.9, 12 … 63) plus larger orders: at small epsilon the
# best order of heavily noised releases lies in the hundreds, and stopping at 63 would overcharge them.
ORDERS: tuple[float, ...] = (
    tuple(1 + x / 10.0 for x in range(1, 100)) + tuple(float(a) for a in range(12, 64))
    + (80.0, 96.0, 128.0, 192.0, 256.0, 384.0, 512.0, 768.0, 1024.0)
)
MAX_NOISE = 1e4   # above this DP-SGD learns nothing; a budget that needs more is refused
MIN_NOISE = 1e-2  # below this the guarantee is vacuous; calibration never goes lower
_REL_TOL = 1e-3   # relative precision of every noise calibration


class DPBudgetError(GeneratorError):
    """A differential-privacy budget that is invalid or cannot be met; names the parameters and the rule."""

    def __init__(self, epsilon: float, delta: float, reason: str) -> None:
        self.epsilon, self.delta, self.reason = epsilon, delta, reason
        super().__init__(f"dp budget (epsilon={epsilon:g}, delta={delta:g}): {reason}")


@dataclass(frozen=True)
class GaussianRelease:
    """One Gaussian mechanism run once on the whole table (sample rate 1, one step)."""

    name: str                # e.g. "categories", "numeric_bounds", "numeric_histograms"
    noise_multiplier: float  # sigma divided by the L2 sensitivity of the whole release (> 0)

    def __post_init__(self) -> None:
        _require(self.noise_multiplier > 0 and math.isfinite(self.noise_multiplier),
                 f"release {self.name!r}: noise_multiplier must be finite and > 0")


@dataclass(frozen=True)
class SgdRun:
    """DP-SGD with Poisson sampling: ``steps`` steps at rate ``sample_rate`` with this noise multiplier."""

    noise_multiplier: float  # sigma divided by the clipping norm (> 0)
    sample_rate: float       # Poisson sampling rate q in (0, 1]
    steps: int               # >= 0

    def __post_init__(self) -> None:
        _require(self.noise_multiplier > 0 and math.isfinite(self.noise_multiplier),
                 "sgd noise_multiplier must be finite and > 0")
        _require(0 < self.sample_rate <= 1, "sgd sample_rate must be in (0, 1]")
        _require(self.steps >= 0, "sgd steps must be >= 0")


@dataclass(frozen=True)
class BudgetPlan:
    """How one (epsilon, delta) budget is split between thresholding, pre-training releases and DP-SGD."""

    epsilon: float
    delta: float
    threshold_delta: float   # the part of delta reserved for Gaussian thresholding of category lists
    accounting_delta: float  # delta - threshold_delta: what the RDP conversion uses
    release_noise: float     # noise multiplier of each pre-training release (0.0 when there are none)


def epsilon_spent(*, releases: Sequence[GaussianRelease], sgd: SgdRun | None, delta: float) -> float:
    """Epsilon at ``delta`` of every release composed with the SGD run, by RDP composition.

    Args:
        releases: Gaussian releases, each run once on the whole table (q = 1, one step).
        sgd: The DP-SGD run, or None when there is none.
        delta: The delta of the (epsilon, delta) conversion, in (0, 1).

    Returns:
        The smallest epsilon over ``ORDERS`` (Balle et al. 2020 conversion, as opacus); 0.0 for nothing.

    Raises:
        ValueError: ``delta`` outside (0, 1).
    """
    _require(0 < delta < 1, "delta must be in (0, 1)")
    from opacus.accountants.analysis import rdp as analysis

    rdp = [0.0] * len(ORDERS)
    for release in releases:  # a release is the sampled Gaussian mechanism with q = 1, one step
        rdp = _add(rdp, analysis.compute_rdp(q=1.0, noise_multiplier=release.noise_multiplier, steps=1,
                                             orders=list(ORDERS)))
    if sgd is not None and sgd.steps > 0:
        rdp = _add(rdp, analysis.compute_rdp(q=sgd.sample_rate, noise_multiplier=sgd.noise_multiplier,
                                             steps=sgd.steps, orders=list(ORDERS)))
    if not any(rdp):
        return 0.0
    with warnings.catch_warnings():
        # The searches below probe extreme noise on purpose, where the best order is an end of the grid.
        warnings.filterwarnings("ignore", message="Optimal order is the")
        eps, _ = analysis.get_privacy_spent(orders=list(ORDERS), rdp=list(rdp), delta=delta)
    return float(eps)


def calibrate_sgd_noise(*, epsilon: float, delta: float, sample_rate: float, steps: int,
                        releases: Sequence[GaussianRelease]) -> float:
    """Smallest DP-SGD noise multiplier whose run, composed with ``releases``, spends at most ``epsilon``.

    Args:
        epsilon: Total target epsilon (> 0).
        delta: The delta of the RDP conversion (the accounting delta of the plan).
        sample_rate: Poisson sampling rate q in (0, 1].
        steps: Number of DP-SGD steps (>= 1).
        releases: Pre-training releases already charged to the same budget.

    Returns:
        A noise multiplier in [MIN_NOISE, MAX_NOISE], within 0.1 % of the smallest that fits.

    Raises:
        DPBudgetError: Even ``MAX_NOISE`` does not fit, i.e. the releases alone spend (nearly) all of epsilon.
        ValueError: Arguments out of range.
    """
    _require(epsilon > 0 and math.isfinite(epsilon), "epsilon must be finite and > 0")
    _require(steps >= 1, "steps must be >= 1")

    def spent(nm: float) -> float:
        return epsilon_spent(releases=releases, sgd=SgdRun(nm, sample_rate, steps), delta=delta)

    if spent(MAX_NOISE) > epsilon:
        alone = epsilon_spent(releases=releases, sgd=None, delta=delta)
        raise DPBudgetError(epsilon, delta, (
            f"the pre-training releases alone spend epsilon {alone:.4g} at delta {delta:g}, leaving no room "
            f"for DP-SGD (noise multiplier {MAX_NOISE:g} would still exceed epsilon); raise dp.epsilon or "
            "declare domains in the spec"))
    return _smallest_noise(lambda nm: spent(nm) <= epsilon)


def release_noise_for(*, epsilon: float, delta: float, count: int = 1) -> float:
    """Noise multiplier that makes ``count`` Gaussian releases with this multiplier compose to ``epsilon``.

    Args:
        epsilon: The epsilon the releases may spend together (> 0).
        delta: The delta of the RDP conversion, in (0, 1).
        count: Number of releases sharing the multiplier (>= 1).

    Returns:
        The smallest such multiplier, within 0.1 % (composed epsilon <= ``epsilon``).

    Raises:
        DPBudgetError: ``epsilon`` so small that even ``MAX_NOISE`` does not fit.
        ValueError: Arguments out of range.
    """
    _require(epsilon > 0 and math.isfinite(epsilon), "epsilon must be finite and > 0")
    _require(count >= 1, "count must be >= 1")

    def fits(nm: float) -> bool:
        releases = [GaussianRelease(f"release_{i}", nm) for i in range(count)]
        return epsilon_spent(releases=releases, sgd=None, delta=delta) <= epsilon

    if not fits(MAX_NOISE):
        raise DPBudgetError(epsilon, delta, f"{count} release(s) cannot fit in epsilon {epsilon:g} even "
                                            f"with noise multiplier {MAX_NOISE:g}")
    return _smallest_noise(fits)


def plan_budget(*, epsilon: float, delta: float, n_rows: int, releases: int, preprocessing_share: float = 0.1,
                threshold_share: float = 0.1) -> BudgetPlan:
    """Validate a budget and split it between category thresholding, pre-training releases and DP-SGD.

    Args:
        epsilon: Total epsilon (finite, > 0).
        delta: Total delta, 0 < delta < 1/n_rows.
        n_rows: Rows of the training table (public, see docs/dp.md).
        releases: Number of pre-training Gaussian releases (0 when every domain is declared).
        preprocessing_share: Share of epsilon the releases may spend together, in (0, 1).
        threshold_share: Share of delta reserved for Gaussian thresholding of category lists, in (0, 1).

    Returns:
        The plan; DP-SGD is then calibrated to the whole epsilon at ``accounting_delta``.

    Raises:
        DPBudgetError: epsilon, delta or n_rows break a rule (the message names it).
        ValueError: shares or ``releases`` out of range.
    """
    if not (isinstance(n_rows, int) and n_rows >= 1):
        raise DPBudgetError(epsilon, delta, f"the table must have at least 1 row; got n = {n_rows}")
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise DPBudgetError(epsilon, delta, f"dp.epsilon must be finite and > 0; got {epsilon:g}")
    if not (0 < delta < 1 / n_rows):
        raise DPBudgetError(epsilon, delta, (
            f"delta must be < 1/n (n = rows) and > 0; got dp.delta = {delta:g} with n = {n_rows} "
            f"(1/n = {1 / n_rows:g})"))
    _require(releases >= 0, "releases must be >= 0")
    _require(0 < preprocessing_share < 1, "preprocessing_share must be in (0, 1)")
    _require(0 < threshold_share < 1, "threshold_share must be in (0, 1)")
    if releases == 0:
        return BudgetPlan(epsilon, delta, threshold_delta=0.0, accounting_delta=delta, release_noise=0.0)
    threshold_delta = delta * threshold_share
    accounting_delta = delta - threshold_delta
    noise = release_noise_for(epsilon=epsilon * preprocessing_share, delta=accounting_delta, count=releases)
    return BudgetPlan(epsilon, delta, threshold_delta, accounting_delta, noise)


def accountant_record(*, plan: BudgetPlan, releases: Sequence[GaussianRelease], sgd: SgdRun | None,
                      max_grad_norm: float) -> dict:
    """JSON-ready record of the budget and what was spent, for the model and release manifests.

    Args:
        plan: The budget plan the run used.
        releases: The pre-training releases actually made.
        sgd: The DP-SGD run actually made (its real step count), or None.
        max_grad_norm: The per-sample clipping norm of DP-SGD (> 0).

    Returns:
        A dict of plain floats, ints and strings; ``epsilon_spent`` is at ``accounting_delta``, so the
        whole guarantee is (epsilon_spent, accounting_delta + threshold_delta)-DP.
    """
    from importlib.metadata import version

    _require(max_grad_norm > 0 and math.isfinite(max_grad_norm), "max_grad_norm must be finite and > 0")
    spent = epsilon_spent(releases=releases, sgd=sgd, delta=plan.accounting_delta)
    return {
        "epsilon": float(plan.epsilon),
        "delta": float(plan.delta),
        "epsilon_spent": spent,
        "accountant": "rdp",
        "library": f"opacus {version('opacus')}",
        "threshold_delta": float(plan.threshold_delta),
        "accounting_delta": float(plan.accounting_delta),
        "releases": [{"name": r.name, "noise_multiplier": float(r.noise_multiplier)} for r in releases],
        "sgd": None if sgd is None else {
            "noise_multiplier": float(sgd.noise_multiplier), "sample_rate": float(sgd.sample_rate),
            "steps": int(sgd.steps), "max_grad_norm": float(max_grad_norm)},
    }


def _add(total: list[float], rdp) -> list[float]:
    # RDP composes by adding, order by order (adaptively chosen mechanisms included).
    return [t + float(r) for t, r in zip(total, rdp, strict=True)]


def _smallest_noise(fits: Callable[[float], bool]) -> float:
    """Smallest multiplier in [MIN_NOISE, MAX_NOISE] that fits (fits is monotone; MAX_NOISE fits)."""
    if fits(MIN_NOISE):
        return MIN_NOISE
    low, high = MIN_NOISE, MAX_NOISE
    # Bracket geometrically from 1 (where realistic answers lie), then bisect in log space.
    probe = 1.0
    while probe < MAX_NOISE and not fits(probe):
        low, probe = probe, probe * 4
    if probe < MAX_NOISE:
        high = probe
    while high / low > 1 + _REL_TOL:
        middle = math.sqrt(low * high)
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high


def _require(condition: bool, rule: str) -> None:
    if not condition:
        raise ValueError(rule)
