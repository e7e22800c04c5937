"""Time of measure_risk and enforce_threshold on 1,000,000 rows x 5 quasi-identifiers (not a test).

Run: .venv/bin/python benchmarks/risk_speed.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root

from synthgate.privacy.anonymity import RiskThreshold, enforce_threshold  # noqa: E402
from synthgate.privacy.risk import measure_risk  # noqa: E402

ROWS = 1_000_000
QIS = ["age", "sex", "region", "visit_month", "job"]


def table(seed: int = 0) -> pd.DataFrame:
    """Five quasi-identifiers with skewed categories and a few nulls, plus a sensitive column."""
    rng = np.random.default_rng(seed)
    regions = [f"R{i:02d}" for i in range(17)]
    jobs = [f"J{i:03d}" for i in range(200)]
    frame = pd.DataFrame({
        "age": rng.integers(0, 100, ROWS).astype("float64"),
        "sex": rng.choice(["F", "M"], ROWS),
        "region": rng.choice(regions, ROWS, p=np.arange(17, 0, -1) / 153),
        "visit_month": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 48, ROWS) * 30, unit="D"),
        "job": rng.choice(jobs, ROWS, p=1 / np.arange(1, 201) / (1 / np.arange(1, 201)).sum()),
        "diagnosis": rng.choice([f"D{i}" for i in range(30)], ROWS),
    })
    frame.loc[rng.random(ROWS) < 0.01, "region"] = None
    return frame


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    frame = timed("build table", table)
    risk = timed("measure_risk (k, l, uniques)", lambda: measure_risk(frame, QIS, sensitive="diagnosis"))
    print(f"  before: classes={risk.classes} k={risk.k} l={risk.l} unique_share={risk.unique_share:.4f}")
    threshold = RiskThreshold(k=5, l=2, sensitive="diagnosis")
    steps = [
        {"step": "generalise", "column": "age", "rule": {"rule": "age_band", "width": 10}},
        {"step": "generalise", "column": "visit_month", "rule": {"rule": "date_truncate", "unit": "year"}},
        {"step": "generalise", "column": "job", "rule": {"rule": "merge_rare", "min_count": 20000}},
        {"step": "suppress_cells", "max_share": 0.05},
        {"step": "suppress_rows", "max_share": 0.05},
    ]
    out, report = timed("enforce_threshold (k=5, l=2, 5 steps)", lambda: enforce_threshold(frame, QIS, threshold, steps))
    for step in report.steps:
        print(
            f"  {step.step:<15} {step.column or '':<6} changed={step.cells_changed} "
            f"suppressed cells={step.cells_suppressed} rows={step.rows_suppressed} "
            f"-> k={step.risk.k} l={step.risk.l} unique_share={step.risk.unique_share:.4f}"
        )
    print(f"  met={report.met} rows out={len(out)}")


if __name__ == "__main__":
    main()
