"""The whole release flow under Prefect's test harness, on real rows."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from synthgate import privacy
from typer.testing import CliRunner

from synthgate.flows.cli import app
from synthgate.flows.release import release

pytestmark = pytest.mark.slow


def _release_dir(tmp_path: Path, version: str) -> Path:
    return tmp_path / "catalog" / "covid-testing" / version


def test_release_publishes_a_verified_reproducible_dataset(prefect_harness, covid_release, key_env):
    # Setup
    spec_v1 = covid_release(version="1.0.0")
    spec_v2 = covid_release(version="1.0.1")

    # Run
    first = release(spec_path=str(spec_v1))
    second = release(spec_path=str(spec_v2))

    # Assert: the release folder holds exactly the published files, each hashed in the manifest
    out = _release_dir(covid_release.tmp_path, "1.0.0")
    manifest = json.loads((out / "manifest.json").read_text())
    for name, facts in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == facts["sha256"]
    assert {"covid-testing.parquet", "README.md", "validation.json", "data_docs/index.html", "evaluation.json",
            "report.html", "report.pdf"} <= set(manifest["files"])
    assert manifest["privacy"]["key_id"] == privacy.PseudonymKey.from_text(key_env).key_id
    assert manifest["validation"]["success"] is True and manifest["validation"]["failed"] == 0
    # A quarter of the patients (all their rows; the example spec's holdout) is held out before training
    held = manifest["holdout"]["rows"]
    assert manifest["rows"] == {"source": 400, "training": 400 - held, "learned": 400 - held, "synthetic": 300,
                                "discarded_copies": manifest["rows"]["discarded_copies"],
                                "drawn": manifest["rows"]["drawn"]}
    assert manifest["rows"]["drawn"] >= 300 + manifest["rows"]["discarded_copies"]
    assert manifest["holdout"]["grouped_by"] == "subject_id" and 80 <= held <= 120
    assert {k: manifest["holdout"][k] for k in ("fraction", "training_rows")} == {"fraction": 0.25,
                                                                                 "training_rows": 400 - held}
    assert len(manifest["holdout"]["sha256"]) == 64
    assert manifest["evaluation"]["passed"] is True and manifest["evaluation"]["gates"] >= 8
    assert manifest["privacy"]["excluded_text_columns"] == ["note"]
    assert first["published"]["rows"] == 300

    # Assert: real Parquet that other readers load, with kinds and description in the schema
    table = ds.dataset(out / "covid-testing.parquet", format="parquet").to_table()
    assert table.num_rows == 300
    kinds = json.loads(pq.read_schema(out / "covid-testing.parquet").metadata[b"synthgate.kinds"])
    assert kinds["subject_id"] == "id" and kinds["age"] == "categorical" and kinds["pan_day"] == "numerical"
    frame = pd.read_parquet(out / "covid-testing.parquet")
    assert "note" not in frame and "fake_first_name" not in frame
    assert frame["subject_id"].str.startswith("syn_").all()
    assert set(frame["age"].dropna()) <= {"0-4", "5-9", "10-14", "15-19", "20-24", "25+"}

    # Assert: the same seed gives the same rows (a second version from the same spec and seed)
    again = pd.read_parquet(_release_dir(covid_release.tmp_path, "1.0.1") / "covid-testing.parquet")
    pd.testing.assert_frame_equal(frame, again)
    assert second["facts"]["privacy"]["key_id"] == manifest["privacy"]["key_id"]


def test_a_failed_gate_exits_1_naming_it_and_publishes_nothing(prefect_harness, covid_release, covid_rows, key_env):
    # Setup: the dropped first names survive in a kept copy of the column, a real-world slip
    frame = covid_rows.copy()
    frame.loc[::3, "fake_first_name"] = "Zorblattine"  # a canary among the real (fake) names
    frame = frame.assign(nickname=frame["fake_first_name"])
    spec = covid_release(frame, version="2.0.0", columns={"nickname": {"kind": "categorical", "action": "keep"}})

    # Run: the CLI, in this process, against the harness's Prefect server
    result = CliRunner().invoke(app, ["run", str(spec)])

    # Assert: exit 1, one line per failed expectation naming it, then the error line
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    failed = [line for line in lines if line.startswith("  failed: ")]
    assert any("privacy_gates" in line and "contains_raw_value" in line for line in failed)
    assert lines[-1] == f"error: {len(failed)} expectation(s) failed; nothing was published"
    assert "Data Docs (workspace)" in result.stderr
    dataset_dir = covid_release.tmp_path / "catalog" / "covid-testing"
    assert not dataset_dir.exists() or list(dataset_dir.iterdir()) == []
    # ... and the leaked value itself is quoted nowhere in what the run printed
    assert "Zorblattine" not in result.output


def test_the_key_can_come_from_a_prefect_secret_block(prefect_harness, covid_release, monkeypatch):
    # Setup: no environment key at all; the key lives in a Prefect Secret block
    from prefect.blocks.system import Secret

    monkeypatch.delenv("SYNTHGATE_PSEUDONYM_KEY", raising=False)
    secret = "block-held-key-" + "f" * 40
    Secret(value=secret).save("synthgate-test-key", overwrite=True)
    spec = covid_release(version="3.0.0", rows=50)
    text = spec.read_text().replace("key_env: SYNTHGATE_PSEUDONYM_KEY", "key_secret_block: synthgate-test-key")
    spec.write_text(text)

    # Run
    result = release(spec_path=str(spec))

    # Assert
    assert result["facts"]["privacy"]["key_id"] == privacy.PseudonymKey.from_text(secret).key_id


def test_risk_steps_run_until_k_holds_and_the_manifest_records_k_before_and_after(
    prefect_harness, covid_release, key_env
):
    # Setup: the demo's quasi-identifiers and steps at k=2 (400 rows)
    spec = covid_release(version="3.0.0")

    # Run
    release(spec_path=str(spec))

    # Assert
    manifest = json.loads((_release_dir(covid_release.tmp_path, "3.0.0") / "manifest.json").read_text())
    risk = manifest["privacy"]["risk"]
    assert risk["quasi_identifiers"] == ["gender", "age", "clinic_name", "patient_class"]
    assert risk["met"] is True and risk["threshold"]["k"] == 2
    assert risk["before"]["k"] == 1 and risk["after"]["k"] >= 2
    assert 1 <= risk["steps_applied"] == len(risk["steps"]) <= 3
    assert risk["steps"][0]["step"] == "generalise" and risk["steps"][0]["column"] == "clinic_name"
    assert all(isinstance(size, int) for size in risk["after"]["smallest_class_sizes"])
    kept = 400 - sum(step["rows_suppressed"] for step in risk["steps"])
    assert manifest["rows"]["training"] + manifest["holdout"]["rows"] == kept  # 20% of them held out


def test_a_risk_threshold_that_cannot_be_met_exits_1_naming_the_quasi_identifiers(
    prefect_harness, covid_release, key_env
):
    # Setup: k=50 on 400 rows with a 1% row budget cannot hold
    spec = covid_release(version="3.1.0", risk={"k": 50, "steps": [{"step": "suppress_rows", "max_share": 0.01}]})

    # Run
    result = CliRunner().invoke(app, ["run", str(spec)])

    # Assert
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert lines[-1].startswith("error: re-identification risk threshold not met after 1 step: k=")
    assert "(required 50)" in lines[-1] and "without each quasi-identifier: gender k=" in lines[-1]
    assert "nothing was published" in lines[-1]
    dataset_dir = covid_release.tmp_path / "catalog" / "covid-testing"
    assert not dataset_dir.exists() or list(dataset_dir.iterdir()) == []
