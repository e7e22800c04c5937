"""With PREFECT_API_URL set, a release run is recorded on that (real) Prefect server."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from _prefect_api import call_api, free_port, start_server, wait_healthy

pytestmark = pytest.mark.slow


@pytest.fixture
def prefect_server(tmp_path):
    port = free_port()
    server, api = start_server(tmp_path / "server-home", port)
    try:
        wait_healthy(api, server)
        yield api
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_run_is_recorded_on_the_server_named_by_prefect_api_url(prefect_server, covid_release, key_env, tmp_path):
    # Setup
    spec = covid_release(rows=100)
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "SYNTHGATE_PSEUDONYM_KEY": key_env,
           "PREFECT_HOME": str(tmp_path / "client-home")}

    # Run
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec)], env=env,
                          capture_output=True, text=True, timeout=600)

    # Assert
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"Prefect server {prefect_server}" in done.stdout
    runs = call_api(f"{prefect_server}/flow_runs/filter", {"limit": 10})
    assert [(r["name"], r["state_type"]) for r in runs] == [("covid-testing-1.0.0", "COMPLETED")]
    tasks = call_api(f"{prefect_server}/task_runs/filter", {"limit": 20})
    assert {t["name"].rsplit("-", 1)[0] for t in tasks} == {
        "ingest", "pseudonymise", "train", "sample", "evaluate", "validate", "publish"}
