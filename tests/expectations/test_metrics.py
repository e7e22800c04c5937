"""Tests for expectations.metrics: evaluation figures as GX publish gates, in docs and summary."""

import html
import pickle
import re

import pandas as pd
import pytest

from synthgate.expectations import (
    GATE_COLUMNS,
    METRIC_EXPECTATION,
    MetricGate,
    MetricGateError,
    ValidationRunError,
    build_evaluation_suite,
    build_privacy_suite,
    build_synthetic_suite,
    evaluation_frame,
    profile_training,
    render_failures,
    validate_release,
)

SYNTHETIC = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
PROFILE = profile_training(SYNTHETIC, {"x": "numerical"})
DCR = MetricGate(
    "dcr_share",
    0.512,
    max_value=0.55,
    description="At most 55% of synthetic rows lie closer to a training row than to a holdout "
    "row (0.5 is ideal).",
)


def validate(gates, docs_dir, suite=None):
    """Validate a tiny passing table and privacy frame, plus the figures of ``gates``."""
    return validate_release(
        SYNTHETIC,
        pd.DataFrame(False, index=SYNTHETIC.index, columns=list(GATE_COLUMNS)),
        synthetic_suite=build_synthetic_suite(PROFILE, expected_rows=3),
        privacy_suite=build_privacy_suite(),
        docs_dir=docs_dir,
        evaluation_suite=suite if suite is not None else build_evaluation_suite(gates),
        evaluation_frame=evaluation_frame(gates),
    )


def evaluation_outcomes(summary):
    return {o.column: o for o in summary.outcomes if o.suite == "release_evaluation"}


def validation_page(docs_dir):
    return html.unescape((docs_dir / "index.html").read_text("utf-8"))


@pytest.mark.parametrize(
    ("gate", "passes"),
    [
        (MetricGate("mia_auc", 0.58, max_value=0.6), True),
        (MetricGate("mia_auc", 0.6, max_value=0.6), True),  # bounds are inclusive
        (MetricGate("mia_auc", 0.6004, max_value=0.6), False),
        (MetricGate("quality_score", 0.91, min_value=0.8), True),
        (MetricGate("quality_score", 0.79, min_value=0.8), False),
        (MetricGate("exact_matches", 0, min_value=0, max_value=0), True),
        (MetricGate("exact_matches", 2, min_value=0, max_value=0), False),
        (MetricGate("utility_ratio", 0.9, min_value=0.8, max_value=1.2), True),
        (MetricGate("utility_ratio", 1.3, min_value=0.8, max_value=1.2), False),
    ],
)
def test_a_figure_passes_or_fails_its_bound(tmp_path, gate, passes):
    # Run
    summary = validate([gate], tmp_path / "docs")

    # Assert
    outcome = evaluation_outcomes(summary)[gate.metric]
    assert outcome.expectation == METRIC_EXPECTATION
    assert outcome.success is passes
    assert outcome.observed == f"observed_value={gate.value:g}"
    assert summary.success is passes
    assert summary.failed == (0 if passes else 1)


def test_one_failing_figure_fails_the_release_and_its_line_names_metric_and_bound(tmp_path):
    # Setup
    gates = [
        DCR,
        MetricGate("mia_auc", 0.6004, max_value=0.6, description="A membership attack is weak."),
        MetricGate("exact_matches", 0, min_value=0, max_value=0),
    ]

    # Run
    summary = validate(gates, tmp_path / "docs")

    # Assert
    assert not summary.success
    assert summary.failed == 1
    assert [o.suite for o in summary.outcomes][-3:] == ["release_evaluation"] * 3
    assert render_failures(summary) == [
        "release_evaluation: expect_evaluation_metric_to_be_between on mia_auc failed "
        "(observed_value=0.6004): mia_auc is at most 0.6. A membership attack is weak."
    ]


