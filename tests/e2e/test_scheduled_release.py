"""Scheduled releases on a real `prefect server start` and a real `prefect worker start --pool` (loopback).

One server and one worker serve the whole module. Two deployments of one dataset are scheduled for
the same minute (about one and a half to two and a half minutes away): one through the spec's schedule
block, one through --cron/--timezone. The tests are ordered so that those that need no fired run
(listing, the ingest retries) run while the schedule comes due.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zoneinfo
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from _prefect_api import QUIET, call_api, free_port, start_server, stop_all, wait_healthy
import yaml

from synthgate.evaluation import INTERVAL_GATES

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "covid_testing.yaml"
KEY = "scheduled-test-key-" + "0123456789abcdef" * 3
POOL = "synthgate-e2e"
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
timings: dict[str, float] = {}  # monotonic marks, printed at the end (pytest -s) to see where the time goes


def _write_spec(folder: Path, frame, version: str, **extra) -> Path:
    """The example spec on a few hundred covid rows, as tests/e2e/conftest.py's covid_release writes it."""
    source = folder / "source" / "covid.csv"
    if not source.exists():
        source.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(source, index=False)
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["dataset"]["version"] = version
    spec["source"]["path"] = "source/covid.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    spec["sample"]["rows"] = 100
    spec["risk"].update({"k": 2})
    spec["evaluation"] = {**spec.get("evaluation", {}), "accept_inconclusive": list(INTERVAL_GATES),
                          "thresholds": {"inference_risk_max": None}}
    spec.update(extra)
    path = folder / f"spec-{version}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def prefect(tmp_path_factory):
    """A real server and a real process worker on loopback; yields (api url, client env, worker log)."""
    home = tmp_path_factory.mktemp("prefect")
    port = free_port()
    base = {**os.environ, **QUIET}
    base.pop("PREFECT_API_URL", None)
    prefect_cli = str(Path(sys.executable).with_name("prefect"))
    server, api = start_server(home / "server", port)
    client = {**base, "PREFECT_API_URL": api, "PREFECT_HOME": str(home / "client")}
    worker = None
    worker_log = home / "worker.log"
    timings["start"] = time.monotonic()
    try:
        wait_healthy(api, server)
        timings["server up"] = time.monotonic()
        # The key lives in the worker's environment only: a flow run is its subprocess and inherits it.
        # Polling every 2 s (default 10 s) only shortens the test; a 1 s prefetch (default 10 s) starts a run
        # when it is due rather than up to 10 s before.
        with open(worker_log, "w") as log:
            worker = subprocess.Popen(
                [prefect_cli, "worker", "start", "--pool", POOL, "--type", "process"],
                env={**client, "PREFECT_HOME": str(home / "worker"), "SYNTHGATE_PSEUDONYM_KEY": KEY,
                     "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_PREFETCH_SECONDS": "1"},
                stdout=log, stderr=subprocess.STDOUT)
        yield api, client, worker_log
    finally:
        print("\nscheduled-release timings (s from start):",
              {name: round(mark - timings["start"], 1) for name, mark in timings.items()})
        stop_all([process for process in (worker, server) if process is not None])


