"""`synthgate audit verify CATALOG` (0 holds, 1 names the broken line, 2 bad input) and templated versions in the CLI."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from synthgate import catalog
from synthgate.flows.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _trail(folder, events=4):
    for i in range(events):
        catalog.append_event(folder, "run_started", {"dataset": "d", "run_id": f"r{i}", "spec_sha256": "ab" * 32})
    return catalog.audit_path(folder)


def test_verify_passes_an_intact_trail_and_prints_its_head(tmp_path):
    # Setup
    path = _trail(tmp_path)
    head = json.loads(path.read_text().splitlines()[-1])["sha256"]

    # Run
    result = _run("audit", "verify", str(tmp_path))

    # Assert
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout) == [f"ok: {path}: 4 event(s) chained; head sha256 {head} (keep it elsewhere: "
                                     "only a copy shows a rewritten tail)"]


def test_verify_exits_1_naming_the_first_broken_line(tmp_path):
    # Setup: line 3 edited by hand
    path = _trail(tmp_path)
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace('"run_id":"r2"', '"run_id":"r9"')
    path.write_text("".join(lines))

    # Run
    result = _run("audit", "verify", str(tmp_path))

    # Assert: one line, the path and the line number, no content of the line
    assert result.exit_code == 1
    assert _lines(result.stderr) == [f"error: {path} line 3: its sha256 does not match its content: the line was "
                                     "changed; the 2 line(s) before it hold"]
    assert "r9" not in result.output


@pytest.mark.parametrize(("where", "fragment"), [
    ("missing", "is not a folder"),
    ("file", "is not a folder"),
    ("no-trail", "audit.jsonl: not found (no audit trail in this folder)"),
])
def test_verify_bad_input_exits_2_with_one_line(tmp_path, where, fragment):
    # Setup
    target = tmp_path / where
    if where == "file":
        target.write_text("x")
    elif where == "no-trail":
        target.mkdir()

    # Run
    result = _run("audit", "verify", str(target))

    # Assert
    assert result.exit_code == 2
    lines = _lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines


def test_check_resolves_a_template_to_a_new_version(small_release, key_env):
    # Setup
    spec = small_release(**{"dataset.version": "{date:%Y.%m}", "evaluation": {"pdf": False}})
    month = datetime.now().strftime("%Y.%m")

    # Run
    fresh = _run("check", str(spec))

    # Assert
    assert fresh.exit_code == 0, fresh.output
    assert f"will publish to {small_release.tmp_path / 'catalog' / 'patients' / month}" in fresh.stdout


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_resolved_version_that_exists_exits_2_with_one_line(small_release, key_env, command):
    # Setup: this month's release is already in the catalog
    spec = small_release(**{"dataset.version": "{date:%Y.%m}", "evaluation": {"pdf": False}})
    month = datetime.now().strftime("%Y.%m")
    (small_release.tmp_path / "catalog" / "patients" / month).mkdir(parents=True)

    # Run
    taken = _run(command, str(spec))

    # Assert: stopped before any run started, so the trail has nothing to say
    assert taken.exit_code == 2
    lines = _lines(taken.stderr)
    assert len(lines) == 1 and f"release patients {month} already exists" in lines[0], lines
    assert not catalog.audit_path(small_release.tmp_path / "catalog").exists()
