"""The military demo's spec end to end on a slice of the real table: trained on a sample, evaluated on bounded samples."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from synthgate.evaluation import INTERVAL_GATES
from synthgate.flows.demo_military import military_table
from _prefect_home import migrated_home

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "military.yaml"


def test_the_military_spec_releases_a_slice_learned_from_a_sample(tmp_path, key_env):
    # Setup: 3,000 real rows; the generator may learn 1,000 of the ~2,400 training rows
    source = tmp_path / "source" / "military.csv"
    source.parent.mkdir()
    military_table(rows=3000).to_csv(source, index=False)
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["source"]["path"] = "source/military.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    spec["sample"]["rows"] = 1000
    spec["generator"].update(train_rows=1000, params={"max_epochs": 3, "hidden": 16})
    # A 3,000-row slice has rarer combinations than the whole table: k=3 within the same steps.
    spec["risk"]["k"] = 3
    # 600 holdout rows: intervals wider than their bounds are accepted by name (the slice tests the pipeline).
    spec["evaluation"]["accept_inconclusive"] = list(INTERVAL_GATES)
    spec_path = tmp_path / "military.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    env = {**os.environ, "PREFECT_HOME": str(migrated_home(tmp_path / "prefect-home")), "PYTHONUNBUFFERED": "1",
           "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)

    # Run: the real CLI in its own process, Prefect in ephemeral mode
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec_path)], env=env,
                          capture_output=True, text=True, timeout=600)

    # Assert: published; the manifest and the summary say how many rows were learned out of how many
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    release = tmp_path / "catalog" / "military" / "1.0.0"
    manifest = json.loads((release / "manifest.json").read_text())
    training = manifest["rows"]["training"]
    assert manifest["rows"]["learned"] == 1000 and 2300 < training < 2400
    assert manifest["generator"]["training_sample"] == {"learned_rows": 1000, "available_rows": training,
                                                        "sampled": True, "limit": 1000}
    assert f"1000 of {training} training rows" in done.stdout
    assert "peak memory (RSS)" in done.stdout
    # Common combinations are published (keep_common_rows), never a combination fewer than k=5 real rows hold
    published = pd.read_parquet(release / "military.parquet")
    assert len(published) == 1000
    workspace = next((tmp_path / "workspace").rglob("evaluation.json")).parent
    train_rows = pd.read_parquet(workspace / "training.parquet").astype(str)
    columns = list(train_rows.columns)
    counts = train_rows.value_counts()
    drawn = published[columns].astype(str).value_counts()
    copied = drawn.index.intersection(counts.index)
    assert (counts.loc[copied] >= 5).all()

    # Assert: evaluation.json and the report give each figure's sample size
    evaluation = json.loads((workspace / "evaluation.json").read_text())
    assert evaluation["samples"]["tables"] == {"training": training, "synthetic": 1000,
                                               "holdout": evaluation["rows"]["holdout"]}
    assert "Rows each figure was measured on" in (release / "report.html").read_text()
