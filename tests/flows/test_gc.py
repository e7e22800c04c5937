"""`synthgate gc`: stale staging folders, expired workspace runs and Chromium profiles of dead processes go;
anything a live run may still use stays. workspace.keep in the spec."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from synthgate.flows import gc, runlock
from synthgate.flows.cli import app
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def _staging(catalog, dataset="people", token="ab12"):
    folder = catalog / dataset / f".staging-1.0.0-{token}"
    folder.mkdir(parents=True)
    (folder / f"{dataset}.parquet").write_bytes(b"PAR1 synthetic rows")
    return folder


def _run_folder(workspace, name, flow_run_id=None, dataset="people", version="1.0.0"):
    folder = workspace / dataset / version / name
    folder.mkdir(parents=True)
    (folder / "raw.parquet").write_bytes(b"PAR1 raw rows")
    (folder / "run.json").write_text(json.dumps({"prefect_flow_run_id": flow_run_id}))
    return folder


def test_staging_folders_go_when_no_live_run_holds_the_dataset(tmp_path):
    # Setup: a killed run's staging folder, and a lock record whose process is gone
    stale = _staging(tmp_path)
    runlock.acquire(tmp_path, "people", "run-killed")
    record = runlock.lock_path(tmp_path, "people")
    record.write_text(json.dumps({**json.loads(record.read_text()), "pid": _dead_pid()}))

    # Run
    found = gc.collect(tmp_path)

    # Assert
    assert found.staging == [stale] and not stale.exists()
    assert (tmp_path / "people").is_dir()  # the dataset folder itself stays


def test_a_live_runs_staging_folder_stays_and_an_older_one_goes(tmp_path):
    # Setup: an old staging folder (before the live run took the dataset) and a fresh one of the live run
    old = _staging(tmp_path, token="old1")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    runlock.acquire(tmp_path, "people", "run-live")  # this process: alive
    fresh = _staging(tmp_path, token="new1")

    # Run
    found = gc.collect(tmp_path)

    # Assert
    assert found.staging == [old] and not old.exists()
    assert fresh.is_dir()


def test_workspace_retention_by_count_keeps_the_newest_and_the_live_run(tmp_path):
    # Setup: four run folders; the oldest belongs to the live run holding the dataset
    catalog, workspace = tmp_path / "catalog", tmp_path / "workspace"
    live = _run_folder(workspace, "20260101T000000Z-00000001", flow_run_id="run-live")
    middle = _run_folder(workspace, "20260102T000000Z-00000002", version="0.9.0")
    newer = _run_folder(workspace, "20260103T000000Z-00000003")
    newest = _run_folder(workspace, "20260104T000000Z-00000004")
    runlock.acquire(catalog, "people", "run-live")

    # Run
    found = gc.collect(catalog, workspace, dataset="people", runs=2)

    # Assert: newest two kept (count across versions), the live one never removed
    assert found.workspaces == [middle]
    assert not middle.exists() and live.is_dir() and newer.is_dir() and newest.is_dir()


def test_workspace_retention_by_age_and_dry_run(tmp_path):
    # Setup
    catalog, workspace = tmp_path / "catalog", tmp_path / "workspace"
    old = _run_folder(workspace, "20200101T000000Z-0000000a")
    recent = _run_folder(workspace, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-0000000b")

    # Run
    preview = gc.collect(catalog, workspace, dataset="people", days=30, dry_run=True)
    found = gc.collect(catalog, workspace, dataset="people", days=30)

    # Assert
    assert preview.workspaces == [old] and found.workspaces == [old]
    assert not old.exists() and recent.is_dir()


def test_no_retention_keeps_every_workspace_run(tmp_path):
    # Setup
    run = _run_folder(tmp_path / "workspace", "20200101T000000Z-0000000a")

    # Run
    found = gc.collect(tmp_path / "catalog", tmp_path / "workspace", dataset="people")

    # Assert
    assert found.workspaces == [] and run.is_dir()


def test_chromium_profiles_of_dead_processes_go(tmp_path):
    # Setup
    dead = tmp_path / f"synthgate-chromium-{_dead_pid()}-x1"
    alive = tmp_path / f"synthgate-chromium-{os.getpid()}-x2"
    unrelated = tmp_path / "other-folder"
    for folder in (dead, alive, unrelated):
        folder.mkdir()

    # Run
    found = gc.collect(tmp_path / "catalog", temp_dir=tmp_path)

    # Assert
    assert found.profiles == [dead] and not dead.exists() and alive.is_dir() and unrelated.is_dir()


def test_the_gc_command_prints_paths_only_and_exits_0(small_release, tmp_path):
    # Setup: a spec keeping one run; two finished runs, a killed staging folder
    spec = small_release(**{"workspace.keep": {"runs": 1}})
    older = _run_folder(tmp_path / "workspace", "20260101T000000Z-00000001", dataset="patients")
    newer = _run_folder(tmp_path / "workspace", "20260102T000000Z-00000002", dataset="patients")
    staging = _staging(tmp_path / "catalog", dataset="patients")

    # Run
    dry = CliRunner().invoke(app, ["gc", str(spec), "--dry-run"])
    kept_by_dry_run = older.exists() and staging.exists()
    done = CliRunner().invoke(app, ["gc", str(spec)])

    # Assert
    assert dry.exit_code == 0 and f"would remove {older}" in dry.stdout and kept_by_dry_run
    assert done.exit_code == 0, done.output
    assert f"removed {staging}" in done.stdout and f"removed {older}" in done.stdout
    assert not older.exists() and not staging.exists() and newer.is_dir()
    assert "rows" not in done.stdout  # paths, never a file's content


def test_the_gc_command_on_a_missing_path_is_one_line_and_exit_2(tmp_path):
    # Run
    done = CliRunner().invoke(app, ["gc", str(tmp_path / "nowhere")])

    # Assert
    assert done.exit_code == 2
    assert done.output.strip().count("\n") == 0 and "no such file or folder" in done.output


@pytest.mark.parametrize("keep, problem", [
    ({"runs": 1, "days": 3}, "exactly one of runs"),
    ({}, "exactly one of runs"),
    ({"runs": -1}, "greater than or equal to 0"),
    ({"weeks": 2}, "unknown key 'weeks'"),
])
def test_workspace_keep_is_checked(small_release, keep, problem):
    # Setup
    spec = small_release(**{"workspace.keep": keep})

    # Run / Assert
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert "workspace.keep" in str(caught.value) and problem in str(caught.value)


def test_the_early_look_at_the_lock_stops_a_second_run_and_lets_one_after_a_killed_run(tmp_path):
    # Setup: this process holds one dataset; a killed process left the other's record
    from synthgate.flows.errors import DatasetBusy

    runlock.acquire(tmp_path, "people", "run-live")
    runlock.acquire(tmp_path, "places", "run-killed")
    record = runlock.lock_path(tmp_path, "places")
    record.write_text(json.dumps({**json.loads(record.read_text()), "pid": _dead_pid()}))

    # Run / Assert
    with pytest.raises(DatasetBusy) as caught:
        runlock.check_free(tmp_path, "people")
    assert caught.value.exit_code == 2 and "dataset people is busy" in str(caught.value)
    runlock.check_free(tmp_path, "places")  # no error: its holder is gone
    runlock.check_free(tmp_path, "nobody")
