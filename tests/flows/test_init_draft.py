"""`synthgate init` drafts a spec a person can review and run; it never copies a value."""
from __future__ import annotations

import pandas as pd
import yaml
from typer.testing import CliRunner

from synthgate.flows.cli import app
from synthgate.flows.demo import covid_testing_table
from synthgate.flows.spec import load_spec


def test_init_drafts_a_runnable_spec_with_evidence_and_no_values(tmp_path, key_env):
    # Setup: real rows, with a canary name that must not reach the draft
    frame = covid_testing_table().sample(n=300, random_state=3).reset_index(drop=True)
    frame.loc[::5, "fake_last_name"] = "Canarywood"
    data = tmp_path / "in" / "covid.csv"
    data.parent.mkdir()
    frame.to_csv(data, index=False)
    draft = tmp_path / "specs" / "covid.yaml"

    # Run
    result = CliRunner().invoke(app, ["init", str(data), "-o", str(draft), "--sample-size", "100"])

    # Assert: every column planned with a kind, an action and evidence in comments
    assert result.exit_code == 0, result.output
    text = draft.read_text()
    spec = yaml.safe_load(text)
    assert list(spec["columns"]) == list(frame.columns)
    assert spec["source"]["path"] == "../in/covid.csv"
    assert spec["columns"]["subject_id"]["action"] in ("pseudonymise", "drop")
    assert spec["columns"]["fake_last_name"]["action"] in ("pseudonymise", "drop")
    assert spec["columns"]["note"]["kind"] == "text" and spec["columns"]["note"]["action"] == "redact_text"
    assert spec["columns"]["gender"]["action"] == "keep"
    assert spec["columns"]["age"]["action"] == "generalise"
    assert "sampled values" in text and "PERSON in" in text
    # ... never a value from the data (a canary, a name, a clinic, an id)
    for value in ["Canarywood", frame["fake_first_name"].dropna().iloc[0], "clinical lab",
                  str(frame["subject_id"].iloc[0])]:
        assert value not in text.replace("fake_first_name", "")

    # Assert: once a person fills in the licence, the draft is a valid spec whose check passes
    draft.write_text(text.replace("licence: ''", "licence: CC-BY-4.0"))
    loaded = load_spec(draft)
    assert loaded.spec.sample.rows == 300
    checked = CliRunner().invoke(app, ["check", str(draft)])
    assert checked.exit_code == 0, checked.output


def test_init_refuses_to_overwrite_and_unfilled_drafts_do_not_run(tmp_path):
    # Setup
    data = tmp_path / "t.csv"
    pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}).to_csv(data, index=False)
    draft = tmp_path / "t.yaml"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(data), "-o", str(draft)]).exit_code == 0

    # Run
    again = runner.invoke(app, ["init", str(data), "-o", str(draft)])
    unfilled = runner.invoke(app, ["check", str(draft)])

    # Assert
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert unfilled.exit_code == 2 and "dataset.licence" in unfilled.stderr


def test_init_of_a_cp949_file_records_its_encoding_and_korean_proposals(tmp_path):
    # Setup: Korean headers, CP949 bytes, a chart-number format given on the command line
    rows = ["성명,주민등록번호,환자코드,진단명",
            "김민준,951119-2972274,H44384143,고혈압", "이서연,720301-1610303,H13068963,정상",
            "박지호,090812-3850624,H58002173,이상"]
    data = tmp_path / "환자.csv"
    data.write_bytes(("\n".join(rows) + "\n").encode("cp949"))
    draft = tmp_path / "draft.yaml"

    # Run
    result = CliRunner().invoke(
        app, ["init", str(data), "-o", str(draft), "--encoding", "cp949", "--mrn-pattern", r"H\d{8}"]
    )

    # Assert
    assert result.exit_code == 0, result.output
    text = draft.read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    assert spec["source"]["encoding"] == "cp949"
    assert spec["columns"]["주민등록번호"]["action"] == "drop"
    assert spec["columns"]["성명"]["action"] == "pseudonymise"
    assert spec["columns"]["환자코드"]["action"] == "pseudonymise" and "KR_MEDICAL_RECORD_NUMBER" in text
    assert spec["columns"]["진단명"]["action"] == "keep"
    assert spec["privacy"]["text_language"] == "ko"
    assert spec["privacy"]["medical_record_patterns"] == [r"H\d{8}"]
    assert not any(cell in text for row in rows[1:] for cell in row.split(","))
