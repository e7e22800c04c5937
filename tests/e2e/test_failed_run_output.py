"""A release stopped by a gate prints its one-line reasons and no traceback (Prefect's own lines included)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from _prefect_home import migrated_home

pytestmark = pytest.mark.slow


def test_a_gate_failure_prints_no_traceback(covid_release, key_env, tmp_path):
    # Setup: k=50 on 400 rows with a 1% row budget cannot hold (the run stops before training)
    spec = covid_release(version="4.0.0", risk={"k": 50, "steps": [{"step": "suppress_rows", "max_share": 0.01}]})
    env = {**os.environ, "PREFECT_HOME": str(migrated_home(tmp_path / "prefect-home")),
           "SYNTHGATE_PSEUDONYM_KEY": key_env}
    env.pop("PREFECT_API_URL", None)

    # Run
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec)], env=env,
                          capture_output=True, text=True, timeout=600)

    # Assert: exit 1 with the gate's one line, and not one line of a traceback (Prefect logs the
    # failed task and the failed flow with their tracebacks unless its console is told otherwise)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "error: re-identification risk threshold not met" in done.stderr
    assert "Traceback" not in output and 'File "' not in output
