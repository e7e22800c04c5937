"""A real release writes its audit trail: run_started, gates, published (or run_failed), chained, value-free."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from synthgate import catalog, privacy
from synthgate.flows.cli import app
from synthgate.flows.errors import RiskGateFailed, VersionExistsError
from synthgate.flows.release import release

pytestmark = pytest.mark.slow

CANARIES = {"subject_id": "AUDITCANARY4412", "fake_last_name": "Auditcanaryson", "fake_first_name": "Zqaudit",
            "note": "Call Auditcanary Quillfeather at audit.canary@example.org"}
NEEDLES = ["AUDITCANARY4412", "Auditcanaryson", "Zqaudit", "Quillfeather", "audit.canary@example.org"]


def _strings(entry) -> set[str]:
    found = set()
    for value in entry.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                found.add(item)
    return found


def test_a_release_leaves_a_verified_value_free_trail(prefect_harness, covid_release, covid_rows, key_env):
    # Setup: canaries in many rows; version auto over a catalog whose latest release is 1.4.2
    frame = covid_rows.copy()
    for column, canary in CANARIES.items():
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[::4], column] = canary
    spec = covid_release(frame, version="auto", rows=100)
    catalog_dir = covid_release.tmp_path / "catalog"
    (catalog_dir / "covid-testing" / "1.4.2").mkdir(parents=True)

    # Run: as a deployment runs it, with no preflight, so the flow resolves the version itself
    result = release(spec_path=str(spec))
    verified = CliRunner().invoke(app, ["audit", "verify", str(catalog_dir)], catch_exceptions=False)

    # Assert: auto resolved to the next patch, once, and the manifest and run record say so
    release_dir = catalog_dir / "covid-testing" / "1.4.3"
    assert result["published"]["release_dir"] == str(release_dir)
    manifest_bytes = (release_dir / "manifest.json").read_bytes()
    manifest = json.loads(manifest_bytes)
    assert manifest["dataset"]["version"] == "1.4.3" and manifest["run"]["version_template"] == "auto"
    run_record = json.loads((covid_release.tmp_path / "workspace" / "covid-testing" / "1.4.3" /
                             manifest["run"]["workspace_run_id"] / "run.json").read_text())
    assert (run_record["version"], run_record["version_resolved_by"]) == ("1.4.3", "flow")

    # Assert: the trail holds the run's three events, chained, and the CLI verifies it
    assert verified.exit_code == 0, verified.output
    assert "3 event(s) chained" in verified.stdout
    started, gates, published = catalog.read_events(catalog_dir)
    assert [started["event"], gates["event"], published["event"]] == ["run_started", "gates", "published"]
    assert {e["run_id"] for e in (started, gates, published)} == {manifest["run"]["workspace_run_id"]}
    assert {e["flow_run_id"] for e in (started, gates, published)} == {manifest["run"]["prefect_flow_run_id"]}
    assert started["spec_sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest() == manifest["spec_sha256"]
    assert started["source_sha256"] == manifest["source"]["sha256"] and started["source_rows"] == 400
    assert (started["version"], started["version_template"]) == ("1.4.3", "auto")
    assert gates["passed"] is True and gates["failed_gates"] == [] and gates["expectations_evaluated"] > 0
    assert published["manifest_sha256"] == hashlib.sha256(manifest_bytes).hexdigest()
    assert published["release_dir"] == "covid-testing/1.4.3" and published["rows"] == 100

    # Assert: no data value in the trail: no canary, pseudonym or key, and no text cell of the source
    text = catalog.audit_path(catalog_dir).read_text()
    key = privacy.PseudonymKey.from_text(key_env)
    pseudonyms = privacy.pseudonymise_series(
        __import__("pandas").Series([CANARIES["subject_id"], CANARIES["fake_last_name"]]), key).tolist()
    assert [n for n in [*NEEDLES, *pseudonyms, key_env] if n in text] == []
    cells = {str(v) for c in frame.columns if frame[c].dtype == object for v in frame[c].dropna().unique()}
    written = set().union(*(_strings(e) for e in catalog.read_events(catalog_dir)))
    assert written & cells == set()
    # ... and the search can fail: the canaries are in the workspace's raw table
    raw = next((covid_release.tmp_path / "workspace").rglob("raw.parquet")).read_bytes()
    assert b"Zqaudit" in raw

    # Run / Assert: the same trail with one line changed, or one deleted, is refused and the line named
    damaged = covid_release.tmp_path / "damaged"
    damaged.mkdir()
    lines = text.splitlines(keepends=True)
    catalog.audit_path(damaged).write_text(lines[0] + lines[1].replace('"passed":true', '"passed":false') + lines[2])
    changed = CliRunner().invoke(app, ["audit", "verify", str(damaged)], catch_exceptions=False)
    catalog.audit_path(damaged).write_text(lines[1] + lines[2])
    deleted = CliRunner().invoke(app, ["audit", "verify", str(damaged)], catch_exceptions=False)
    assert changed.exit_code == 1 and "audit.jsonl line 2: its sha256 does not match" in changed.stderr
    assert deleted.exit_code == 1 and "audit.jsonl line 1: its prev does not match" in deleted.stderr


def test_a_scheduled_run_whose_resolved_version_exists_stops_and_is_audited(prefect_harness, covid_release,
                                                                            key_env):
    # Setup: today's release is already published
    spec = covid_release(version="{run_date:%Y.%m.%d}", rows=100)
    catalog_dir = covid_release.tmp_path / "catalog"
    today = datetime.now().strftime("%Y.%m.%d")
    (catalog_dir / "covid-testing" / today).mkdir(parents=True)

    # Run: as a deployment runs it (no preflight)
    with pytest.raises(VersionExistsError) as caught:
        release(spec_path=str(spec))

    # Assert: exit code 2, nothing else published, and the trail says why the run stopped
    assert caught.value.exit_code == 2 and caught.value.version == today
    assert [p.name for p in (catalog_dir / "covid-testing").iterdir() if not p.name.startswith(".")] == [today]
    (failed,) = catalog.read_events(catalog_dir)
    assert (failed["event"], failed["error"], failed["exit_code"], failed["version"]) == (
        "run_failed", "VersionExistsError", 2, today)
    assert catalog.verify_chain(catalog_dir).ok


def test_a_blocked_gate_is_audited_with_its_name(prefect_harness, covid_release, key_env):
    # Setup: a k no suppression budget can reach on 400 rows (the risk gate, before any training)
    spec = covid_release(version="3.0.0", rows=100, risk={"k": 400})
    catalog_dir = covid_release.tmp_path / "catalog"

    # Run
    with pytest.raises(RiskGateFailed):
        release(spec_path=str(spec))

    # Assert
    started, gates, failed = catalog.read_events(catalog_dir)
    assert started["event"] == "run_started"
    assert (gates["event"], gates["passed"], gates["failed_gates"]) == ("gates", False, ["risk_threshold"])
    assert (failed["event"], failed["error"], failed["exit_code"]) == ("run_failed", "RiskGateFailed", 1)
    assert catalog.verify_chain(catalog_dir).ok
    assert not (catalog_dir / "covid-testing" / "3.0.0").exists()
