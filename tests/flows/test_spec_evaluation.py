"""The spec's evaluation block: defaults, conversion, and every mistake named with what is allowed."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from synthgate.flows import convert
from synthgate.flows.cli import app
from synthgate.flows.errors import InputError, SpecError
from synthgate.flows.preflight import preflight
from synthgate.flows.spec import load_spec


def test_the_default_block_holds_a_20_percent_holdout_and_the_practice_thresholds(small_release):
    # Run
    config = convert.evaluation_config(load_spec(small_release()).spec)

    # Assert
    assert load_spec(small_release()).spec.evaluation.holdout == 0.2
    assert config.thresholds.exact_matches_max == 0
    assert config.thresholds.dcr_share_max == 0.55 and config.thresholds.mia_auc_max == 0.6
    assert config.seed == 1  # the generator's seed
    assert config.target is None


def test_the_block_converts_into_the_evaluation_config(small_release):
    # Setup
    spec = load_spec(small_release(**{"evaluation": {
        "target": "smoker", "secrets": ["score"], "linkability": [["sex"], ["score", "smoker"]],
        "thresholds": {"dcr_share_max": 0.6, "inference_risk_max": None}, "chart_min_count": 20}})).spec

    # Run
    config = convert.evaluation_config(spec)

    # Assert
    assert config.target == "smoker" and config.secrets == ("score",)
    assert config.linkability == (("sex",), ("score", "smoker"))
    assert config.thresholds.dcr_share_max == 0.6 and config.thresholds.inference_risk_max is None
    assert config.chart_min_count == 20


@pytest.mark.parametrize("block, location, fragment", [
    ({"target": "name"}, "evaluation.target", "'name' is not a column the generator learns"),
    ({"target": "patient_id"}, "evaluation.target", "allowed: age, sex, visit_date, smoker, score"),
    ({"secrets": ["sex", "nope"]}, "evaluation.secrets.1", "'nope' is not a column"),
    ({"linkability": [["sex"], ["sex"]]}, "evaluation.linkability", "no column in both"),
    ({"holdout": 0}, "evaluation.holdout", "greater than 0"),
    ({"holdout": 1.0}, "evaluation.holdout", "less than 1"),
    ({"thresholds": {"dcr_share_mx": 0.6}}, "evaluation.thresholds",
     "unknown key 'dcr_share_mx' (did you mean 'dcr_share_max'?); allowed: c2st_min, close_records_share_max, dcr_share_max"),
    ({"thresholds": {"mia_auc_max": 0.3}}, "evaluation.thresholds.mia_auc_max", "greater than or equal to 0.5"),
    ({"pdfs": True}, "evaluation", "unknown key 'pdfs' (did you mean 'pdf'?)"),
    ({"holdout_by": "name"}, "evaluation.holdout_by", "'name' is not a column kept in the pseudonymised table"),
    ({"accept_inconclusive": ["exact_matches"]}, "evaluation.accept_inconclusive",
     "'exact_matches' is not a gate with an interval; allowed: close_records_share, dcr_share, mia_auc"),
])
def test_evaluation_mistakes_name_the_place_and_what_is_allowed(small_release, block, location, fragment):
    with pytest.raises(SpecError) as caught:
        load_spec(small_release(evaluation=block))
    assert f": {location}: " in str(caught.value)
    assert fragment in str(caught.value)


def test_a_holdout_that_would_be_empty_stops_before_the_run(small_release, key_env):
    # Setup: 40 rows, 1% held out: 0 rows
    loaded = load_spec(small_release(evaluation={"holdout": 0.01}))

    # Run / Assert
    with pytest.raises(InputError, match=r"evaluation.holdout: 40 source row\(s\) with a holdout of 0.01 leave"):
        preflight(loaded)


def test_a_wanted_pdf_without_chromium_stops_before_the_run_naming_the_way_out(small_release, key_env, monkeypatch):
    # Setup: no chromium anywhere
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("SYNTHGATE_CHROMIUM", raising=False)
    spec = small_release()

    # Run
    result = CliRunner().invoke(app, ["check", str(spec)])

    # Assert
    assert result.exit_code == 2
    assert "evaluation.pdf: report.pdf is printed by headless Chromium, which was not found" in result.output
    assert CliRunner().invoke(app, ["check", str(small_release(evaluation={"pdf": False}))]).exit_code == 0
