"""A review-required release on a real Prefect server and worker: suspend, refuse, reject, approve, leak nothing.

One server (SQLite, loopback) and one process worker serve the whole module. Two releases of 100
synthetic rows run through `synthgate deploy`'s deployments: one is rejected, one approved.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from _prefect_api import QUIET, call_api, free_port, start_server, stop_all, wait_flow_run, wait_healthy
import yaml

from synthgate.evaluation import INTERVAL_GATES
from synthgate.flows.demo import covid_testing_table

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "covid_testing.yaml"
TEST_KEY = "review-e2e-key-0123456789abcdef-0123456789"
POOL = "review-e2e"
REVIEWERS = ["kim.minji", "lee.jun"]
# Planted in the source: none may reach the server (parameters, run inputs, logs, states) or its result storage.
CANARIES = {"subject_id": "CANARYID4417", "fake_last_name": "Qwertreview", "fake_first_name": "Zxreviewus"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_release(base: Path, name: str) -> Path:
    """A covid_testing spec of 100 synthetic rows with review required, its own catalog and workspace."""
    frame = covid_testing_table().sample(n=400, random_state=7).reset_index(drop=True)
    frame = frame.astype({"subject_id": "object"})
    for column, canary in CANARIES.items():
        frame.loc[frame.index[::4], column] = canary
    folder = base / name
    (folder / "source").mkdir(parents=True)
    frame.to_csv(folder / "source" / "covid.csv", index=False)
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["dataset"].update(name=name, version="1.0.0")
    spec["source"]["path"] = "source/covid.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    spec["sample"]["rows"] = 100
    spec["risk"].update({"k": 2})
    # As tests/e2e/conftest.py's covid_release: small tables leave the attack intervals undecided.
    spec["evaluation"] = {**spec.get("evaluation", {}), "accept_inconclusive": list(INTERVAL_GATES), "pdf": False,
                          "thresholds": {"inference_risk_max": None}}
    spec["review"] = {"required": True, "reviewers": REVIEWERS, "expires_after": "1d"}
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


class Server:
    def __init__(self, api: str, env: dict, base: Path):
        self.api, self.env, self.base = api, env, base

    def synthgate(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "synthgate", *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def start(self, deployment: str) -> str:
        found = call_api(f"{self.api}/deployments/name/synthgate-release/{deployment}")
        return call_api(f"{self.api}/deployments/{found['id']}/create_flow_run", {})["id"]

    def run(self, flow_run_id: str) -> dict:
        return call_api(f"{self.api}/flow_runs/{flow_run_id}")

    def wait(self, flow_run_id: str, states: set[str], timeout: float = 900) -> dict:
        return wait_flow_run(self.api, flow_run_id, states, timeout=timeout)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """prefect server start + synthgate deploy (two specs) + prefect worker start, on loopback."""
    base = tmp_path_factory.mktemp("review-e2e")
    server, api = start_server(base / "server-home", free_port())
    processes = [server]
    quiet = {**QUIET, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    prefect = Path(sys.executable).with_name("prefect")
    client_env = {**os.environ, **quiet, "PREFECT_API_URL": api, "PREFECT_HOME": str(base / "client-home"),
                  "SYNTHGATE_PSEUDONYM_KEY": TEST_KEY, "PREFECT_WORKER_QUERY_SECONDS": "2",
                  "PREFECT_LOCAL_STORAGE_PATH": str(base / "result-storage"), "PYTHONUNBUFFERED": "1"}
    worker_log = (base / "worker.log").open("w")
    try:
        wait_healthy(api, processes[0])
        handle = Server(api, client_env, base)
        for name in ("review-a", "review-b"):
            done = handle.synthgate("deploy", str(_write_release(base, name)), "--pool", POOL, "--name", name)
            assert done.returncode == 0, done.stdout + done.stderr
        processes.append(subprocess.Popen([str(prefect), "worker", "start", "--pool", POOL, "--type", "process"],
                                          env=client_env, stdout=worker_log, stderr=subprocess.STDOUT))
        yield handle
    finally:
        stop_all(processes[::-1])
        worker_log.close()


@pytest.fixture(scope="module")
def suspended(server):
    """Both releases started at once; each is returned suspended with its pending folder and record."""
    started = {name: server.start(name) for name in ("review-a", "review-b")}
    runs = {}
    for name, run_id in started.items():
        run = server.wait(run_id, {"PAUSED"})
        pending = server.base / name / "workspace" / "_review" / run_id
        runs[name] = {"id": run_id, "run": run, "pending": pending,
                      "record": json.loads((pending / "review.json").read_text())}
    return runs


def _audit(catalog: Path) -> list[dict]:
    return [json.loads(line) for line in (catalog / "audit.jsonl").read_text().splitlines()]


def test_a_review_required_release_suspends_with_its_files_pending_and_nothing_published(server, suspended):
    # Setup
    run = suspended["review-a"]
    catalog = server.base / "review-a" / "catalog"

    # Run
    listed = server.synthgate("review", "list")
    shown = server.synthgate("review", "show", run["id"])

    # Assert: suspended (Prefect's Paused type), the release waits in the pending area, not the catalog
    assert (run["run"]["state_type"], run["run"]["state_name"]) == ("PAUSED", "Suspended")
    assert not (catalog / "review-a" / "1.0.0").exists()
    release = run["pending"] / "release"
    assert {"review-a.parquet", "report.html", "manifest.json", "evaluation.json", "validation.json"} <= {
        p.name for p in release.iterdir()}
    assert run["record"]["report_sha256"] == _sha256(release / "report.html")
    assert json.loads((release / "manifest.json").read_text())["review"]["status"] == "pending"
    assert "Awaiting the review committee" in (release / "report.html").read_text()
    assert listed.returncode == 0 and run["id"] in listed.stdout and suspended["review-b"]["id"] in listed.stdout
    assert shown.returncode == 0, shown.stderr
    assert f"report: {release / 'report.html'}" in shown.stdout and "gates: " in shown.stdout
    assert run["record"]["report_sha256"] not in shown.stdout  # the reviewer hashes what they read
    events = [e["event"] for e in _audit(catalog)]
    assert events[-2:] == ["gates", "suspended_for_review"]


def test_a_wrong_report_hash_or_an_unlisted_reviewer_is_refused_and_the_run_keeps_waiting(server, suspended):
    # Setup
    run = suspended["review-a"]

    # Run
    wrong_hash = server.synthgate("review", "approve", run["id"], "--reviewer", "kim.minji",
                                  "--report-sha256", "0" * 64)
    stranger = server.synthgate("review", "approve", run["id"], "--reviewer", "mallory",
                                "--report-sha256", run["record"]["report_sha256"])
    no_run = server.synthgate("review", "reject", str(uuid.uuid4()), "--reviewer", "kim.minji")

    # Assert: exit 2, one line each, and the run still waits
    assert wrong_hash.returncode == 2 and wrong_hash.stderr.count("\n") == 1
    assert f"report sha256 {'0' * 64} is not that of the pending report" in wrong_hash.stderr
    assert stranger.returncode == 2 and "reviewer 'mallory' is not one of this release's reviewers" in stranger.stderr
    assert no_run.returncode == 2 and "knows no flow run" in no_run.stderr
    assert server.run(run["id"])["state_name"] == "Suspended"


def test_a_rejected_release_publishes_nothing_and_its_pending_area_is_removed(server, suspended):
    # Setup
    run = suspended["review-a"]
    catalog = server.base / "review-a" / "catalog"

    # Run
    done = server.synthgate("review", "reject", run["id"], "--reviewer", "lee.jun", "--comment",
                            "utility too low for the agency's purpose", "--wait")

    # Assert
    assert done.returncode == 0, done.stdout + done.stderr
    assert server.run(run["id"])["state_type"] == "COMPLETED"
    assert not (catalog / "review-a" / "1.0.0").exists() and not run["pending"].exists()
    decision = _audit(catalog)[-1]
    assert (decision["event"], decision["decision"], decision["reviewer"], decision["published"]) == (
        "decision", "reject", "lee.jun", False)
    assert server.synthgate("audit", "verify", str(catalog)).returncode == 0


def test_an_approved_release_publishes_exactly_the_reviewed_bytes(server, suspended):
    # Setup: the reviewer reads the pending report and hashes it
    run = suspended["review-b"]
    pending = run["pending"] / "release"
    reviewed = {p.relative_to(pending).as_posix(): _sha256(p) for p in pending.rglob("*") if p.is_file()}
    pending_manifest = json.loads((pending / "manifest.json").read_text())
    catalog = server.base / "review-b" / "catalog"

    # Run: first a decision the CLI would refuse, sent as the Prefect UI form sends it (no CLI checks)
    before = server.run(run["id"])["state"]["id"]
    call_api(f"{server.api}/flow_runs/{run['id']}/resume", {"run_input": {
        "decision": "approve", "reviewer": "mallory", "comment": "", "report_sha256": "0" * 64}})
    deadline = time.monotonic() + 300
    while server.run(run["id"])["state"]["id"] == before or server.run(run["id"])["state_type"] != "PAUSED":
        assert time.monotonic() < deadline, "the run did not suspend again after a refused decision"
        time.sleep(2)
    refused = _audit(catalog)[-1]
    # ... then the committee's approval through the CLI
    done = server.synthgate("review", "approve", run["id"], "--reviewer", "kim.minji", "--report-sha256",
                            _sha256(pending / "report.html"), "--comment", "approved at the December meeting",
                            "--wait")

    # Assert: every file but the report and manifest is byte for byte the reviewed one
    assert done.returncode == 0, done.stdout + done.stderr
    release = catalog / "review-b" / "1.0.0"
    published = {p.relative_to(release).as_posix(): _sha256(p) for p in release.rglob("*")
                 if p.is_file() and p.name != "croissant.json"}  # the catalog site's, derived after publishing
    same = set(reviewed) - {"report.html", "manifest.json"}
    # the approved run rebuilt the catalog site as any run does after publishing
    assert (catalog / "index.html").is_file() and (release / "croissant.json").is_file()
    assert set(published) == set(reviewed) and {n: published[n] for n in same} == {n: reviewed[n] for n in same}
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["review"]["status"] == "approved" and manifest["review"]["reviewer"] == "kim.minji"
    assert manifest["review"]["comment"] == "approved at the December meeting"
    assert manifest["review"]["report_sha256"] == reviewed["report.html"]
    assert manifest["generator"] == pending_manifest["generator"]  # nothing retrained
    assert "Approved by kim.minji" in (release / "report.html").read_text()
    rebuilt = server.synthgate("report", str(release), "--verify", "--no-pdf", "-o", str(server.base / "rebuilt"))
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr  # the decision is rebuilt from the manifest
    assert not run["pending"].exists()
    # Every stage ran once, before the suspension; the resumed run only published
    tasks = call_api(f"{server.api}/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}, "limit": 50})
    names = sorted(t["name"].rsplit("-", 1)[0] for t in tasks)
    assert names == sorted(["ingest", "pseudonymise", "train", "sample", "evaluate", "validate",
                            "stage-for-review", "publish-reviewed"])
    assert (refused["event"], refused["accepted"], refused["reviewer"]) == ("decision", False, "mallory")
    assert "reviewer 'mallory' is not one of" in refused["reason"]
    events = [(e["event"], e.get("decision"), e.get("accepted")) for e in _audit(catalog)]
    assert events[-4:] == [("suspended_for_review", None, None), ("decision", "approve", False),
                           ("decision", "approve", True), ("published", None, None)]
    assert server.synthgate("audit", "verify", str(catalog)).returncode == 0


def test_review_list_discards_a_pending_release_whose_run_expired(server, suspended):
    # Setup: a run the server failed when its review wait expired, with its pending area left behind
    flow = call_api(f"{server.api}/flows/name/synthgate-release")
    spec = server.base / "review-a" / "spec.yaml"
    run = call_api(f"{server.api}/flow_runs/", {"flow_id": flow["id"], "name": "review-a-expired",
                                            "parameters": {"spec_path": str(spec)},
                                            "state": {"type": "FAILED", "name": "Failed",
                                                      "message": "The flow was paused and never resumed."}})
    folder = server.base / "review-a" / "workspace" / "_review" / run["id"]
    (folder / "release").mkdir(parents=True)
    (folder / "release" / "report.html").write_text("<html></html>")
    (folder / "review.json").write_text(json.dumps({
        "flow_run_id": run["id"], "dataset": "review-a", "version": "1.0.1", "workspace_run_id": "w1",
        "workspace": str(folder), "catalog": str(server.base / "review-a" / "catalog"), "reviewers": REVIEWERS,
        "suspended_at": "2026-01-01T00:00:00+00:00", "expires_at": "2026-01-15T00:00:00+00:00",
        "report_sha256": "ab" * 32}))

    # Run
    listed = server.synthgate("review", "list")

    # Assert
    assert listed.returncode == 0, listed.stderr
    assert f"discarded: review-a 1.0.1 (flow run {run['id']}, expired)" in listed.stdout
    assert not folder.exists()
    event = _audit(server.base / "review-a" / "catalog")[-1]
    assert (event["event"], event["decision"], event["version"], event["published"]) == (
        "decision", "expired", "1.0.1", False)


def test_the_server_and_its_result_storage_hold_no_record_and_no_key(server, suspended):
    # Setup: everything the server keeps about both runs, read back through its API
    texts = []
    for run in suspended.values():
        run_id = run["id"]
        texts.append(json.dumps(server.run(run_id)))
        texts.append(json.dumps(call_api(f"{server.api}/flow_runs/{run_id}/input/filter", {"prefix": "", "limit": 100})))
        texts.append(json.dumps(call_api(f"{server.api}/task_runs/filter",
                                     {"flow_runs": {"id": {"any_": [run_id]}}, "limit": 50})))
        texts.append(json.dumps(call_api(f"{server.api}/logs/filter",
                                     {"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200})))
    texts.append(json.dumps(call_api(f"{server.api}/artifacts/filter", {"limit": 100})))
    storage = server.base / "result-storage"
    stored = [p.read_bytes().decode("utf-8", "replace") for p in storage.rglob("*") if p.is_file()] \
        if storage.exists() else []
    blob = "\n".join(texts + stored)

    # Run
    leaked = [needle for needle in [*CANARIES.values(), TEST_KEY] if needle in blob]

    # Assert: paths, hashes, names and counts only; the decisions are in the run inputs
    assert leaked == []
    assert "kim.minji" in blob and suspended["review-b"]["record"]["report_sha256"] in blob
    # The check itself can fail: the canaries are in the private raw table
    raw = next((server.base / "review-b" / "workspace" / "review-b").rglob("raw.parquet"))
    assert _in_parquet(raw, CANARIES["fake_first_name"])


def _in_parquet(path: Path, needle: str) -> bool:
    import pandas as pd

    return needle in pd.read_parquet(path).astype(str).to_csv(index=False)
