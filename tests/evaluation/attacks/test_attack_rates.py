"""Tests for evaluation.attacks._rates: anonymeter 1.1.0's rates and residual, and the risk's score interval."""
from __future__ import annotations

import json
from math import inf

import numpy as np
import pytest
from scipy.stats import binom

from synthgate.evaluation.attacks._rates import (AttackResult, Rate, bound, ratio_interval, rates_and_risk, residual,
                                                  risk_interval, success_rate)


@pytest.mark.parametrize(("n", "k", "value", "error"), [
    # anonymeter.stats.confidence.success_rate(n, k, 0.95), printed by anonymeter 1.1.0
    (500, 57, 0.11694299541815917, 0.027906094424156317),
    (1000, 0, 0.0019133792427775617, 0.0019133792427775617),
    (3, 3, 0.7192514841224773, 0.2807485158775227),
    (10, 1, 0.21101311994515567, 0.19313690685008278),
])
def test_success_rate_is_anonymeters_wilson_interval(n, k, value, error):
    # Run
    rate = success_rate(n, k)

    # Assert
    assert rate.value == pytest.approx(value, rel=1e-12)
    assert rate.error == pytest.approx(error, rel=1e-12)


def test_residual_risk_and_interval_as_anonymeter():
    # Setup: anonymeter: residual_success(success_rate(500, 57), success_rate(500, 12.03)).to_risk()
    attack, control = success_rate(500, 57), success_rate(500, 12.03)

    # Run
    risk, ci = bound(residual(attack, control))

    # Assert
    assert risk == pytest.approx(0.09179598081826895, rel=1e-12)
    assert ci == pytest.approx((0.06030912481189489, 0.12328283682464301), rel=1e-12)


def test_rates_and_risk_with_a_smaller_control_keeps_anonymeters_estimate_and_takes_the_score_interval():
    # Setup: anonymeter EvaluationResults(n_attacks=(1000, 1000, 250), n_success=300, n_baseline=10,
    # n_control=40).risk() reads 0.16244746949934707 [0.10563579646741894, 0.2192591425312752]
    # Run
    figures = rates_and_risk(1000, 300, 40, n_control_attacks=250, n_baseline=10)

    # Assert: anonymeter's estimate; the interval of 1 - (700/1000) / (210/250) by the score test, as
    # statsmodels 0.14.6 prints it: 1 - confint_proportions_2indep(700, 1000, 210, 250, method="score",
    # compare="ratio") (statsmodels solves to about 1e-8)
    assert figures["risk"] == pytest.approx(0.16244746949934707, rel=1e-12)
    assert figures["ci"] == pytest.approx((0.10395034039276851, 0.21843004214598793), rel=1e-7)
    assert figures["baseline_rate"] == pytest.approx(success_rate(1000, 10).value)


@pytest.mark.parametrize(("counts", "confidence", "expected"), [
    # 1 - confint_proportions_2indep(n - attack, n, n - control, n_control, method="score", compare="ratio",
    # alpha=1 - confidence)[::-1], printed by statsmodels 0.14.6
    ((30, 24, 30, 12), 0.95, (0.31546007953168687, 0.8494842976380219)),
    ((30, 24, 30, 12), 1 - 0.05 / 21, (0.02995842148166361, 0.9003914674887664)),
    ((500, 57, 500, 12.03), 0.95, (0.06229399288335424, 0.12548095632806755)),
])
def test_risk_interval_is_the_score_interval_of_the_failure_ratio(counts, confidence, expected):
    # Run
    low, high = risk_interval(*counts, confidence=confidence)

    # Assert
    assert (low, high) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize(("counts", "expected"), [
    ((0, 30, 0, 30), (0.0, inf)),       # no failure on either side: every ratio fits
    ((0, 30, 5, 30), (0.0, None)),      # the attack never fails: the ratio may be 0
    ((5, 30, 0, 30), (None, inf)),      # the control never fails: unbounded above
    ((0, 30, 30, 30), (0.0, None)),     # statsmodels 0.14.6 reads (0.5, 0.5) here
    ((30, 30, 30, 30), (None, None)),   # statsmodels 0.14.6 reads (1.0, 1.13): 1 left out at its own estimate
])
def test_ratio_interval_at_the_edges_holds_its_estimate_and_is_finite_where_it_can_be(counts, expected):
    # Run
    low, high = ratio_interval(*counts)

    # Assert: the stated ends; the estimate inside; finite ends strictly around it
    x1, n1, x2, n2 = counts
    if expected[0] is not None:
        assert low == expected[0]
    if expected[1] is not None:
        assert high == expected[1]
    if x2:
        estimate = (x1 / n1) / (x2 / n2)
        assert low <= estimate <= high
        assert 0.0 < high < inf and (x1 == 0 or 0.0 < low < estimate < high)