def _synthgate(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "synthgate", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def deployed(prefect, tmp_path_factory, covid_rows):
    """Two deployments of covid-testing due the same minute: A from the spec's schedule, B from the flags."""
    api, client, _ = prefect
    folder = tmp_path_factory.mktemp("release")
    timings["deploying"] = time.monotonic()
    # Due at the first whole minute at least 90 s away: the two deploys take 10-30 s on two quiet cores and
    # were seen to take 57 s while the other xdist worker trained, and a run due before its deployment
    # exists would never fire. The tests that need no fired run use the wait.
    due = (datetime.now(SEOUL) + timedelta(seconds=90 + 59)).replace(second=0, microsecond=0)
    cron = f"{due.minute} {due.hour} {due.day} {due.month} *"
    spec_a = _write_spec(folder, covid_rows, "1.0.0", schedule={"cron": cron, "timezone": "Asia/Seoul"})
    spec_b = _write_spec(folder, covid_rows, "1.0.1")
    # One after the other: an SQLite server answers 503 when writers collide on two busy cores.
    done_a = _synthgate(client, "deploy", str(spec_a), "--pool", POOL, "--name", "covid-a")
    done_b = _synthgate(client, "deploy", str(spec_b), "--pool", POOL, "--name", "covid-b", "--cron", cron,
                        "--timezone", "Asia/Seoul")
    timings["deployed"] = time.monotonic()
    assert done_a.returncode == 0, done_a.stdout + done_a.stderr
    assert done_b.returncode == 0, done_b.stdout + done_b.stderr
    assert datetime.now(SEOUL) < due - timedelta(seconds=5), "deploying took longer than the margin"
    deployments = {d["name"]: d for d in call_api(f"{api}/deployments/filter", {"limit": 10})}
    return {"due": due, "cron": cron, "folder": folder, "outputs": (done_a, done_b),
            "ids": {name: deployments[name]["id"] for name in ("covid-a", "covid-b")}, "deployments": deployments}


@pytest.fixture(scope="module")
def fired(prefect, deployed):
    """Waits until both deployments' runs have ended; returns them by deployment name."""
    api, _, worker_log = prefect
    deadline = time.monotonic() + 120 + 420
    while True:
        runs = call_api(f"{api}/flow_runs/filter", {"deployments": {"id": {"any_": list(deployed["ids"].values())}},
                                                "limit": 10})
        ended = [r for r in runs if r["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")]
        if len(ended) == 2:
            timings["runs ended"] = time.monotonic()
            break
        if time.monotonic() > deadline:
            pytest.fail(f"runs did not end: {[(r['name'], r['state_type']) for r in runs]}; worker log tail: "
                        + worker_log.read_text()[-3000:])
        time.sleep(3)
    by_deployment = {name: next(r for r in ended if r["deployment_id"] == id_) for name, id_ in deployed["ids"].items()}
    return by_deployment


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_deploy_registers_the_installed_flow_on_a_process_pool_and_lists_its_next_run(prefect, deployed):
    # Setup
    api, client, _ = prefect

    # Run
    listed = _synthgate(client, "deployments", "--json")
    lines = _synthgate(client, "deployments")

    # Assert
    assert listed.returncode == 0, listed.stderr
    by_name = {item["name"]: item for item in json.loads(listed.stdout)}
    for name in ("covid-a", "covid-b"):
        item, registered = by_name[name], deployed["deployments"][name]
        assert (item["cron"], item["timezone"], item["pool"], item["dataset"]) == (
            deployed["cron"], "Asia/Seoul", POOL, "covid-testing")
        assert _when(item["next_run"]) == deployed["due"]
        assert item["next_run_source"] == "scheduled"  # the server made the run when the deployment was created
        assert registered["entrypoint"] == "synthgate.flows.release.release"
        assert registered["work_pool_name"] == POOL
        assert registered["global_concurrency_limit"]["limit"] == 1
        assert registered["concurrency_options"]["collision_strategy"] == "ENQUEUE"
    pool = call_api(f"{api}/work_pools/{POOL}")
    assert pool["type"] == "process"
    due = deployed["due"].strftime("%Y-%m-%d %H:%M KST (UTC+0900)")
    assert f"covid-a  dataset covid-testing  cron '{deployed['cron']}' Asia/Seoul  next run {due}" in lines.stdout
    warned = deployed["outputs"][0].stderr
    assert "warning: dataset.version 1.0.0 is fixed" in warned and len(warned.strip().splitlines()) == 1


def test_ingest_retries_transient_io_and_nothing_else(prefect, deployed, monkeypatch):
    # Setup: a flow calling the real ingest task on the real server; the source read fails on purpose
    from prefect import flow
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from synthgate.flows import tasks
    from synthgate.flows.errors import SourceError
    from synthgate.flows.spec import load_spec
    from synthgate.flows.workspace import Workspace

    api, _, _ = prefect
    loaded = load_spec(deployed["folder"] / "spec-1.0.1.yaml")
    real_read, calls = tasks.read_source, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise SourceError("covid.csv", "cannot be read (Input/output error)", transient=transient)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(tasks, "read_source", flaky)
    quick = tasks.ingest.with_options(retry_delay_seconds=0, retry_jitter_factor=None)

    @flow(persist_result=False)
    def ingest_only(run_id: str):
        ws = Workspace.for_run(loaded.workspace_dir, "covid-testing", "retry", run_id).create()
        return quick(loaded, ws).rows

    # Run
    with temporary_settings({PREFECT_API_URL: api}):
        failures, transient = 2, True
        rows = ingest_only("transient")
        transient_calls = len(calls)
        calls.clear()
        failures, transient = 1, False
        with pytest.raises(SourceError):
            ingest_only("terminal")
        terminal_calls = len(calls)
        # This process's log and event workers hold what these runs sent to this module's server: flush
        # them while it is up (stop_all kills it at teardown; a worker left with events for a stopped server
        # made the session harness's drain hang for good, 2026-12-03).
        _drain_prefect_workers()

    # Assert
    assert (rows, transient_calls, terminal_calls) == (400, 3, 1)


def _drain_prefect_workers() -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=30)
    EventsWorker.drain_all(timeout=30)


