"""Every release carries its evaluation and report; a figure outside its bound blocks publishing."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synthgate.flows.cli import app
from synthgate.flows.release import release

pytestmark = pytest.mark.slow
KEYS = ("quality_score", "column_shapes", "column_pair_trends", "dcr_share", "nndr", "exact_matches", "mia_auc",
        "singling_out_risk", "linkability_risk", "inference_risk", "utility")


def _release_dir(tmp_path: Path, version: str) -> Path:
    return tmp_path / "catalog" / "covid-testing" / version


def test_a_release_carries_evaluation_report_and_pdf_that_rebuild_byte_for_byte(
    prefect_harness, covid_release, key_env, tmp_path
):
    # Setup
    spec = covid_release(version="3.0.0", evaluation={"target": "result"})

    # Run
    release(spec_path=str(spec))

    # Assert: every figure, the utility block, and one GX expectation per gate
    out = _release_dir(covid_release.tmp_path, "3.0.0")
    figures = json.loads((out / "evaluation.json").read_text())
    assert all(key in figures for key in KEYS) and figures["passed"] is True
    # The inconclusive figures of an 80-row holdout pass only because the spec accepts them, and say so.
    manifest = json.loads((out / "manifest.json").read_text())
    accepted = [g["metric"] for g in figures["gates"] if g["verdict"] == "inconclusive"]
    assert manifest["evaluation"]["accepted_inconclusive"] == sorted(accepted)
    assert all(g["accepted"] for g in figures["gates"] if g["verdict"] == "inconclusive")
    assert figures["utility"]["target"] == "result" and figures["utility"]["task"] == "classification"
    assert figures["holdout"]["rows"] == figures["rows"]["holdout"] and 60 <= figures["rows"]["holdout"] <= 100
    validation = json.loads((out / "validation.json").read_text())
    measured = [o for o in validation["outcomes"] if o["suite"] == "release_evaluation"]
    assert sorted(o["column"] for o in measured) == sorted(g["metric"] for g in figures["gates"])
    assert all(o["success"] for o in measured)
    docs = "".join(p.read_text(errors="ignore") for p in (out / "data_docs").rglob("*.html"))
    assert "dcr_share is at most 0.55" in docs and "close_records_share is at most 0.03" in docs

    # Assert: the report is one offline page and its PDF is a PDF
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "https://" not in html and "http://" not in html and "<script" not in html
    assert "data_docs/index.html" in html
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")

    # Run: an auditor rebuilds the report from the release's own files
    rebuilt = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "rebuilt"), "--no-pdf", "--verify"])

    # Assert: byte for byte the published page, and the release itself untouched
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "report.html: identical to the published report" in rebuilt.output
    assert (tmp_path / "rebuilt" / "report.html").is_file()
    inside = CliRunner().invoke(app, ["report", str(out), "--out", str(out / "again")])
    assert inside.exit_code == 2 and "a published release is never changed" in inside.output

    # Run: someone edits a figure in a copy of the release
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    edited = json.loads((copy / "evaluation.json").read_text())
    edited["dcr_share"] = 0.5
    (copy / "evaluation.json").write_text(json.dumps(edited))
    tampered = CliRunner().invoke(app, ["report", str(copy), "--out", str(tmp_path / "t"), "--no-pdf", "--verify"])

    # Assert
    assert tampered.exit_code == 1
    assert "evaluation.json: DIFFERS from the manifest's sha256" in tampered.output


def test_a_figure_outside_its_bound_blocks_publishing_and_leaves_a_report_for_reviewers(
    prefect_harness, covid_release, key_env
):
    # Setup: a quality bar no 320-row model reaches
    spec = covid_release(version="4.0.0", evaluation={"thresholds": {"quality_score_min": 0.999}, "pdf": False})

    # Run
    result = CliRunner().invoke(app, ["run", str(spec)])

    # Assert: exit 1, the failed figure named with its bound, nothing published
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("  failed: ")]
    assert any("release_evaluation" in line and "quality_score" in line and "0.999" in line for line in failed)
    assert not _release_dir(covid_release.tmp_path, "4.0.0").exists()
    reports = list((covid_release.tmp_path / "workspace").rglob("report/report.html"))
    assert len(reports) == 1
    page = reports[0].read_text(encoding="utf-8")
    assert "quality_score" in page and "../validation/data_docs/index.html" in page
