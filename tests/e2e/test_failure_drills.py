"""Failure drills: `kill -9` of a real `synthgate run` at stage boundaries and inside publish.

Then the other ways a run meets a broken machine: a source changed between preflight and ingest, a disk
that fills up during publish, a read-only workspace and an unwritable catalog. Each ends in one error line
and leaves no release and no staging folder.

Each kill comes the moment the file a stage writes appears (watched every 10 ms), so it is deterministic
without any fault-injection hook. After every kill no release is visible; every next run of the same
spec gets past the killed one (its lock and its flow run, left RUNNING, are taken over) and the last
one publishes and removes what the killed ones left: the staging folder with the synthetic Parquet,
the Chromium profile in the system temp folder, and the workspace runs past workspace.keep.
"""
from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import time

import pytest

from _drills import drill_env, drill_spec, error_lines, first, kill_when, mounted, start

pytestmark = pytest.mark.slow

DATASET, VERSION = "covid-testing", "1.0.0"


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory):
    """One Prefect home for the module's runs: only the first pays the database migrations."""
    return tmp_path_factory.mktemp("drills-prefect-home")


def _flow_run_states(prefect_home, name) -> list[str]:
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        return sorted(row[0] for row in db.execute("select state_type from flow_run where name = ?", (name,)))


def test_kill_9_at_stage_boundaries_and_inside_publish_then_a_rerun_publishes_and_cleans_up(tmp_path, covid_rows,
                                                                                            prefect_home):
    # Setup: one spec (one run folder kept), one Prefect home and one system temp folder for all runs
    spec = drill_spec(tmp_path, covid_rows, rows=100, keep={"runs": 1})
    env = drill_env(tmp_path, prefect_home)
    catalog, workspace, temp = tmp_path / "catalog", tmp_path / "workspace" / DATASET / VERSION, tmp_path / "tmp"
    release_dir = catalog / DATASET / VERSION

    # Run 1: killed at the boundary ingest -> pseudonymise (ingest.json is ingest's last file)
    killed = kill_when(start(spec, env), first(workspace, "*/ingest.json")).parent
    assert not release_dir.exists() and (killed / "raw.parquet").is_file()  # raw records left behind

    # Run 2 (a rerun: the killed run's lock and RUNNING flow run must not stop it): killed at sample -> evaluate
    killed_again = kill_when(start(spec, env), first(workspace, "*/sample.json")).parent
    assert not release_dir.exists()
    assert not killed.exists()  # removed when run 2 started (workspace.keep: {runs: 1})

    # Run 3: killed inside publish, the moment its staging folder appears
    third = start(spec, env)
    kill_when(third, first(catalog / DATASET, ".staging-*"))
    assert not release_dir.exists()
    assert len(list((catalog / DATASET).glob(".staging-*"))) == 1  # the debris this drill is about
    assert not killed_again.exists() and len(list(workspace.iterdir())) == 1  # run 3's own folder
    # What a print killed with its run leaves (report/pdf.py names the profile after the run's pid; the
    # drill prints no PDF: headless Chromium aborted now and then when started right after a killed one)
    profile = temp / f"synthgate-chromium-{third.pid}-drill"
    (profile / "Default").mkdir(parents=True)

    # Run 4: the same spec again, to the end
    done = start(spec, env)
    out, err = done.communicate(timeout=600)

    # Assert: published whole, and the killed runs' debris is gone
    assert done.returncode == 0, err[-3000:]
    assert (release_dir / "manifest.json").is_file() and (release_dir / f"{DATASET}.parquet").is_file()
    assert not list((catalog / DATASET).glob(".staging-*"))
    assert not profile.exists()
    assert len(list(workspace.iterdir())) == 1  # workspace.keep: {runs: 1}: this run's folder only
    assert "Traceback" not in err
    # The three killed flow runs were left RUNNING; each next run marked its predecessor CRASHED
    assert _flow_run_states(prefect_home, f"{DATASET}-{VERSION}") == ["COMPLETED", "CRASHED", "CRASHED", "CRASHED"]


def _no_release(catalog):
    """Nothing published and nothing half-written: the dataset's folder is absent or empty (no staging folder)."""
    dataset = catalog / DATASET
    assert not dataset.exists() or not list(dataset.iterdir())


def test_a_source_changed_between_preflight_and_ingest_is_refused(tmp_path, covid_rows, prefect_home):
    # Setup
    spec = drill_spec(tmp_path, covid_rows, rows=100, version="2.0.0")
    source = tmp_path / "source" / "covid.csv"

    # Run: the line after the preflight appears, then the export "finishes" (a row more) before ingest reads it
    process = start(spec, drill_env(tmp_path, prefect_home))
    for line in process.stdout:
        if line.startswith("synthgate run:"):
            break
    with source.open("a", encoding="utf-8") as handle:
        handle.write(source.read_text(encoding="utf-8").splitlines()[1] + "\n")
    out, err = process.communicate(timeout=600)

    # Assert
    assert process.returncode == 2, err[-3000:]
    assert len(error_lines(err)) == 1 and "changed after it was checked" in error_lines(err)[0]
    assert "Traceback" not in err
    _no_release(tmp_path / "catalog")


def test_a_disk_full_during_publish_leaves_nothing_half_written(tmp_path, covid_rows, prefect_home):
    # Setup: the catalog on a 64 KiB tmpfs (root), else the run's file size limit drops to 1 KiB when its
    # staging folder appears (RLIMIT_FSIZE: writes fail with EFBIG; Python ignores SIGXFSZ)
    spec = drill_spec(tmp_path, covid_rows, rows=100, version="3.0.0")
    catalog = tmp_path / "catalog"
    with mounted("tmpfs", catalog, size_kib=64) as on_tmpfs:
        process = start(spec, drill_env(tmp_path, prefect_home))
        if not on_tmpfs:
            staging = first(catalog / DATASET, ".staging-*")
            while staging() is None and process.poll() is None:
                time.sleep(0.005)
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1024, 1024))
        out, err = process.communicate(timeout=600)

        # Assert: one line naming the errno, nothing published, the staging folder removed
        assert process.returncode == 2, err[-3000:]
        assert len(error_lines(err)) == 1, err[-3000:]
        assert ("ENOSPC" if on_tmpfs else "EFBIG") in error_lines(err)[0]
        assert "Traceback" not in err
        _no_release(catalog)


@pytest.mark.parametrize("folder", ["workspace", "catalog"])
def test_a_read_only_workspace_or_catalog_stops_the_run_before_it_starts(tmp_path, covid_rows, folder):
    # Setup: the folder exists and cannot be written (a read-only bind mount as root, else mode 0555)
    spec = drill_spec(tmp_path, covid_rows, rows=100)
    target = tmp_path / folder
    with mounted("ro", target) as read_only:
        if not read_only:
            if sys.platform != "linux" or __import__("os").geteuid() == 0:
                pytest.skip("root without mount: no folder can be made unwritable")
            target.chmod(0o555)

        # Run
        done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec), "--no-site"],
                              env=drill_env(tmp_path), capture_output=True, text=True, timeout=300)

        # Assert
        assert done.returncode == 2, done.stderr[-3000:]
        assert len(error_lines(done.stderr)) == 1 and str(target) in error_lines(done.stderr)[0]
        assert "Traceback" not in done.stderr
        _no_release(tmp_path / "catalog")
