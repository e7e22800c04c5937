"""The review gate without a server: the spec's review block, the decision checks, the pending-file check,
the discard of a pending release, and the one-line refusals of `run` and `review`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from synthgate import catalog as catalog_pkg
from synthgate.flows import publish, review
from synthgate.flows.cli import app
from synthgate.flows.errors import ReviewedFilesChanged, SpecError
from synthgate.flows.spec import load_spec

runner = CliRunner()
SHA = "ab" * 32


def _one_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


# --- the spec's review block --------------------------------------------------------------------

def test_a_review_block_is_read_with_its_duration_in_seconds(small_release):
    # Setup
    spec = small_release(review={"required": True, "reviewers": ["kim.minji", "lee.jun"], "expires_after": "36h"})

    # Run
    loaded = load_spec(spec)

    # Assert
    assert loaded.spec.review.reviewers == ["kim.minji", "lee.jun"]
    assert loaded.spec.review.expires_after_seconds == 36 * 3600


def test_without_a_review_block_nothing_waits_for_review(small_release):
    # Run
    loaded = load_spec(small_release())

    # Assert
    assert not loaded.spec.review.required and loaded.spec.review.expires_after == "14d"


@pytest.mark.parametrize("block, where, fragment", [
    ({"required": True}, "review", "required: true needs at least one name in reviewers"),
    ({"required": True, "reviewers": []}, "review", "at least one name"),
    ({"required": True, "reviewers": ["a"], "expires_after": "2w"}, "review.expires_after", "'2w' is not a duration"),
    ({"required": True, "reviewers": ["a"], "expires_after": "0d"}, "review.expires_after", "1-9999"),
    ({"reviewers": ["kim minji"]}, "review.reviewers", "'kim minji' is not a name"),
    ({"reviewers": ["a", "a"]}, "review.reviewers", "listed twice"),
    ({"requird": True}, "review", "unknown key 'requird' (did you mean 'required'?)"),
])
def test_a_bad_review_block_is_one_error_naming_the_key(small_release, block, where, fragment):
    # Setup
    spec = small_release(review=block)

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(spec)

    # Assert
    assert caught.value.location == where and fragment in str(caught.value)


# --- decisions -----------------------------------------------------------------------------------

def _pending(tmp_path: Path, *, expires_at: str = "2099-01-01T00:00:00+00:00") -> review.PendingReview:
    folder = tmp_path / "workspace" / review.PENDING_AREA / "0b7c0f57-1d7e-4a8e-9a52-3d1c5d1f0e11"
    (folder / review.RELEASE).mkdir(parents=True)
    (folder / review.RELEASE / "report.html").write_text("<html>report</html>")
    record = {"flow_run_id": folder.name, "dataset": "patients", "version": "1.0.0", "workspace_run_id": "r1",
              "workspace": str(tmp_path / "workspace" / "patients"), "catalog": str(tmp_path / "catalog"),
              "reviewers": ["kim.minji"], "suspended_at": "2026-12-01T00:00:00+00:00", "expires_at": expires_at,
              "report_sha256": SHA}
    return review.write_record(folder, record)


@pytest.mark.parametrize("decision, problem", [
    ({"decision": "approve", "reviewer": "kim.minji", "report_sha256": SHA}, None),
    ({"decision": "reject", "reviewer": "kim.minji"}, None),
    ({"decision": "approve", "reviewer": "mallory", "report_sha256": SHA}, "reviewer 'mallory' is not one of"),
    ({"decision": "reject", "reviewer": "mallory"}, "reviewer 'mallory' is not one of"),
    ({"decision": "approve", "reviewer": "kim.minji", "report_sha256": "cd" * 32}, "is not that of the pending report"),
    ({"decision": "approve", "reviewer": "kim.minji"}, "report sha256 none is not that of the pending report"),
])
def test_only_a_listed_reviewer_decides_and_an_approval_names_the_pending_reports_hash(tmp_path, decision, problem):
    # Setup
    pending = _pending(tmp_path)

    # Run
    found = review.check_decision(pending, review.ReviewDecision(**decision))

    # Assert
    assert (found is None) if problem is None else (problem in found)


def test_the_decision_form_accepts_only_approve_or_reject_and_a_sha256():
    # Run / Assert
    with pytest.raises(ValidationError):
        review.ReviewDecision(decision="maybe", reviewer="kim.minji")
    with pytest.raises(ValidationError):
        review.ReviewDecision(decision="approve", reviewer="kim.minji", report_sha256="not-a-hash")


def test_pending_releases_are_found_by_run_and_by_dataset(tmp_path):
    # Setup
    pending = _pending(tmp_path)

    # Run
    by_run = review.pending_for_run(tmp_path / "workspace", pending.flow_run_id)
    by_dataset = review.pending_reviews(tmp_path / "workspace", "patients")

    # Assert
    assert by_run.record == pending.record and [p.flow_run_id for p in by_dataset] == [pending.flow_run_id]
    assert review.pending_reviews(tmp_path / "workspace", "other") == []


def test_closing_an_expired_pending_release_deletes_it_and_audits_the_expiry(tmp_path):
    # Setup
    pending = _pending(tmp_path, expires_at="2026-01-01T00:00:00+00:00")
    (tmp_path / "catalog").mkdir()

    # Run
    review.close(pending, "expired")

    # Assert
    assert pending.expired() and not pending.folder.exists()
    event = catalog_pkg.read_events(tmp_path / "catalog")[-1]
    assert (event["event"], event["decision"], event["published"], event["report_sha256"]) == (
        "decision", "expired", False, SHA)
    assert catalog_pkg.verify_chain(tmp_path / "catalog").ok


# --- the reviewed files ----------------------------------------------------------------------------

@pytest.mark.parametrize("change, named", [
    (lambda folder: (folder / "data.parquet").write_bytes(b"changed"), ["data.parquet"]),
    (lambda folder: (folder / "extra.json").write_text("{}"), ["extra.json"]),
    (lambda folder: (folder / "report.html").unlink(), ["report.html"]),
])
def test_a_pending_file_changed_added_or_removed_since_review_stops_publishing(tmp_path, change, named):
    # Setup
    folder = tmp_path / "pending"
    folder.mkdir()
    (folder / "data.parquet").write_bytes(b"rows")
    (folder / "report.html").write_text("report")
    reviewed = publish._file_hashes(folder)
    (folder / "manifest.json").write_text(json.dumps({"files": reviewed}))  # the manifest itself is not listed
    change(folder)

    # Run
    with pytest.raises(ReviewedFilesChanged) as caught:
        publish._check_reviewed_files(folder, reviewed)

    # Assert
    assert caught.value.changed == named and "nothing was published" in str(caught.value)


def test_unchanged_pending_files_pass_the_check(tmp_path):
    # Setup
    folder = tmp_path / "pending"
    folder.mkdir()
    (folder / "data.parquet").write_bytes(b"rows")
    reviewed = publish._file_hashes(folder)
    (folder / "manifest.json").write_text("{}")

    # Run / Assert: no error
    publish._check_reviewed_files(folder, reviewed)


# --- one-line refusals -----------------------------------------------------------------------------

def test_a_plain_run_of_a_review_required_release_is_refused_before_anything_starts(small_release, key_env):
    # Setup
    spec = small_release(review={"required": True, "reviewers": ["kim.minji"]})

    # Run
    result = runner.invoke(app, ["run", str(spec)], catch_exceptions=False)

    # Assert
    assert result.exit_code == 2
    line = _one_line(result)
    assert "review.required is true" in line and "synthgate deploy SPEC" in line
    assert not (small_release.tmp_path / "workspace").exists() and not (small_release.tmp_path / "catalog").exists()


@pytest.mark.parametrize("args", [["list"], ["show", "some-run"], ["reject", "some-run", "--reviewer", "kim.minji"]])
def test_review_without_a_server_is_one_line(monkeypatch, args):
    # Setup
    monkeypatch.delenv("PREFECT_API_URL", raising=False)

    # Run
    result = runner.invoke(app, ["review", *args], catch_exceptions=False)

    # Assert
    assert result.exit_code == 2 and "PREFECT_API_URL is not set" in _one_line(result)


@pytest.mark.parametrize("args, fragment", [
    (["approve", "r", "--reviewer", "kim minji", "--report-sha256", SHA], "--reviewer must be a name"),
    (["approve", "r", "--reviewer", "kim.minji", "--report-sha256", "ABC"], "--report-sha256 must be 64"),
    (["reject", "r", "--reviewer", "kim.minji", "--comment", "x" * 501], "--comment holds 501 characters"),
])
def test_bad_review_options_are_refused_before_the_server_is_asked(monkeypatch, args, fragment):
    # Setup: no server at all; the options are checked first
    monkeypatch.delenv("PREFECT_API_URL", raising=False)

    # Run
    result = runner.invoke(app, ["review", *args], catch_exceptions=False)

    # Assert
    assert result.exit_code == 2 and fragment in _one_line(result)
