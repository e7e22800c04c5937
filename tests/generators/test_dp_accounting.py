"""The RDP accountant of DP generators: agrees with opacus, is monotone, calibrates tightly, refuses bad budgets."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate.generators.dp_accounting import (
    ORDERS,
    BudgetPlan,
    DPBudgetError,
    GaussianRelease,
    SgdRun,
    accountant_record,
    calibrate_sgd_noise,
    epsilon_spent,
    plan_budget,
    release_noise_for,
)
from synthgate.generators.errors import GeneratorError

DELTA = 1e-5
RELEASES = (GaussianRelease("categories", 20.0), GaussianRelease("numeric_bounds", 30.0))


@pytest.mark.parametrize(("nm", "q", "steps"), [(1.0, 0.01, 1000), (0.7, 0.05, 300), (3.0, 1.0, 5)])
def test_sgd_only_epsilon_agrees_with_opacus_accountant(nm, q, steps):
    # Setup
    from opacus.accountants import RDPAccountant

    accountant = RDPAccountant()
    accountant.history = [(nm, q, steps)]

    # Run
    ours = epsilon_spent(releases=[], sgd=SgdRun(nm, q, steps), delta=DELTA)

    # Assert
    theirs = accountant.get_epsilon(delta=DELTA, alphas=list(ORDERS))
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert ours <= accountant.get_epsilon(delta=DELTA) + 1e-12  # our orders include opacus's defaults


def test_release_is_charged_as_one_full_batch_gaussian_step():
    # Setup
    from opacus.accountants import RDPAccountant

    accountant = RDPAccountant()
    accountant.history = [(20.0, 1.0, 1), (30.0, 1.0, 1), (1.0, 0.01, 500)]

    # Run
    ours = epsilon_spent(releases=RELEASES, sgd=SgdRun(1.0, 0.01, 500), delta=DELTA)

    # Assert
    assert ours == pytest.approx(accountant.get_epsilon(delta=DELTA, alphas=list(ORDERS)), rel=1e-6)


def test_nothing_released_spends_nothing():
    # Run / Assert
    assert epsilon_spent(releases=[], sgd=None, delta=DELTA) == 0.0
    assert epsilon_spent(releases=[], sgd=SgdRun(1.0, 0.1, 0), delta=DELTA) == 0.0


@settings(max_examples=8, deadline=None)
@given(nm=st.floats(0.5, 20.0), q=st.floats(0.001, 0.5), steps=st.integers(1, 2000))
def test_epsilon_grows_with_steps_and_shrinks_with_noise_and_releases_only_add(nm, q, steps):
    # Setup
    base = epsilon_spent(releases=[], sgd=SgdRun(nm, q, steps), delta=DELTA)

    # Run
    more_steps = epsilon_spent(releases=[], sgd=SgdRun(nm, q, steps + 100), delta=DELTA)
    less_noise = epsilon_spent(releases=[], sgd=SgdRun(nm * 0.9, q, steps), delta=DELTA)
    with_release = epsilon_spent(releases=RELEASES[:1], sgd=SgdRun(nm, q, steps), delta=DELTA)

    # Assert
    assert more_steps > base
    assert less_noise > base
    assert with_release > base


@settings(max_examples=8, deadline=None)
@given(epsilon=st.floats(0.5, 10.0), q=st.floats(0.002, 0.2), steps=st.integers(10, 3000),
       with_releases=st.booleans())
def test_calibrated_noise_meets_the_target_and_is_minimal(epsilon, q, steps, with_releases):
    # Setup
    releases = [GaussianRelease("categories", 200.0 / epsilon)] if with_releases else []

    # Run
    nm = calibrate_sgd_noise(epsilon=epsilon, delta=DELTA, sample_rate=q, steps=steps, releases=releases)

    # Assert
    assert epsilon_spent(releases=releases, sgd=SgdRun(nm, q, steps), delta=DELTA) <= epsilon
    assert epsilon_spent(releases=releases, sgd=SgdRun(nm * 0.99, q, steps), delta=DELTA) > epsilon


def test_calibration_refuses_when_releases_alone_spend_the_budget():
    # Setup
    releases = [GaussianRelease("categories", 0.5)]

    # Run
    with pytest.raises(DPBudgetError) as caught:
        calibrate_sgd_noise(epsilon=1.0, delta=DELTA, sample_rate=0.01, steps=100, releases=releases)

    # Assert
    assert isinstance(caught.value, GeneratorError)
    assert (caught.value.epsilon, caught.value.delta) == (1.0, DELTA)
    assert "releases alone spend epsilon" in str(caught.value) and "epsilon=1" in str(caught.value)


@pytest.mark.parametrize("count", [1, 3])
def test_release_noise_composes_to_the_given_epsilon(count):
    # Run
    nm = release_noise_for(epsilon=0.3, delta=DELTA, count=count)

    # Assert
    releases = [GaussianRelease(f"r{i}", nm) for i in range(count)]
    assert epsilon_spent(releases=releases, sgd=None, delta=DELTA) <= 0.3
    assert epsilon_spent(releases=[GaussianRelease(r.name, nm * 0.99) for r in releases], sgd=None,
                         delta=DELTA) > 0.3


def test_plan_splits_delta_and_gives_releases_their_share():
    # Run
    plan = plan_budget(epsilon=2.0, delta=1e-4, n_rows=1000, releases=3)

    # Assert
    assert plan.threshold_delta == pytest.approx(1e-5)
    assert plan.accounting_delta == pytest.approx(9e-5)
    releases = [GaussianRelease(f"r{i}", plan.release_noise) for i in range(3)]
    assert epsilon_spent(releases=releases, sgd=None, delta=plan.accounting_delta) == pytest.approx(0.2, rel=2e-3)


def test_plan_without_releases_reserves_nothing():
    # Run
    plan = plan_budget(epsilon=1.0, delta=1e-4, n_rows=1000, releases=0)

    # Assert
    assert plan == BudgetPlan(1.0, 1e-4, threshold_delta=0.0, accounting_delta=1e-4, release_noise=0.0)


@pytest.mark.parametrize(("epsilon", "delta", "n_rows", "rule"), [
    (0.0, 1e-5, 100, "dp.epsilon must be finite and > 0"),
    (-1.0, 1e-5, 100, "dp.epsilon must be finite and > 0"),
    (math.inf, 1e-5, 100, "dp.epsilon must be finite and > 0"),
    (math.nan, 1e-5, 100, "dp.epsilon must be finite and > 0"),
    (1.0, 0.0, 100, "delta must be < 1/n (n = rows) and > 0; got dp.delta = 0 with n = 100"),
    (1.0, -1e-6, 100, "delta must be < 1/n (n = rows) and > 0; got dp.delta = -1e-06 with n = 100"),
    (1.0, 0.01, 100, "delta must be < 1/n (n = rows) and > 0; got dp.delta = 0.01 with n = 100"),
    (1.0, 0.01, 2000, "got dp.delta = 0.01 with n = 2000 (1/n = 0.0005)"),
    (1.0, 1e-5, 0, "at least 1 row"),
])
def test_plan_refuses_bad_budgets_naming_the_rule(epsilon, delta, n_rows, rule):
    # Run
    with pytest.raises(DPBudgetError) as caught:
        plan_budget(epsilon=epsilon, delta=delta, n_rows=n_rows, releases=2)

    # Assert
    assert rule in str(caught.value)


def test_record_is_json_ready_and_reports_what_was_spent():
    # Setup
    plan = plan_budget(epsilon=1.0, delta=1e-5, n_rows=1000, releases=2)
    releases = [GaussianRelease("categories", plan.release_noise), GaussianRelease("numeric_bounds", plan.release_noise)]
    nm = calibrate_sgd_noise(epsilon=1.0, delta=plan.accounting_delta, sample_rate=0.05, steps=200,
                             releases=releases)
    sgd = SgdRun(nm, 0.05, 200)

    # Run
    record = json.loads(json.dumps(accountant_record(plan=plan, releases=releases, sgd=sgd, max_grad_norm=1.0)))

    # Assert
    assert record["accountant"] == "rdp" and record["library"].startswith("opacus 1.")
    assert (record["epsilon"], record["delta"]) == (1.0, 1e-5)
    assert 0.99 < record["epsilon_spent"] <= 1.0
    assert [r["name"] for r in record["releases"]] == ["categories", "numeric_bounds"]
    assert record["sgd"] == {"noise_multiplier": nm, "sample_rate": 0.05, "steps": 200, "max_grad_norm": 1.0}
    assert record["threshold_delta"] + record["accounting_delta"] == pytest.approx(1e-5)


@pytest.mark.parametrize("make", [
    lambda: SgdRun(0.0, 0.1, 10), lambda: SgdRun(1.0, 0.0, 10), lambda: SgdRun(1.0, 1.5, 10),
    lambda: SgdRun(1.0, 0.1, -1), lambda: GaussianRelease("x", 0.0),
    lambda: epsilon_spent(releases=[], sgd=None, delta=0.0),
])
def test_out_of_range_arguments_are_refused(make):
    # Run / Assert
    with pytest.raises(ValueError):
        make()
