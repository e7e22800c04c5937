"""A release stopped by a gate prints its one-line reasons and no traceback (Prefect's own lines included)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_a_gate_failure_prints_no_traceback(covid_release, key_env, tmp_path):
    # Setup: a quality bound no release reaches, and a short training
    spec = covid_release(rows=100, version="4.0.0", generator={"params": {"max_epochs": 1}},
                         evaluation={"thresholds": {"inference_risk_max": None, "quality_score_min": 0.9999}})
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "SYNTHGATE_PSEUDONYM_KEY": key_env}
    env.pop("PREFECT_API_URL", None)

    # Run
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec)], env=env,
                          capture_output=True, text=True, timeout=600)

    # Assert: exit 1 with the failed expectation named, and not one line of a traceback
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "quality_score" in done.stderr
    assert "Traceback" not in output and 'File "' not in output
