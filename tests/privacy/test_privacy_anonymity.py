"""Tests for privacy.anonymity: reaching k and l by generalisation, cell and row suppression, within budget."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from synthgate.privacy._risk_errors import InvalidEnforcementError, RiskThresholdNotMetError
from synthgate.privacy.anonymity import (
    GeneraliseStep,
    RiskThreshold,
    SuppressCellsStep,
    SuppressRowsStep,
    enforce_threshold,
    parse_steps,
)
from synthgate.privacy.errors import ColumnActionError, ColumnNotFoundError, PrivacyError
from synthgate.privacy.generalise import AgeBand
from synthgate.privacy.risk import measure_risk

AGE_BAND = {"step": "generalise", "column": "age", "rule": {"rule": "age_band", "width": 10}}


def _frame(ages, sexes, **extra) -> pd.DataFrame:
    return pd.DataFrame({"age": ages, "sex": sexes, **extra})


def test_a_met_threshold_runs_no_step_and_keeps_the_table():
    # Setup
    frame = _frame([30, 30, 40, 40], ["F", "F", "M", "M"])

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), [AGE_BAND])

    # Assert
    pd.testing.assert_frame_equal(out, frame)
    assert (report.met, report.steps, report.steps_skipped) == (True, (), 1)
    assert report.final.k == 2


def test_generalisation_alone_reaches_k_and_later_steps_are_skipped():
    # Setup: every age is unique; ten-year bands make classes of 3 and 2
    frame = _frame([31, 35, 38, 42, 47], ["F", "F", "F", "M", "M"])
    steps = [AGE_BAND, {"step": "suppress_rows", "max_share": 0.2}]

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), steps)

    # Assert
    assert out["age"].tolist() == ["30-39"] * 3 + ["40-49"] * 2
    assert report.initial.k == 1
    assert [(s.step, s.column, s.cells_changed, s.risk.k) for s in report.steps] == [("generalise", "age", 5, 2)]
    assert report.steps_skipped == 1
    assert report.met


def test_cell_suppression_nulls_the_quasi_identifier_that_merges_the_small_classes():
    # Setup: (50,F) and (60,F) are unique; nulling their age makes a class (null,F) of 2,
    # nulling their sex would leave (50,null) and (60,null) unique
    frame = _frame([30, 30, 40, 40, 50, 60], ["F", "F", "M", "M", "F", "F"])

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), [SuppressCellsStep(max_share=0.25)])

    # Assert
    assert out["age"].isna().tolist() == [False] * 4 + [True] * 2
    assert out["sex"].tolist() == frame["sex"].tolist()
    (step,) = report.steps
    assert (step.cells_suppressed, step.rows_suppressed, step.risk.k) == (2, 0, 2)


def test_cell_suppression_goes_on_until_whole_records_merge():
    # Setup: (50,F) and (60,M): neither column alone merges them, both together do
    frame = _frame([30, 30, 40, 40, 50, 60], ["F", "F", "M", "M", "F", "M"])
    steps = [{"step": "suppress_cells", "max_share": 0.5}]

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), steps)

    # Assert
    assert out.iloc[4:].isna().all().all()
    assert out.iloc[:4].notna().all().all()
    assert report.steps[0].cells_suppressed == 4


def test_cell_suppression_spends_a_short_budget_on_the_smallest_classes_first():
    # Setup: k=3; (50,F) x1 and (60,F) x2 are small; budget floor(0.1 * 12 * 2) = 2 cells
    frame = _frame([30, 30, 30, 40, 40, 40, 50, 60, 60, 70, 70, 70], list("FFFMMMFFFMMM"))

    # Run
    with pytest.raises(RiskThresholdNotMetError) as caught:
        enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=3), [SuppressCellsStep(max_share=0.1)])

    # Assert: the budget is spent on the singleton (50,F), not beyond
    assert caught.value.report.steps[0].cells_suppressed == 2
    assert caught.value.report.steps[0].risk.smallest_class_sizes[:2] == (1, 2)
    assert caught.value.report.steps[0].risk.rows == 12


def test_row_suppression_drops_the_small_classes_and_keeps_the_index():
    # Setup
    frame = _frame([30, 30, 40, 40, 50, 60], ["F", "F", "M", "M", "F", "F"])

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), [SuppressRowsStep(max_share=0.34)])

    # Assert
    assert out.index.tolist() == [0, 1, 2, 3]
    assert report.steps[0].rows_suppressed == 2
    assert report.final.k == 2


def test_steps_run_in_order_until_the_threshold_holds():
    # Setup: banding leaves (70-79,M) alone; cell suppression merges it with nothing; rows drop it
    frame = _frame([31, 35, 42, 47, 71], ["F", "F", "M", "M", "M"])
    steps = [AGE_BAND, {"step": "suppress_cells", "max_share": 0.1}, {"step": "suppress_rows", "max_share": 0.2}]

    # Run
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, report = enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), steps)

    # Assert
    assert [s.step for s in report.steps] == ["generalise", "suppress_cells", "suppress_rows"]
    assert [s.risk.k for s in report.steps] == [1, 1, 2]
    assert [s.met for s in report.steps] == [False, False, True]
    assert len(out) == 4
    json.dumps(report.to_dict())


def test_l_diversity_suppresses_a_class_with_one_sensitive_value():
    # Setup: every F has flu, so knowing a woman is in the table discloses her diagnosis
    frame = _frame([30] * 6, list("FFFMMM"), dx=["flu", "flu", "flu", "flu", "cold", "gout"])
    threshold = RiskThreshold(k=2, l=2, sensitive="dx")

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], threshold, [SuppressRowsStep(max_share=0.5)])

    # Assert
    assert report.initial.l == 1
    assert out["sex"].tolist() == ["M", "M", "M"]
    assert (report.final.k, report.final.l) == (3, 3)


def test_generalisation_raises_l_by_merging_classes():
    # Setup
    frame = _frame([31, 32, 38, 39], ["F"] * 4, dx=["flu", "flu", "cold", "cold"])
    threshold = RiskThreshold(k=2, l=2, sensitive="dx")

    # Run
    _, report = enforce_threshold(frame, ["age", "sex"], threshold, [AGE_BAND])

    # Assert
    assert (report.initial.l, report.final.l) == (1, 2)


def test_exhausted_budget_names_the_blocking_quasi_identifier_and_no_value():
    # Setup: zip makes every record unique; age alone would be fine
    frame = pd.DataFrame({"age": [30] * 4, "zip": ["Z-CANARY-01", "Z-CANARY-02", "Z-CANARY-03", "Z-CANARY-04"]})

    # Run
    with pytest.raises(RiskThresholdNotMetError) as caught:
        enforce_threshold(frame, ["age", "zip"], RiskThreshold(k=2), [SuppressRowsStep(max_share=0.25)])

    # Assert
    error = caught.value
    assert isinstance(error, PrivacyError)
    assert (error.required_k, error.achieved_k) == (2, 1)
    assert error.blocking() == ("zip",)
    assert error.without == (("age", 1, None, False), ("zip", 3, None, True))
    assert error.report.steps[0].rows_suppressed == 1
    assert str(error) == (
        "re-identification risk threshold not met after 1 step: k=1 (required 2); "
        "without each quasi-identifier: age k=1, zip k=3; leaving out any one of 'zip' would meet it"
    )
    assert "CANARY" not in str(error) + json.dumps(error.report.to_dict())


def test_the_error_says_which_quasi_identifier_helps_most_when_none_suffices():
    # Setup
    frame = _frame([30, 30, 40, 50], ["F", "M", "F", "M"], dx=["a", "a", "b", "b"])
    threshold = RiskThreshold(k=3, l=2, sensitive="dx")

    # Run
    with pytest.raises(RiskThresholdNotMetError) as caught:
        enforce_threshold(frame, ["age", "sex"], threshold, [])

    # Assert
    assert caught.value.without == (("age", 2, 2, False), ("sex", 1, 1, False))
    assert str(caught.value).endswith("leaving out one is not enough; leaving out 'age' helps most")
    assert "l=1 (required 2)" in str(caught.value)


def test_max_unique_share_is_checked():
    # Setup
    threshold = RiskThreshold(k=2, max_unique_share=0.0)
    risk = measure_risk(_frame([30, 40], ["F", "F"]), ["age"])

    # Run / Assert
    assert threshold.shortfalls(risk) == ["k", "unique_share"]


def test_an_emptied_table_misses_the_threshold():
    # Setup: suppression that dropped every row must not pass
    risk = measure_risk(_frame([], []), ["age"])

    # Run / Assert
    assert RiskThreshold(k=2).shortfalls(risk) == ["k"]


def test_an_empty_input_is_returned_as_it_is():
    # Run
    out, report = enforce_threshold(_frame([], []), ["age", "sex"], RiskThreshold(k=5), [AGE_BAND])

    # Assert
    assert report.met and len(out) == 0


def test_the_input_table_is_not_modified():
    # Setup
    frame = _frame([31, 35, 42, 47, 71], ["F", "F", "M", "M", "M"])
    before = frame.copy()

    # Run
    enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), [AGE_BAND, SuppressRowsStep(max_share=0.2)])

    # Assert
    pd.testing.assert_frame_equal(frame, before)


def test_any_rule_object_with_apply_works_in_a_generalise_step():
    # Setup: a rule the union does not know (e.g. one another module adds later)
    class FirstDigit:
        def apply(self, series):
            return series.astype(str).str[0], len(series)

    step = GeneraliseStep.model_construct(step="generalise", column="age", rule=FirstDigit())
    frame = _frame([31, 35, 42, 47], ["F", "F", "M", "M"])

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), [step])

    # Assert
    assert out["age"].tolist() == ["3", "3", "4", "4"]
    assert report.met


@pytest.mark.parametrize(
    "config",
    [
        {"k": 1},
        {"k": 2, "l": 1, "sensitive": "dx"},
        {"k": 2, "l": 2},
        {"k": 2, "max_unique_share": 1.5},
        {"k": 2, "kk": 3},
    ],
)
def test_invalid_thresholds_are_rejected(config):
    # Run / Assert
    with pytest.raises(ValidationError):
        RiskThreshold(**config)


@pytest.mark.parametrize(
    "config",
    [
        {"step": "suppress_cells", "max_share": 0.0},
        {"step": "suppress_rows", "max_share": 0.6},
        {"step": "suppress_rows", "max_share": 0.1, "share": 0.1},
        {"step": "shuffle"},
        {"step": "generalise", "column": "age", "rule": {"rule": "age_band", "width": 0}},
        {"step": "generalise", "rule": {"rule": "age_band"}},
    ],
)
def test_invalid_steps_are_rejected(config):
    # Run / Assert
    with pytest.raises(ValidationError):
        parse_steps([config])


def test_valid_steps_parse_to_their_types():
    # Run
    steps = parse_steps([AGE_BAND, {"step": "suppress_cells"}, {"step": "suppress_rows", "max_share": 0.01}])

    # Assert
    assert [type(s) for s in steps] == [GeneraliseStep, SuppressCellsStep, SuppressRowsStep]
    assert steps[0].rule == AgeBand(width=10)
    assert steps[1].max_share == 0.05


@pytest.mark.parametrize(
    ("qis", "threshold", "steps", "error"),
    [
        (["age"], RiskThreshold(k=2), [{"step": "generalise", "column": "sex", "rule": {"rule": "merge_rare"}}],
         InvalidEnforcementError),
        (["age", "sex"], RiskThreshold(k=2, l=2, sensitive="sex"), [], InvalidEnforcementError),
        (["age", "zip"], RiskThreshold(k=2), [], ColumnNotFoundError),
        (["age"], RiskThreshold(k=2, l=2, sensitive="dx"), [], ColumnNotFoundError),
    ],
)
def test_inconsistent_enforcements_are_rejected_before_any_step(qis, threshold, steps, error):
    # Run / Assert
    with pytest.raises(error):
        enforce_threshold(_frame([30, 40], ["F", "M"]), qis, threshold, steps)


# Property tests: small alphabets so that classes of every size appear.
_records = st.lists(
    st.tuples(
        st.sampled_from([20, 30, 40, None]),
        st.sampled_from(["F", "M", None]),
        st.sampled_from(["Seoul", "Busan", "Jeju"]),
    ),
    min_size=1,
    max_size=40,
)
_steps = st.lists(
    st.one_of(
        st.builds(SuppressCellsStep, max_share=st.sampled_from([0.05, 0.2, 0.5])),
        st.builds(SuppressRowsStep, max_share=st.sampled_from([0.05, 0.2, 0.5])),
    ),
    min_size=1,
    max_size=3,
)


def _run(frame, k, steps):
    try:
        return enforce_threshold(frame, ["age", "sex", "region"], RiskThreshold(k=k), steps)
    except RiskThresholdNotMetError as error:
        return None, error.report


@settings(max_examples=80, deadline=None)
@given(_records, st.integers(2, 4), _steps)
def test_enforcement_keeps_its_promises(records, k, steps):
    # Setup
    frame = pd.DataFrame(records, columns=["age", "sex", "region"])
    rows, cells = len(frame), len(frame) * 3

    # Run
    out, report = _run(frame, k, steps)
    again, report_again = _run(frame, k, steps)

    # Assert: deterministic
    assert report.to_dict() == report_again.to_dict()
    if out is None:
        assert not report.met
        return
    pd.testing.assert_frame_equal(out, again)
    # the threshold holds on the result
    assert measure_risk(out, ["age", "sex", "region"]).k >= k
    # budgets
    for outcome, step in zip(report.steps, steps):
        budget = rows if isinstance(step, SuppressRowsStep) else cells
        assert outcome.rows_suppressed + outcome.cells_suppressed <= int(np.floor(step.max_share * budget))
    assert len(out) == rows - sum(s.rows_suppressed for s in report.steps)
    # no value that was not in the input, only nulls added
    for column in ("age", "sex", "region"):
        kept = out[column].dropna()
        assert kept.isin(frame[column].dropna()).all()
        assert (kept == frame.loc[kept.index, column]).all()


def test_a_planted_unique_appears_in_no_report_of_a_successful_enforcement():
    # Setup
    frame = _frame([30, 30, 30, 40, 40, 40, 55], list("FFFMMMF"), dx=["a", "b", "a", "b", "a", "b", "CANARY-DX"])
    frame.loc[6, "sex"] = "CANARY-SEX"
    threshold = RiskThreshold(k=3, l=2, sensitive="dx")

    # Run
    out, report = enforce_threshold(frame, ["age", "sex"], threshold, [SuppressRowsStep(max_share=0.2)])

    # Assert
    assert report.steps[0].rows_suppressed == 1
    assert "CANARY" not in repr(report) + json.dumps(report.to_dict())
    assert not out.isin(["CANARY-SEX", "CANARY-DX"]).any().any()


def test_a_failing_rule_keeps_only_its_exception_type():
    # Setup: a rule whose library error quotes the cell it choked on
    class Choke:
        def apply(self, series):
            raise ValueError(f"cannot read {series.iloc[0]!r}")

    step = GeneraliseStep.model_construct(step="generalise", column="age", rule=Choke())
    frame = _frame(["CANARY-AGE", 31], ["F", "M"])

    # Run
    with pytest.raises(ColumnActionError) as caught:
        enforce_threshold(frame, ["age", "sex"], RiskThreshold(k=2), [step])

    # Assert
    assert str(caught.value) == "action 'generalise' failed on column 'age': ValueError"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
