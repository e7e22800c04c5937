"""report._gates: one gate dict of evaluation.json format 2 in words, and the release's verdict."""
from __future__ import annotations

import pytest

from synthgate.report._gates import gate, verdict


def _raw(**change) -> dict:
    raw = {"metric": "inference_risk", "title": "Inferring a hidden attribute", "description": "Risk.",
           "value": 0.379, "low": 0.0, "high": 1.0, "operator": "<=", "bound": 0.1, "verdict": "inconclusive",
           "accepted": False, "passed": False, "column": "orderset", "columns": None, "holdout_rows_needed": 12000}
    return {**raw, **change}


def test_estimate_interval_and_column_come_from_the_same_gate():
    # Run
    shown = gate(_raw())

    # Assert: the estimate, not the interval's lower end
    assert (shown["value"], shown["interval"], shown["subject"]) == ("0.379", "0 – 1", "column orderset")
    assert shown["bound"] == "≤ 0.1" and (shown["mark"], shown["word"]) == ("?", "inconclusive")
    assert shown["needed"] == "about 12,000 real holdout rows would settle it" and shown["passed"] is False


@pytest.mark.parametrize(("change", "key", "passed"), [
    ({"verdict": "pass", "passed": True}, "pass", True),
    ({"verdict": "fail", "passed": False}, "fail", False),
    ({"verdict": "inconclusive", "accepted": True, "passed": True}, "accepted", True),
    ({"verdict": "unmeasured", "passed": False, "value": None}, "unmeasured", False),
    ({"verdict": "pass", "passed": False}, "fail", False),  # contradictory: never shown as a pass
    ({"verdict": "maybe", "passed": True}, "pass", True),  # unknown words fall back on passed
    ({"verdict": None, "passed": False, "value": None}, "unmeasured", False),
])
def test_each_verdict_reads_as_one_word(change, key, passed):
    # Run
    shown = gate(_raw(**change))

    # Assert
    assert shown["verdict"] == key and shown["passed"] is passed
    assert bool(shown["needed"]) is (key in ("inconclusive", "accepted"))


def test_a_gate_without_an_interval_or_column_shows_none():
    # Run
    shown = gate(_raw(metric="exact_matches", value=0, low=None, high=None, column=None, verdict="pass",
                      passed=True, holdout_rows_needed=None))

    # Assert
    assert (shown["value"], shown["interval"], shown["subject"], shown["needed"]) == ("0", "", "", "")


def test_a_column_set_is_named_in_order():
    # Run / Assert
    assert gate(_raw(column=None, columns=["first", "last"]))["subject"] == "columns first, last"


@pytest.mark.parametrize(("verdicts", "failed_checks", "word", "reason"), [
    (["pass", "pass"], 0, "Released", "All 2 publish gates met; all 5 validation checks passed."),
    (["fail", "inconclusive"], 0, "Blocked",
     "1 gate failed (real rows copied by the generator), 1 inconclusive (inferring a hidden attribute)."),
    (["pass", "inconclusive"], 0, "Blocked", "1 gate inconclusive (inferring a hidden attribute)."),
    (["pass", "pass"], 1, "Blocked", "1 of 5 validation checks failed."),
])
def test_the_release_verdict_names_what_blocked_it(verdicts, failed_checks, word, reason):
    # Setup
    metrics = ["raw_copy_share", "inference_risk"]
    gates = [_raw(metric=m, verdict=v, passed=v == "pass") for m, v in zip(metrics, verdicts)]
    evaluation = {"gates": gates, "passed": all(v == "pass" for v in verdicts)}
    validation = {"success": not failed_checks, "evaluated": 5, "failed": failed_checks}

    # Run
    shown = verdict(evaluation, validation, {})

    # Assert
    assert shown["word"] == word and shown["reason"] == reason
    assert shown["released"] is (word == "Released")


def test_many_failed_gates_are_counted_and_the_first_three_named():
    # Setup
    metrics = ["raw_copy_share", "exact_matches", "close_records_share", "dcr_share", "mia_auc"]
    evaluation = {"gates": [_raw(metric=m, verdict="fail", passed=False) for m in metrics], "passed": False}

    # Run
    shown = verdict(evaluation, {"success": True, "evaluated": 5, "failed": 0}, {})

    # Assert
    assert shown["reason"] == ("5 gates failed (real rows copied by the generator; copies of real rows in the "
                               "published table; rows suspiciously close to real rows and 2 more).")
