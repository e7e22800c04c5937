"""`synthgate init` drafts a spec a person can review and run; it never copies a value."""
from __future__ import annotations

import json

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
    assert "sampled values" in text and "PERSON" in text
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


NOTES = ["환자 상태 안정적이며 통증 호소 없음. 수액 투여 지속함", "야간에 수면 양호하고 활력징후 정상 범위 유지함",
         "식사량 감소하여 보호자에게 설명하고 경과 관찰함", "오전 회진 후 드레싱 교환함, 삼출물 소량 관찰됨"]


def _ward_table(path, rows=60):
    """Row numbers, names, quasi-identifiers, a constant, an empty column and Korean notes under English headers."""
    firsts = ["James", "Mary", "Robert", "Linda", "Michael", "Susan", "David", "Karen", "Joseph", "Nancy"]
    frame = pd.DataFrame({
        "rownames": range(1, rows + 1),
        "first_name": [firsts[i % 10] for i in range(rows)],
        "age": [20 + (i * 7) % 70 for i in range(rows)],
        "sex": ["F" if i % 2 else "M" for i in range(rows)],
        "ward": [["A", "B", "C"][i % 3] for i in range(rows)],
        "site": ["Boston General"] * rows,
        "discharged": [None] * rows,
        "nursing_note": [NOTES[i % 4] for i in range(rows)],
    })
    frame.to_csv(path, index=False)
    return frame


def _ready(draft):
    """What a reviewer does before check: fill in the licence and confirm every REVIEW column."""
    text = draft.read_text(encoding="utf-8").replace("licence: ''", "licence: CC-BY-4.0")
    draft.write_text(text.replace("reviewed: false", "reviewed: true"), encoding="utf-8")


def test_init_drops_empty_and_constant_columns_ids_row_numbers_and_drafts_a_valid_risk_block(tmp_path, key_env):
    # Setup
    data = tmp_path / "ward.csv"
    _ward_table(data)
    draft = tmp_path / "ward.yaml"

    # Run
    result = CliRunner().invoke(app, ["init", str(data), "-o", str(draft)])

    # Assert: the table's own facts decide these columns
    assert result.exit_code == 0, result.output
    spec = yaml.safe_load(draft.read_text(encoding="utf-8"))
    columns = spec["columns"]
    assert columns["rownames"]["kind"] == "id" and columns["rownames"]["action"] in ("keep", "drop")
    assert columns["site"]["action"] == "drop" and columns["discharged"]["action"] == "drop"
    # ... a table about people gets k-anonymity over columns the generator learns
    risk = spec["risk"]
    assert risk["k"] == 5 and risk["quasi_identifiers"]
    assert [step["step"] for step in risk["steps"]] == ["suppress_cells", "suppress_rows"]
    assert set(risk["quasi_identifiers"]) <= {"age", "sex", "ward"}
    assert "Boston General" not in draft.read_text(encoding="utf-8")

    # Assert: the draft, as drafted, passes check once reviewed
    _ready(draft)
    checked = CliRunner().invoke(app, ["check", str(draft)])
    assert checked.exit_code == 0, checked.output
    assert checked.stderr == ""


