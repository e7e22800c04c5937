"""Tests for evaluation.attacks._rates: the figures anonymeter 1.1.0's stats/confidence.py gives."""
from __future__ import annotations

import json

import pytest

from synthgate.evaluation.attacks._rates import AttackResult, Rate, bound, rates_and_risk, residual, success_rate


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


def test_rates_and_risk_with_a_smaller_control_as_anonymeter():
    # Setup: anonymeter EvaluationResults(n_attacks=(1000, 1000, 250), n_success=300, n_baseline=10,
    # n_control=40).risk()
    # Run
    figures = rates_and_risk(1000, 300, 40, n_control_attacks=250, n_baseline=10)

    # Assert
    assert figures["risk"] == pytest.approx(0.16244746949934707, rel=1e-12)
    assert figures["ci"] == pytest.approx((0.10563579646741894, 0.2192591425312752), rel=1e-12)
    assert figures["baseline_rate"] == pytest.approx(success_rate(1000, 10).value)


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
