"""Helpers of the tests that start a real Prefect server on loopback: a free port and its REST API."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from _prefect_home import PREFECT, migrated_home

#: A test server without telemetry (its heartbeat logs SQLite tracebacks) and without the UI.
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call_api(url: str, payload: dict | None = None):
    """GET (or POST ``payload`` to) a server endpoint; a 503 (SQLite busy for a moment) is asked again.

    So is a GET that timed out: a server running two training flow runs beside the other xdist worker
    on 2 cores once took over 20 s to answer one poll (all six review-server tests errored in setup).
    A POST that timed out is not sent again, since the server may have acted on it.
    """
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == 4:
                raise
            time.sleep(2)
        except (TimeoutError, urllib.error.URLError) as exc:  # URLError wraps a timeout while connecting
            if data is not None or attempt == 4 or not isinstance(getattr(exc, "reason", exc), TimeoutError):
                raise


def start_server(home: Path, port: int, *, new_session: bool = False) -> tuple[subprocess.Popen, str]:
    """`prefect server start` on 127.0.0.1:``port`` with its own home (and none of this process's API URL);
    returns the process and its API URL at once (``wait_healthy`` waits for it). ``new_session``: its own
    process group, to be killed whole."""
    env = {**os.environ, **QUIET, "PREFECT_HOME": str(migrated_home(home))}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=new_session)
    return process, f"http://127.0.0.1:{port}/api"


def wait_healthy(api: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Return once the server answers /health; fail the test if it exits or does not answer in ``timeout`` s."""
    import pytest

    deadline = time.monotonic() + timeout
    while True:
        try:
            call_api(f"{api}/health")
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("prefect server did not start")
            time.sleep(1)


def stop_all(processes: list[subprocess.Popen], *, grace: float = 5.0) -> None:
    """SIGTERM every process and its descendants, wait ``grace`` seconds in all, then SIGKILL what is left.

    A ``prefect worker start`` acknowledges SIGTERM and SIGINT (it forwards them to its worker
    subprocess) but was still alive 20 s later (Prefect 3.8 on these machines), so a longer wait only
    cost each module 30 s per worker at teardown. Descendants are signalled too: killing the CLI alone
    would leave its worker subprocess polling a stopped server.
    """
    import psutil

    tree = []
    for process in processes:
        try:
            leader = psutil.Process(process.pid)
            tree += [leader, *leader.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    for member in tree:
        try:
            member.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(tree, timeout=grace)
    for member in alive:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=10)
    for process in processes:  # reap our own children (no zombies)
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass


def wait_flow_run(api: str, flow_run_id: str, states: set[str], *, timeout: float = 300,
                  log: Path | None = None) -> dict:
    """The flow run once its state type is one of ``states``; fail the test if it ends otherwise (with the
    tail of ``log``, a worker's, when given) or does not get there within ``timeout`` seconds."""
    import pytest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = call_api(f"{api}/flow_runs/{flow_run_id}")
        if run["state_type"] in states:
            return run
        if run["state_type"] in {"FAILED", "CRASHED", "CANCELLED", "COMPLETED"}:
            pytest.fail(f"flow run ended {run['state_name']}: {run['state'].get('message')}"
                        + (f"\n{log.read_text()[-3000:]}" if log is not None and log.exists() else ""))
        time.sleep(2)
    pytest.fail(f"flow run {flow_run_id} did not reach {states} "
                f"(state {call_api(f'{api}/flow_runs/{flow_run_id}')['state_name']})")