def test_a_deployment_fires_on_its_schedule_and_one_run_publishes(prefect, deployed, fired):
    # Setup
    api, _, _ = prefect
    catalog = deployed["folder"] / "catalog" / "covid-testing"

    # Run: the schedule came due (fixture `fired`)
    states = {name: run["state_type"] for name, run in fired.items()}
    winner = next(run for run in fired.values() if run["state_type"] == "COMPLETED")

    # Assert
    assert sorted(states.values()) == ["COMPLETED", "FAILED"], states
    for run in fired.values():
        assert run["auto_scheduled"] is True  # made by the server's scheduler, not by hand
        assert _when(run["expected_start_time"]) == deployed["due"]
        assert _when(run["start_time"]) >= deployed["due"] - timedelta(seconds=2)
    version = winner["parameters"]["version"]
    manifest = json.loads((catalog / version / "manifest.json").read_text())
    assert manifest["run"]["prefect_flow_run_id"] == winner["id"]
    assert (catalog / version / "covid-testing.parquet").is_file()
    assert not (catalog.parent / ".locks" / "covid-testing.json").exists()  # given back when the run ended
    tasks = call_api(f"{api}/task_runs/filter", {"flow_runs": {"id": {"any_": [winner["id"]]}}, "limit": 50})
    assert {t["name"].rsplit("-", 1)[0] for t in tasks} >= {"ingest", "train", "publish"}


def test_two_scheduled_runs_of_one_dataset_do_not_overlap(prefect, deployed, fired):
    # Setup
    api, _, _ = prefect
    winner = next(run for run in fired.values() if run["state_type"] == "COMPLETED")
    loser = next(run for run in fired.values() if run["state_type"] == "FAILED")

    # Run: read what the second run did and logged
    tasks = call_api(f"{api}/task_runs/filter", {"flow_runs": {"id": {"any_": [loser["id"]]}}, "limit": 50})
    logs = call_api(f"{api}/logs/filter", {"logs": {"flow_run_id": {"any_": [loser["id"]]}}, "limit": 200})

    # Assert: it stopped clearly, before any stage, while the first held the dataset
    assert tasks == []
    assert "DatasetBusy" in loser["state"]["message"]
    assert f"flow run {winner['id']} (Running" in loser["state"]["message"]
    assert _when(loser["end_time"]) < _when(winner["end_time"])
    assert not (deployed["folder"] / "catalog" / "covid-testing" / loser["parameters"]["version"]).exists()
    alerts = [log["message"] for log in logs if log["message"].startswith("SYNTHGATE-ALERT")]
    assert len(alerts) == 1, alerts
    assert alerts[0].startswith(f"SYNTHGATE-ALERT event=failed dataset=covid-testing "
                                f"version={loser['parameters']['version']} flow_run={loser['id']} exit_code=2 "
                                "error=DatasetBusy: dataset covid-testing is busy")


def test_undeploy_removes_a_deployment_and_refuses_an_unknown_one(prefect, deployed, fired):
    # Setup
    _, client, _ = prefect

    # Run
    removed = _synthgate(client, "undeploy", "covid-b")
    listed = _synthgate(client, "deployments", "--json")
    again = _synthgate(client, "undeploy", "synthgate-release/covid-b")

    # Assert
    assert removed.returncode == 0 and "removed synthgate-release/covid-b" in removed.stdout
    remaining = json.loads(listed.stdout)
    assert [item["name"] for item in remaining] == ["covid-a"]
    assert remaining[0]["next_run_source"] == "computed"  # a year away: beyond what the server schedules ahead
    assert _when(remaining[0]["next_run"]) == deployed["due"].replace(year=deployed["due"].year + 1)
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [
        f"error: no deployment synthgate-release/covid-b on {client['PREFECT_API_URL']}; "
        "`synthgate deployments` lists them"]
