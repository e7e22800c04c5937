"""judge(): every bounded figure beside its bound; a figure that did not run never passes silently."""
from __future__ import annotations

from synthgate.evaluation import Thresholds
from synthgate.evaluation.result import judge


def _gates(figures, thresholds=Thresholds(), not_applicable=None):
    return {gate.metric: gate for gate in judge(figures, thresholds, not_applicable or {})}


def test_each_figure_is_held_to_its_bound_in_its_direction():
    # Setup
    figures = {"exact_matches": 1, "dcr_share_low": 0.55, "mia_auc_low": 0.61, "quality_score": 0.6,
               "nndr_ratio": 0.79}

    # Run
    gates = _gates(figures)

    # Assert: bounds are inclusive
    assert not gates["exact_matches"].passed
    assert gates["dcr_share_low"].passed
    assert not gates["mia_auc_low"].passed
    assert gates["quality_score"].passed and gates["quality_score"].operator == ">="
    assert not gates["nndr_ratio"].passed


def test_a_bound_of_none_is_no_gate():
    gates = _gates({"utility_ratio": 0.1, "dcr_share_low": 0.9}, Thresholds(dcr_share_max=None))
    assert "utility_ratio" not in gates and "dcr_share_low" not in gates


def test_a_missing_figure_fails_unless_it_is_not_applicable():
    # Run
    failing = _gates({})
    excused = _gates({}, not_applicable={"mia_auc_low": "the holdout has one row"})

    # Assert
    assert failing["mia_auc_low"].value is None and not failing["mia_auc_low"].passed
    assert "mia_auc_low" not in excused


def test_a_gate_line_names_the_figure_value_and_bound():
    gate = _gates({"dcr_share_low": 0.6123})["dcr_share_low"]
    assert gate.line() == "dcr_share_low 0.612 (must be <= 0.55): FAILED"
