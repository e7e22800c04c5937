"""Tests for evaluation.attacks.linkability: anonymeter's linkability attack on the shared neighbour search."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from synthgate.evaluation.attacks import default_split, linkability
from synthgate.evaluation.attacks._rates import rates_and_risk
from synthgate.evaluation.errors import NotApplicable

SMALL_KINDS = {"a": "numerical", "b": "categorical"}


def test_by_hand():
    # Setup: the synthetic rows copy train, so each half of a training row finds its own copy; each
    # holdout row's number points at one synthetic row and its category at another.
    train = pd.DataFrame({"a": [0.0, 10.0, 20.0, 30.0], "b": ["p", "q", "r", "s"]})
    holdout = pd.DataFrame({"a": [1.0, 29.0, 11.0, 21.0], "b": ["s", "p", "r", "q"]})

    # Run
    result = linkability(train, train.copy(), holdout, SMALL_KINDS, n_attacks=4)

    # Assert
    assert result.details["n_success"] == 4
    assert result.details["n_control_success"] == 0
    assert result.details["aux_columns"] == [["a"], ["b"]]
    expected = rates_and_risk(4, 4, 0)
    assert (result.risk, result.ci) == (pytest.approx(expected["risk"]), pytest.approx(expected["ci"]))


def test_default_split_alternates_columns():
    assert default_split(["a", "b", "c", "d", "e"]) == (["a", "c", "e"], ["b", "d"])


def test_copy_of_train_gives_high_risk_and_independent_rows_low(tables, kinds):
    # Setup
    leaky, independent = tables(400, leak=True), tables(400, leak=False)

    # Run
    high = linkability(*leaky, kinds, n_attacks=200)
    low = linkability(*independent, kinds, n_attacks=200)

    # Assert
    assert high.risk > 0.8
    assert low.risk < 0.1 and low.ci[0] == 0.0


def test_more_neighbours_link_more(tables, kinds):
    # Setup
    frames = tables(300, leak=False)

    # Run
    one = linkability(*frames, kinds, n_attacks=300, n_neighbors=1)
    ten = linkability(*frames, kinds, n_attacks=300, n_neighbors=10)

    # Assert
    assert ten.attack_rate > one.attack_rate
    assert ten.details["n_neighbors"] == 10


def test_same_seed_same_result(tables, kinds):
    # Setup
    frames = tables(200, leak=False)

    # Run / Assert
    assert linkability(*frames, kinds, seed=5).to_dict() == linkability(*frames, kinds, seed=5).to_dict()


def test_attacks_are_capped_at_the_smaller_real_table(tables, kinds):
    # Run
    result = linkability(*tables(50, leak=True, holdout=20), kinds, n_attacks=100)

    # Assert
    assert result.n_attacks == 20
    assert result.details["n_attacks_capped_from"] == 100


@pytest.mark.parametrize("n", [1, 5])
def test_tiny_tables_run(tables, kinds, n):
    # Run
    result = linkability(*tables(n, leak=True), kinds, n_neighbors=3)

    # Assert
    assert result.n_attacks == n
    assert 0.0 <= result.risk <= 1.0


def test_result_holds_no_value(tables, kinds):
    # Setup
    train, synthetic, holdout = tables(40, leak=True)
    for frame in (train, synthetic, holdout):
        frame["city"] = frame["city"].map(lambda v: None if v is None else f"Secretville-{v}")

    # Run
    text = json.dumps(linkability(train, synthetic, holdout, kinds).to_dict())

    # Assert
    assert "Secretville" not in text


def test_not_applicable_cases(tables, kinds):
    # Setup
    train, synthetic, holdout = tables(20, leak=False)

    # Run / Assert
    with pytest.raises(NotApplicable, match="at least two columns"):
        linkability(train, synthetic, holdout, {"age": "numerical"})
    with pytest.raises(NotApplicable, match="unknown columns: nope"):
        linkability(train, synthetic, holdout, kinds, aux_columns=(["age"], ["nope"]))
    with pytest.raises(NotApplicable, match="disjoint"):
        linkability(train, synthetic, holdout, kinds, aux_columns=(["age", "city"], ["city"]))
    with pytest.raises(NotApplicable, match="synthetic table has no rows"):
        linkability(train, synthetic.iloc[:0], holdout, kinds)
