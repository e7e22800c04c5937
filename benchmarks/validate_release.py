"""Time profile, gates and validate_release on a 50,000-row x 12-column table (not a test).

Run: .venv/bin/python benchmarks/validate_release.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root

from synthgate.expectations import (  # noqa: E402
    build_privacy_suite,
    build_synthetic_suite,
    privacy_gate_frame,
    profile_training,
    render_failures,
    validate_release,
)

ROWS = 50_000
KINDS = {
    "pid": "id", "age": "numerical", "income": "numerical", "height": "numerical",
    "sex": "categorical", "region": "categorical", "diagnosis": "categorical",
    "smoker": "boolean", "visit": "datetime", "birth": "datetime", "grade": "categorical",
    "score": "numerical",
}


def table(seed: int) -> pd.DataFrame:
    """A mixed 12-column table: id, numbers with NaN, categories with None, dates, booleans."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "pid": [f"P-{seed}-{i:06d}" for i in range(ROWS)],
        "age": rng.integers(0, 100, ROWS),
        "income": rng.uniform(5_000, 95_000, ROWS).round(2),
        "height": rng.integers(1400, 2000, ROWS) / 10,
        "sex": rng.choice(["F", "M"], ROWS),
        "region": rng.choice([f"R{i}" for i in range(17)], ROWS).astype(object),
        "diagnosis": pd.Categorical(rng.choice([f"D{i:03d}" for i in range(300)], ROWS)),
        "smoker": rng.random(ROWS) < 0.3,
        "visit": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, ROWS), "D"),
        "birth": pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 20000, ROWS), "D"),
        "grade": rng.choice([1, 2, 3, 4, 5], ROWS),
        "score": rng.integers(0, 1001, ROWS) / 1000,
    })
    frame.loc[rng.random(ROWS) < 0.1, "income"] = np.nan
    frame.loc[rng.random(ROWS) < 0.05, "region"] = None
    return frame


def main() -> None:
    training, synthetic = table(1), table(2)
    started = time.perf_counter()
    profile = profile_training(training, KINDS)
    profiled = time.perf_counter()
    gates = privacy_gate_frame(
        synthetic, training=training, learned_columns=[c for c in KINDS if c != "pid"],
        identifier_columns=["pid"], pseudonyms=set(training["pid"]),
        raw_identifiers={f"{i:06d}-1234567" for i in range(ROWS)},
        raw_sensitive_values={f"name-{i}" for i in range(2 * ROWS)},
    )
    gated = time.perf_counter()
    suites = {"synthetic_suite": build_synthetic_suite(profile, expected_rows=ROWS),
              "privacy_suite": build_privacy_suite()}
    with tempfile.TemporaryDirectory() as tmp:
        validate_release(synthetic, gates, docs_dir=Path(tmp) / "warm-up", **suites)
        begun = time.perf_counter()
        summary = validate_release(synthetic, gates, docs_dir=Path(tmp) / "docs", **suites)
        validated = time.perf_counter()
    print(f"profile_training   {profiled - started:6.2f} s")
    print(f"privacy_gate_frame {gated - profiled:6.2f} s")
    print(f"validate_release   {validated - begun:6.2f} s  ({summary.evaluated} expectations, "
          f"success={summary.success})")
    for line in render_failures(summary):
        print("  ", line)


if __name__ == "__main__":
    main()