def test_korean_notes_under_english_headers_draft_ko_and_check_warns_on_en(tmp_path, key_env):
    # Setup
    data = tmp_path / "ward.csv"
    _ward_table(data)
    draft = tmp_path / "ward.yaml"

    # Run
    drafted = CliRunner().invoke(app, ["init", str(data), "-o", str(draft)])
    _ready(draft)
    text = draft.read_text(encoding="utf-8")
    declared_en = tmp_path / "ward-en.yaml"
    declared_en.write_text(text.replace("text_language: ko", "text_language: en"), encoding="utf-8")
    checked = CliRunner().invoke(app, ["check", str(declared_en)])

    # Assert: the language comes from the values, and a mismatch is one warning line, exit 0
    assert drafted.exit_code == 0, drafted.output
    assert yaml.safe_load(text)["privacy"]["text_language"] == "ko"
    assert checked.exit_code == 0, checked.output
    warnings = [line for line in checked.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("warning: privacy.text_language is 'en'")
    assert "nursing_note" in warnings[0] and "'ko'" in warnings[0]
    assert not any(note in checked.output for note in NOTES)


def test_english_notes_draft_en_and_check_stays_quiet(tmp_path, key_env):
    # Setup
    data = tmp_path / "t.csv"
    # (ward and shift: a learnable table whose 4 possible rows are not all in the source, so check accepts it)
    pd.DataFrame({"score": range(30), "note": [f"Seen on day {i}, stable and comfortable overnight" for i in range(30)],
                  "ward": ["A"] * 15 + ["B"] * 15, "shift": ["day"] * 10 + ["night"] * 20}).to_csv(data, index=False)
    draft = tmp_path / "t.yaml"

    # Run
    drafted = CliRunner().invoke(app, ["init", str(data), "-o", str(draft)])
    _ready(draft)
    checked = CliRunner().invoke(app, ["check", str(draft)])

    # Assert
    assert drafted.exit_code == 0 and checked.exit_code == 0, checked.output
    assert yaml.safe_load(draft.read_text())["privacy"]["text_language"] == "en"
    assert checked.stderr == ""


def test_messy_headers_stop_init_until_dedupe_is_asked_for(tmp_path, key_env):
    # Setup: a raw export with 'amount' twice and a blank header (ward: so that not every possible learned row
    # is a source row, which check refuses)
    data = tmp_path / "raw.csv"
    data.write_text("case,amount,amount,,ward\n"
                    + "".join(f"c{i},{i * 2},{i * 3},{i % 3},{'A' if i < 2 else 'B'}\n" for i in range(30)))
    draft = tmp_path / "raw.yaml"

    # Run
    refused = CliRunner().invoke(app, ["init", str(data), "-o", str(draft)])
    written_when_refused = draft.exists()
    drafted = CliRunner().invoke(app, ["init", str(data), "-o", str(draft), "--dedupe-headers"])

    # Assert: the draft reads the original file with dedupe_headers and passes check
    assert refused.exit_code == 2 and "'amount' at positions 2 and 3" in refused.stderr and not written_when_refused
    assert drafted.exit_code == 0, drafted.output
    spec = yaml.safe_load(draft.read_text())
    assert spec["source"]["dedupe_headers"] is True
    assert list(spec["columns"]) == ["case", "amount", "amount__2", "column_4", "ward"]
    _ready(draft)
    checked = CliRunner().invoke(app, ["check", str(draft)])
    assert checked.exit_code == 0, checked.output


def test_weak_evidence_is_marked_review_and_check_refuses_it_until_reviewed(tmp_path, key_env):
    # Setup: 40% of a 'contact' column are given names, the rest are departments
    firsts = ["James", "Mary", "Robert", "Linda", "Michael", "Susan", "David", "Karen", "Joseph", "Nancy"]
    desks = ["front desk", "pharmacy", "radiology", "billing office", "main lab", "ward office"]
    data = tmp_path / "calls.csv"
    pd.DataFrame({"contact": [firsts[i % 10] if i % 5 < 2 else desks[i % 6] for i in range(60)],
                  "minutes": [i * 1.5 for i in range(60)], "ward": ["A", "B"] * 30}).to_csv(data, index=False)
    draft = tmp_path / "calls.yaml"

    # Run
    drafted = CliRunner().invoke(app, ["init", str(data), "-o", str(draft)])
    scanned = CliRunner().invoke(app, ["scan", str(data), "--json"])
    text = draft.read_text(encoding="utf-8").replace("licence: ''", "licence: CC-BY-4.0")
    draft.write_text(text, encoding="utf-8")
    refused = CliRunner().invoke(app, ["check", str(draft)])
    draft.write_text(text.replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    accepted = CliRunner().invoke(app, ["check", str(draft)])

    # Assert: the protective action, the evidence as REVIEW lines (the same lines scan prints), no value
    assert drafted.exit_code == 0, drafted.output
    record = {r["column"]: r for r in json.loads(scanned.stdout)}["contact"]
    assert record["needs_review"] is True and record["proposed_action"] == "pseudonymise"
    spec = yaml.safe_load(text)
    assert spec["columns"]["contact"] == {"kind": spec["columns"]["contact"]["kind"], "action": "pseudonymise",
                                          "reviewed": False}
    for line in record["evidence"]:
        assert f"  # REVIEW: {line}\n" in text
    assert "reviewed" not in spec["columns"]["minutes"] and "1 marked REVIEW" in drafted.stdout
    assert not any(value in text for value in firsts + desks)
    # ... check refuses it in one line naming the column and the way out, then accepts the decision
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert refused.exit_code == 2 and len(lines) == 1
    assert "1 column(s) still marked REVIEW: contact" in lines[0] and "reviewed: true" in lines[0]
    assert accepted.exit_code == 0, accepted.output


def test_event_dates_of_identified_people_draft_a_date_shift_block_that_checks(tmp_path, key_env):
    # Setup: one row per patient, exact admission days, birth dates
    data = tmp_path / "admissions.csv"
    pd.DataFrame({"patient_id": [f"P{i:04d}" for i in range(60)],
                  "admitted": [f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(60)],
                  "birth_date": [f"19{50 + i % 40}-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(60)],
                  "sex": ["F" if i % 2 else "M" for i in range(60)]}).to_csv(data, index=False)
    draft = tmp_path / "admissions.yaml"

    # Run
    drafted = CliRunner().invoke(app, ["init", str(data), "-o", str(draft)])
    _ready(draft)
    checked = CliRunner().invoke(app, ["check", str(draft)])

    # Assert: detection shifts the event dates per patient; the draft names the subject and checks
    assert drafted.exit_code == 0, drafted.output
    spec = yaml.safe_load(draft.read_text())
    assert spec["columns"]["admitted"]["action"] == "date_shift"
    assert spec["columns"]["birth_date"]["action"] == "generalise"
    assert spec["privacy"]["date_shift"] == {"subject": "patient_id", "max_days": 180}
    assert checked.exit_code == 0, checked.output


def test_review_marks_are_the_comments_directly_above_a_column_key():
    # Setup: marks above 'b' (after a's values) and 'd' (a flow mapping); others are not marks
    from synthgate.flows.draft import review_marks

    text = """# REVIEW: above the top-level key, not a column
columns:
  a:
    kind: categorical
    action: keep
  # PERSON covers 40% of 60 sampled values
  # REVIEW: PERSON covers 40% of 60 sampled values
  b:
    kind: categorical
    action: pseudonymise
  # REVIEWED by the ward manager
  c: {kind: categorical, action: keep}
  # REVIEW: 1 of 2

  e: {kind: categorical, action: keep}
  #  REVIEW: spaced
  d: {kind: categorical, action: keep}
privacy: {}
"""

    # Run
    marked = review_marks(text)

    # Assert: a blank line ends a column's comment block; 'REVIEWED' is not the mark
    assert marked == ["b", "d"]
    assert review_marks("columns: [unclosed") == [] and review_marks("- a\n") == []