def test_a_figure_that_is_not_applicable_is_left_out(tmp_path):
    # Setup
    gates = [DCR, MetricGate("inference_risk", None, max_value=0.1, description="n/a here")]

    # Run
    frame = evaluation_frame(gates)
    suite = build_evaluation_suite(gates)
    summary = validate(gates, tmp_path / "docs")

    # Assert
    assert list(frame.columns) == ["dcr_share"] and frame.shape == (1, 1)
    assert frame.dtypes.tolist() == ["float64"]
    assert [e.column for e in suite.expectations] == ["dcr_share"]
    assert set(evaluation_outcomes(summary)) == {"dcr_share"}
    assert "inference_risk" not in validation_page(tmp_path / "docs")


def test_no_applicable_figure_gives_an_empty_suite_that_passes(tmp_path):
    # Setup
    gates = [MetricGate("linkability_risk", None, max_value=0.1)]

    # Run
    summary = validate(gates, tmp_path / "docs")

    # Assert
    assert summary.success
    assert evaluation_outcomes(summary) == {}


def test_data_docs_show_the_description_and_the_measured_value(tmp_path):
    # Setup
    docs_dir = tmp_path / "docs"

    # Run
    validate([DCR], docs_dir)

    # Assert: one table row holds the bound, the reviewer's words and the observed 0.512
    page = re.sub(r"\s+", " ", validation_page(docs_dir))
    row = re.search(r"dcr_share is at most 0\.55\. At most 55% .*? \(0\.5 is ideal\)\.(.*?)</tr>",
                    page)
    assert row is not None
    assert re.search(r">\s*0\.512\s*<", row.group(1))
    assert 'id="suite-release_evaluation"' in (docs_dir / "index.html").read_text("utf-8")


def test_a_suite_is_reused_in_fresh_contexts_and_pickles(tmp_path):
    # Setup
    gates = [DCR, MetricGate("nndr_ratio", 0.3, min_value=0.5)]
    suite = build_evaluation_suite(gates)

    # Run
    first = validate(gates, tmp_path / "a", suite=suite)
    second = validate(gates, tmp_path / "b", suite=suite)
    copy = pickle.loads(pickle.dumps(suite.expectations[0]))

    # Assert
    assert first.to_dict()["outcomes"][-2:] == second.to_dict()["outcomes"][-2:]
    assert not first.success and first.failed == 1
    assert copy == suite.expectations[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"metric": "DCR share", "value": 0.5, "max_value": 0.55},
        {"metric": "dcr_share", "value": 0.5},
        {"metric": "dcr_share", "value": 0.5, "min_value": 0.6, "max_value": 0.55},
        {"metric": "dcr_share", "value": float("nan"), "max_value": 0.55},
        {"metric": "dcr_share", "value": 0.5, "max_value": float("inf")},
        {"metric": "dcr_share", "value": True, "max_value": 0.55},
    ],
)
def test_a_malformed_gate_is_refused(kwargs):
    # Run / Assert
    with pytest.raises(MetricGateError) as raised:
        MetricGate(**kwargs)
    assert isinstance(raised.value, ValueError)
    assert "0.5" not in str(raised.value)


def test_two_gates_for_one_metric_are_refused():
    # Setup
    gates = [DCR, MetricGate("dcr_share", None, max_value=0.6)]

    # Run / Assert
    with pytest.raises(MetricGateError, match="dcr_share"):
        evaluation_frame(gates)
    with pytest.raises(MetricGateError, match="dcr_share"):
        build_evaluation_suite(gates)


@pytest.mark.parametrize("problem", ["suite_only", "two_rows", "same_name"])
def test_bad_evaluation_inputs_are_a_run_error(tmp_path, problem):
    # Setup
    suite, frame = build_evaluation_suite([DCR]), evaluation_frame([DCR])
    if problem == "suite_only":
        frame = None
    elif problem == "two_rows":
        frame = pd.concat([frame, frame], ignore_index=True)
    else:
        suite = build_evaluation_suite([DCR], name="privacy_gates")

    # Run / Assert
    with pytest.raises(ValidationRunError):
        validate_release(
            SYNTHETIC,
            pd.DataFrame(False, index=SYNTHETIC.index, columns=list(GATE_COLUMNS)),
            synthetic_suite=build_synthetic_suite(PROFILE, expected_rows=3),
            privacy_suite=build_privacy_suite(),
            docs_dir=tmp_path / "docs",
            evaluation_suite=suite,
            evaluation_frame=frame,
        )
