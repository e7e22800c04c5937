"""Two `synthgate run` processes of one spec at once: one publishes, the other stops before any work.

The second run stops with one line and exit 2 at the command's process claim (runlock.claim, an flock
taken before its preflight and before Prefect starts a temporary server), or, when it starts after the
first run's flow took the dataset, at the lock record that claim also reads.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from _drills import drill_env, drill_spec, start  # noqa: E402

pytestmark = pytest.mark.slow

DATASET, VERSION = "covid-testing", "1.0.0"


def test_two_runs_of_one_spec_publish_one_version_and_the_other_stops_before_training(tmp_path):
    # Setup
    from synthgate.flows.demo import covid_testing_table

    frame = covid_testing_table().sample(n=150, random_state=7).reset_index(drop=True)
    spec = drill_spec(tmp_path, frame, rows=150)
    env = drill_env(tmp_path)  # its Prefect home holds a migrated database (tests/e2e/_prefect_home.py)

    # Run: both at once
    first, second = start(spec, env), start(spec, env)
    outcomes = {}
    for name, process in (("first", first), ("second", second)):
        out, err = process.communicate(timeout=600)
        outcomes[name] = (process.returncode, err, time.monotonic())

    # Assert: one published, one refused with one line and exit 2
    codes = sorted(code for code, _, _ in outcomes.values())
    assert codes == [0, 2], {k: (c, e[-2000:]) for k, (c, e, _) in outcomes.items()}
    refused = next(err for code, err, _ in outcomes.values() if code == 2)
    errors = [line for line in refused.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"dataset {DATASET} is busy" in errors[0], refused[-2000:]
    assert "Traceback" not in refused
    # Nothing of the refused run was started: the only run folder is the publishing run's, one model trained
    runs = list((tmp_path / "workspace" / DATASET / VERSION).iterdir())
    assert len(runs) == 1
    release = tmp_path / "catalog" / DATASET / VERSION
    assert sorted(p.name for p in (tmp_path / "catalog" / DATASET).iterdir()) == [VERSION]
    assert pq.read_table(release / f"{DATASET}.parquet").num_rows == 150
    assert (release / "manifest.json").read_text().strip().endswith("}")