def test_a_scaled_control_count_past_its_attacks_is_clipped_and_bad_counts_are_refused_by_the_ratio():
    # Run / Assert: 31.5 of 30 reads as 30 of 30; the ratio itself refuses counts outside [0, n]
    assert risk_interval(30, 20, 30, 31.5) == risk_interval(30, 20, 30, 30)
    with pytest.raises(ValueError):
        ratio_interval(31, 30, 5, 30)
    with pytest.raises(ValueError):
        ratio_interval(1, 0, 5, 30)


def test_a_copy_reads_a_high_risk_and_an_honest_release_a_low_one():
    # Run: training rows always guessed, holdout rows half the time (a copy); both sides alike (honest)
    copy = rates_and_risk(30, 30, 15)
    honest = rates_and_risk(200, 120, 122)

    # Assert: the copy's interval lies above 0.10, the honest one's reaches below it and holds 0
    assert copy["ci"][0] > 0.10 and copy["risk"] > 0.8
    assert honest["ci"][0] == 0.0 and honest["ci"][1] < 0.25


@pytest.mark.parametrize(("n", "n_control"), [(10, 10), (30, 30), (40, 10)])
def test_the_interval_holds_anonymeters_estimate_for_every_pair_of_counts(n, n_control):
    # Run / Assert: Wilson's rates pull the estimate towards 0.5; it stays inside its interval
    for a in range(n + 1):
        for c in range(n_control + 1):
            figures = rates_and_risk(n, a, c, n_control_attacks=n_control)
            assert figures["ci"][0] <= figures["risk"] <= figures["ci"][1], (a, c)


@pytest.mark.parametrize("control_rate", [0.6, 0.8, 0.9])
def test_at_the_bound_the_interval_fails_no_more_releases_than_its_level(control_rate):
    # Setup: a true residual of exactly 0.10 (the gate's bound) with 30 attacks each side (the subjects of a
    # 150-member demo's holdout); the chance that the interval's low end clears the bound is summed exactly
    # over every pair of counts. The first-order interval anonymeter propagates reads 0.042, 0.057 and 0.072
    # here (measured with it, 2026-12-04); the level allows 0.025.
    n, bound_ = 30, 0.10
    attack_rate = 1 - (1 - control_rate) * (1 - bound_)
    attack, control = binom.pmf(np.arange(n + 1), n, attack_rate), binom.pmf(np.arange(n + 1), n, control_rate)

    # Run
    false_fail = sum(attack[a] * control[c] for a in range(n + 1) for c in range(n + 1)
                     if attack[a] * control[c] > 1e-12 and rates_and_risk(n, a, c)["ci"][0] > bound_)

    # Assert
    assert false_fail <= 0.025 * 1.1


def test_bound_clips_into_the_unit_interval():
    # Run
    low = bound(Rate(-0.2, 0.1))
    high = bound(Rate(0.95, 0.1))

    # Assert
    assert low == (0.0, (0.0, 0.0))
    assert high == (0.95, (pytest.approx(0.85), 1.0))


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        success_rate(0, 0)
    with pytest.raises(ValueError):
        success_rate(10, 1, confidence=1.5)


def test_attack_result_to_dict_is_json():
    # Setup
    result = AttackResult(attack="linkability", risk=0.1, ci=(0.0, 0.2), attack_rate=0.3, control_rate=0.2,
                          baseline_rate=None, n_attacks=10, details={"n_neighbors": 1})

    # Run
    out = json.loads(json.dumps(result.to_dict()))

    # Assert
    assert out == {"attack": "linkability", "risk": 0.1, "ci": [0.0, 0.2], "attack_rate": 0.3,
                   "control_rate": 0.2, "baseline_rate": None, "n_attacks": 10, "details": {"n_neighbors": 1}}
