"""judge(): every bounded figure beside its bound, with pass, fail or inconclusive; nothing passes silently."""
from __future__ import annotations

import pytest

from synthgate.evaluation import EvaluationConfig, Thresholds
from synthgate.evaluation.result import Evaluation, holdout_rows_needed, judge, verdict_of


def _gates(figures, thresholds=Thresholds(), not_applicable=None, **kwargs):
    return {gate.metric: gate for gate in judge(figures, thresholds, not_applicable or {}, **kwargs)}


def test_figures_without_an_interval_are_held_to_their_bound_in_their_direction():
    # Setup
    figures = {"exact_matches": 1, "quality_score": 0.6, "nndr_ratio": 0.79, "rare_value_share": 0.0}

    # Run
    gates = _gates(figures)

    # Assert: bounds are inclusive
    assert gates["exact_matches"].verdict == "fail"
    assert gates["quality_score"].verdict == "pass" and gates["quality_score"].operator == ">="
    assert gates["nndr_ratio"].verdict == "fail"
    assert gates["rare_value_share"].verdict == "pass"


@pytest.mark.parametrize(("value", "low", "high", "verdict"), [
    (0.06, 0.05, 0.07, "pass"),          # the whole interval within the bound
    (0.12, 0.10, 0.14, "fail"),          # the whole interval beyond it
    (0.082, 0.076, 0.088, "fail"),       # straddles, narrow enough to decide: the estimate is beyond
    (0.079, 0.073, 0.085, "pass"),       # straddles, narrow enough: the estimate is within
    (0.07, 0.0, 0.2, "inconclusive"),    # wider (0.2) than ideal-to-bound (0.03): cannot tell
    (0.30, 0.09, 0.51, "fail"),          # wide, but the whole interval lies beyond the bound
])
def test_three_verdicts_for_a_figure_with_an_interval(value, low, high, verdict):
    # Run / Assert: a figure with ideal 0.05 and bound 0.08
    assert verdict_of(value, low, high, "<=", 0.08, 0.05) == verdict


def test_greater_or_equal_gates_are_the_mirror_image():
    assert verdict_of(0.7, 0.65, 0.75, ">=", 0.6, 1.0) == "pass"
    assert verdict_of(0.5, 0.45, 0.55, ">=", 0.6, 1.0) == "fail"
    assert verdict_of(0.7, 0.2, 1.0, ">=", 0.6, 0.65) == "inconclusive"


def test_an_inconclusive_gate_blocks_unless_accepted_and_says_how_many_holdout_rows_would_decide():
    # Setup: the inference risk 0.379 with an interval of 0 to 1 (the test told us nothing)
    figures = {"inference_risk": 0.379, "inference_risk_low": 0.0, "inference_risk_high": 1.0,
               "inference_risk_column": "orderset"}

    # Run
    blocked = _gates(figures, holdout_rows=2000)["inference_risk"]
    accepted = _gates(figures, holdout_rows=2000, accept_inconclusive=["inference_risk"])["inference_risk"]

    # Assert: estimate, interval and column are one triple
    assert blocked.verdict == "inconclusive" and not blocked.passed
    assert (blocked.value, blocked.low, blocked.high, blocked.column) == (0.379, 0.0, 1.0, "orderset")
    assert blocked.holdout_rows_needed == 200_000  # (1.0 / 0.1)^2 x 2000
    assert "INCONCLUSIVE" in blocked.line() and "200000 holdout rows" in blocked.line()
    assert accepted.verdict == "inconclusive" and accepted.accepted and accepted.passed


def test_the_raw_copy_gate_is_bounded_by_chance_coincidences_on_the_holdout():
    # Setup: 1% of holdout rows equal a training row by chance (upper end 1.4%)
    chance = {"chance_copy_share": 0.01, "chance_copy_share_high": 0.014}

    # Run
    honest = _gates({**chance, "raw_copy_share": 0.012})["raw_copy_share"]
    copier = _gates({**chance, "raw_copy_share": 0.2})["raw_copy_share"]

    # Assert
    assert honest.verdict == "pass" and honest.bound == pytest.approx(0.014)
    assert copier.verdict == "fail"


