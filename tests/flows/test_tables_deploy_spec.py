"""A tables: spec at the deployment's door: deploy takes it (the multi-table flow), run refuses review.required."""
from __future__ import annotations

from html import escape

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from synthgate.flows import deploy
from synthgate.flows.cli import app
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec

from _tables_specs import clinic_spec

SPEC = clinic_spec()
REVIEW = {"required": True, "reviewers": ["kim.minji"]}
runner = CliRunner()


def _spec(tmp_path, **extra):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    pd.DataFrame({"id": [101, 102, 103], "age": [30, 41, 52]}).to_csv(data / "patients.csv", index=False)
    pd.DataFrame({"visit_id": ["v1", "v2", "v3"], "patient_id": [101, 101, 102], "day": [0, 7, 0]}).to_csv(
        data / "visits.csv", index=False)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({**SPEC, **extra}, sort_keys=False))
    return path


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_deploy_takes_a_tables_spec_up_to_the_server_check(tmp_path, monkeypatch):
    # Setup: a reviewed tables spec and no server, so the only refusal left is the missing PREFECT_API_URL
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    path = _spec(tmp_path, review=REVIEW)

    # Run
    result = runner.invoke(app, ["deploy", str(path), "--cron", "0 3 * * *"], catch_exceptions=False)

    # Assert: one line, exit 2, about the server, not about tables or review
    assert result.exit_code == 2
    line = _one_line(result)
    assert "PREFECT_API_URL is not set" in line and "tables" not in line and "review" not in line


def test_a_tables_spec_is_deployed_as_the_installed_multi_table_flow(tmp_path):
    # Setup
    loaded = load_spec(_spec(tmp_path))
    from prefect.types.entrypoint import EntrypointType

    from synthgate.flows.release_tables import release_tables

    # Run: the deployment object _apply registers (built offline; apply() would send it)
    built = release_tables.to_deployment(name="clinic", entrypoint_type=EntrypointType.MODULE_PATH)

    # Assert: the flow and entrypoint the server and `deployments` know it by
    assert deploy.flow_name(loaded) == deploy.TABLES_FLOW_NAME == release_tables.name
    assert built.entrypoint == deploy.TABLES_ENTRYPOINT


def test_a_dask_engine_tables_spec_is_still_refused_by_deploy(tmp_path, monkeypatch):
    # Setup: the worker would run it in one process, as for one table
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    path = _spec(tmp_path, engine={"kind": "dask"})

    # Run
    with pytest.raises(SpecError) as caught:
        deploy.deploy(path, cron=None, timezone=None, pool="synthgate", name=None)

    # Assert
    assert caught.value.location == "engine.kind"


def test_a_plain_run_of_a_reviewed_tables_spec_is_refused_before_anything_starts(tmp_path, key_env):
    # Setup
    path = _spec(tmp_path, review=REVIEW)

    # Run
    result = runner.invoke(app, ["run", str(path)], catch_exceptions=False)

    # Assert: as for one table, naming the multi-table flow to start; nothing written
    assert result.exit_code == 2
    line = _one_line(result)
    assert "review.required is true" in line and "synthgate deploy SPEC" in line
    assert "prefect deployment run synthgate-release-tables/NAME" in line
    assert not (tmp_path / "workspace").exists() and not (tmp_path / "catalog").exists()


def test_check_of_a_reviewed_tables_spec_passes_without_a_deploy_note(tmp_path, key_env):
    # Setup
    path = _spec(tmp_path, review=REVIEW)

    # Run
    result = runner.invoke(app, ["check", str(path)], catch_exceptions=False)

    # Assert
    assert result.exit_code == 0, result.output
    assert "ok: 2 tables (patients 3 rows, visits 3 rows)" in result.stdout and "note:" not in result.stdout


def test_the_tables_report_shows_the_committee_status(tmp_path):
    # Setup: the review block a pending release and an approved one carry (names, times, a hash)
    from synthgate.report import _release

    pending = {"review": {"required": True, "status": "pending", "reviewers": ["kim.minji"],
                         "suspended_at": "2026-12-03T08:00:00+00:00", "expires_at": "2026-12-04T08:00:00+00:00"}}
    approved = {"review": {**pending["review"], "status": "approved", "reviewer": "kim.minji",
                           "decided_at": "2026-12-03T09:00:00+00:00", "report_sha256": "ab" * 32}}

    # Run
    from synthgate.report import tables

    html = {name: _render(tables, manifest) for name, manifest in (("pending", pending), ("approved", approved))}

    # Assert
    assert escape(_release.review(pending)["headline"]) in html["pending"] and "Committee review" in html["pending"]
    assert "Approved by kim.minji on 2026-12-03T09:00:00+00:00." in html["approved"] and "ab" * 32 in html["approved"]


def _render(tables, review: dict) -> str:
    manifest = {"dataset": {"name": "clinic", "version": "1.0.0", "title": "Clinic"}, "tables": {}, "links": [],
                "rows": {}, **review}
    evaluation = {"passed": True, "gates": [], "relational": {}}
    validation = {"success": True, "evaluated": 1, "failed": 0}
    return tables.render_tables_report(manifest=manifest, evaluation=evaluation, validation=validation,
                                       data_docs_href=None)
