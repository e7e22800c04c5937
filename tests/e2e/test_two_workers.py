"""Two process workers on one work pool of a real `prefect server start` (loopback), and `synthgate gc` on it.

One server serves the module. Two `prefect worker start --pool POOL --type process --limit 1` processes
poll the same pool every 2 s. Two deployments of two datasets (100 real covid rows each, the drills'
fastest generator) are started together: with a limit of one run per worker, the two workers must
split them. The server records which worker ran a flow run twice over: the worker labels the run it
won (``prefect.worker.name``) and emits ``prefect.worker.executed-flow-run`` when the subprocess exits.

Then a `synthgate run` against the same server is killed with SIGKILL mid-run; its flow run stays
RUNNING until `synthgate gc SPEC` marks it CRASHED and removes its workspace folder (workspace.keep).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml
from _drills import drill_env, drill_spec, first, kill_when, start
from _prefect_api import PREFECT, QUIET, call_api, free_port, start_server, stop_all, wait_healthy

pytestmark = pytest.mark.slow

POOL = "two-workers-e2e"
WORKERS = ("worker-a", "worker-b")
DATASETS = ("covid-a", "covid-b")
VERSION = "1.0.0"
ENDED = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _synthgate(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "synthgate", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, covid_rows):
    """A server, two deployments of two datasets (one catalog) and two process workers of limit 1."""
    base = tmp_path_factory.mktemp("two-workers")
    port = free_port()
    server, api = start_server(base / "server-home", port, new_session=True)
    processes = [server]
    client = {**drill_env(base, base / "client-home"), **QUIET, "PREFECT_API_URL": api}
    logs = {name: base / f"{name}.log" for name in WORKERS}
    try:
        wait_healthy(api, processes[0])
        # Two datasets of one catalog: the drills' spec under two names (the lock is per dataset).
        drilled = yaml.safe_load(drill_spec(base, covid_rows, rows=100).read_text())
        specs = {}
        for dataset in DATASETS:
            drilled["dataset"]["name"] = dataset
            specs[dataset] = base / f"spec-{dataset}.yaml"
            specs[dataset].write_text(yaml.safe_dump(drilled, sort_keys=False))
            done = _synthgate(client, "deploy", str(specs[dataset]), "--pool", POOL, "--name", dataset)
            assert done.returncode == 0, done.stdout + done.stderr
        for name in WORKERS:
            # Each worker has its own Prefect home; a flow run is its subprocess and inherits its environment.
            env = {**client, "PREFECT_HOME": str(base / f"{name}-home"), "PREFECT_WORKER_QUERY_SECONDS": "2"}
            with open(logs[name], "w") as log:
                processes.append(subprocess.Popen(
                    [PREFECT, "worker", "start", "--pool", POOL, "--type", "process", "--name", name, "--limit", "1"],
                    env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        # Both polling before any run exists: a worker still starting when the other's run ends would
        # leave the other worker free to take the second run too.
        deadline = time.monotonic() + 120
        while {w["name"] for w in call_api(f"{api}/work_pools/{POOL}/workers/filter", {})
               if w["status"] == "ONLINE"} != set(WORKERS):
            if time.monotonic() > deadline:
                pytest.fail(f"workers did not come online: {[p.read_text()[-2000:] for p in logs.values()]}")
            time.sleep(1)
        yield {"api": api, "client": client, "base": base, "specs": specs, "logs": logs}
    finally:
        stop_all(processes[::-1])


def _wait_ended(api: str, run_ids: list[str], logs: dict, timeout: float = 300) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while True:
        runs = {run_id: call_api(f"{api}/flow_runs/{run_id}") for run_id in run_ids}
        if all(run["state_type"] in ENDED for run in runs.values()):
            return runs
        if time.monotonic() > deadline:
            tails = {name: path.read_text()[-2000:] for name, path in logs.items()}
            pytest.fail(f"runs did not end: {[(r['name'], r['state_type']) for r in runs.values()]}; {tails}")
        time.sleep(2)


def _executed_by(api: str, run_ids: list[str], timeout: float = 30) -> dict[str, list[tuple[str, str]]]:
    """Per flow run: (worker name, exit status) of each prefect.worker.executed-flow-run event naming it."""
    deadline = time.monotonic() + timeout
    while True:  # events reach the server's store a moment after the worker emits them
        page = call_api(f"{api}/events/filter",
                        {"filter": {"event": {"name": ["prefect.worker.executed-flow-run"]}}, "limit": 50})
        found = {run_id: [] for run_id in run_ids}
        for event in page["events"]:
            for related in event["related"]:
                run_id = related["prefect.resource.id"].removeprefix("prefect.flow-run.")
                if related.get("prefect.resource.role") == "flow-run" and run_id in found:
                    found[run_id].append((event["resource"]["prefect.resource.name"],
                                          related.get("prefect.infrastructure.status-code")))
        if all(found.values()) or time.monotonic() > deadline:
            return found
        time.sleep(1)


def test_two_process_workers_split_two_runs_started_together_and_both_publish(cluster):
    # Setup
    api, catalog = cluster["api"], cluster["base"] / "catalog"
    deployments = {d: call_api(f"{api}/deployments/name/synthgate-release/{d}")["id"] for d in DATASETS}

    # Run: one run of each deployment, created back to back
    run_ids = {d: call_api(f"{api}/deployments/{deployments[d]}/create_flow_run", {})["id"] for d in DATASETS}
    runs = _wait_ended(api, list(run_ids.values()), cluster["logs"])
    executed = _executed_by(api, list(run_ids.values()))

    # Assert: both completed and published
    states = {d: (runs[run_ids[d]]["state_type"], runs[run_ids[d]]["state"]["message"]) for d in DATASETS}
    assert all(state == "COMPLETED" for state, _ in states.values()), states
    for dataset in DATASETS:
        release = catalog / dataset / VERSION
        manifest = json.loads((release / "manifest.json").read_text())
        assert manifest["run"]["prefect_flow_run_id"] == run_ids[dataset]
        assert (release / f"{dataset}.parquet").is_file()
        assert not (catalog / ".locks" / f"{dataset}.json").exists()  # each run gave its dataset back
    # Assert: each worker ran one of them (limit 1 each), as the server records it twice over
    labelled = {d: runs[run_ids[d]]["labels"].get("prefect.worker.name") for d in DATASETS}
    assert sorted(labelled.values()) == sorted(WORKERS), labelled
    for dataset in DATASETS:
        assert runs[run_ids[dataset]]["work_pool_name"] == POOL
        assert executed[run_ids[dataset]] == [(labelled[dataset], "0")], executed
    for name, log in cluster["logs"].items():
        mine = next(d for d in DATASETS if labelled[d] == name)
        assert f"Worker '{name}' submitting flow run '{run_ids[mine]}'" in log.read_text()


def test_gc_marks_a_killed_runs_flow_run_crashed_on_the_server_and_removes_its_workspace(cluster, covid_rows):
    # Setup: a spec that keeps no finished run folder, run by `synthgate run` against the module's server
    folder = cluster["base"] / "killed"
    spec = drill_spec(folder, covid_rows, rows=100, keep={"runs": 0})
    env = {**drill_env(folder, cluster["base"] / "client-home"), "PREFECT_API_URL": cluster["api"]}
    workspace = folder / "workspace" / "covid-testing" / VERSION

    # Run: SIGKILL the run's process group the moment ingest has written its last file
    killed = kill_when(start(spec, env), first(workspace, "*/ingest.json")).parent
    flow_run_id = json.loads((killed / "run.json").read_text())["prefect_flow_run_id"]
    before = call_api(f"{cluster['api']}/flow_runs/{flow_run_id}")["state_type"]
    done = _synthgate(env, "gc", str(spec))
    after = call_api(f"{cluster['api']}/flow_runs/{flow_run_id}")

    # Assert: left RUNNING by the kill, CRASHED after gc; the raw records' folder is gone
    assert before == "RUNNING"
    assert done.returncode == 0, done.stdout + done.stderr
    assert after["state_type"] == "CRASHED", after["state"]
    assert after["state"]["message"] == "its process was killed (found by synthgate)"
    assert not killed.exists()
    assert done.stdout.splitlines() == [f"removed {killed}",
                                        f"marked flow run {flow_run_id} CRASHED (its process was killed)"]
    assert done.stderr.strip() == "gc: 1 folder(s) removed"