def test_the_reproduced_record_excess_fails_only_when_its_whole_interval_lies_above_the_bound():
    # Setup: an excess whose estimate is above 0.01 but whose interval reaches below it
    unsure = {"reproduced_record_excess": 0.02, "reproduced_record_excess_low": -0.01,
              "reproduced_record_excess_high": 0.05}
    shown = {"reproduced_record_excess": 0.35, "reproduced_record_excess_low": 0.31,
             "reproduced_record_excess_high": 0.39}

    # Run / Assert
    assert _gates(unsure)["reproduced_record_excess"].verdict == "pass"
    assert _gates(shown)["reproduced_record_excess"].verdict == "fail"


def test_a_bound_of_none_is_no_gate():
    gates = _gates({"utility_ratio": 0.1, "dcr_share": 0.9}, Thresholds(dcr_share_max=None))
    assert "utility_ratio" not in gates and "dcr_share" not in gates


def test_a_missing_figure_is_unmeasured_and_fails_unless_it_is_not_applicable():
    # Run
    failing = _gates({})
    excused = _gates({}, not_applicable={"mia_auc": "the holdout has one row"})

    # Assert
    assert failing["mia_auc"].value is None and failing["mia_auc"].verdict == "unmeasured"
    assert not failing["mia_auc"].passed
    assert "mia_auc" not in excused


def test_a_gate_line_names_the_figure_interval_columns_and_bound_never_a_value():
    # Run
    dcr = _gates({"dcr_share": 0.6123, "dcr_share_low": 0.6, "dcr_share_high": 0.62})["dcr_share"]
    names = _gates({"reproduced_record_excess": 0.023, "reproduced_record_excess_low": 0.018,
                    "reproduced_record_excess_high": 0.028,
                    "reproduced_record_excess_columns": ["first", "last"]})["reproduced_record_excess"]

    # Assert
    assert dcr.line() == "dcr_share 0.612 [0.6, 0.62] (must be <= 0.55): FAILED"
    assert names.line() == ("reproduced_record_excess on (first, last) 0.023 [0.018, 0.028] (must be <= 0.01): "
                            "FAILED; protect these columns (pseudonymise, drop or generalise them)")


def test_the_evaluation_verdict_is_fail_then_inconclusive_then_pass():
    # Setup
    def evaluation(gates):
        return Evaluation(figures={}, gates=tuple(gates.values()), not_applicable={}, rows={}, columns={},
                          fidelity={}, utility=None, privacy={}, timings={}, config={})

    wide = {"inference_risk": 0.2, "inference_risk_low": 0.0, "inference_risk_high": 0.6}
    two = Thresholds(**{name: None for name in Thresholds.model_fields
                        if name not in ("inference_risk_max", "quality_score_min")})

    # Run / Assert
    assert evaluation(_gates({"quality_score": 0.9}, two, {"inference_risk": "n/a"})).verdict == "pass"
    assert evaluation(_gates({**wide, "quality_score": 0.9}, two)).verdict == "inconclusive"
    assert evaluation(_gates({**wide, "quality_score": 0.1}, two)).verdict == "fail"
    assert evaluation(_gates({**wide, "quality_score": 0.9}, two, accept_inconclusive=["inference_risk"])).passed


def test_only_gates_with_an_interval_can_be_accepted_as_inconclusive():
    with pytest.raises(ValueError, match="exact_matches"):
        EvaluationConfig(accept_inconclusive=("exact_matches",))


def test_holdout_rows_needed_scales_with_the_square_of_the_width():
    assert holdout_rows_needed(0.0, 0.2, 0.1, 0.0, 1000) == 4000
    assert holdout_rows_needed(0.0, 0.2, 0.0, 0.0, 1000) is None
