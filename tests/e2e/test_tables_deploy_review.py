"""A reviewed release of several tables on a real Prefect server and worker: deploy, suspend, approve, publish all.

One server (SQLite, loopback) and one process worker serve the module. The pbc -> pbcseq spec of
tests/e2e/test_tables_release.py (60 subjects, 2 epochs) is deployed with review.required through
`synthgate deploy`; one run starts, suspends with nothing in the catalog, and `synthgate review approve`
publishes every table of it at once.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from _prefect_api import QUIET, call_api, free_port, start_server, stop_all, wait_flow_run, wait_healthy
from test_tables_release import CANARY_KEY, write_pbc

pytestmark = pytest.mark.slow

KEY = "tables-review-e2e-key-" + "0123456789abcdef" * 3
POOL = "tables-review-e2e"
NAME = "pbc-reviewed"
FLOW = "synthgate-release-tables"
REVIEWERS = ["kim.minji", "lee.jun"]
TABLES = ("pbc", "pbcseq")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): _sha256(p) for p in folder.rglob("*") if p.is_file()}


class Server:
    def __init__(self, api: str, env: dict, base: Path, spec: Path):
        self.api, self.env, self.base, self.spec = api, env, base, spec
        self.catalog = base / "catalog"

    def synthgate(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "synthgate", *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def run(self, flow_run_id: str) -> dict:
        return call_api(f"{self.api}/flow_runs/{flow_run_id}")

    def wait(self, flow_run_id: str, states: set[str], timeout: float = 300) -> dict:
        return wait_flow_run(self.api, flow_run_id, states, timeout=timeout, log=self.base / "worker.log")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """prefect server start + synthgate deploy of the reviewed tables spec + prefect worker start, on loopback."""
    base = tmp_path_factory.mktemp("tables-review-e2e")
    spec_path, _, _ = write_pbc(base, subjects=60, epochs=2)
    spec = yaml.safe_load(spec_path.read_text())
    spec["review"] = {"required": True, "reviewers": REVIEWERS, "expires_after": "1d"}
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    server, api = start_server(base / "server-home", free_port())
    processes = [server]
    quiet = {**QUIET, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    prefect = Path(sys.executable).with_name("prefect")
    client_env = {**os.environ, **quiet, "PREFECT_API_URL": api, "PREFECT_HOME": str(base / "client-home"),
                  "SYNTHGATE_PSEUDONYM_KEY": KEY, "PREFECT_WORKER_QUERY_SECONDS": "2",
                  "PREFECT_LOCAL_STORAGE_PATH": str(base / "result-storage"), "PYTHONUNBUFFERED": "1"}
    worker_log = (base / "worker.log").open("w")
    try:
        wait_healthy(api, processes[0])
        handle = Server(api, client_env, base, spec_path)
        handle.deployed = handle.synthgate("deploy", str(spec_path), "--pool", POOL, "--name", NAME)
        assert handle.deployed.returncode == 0, handle.deployed.stdout + handle.deployed.stderr
        processes.append(subprocess.Popen([str(prefect), "worker", "start", "--pool", POOL, "--type", "process"],
                                          env=client_env, stdout=worker_log, stderr=subprocess.STDOUT))
        yield handle
    finally:
        stop_all(processes[::-1])
        worker_log.close()


@pytest.fixture(scope="module")
def suspended(server):
    """One run of the deployment, started as `prefect deployment run` does, returned once suspended."""
    found = call_api(f"{server.api}/deployments/name/{FLOW}/{NAME}")
    run_id = call_api(f"{server.api}/deployments/{found['id']}/create_flow_run", {})["id"]
    run = server.wait(run_id, {"PAUSED"})
    pending = server.base / "workspace" / "_review" / run_id
    return {"id": run_id, "run": run, "pending": pending, "deployment": found,
            "record": json.loads((pending / "review.json").read_text())}


def _audit(catalog: Path) -> list[dict]:
    return [json.loads(line) for line in (catalog / "audit.jsonl").read_text().splitlines()]


def test_deploy_registers_the_tables_flow_with_the_single_table_limits_and_lists_it(server, suspended):
    # Setup
    deployment = suspended["deployment"]

    # Run
    listed = server.synthgate("deployments", "--json")
    lines = server.synthgate("deployments")

    # Assert: the installed multi-table flow, one run at a time (the next one queued), on the process pool
    assert f"deployed {FLOW}/{NAME} on pool {POOL}: no schedule" in server.deployed.stdout
    assert deployment["entrypoint"] == "synthgate.flows.release_tables.release_tables"
    assert deployment["work_pool_name"] == POOL
    assert deployment["global_concurrency_limit"]["limit"] == 1
    assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE"
    assert deployment["parameters"] == {"spec_path": str(server.spec), "dataset": "pbc-tables", "version": "1.0.0"}
    assert listed.returncode == 0, listed.stderr
    [item] = json.loads(listed.stdout)
    assert (item["name"], item["flow"], item["dataset"], item["pool"]) == (NAME, FLOW, "pbc-tables", POOL)
    assert f"{NAME}  dataset pbc-tables  no schedule" in lines.stdout and f"flow {FLOW}" in lines.stdout


def test_a_reviewed_tables_release_suspends_with_every_table_pending_and_nothing_published(server, suspended):
    # Setup
    run, release = suspended, suspended["pending"] / "release"

    # Run
    listed = server.synthgate("review", "list")
    shown = server.synthgate("review", "show", run["id"])

    # Assert: Prefect's Suspended state; all tables, their report and manifest wait outside the catalog
    assert (run["run"]["state_type"], run["run"]["state_name"]) == ("PAUSED", "Suspended")
    assert not (server.catalog / "pbc-tables" / "1.0.0").exists()
    assert {"pbc.parquet", "pbcseq.parquet", "report.html", "manifest.json", "evaluation.json",
            "validation.json", "README.md"} <= {p.name for p in release.iterdir()}
    assert run["record"]["kind"] == "tables" and run["record"]["report_sha256"] == _sha256(release / "report.html")
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["kind"] == "tables" and manifest["review"]["status"] == "pending"
    assert "Awaiting the review committee" in (release / "report.html").read_text()
    assert listed.returncode == 0 and run["id"] in listed.stdout, listed.stdout + listed.stderr
    assert shown.returncode == 0 and f"report: {release / 'report.html'}" in shown.stdout, shown.stderr
    assert [e["event"] for e in _audit(server.catalog)][-2:] == ["gates", "suspended_for_review"]


def test_approval_publishes_all_tables_as_reviewed_and_the_server_holds_no_record(server, suspended):
    # Setup: the reviewer hashes the pending report they read
    run, pending = suspended, suspended["pending"] / "release"
    reviewed = _files(pending)

    # Run
    done = server.synthgate("review", "approve", run["id"], "--reviewer", "lee.jun", "--report-sha256",
                            reviewed["report.html"], "--comment", "approved for the registry", "--wait")

    # Assert: every table's file byte for byte as reviewed; only the report and manifest gain the decision
    assert done.returncode == 0, done.stdout + done.stderr
    release = server.catalog / "pbc-tables" / "1.0.0"
    published = {n: h for n, h in _files(release).items() if n != "croissant.json"}  # the site's, derived after
    same = set(reviewed) - {"report.html", "manifest.json"}
    assert set(published) == set(reviewed) and {n: published[n] for n in same} == {n: reviewed[n] for n in same}
    assert {f"{t}.parquet" for t in TABLES} <= same
    manifest = json.loads((release / "manifest.json").read_text())
    assert (manifest["review"]["status"], manifest["review"]["reviewer"]) == ("approved", "lee.jun")
    assert manifest["review"]["report_sha256"] == reviewed["report.html"]
    assert set(manifest["tables"]) == set(TABLES)
    assert "Approved by lee.jun" in (release / "report.html").read_text()
    assert not run["pending"].exists() and server.run(run["id"])["state_type"] == "COMPLETED"
    # every stage ran once before the suspension; the resumed run only published
    tasks = call_api(f"{server.api}/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}, "limit": 50})
    assert sorted(t["name"].rsplit("-", 1)[0] for t in tasks) == sorted(
        ["ingest-tables", "pseudonymise-tables", "train-tables", "sample-tables", "evaluate-tables",
         "validate-tables", "stage-for-review", "publish-reviewed"])
    events = [(e["event"], e.get("decision"), e.get("accepted")) for e in _audit(server.catalog)]
    assert events[-3:] == [("suspended_for_review", None, None), ("decision", "approve", True),
                           ("published", None, None)]
    assert server.synthgate("audit", "verify", str(server.catalog)).returncode == 0
    # what the server keeps about the run: paths, hashes, names and counts, never a key or a record
    blob = json.dumps([server.run(run["id"]), tasks,
                       call_api(f"{server.api}/flow_runs/{run['id']}/input/filter", {"prefix": "", "limit": 100}),
                       call_api(f"{server.api}/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}},
                                                              "limit": 200})])
    assert CANARY_KEY not in blob and KEY not in blob and "lee.jun" in blob


def test_undeploy_removes_the_tables_deployment(server, suspended):
    # Setup: the run above has ended

    # Run
    removed = server.synthgate("undeploy", NAME)
    listed = server.synthgate("deployments", "--json")
    again = server.synthgate("undeploy", f"{FLOW}/{NAME}")

    # Assert
    assert removed.returncode == 0 and f"removed {FLOW}/{NAME}" in removed.stdout, removed.stderr
    assert json.loads(listed.stdout) == []
    assert again.returncode == 2 and again.stderr.strip().splitlines() == [
        f"error: no deployment {FLOW}/{NAME} on {server.api}; `synthgate deployments` lists them"]
