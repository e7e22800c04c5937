"""Seconds for the rare-value and reproduced-record checks on 50,000 rows of 20 mixed columns.

The table is generated (seeded): 10 string columns (first and last names from Faker en_US with
Zipf weights, a 5,000-value code, 7 categories of 2-60 levels with nulls), 6 floats, 2 integers,
a datetime and a boolean. Training and synthetic tables have --rows rows each, the holdout a
fifth of that; the synthetic table is another draw of the same population. The reproduced
records run on the sets identifying_column_sets picks, and once on one set of all 20 columns (the
most work one set can be). Each check runs
--repeat times; the best and the median are printed as JSON.

    .venv/bin/python benchmarks/reproduction_speed.py [--rows 50000] [--repeat 5] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _table(n: int, seed: int):
    import numpy as np
    import pandas as pd
    from faker.providers.person import en_US

    rng = np.random.default_rng(seed)

    def zipf(values, size):
        weights = 1 / np.arange(1, len(values) + 1)
        return np.asarray(values, dtype=object)[rng.choice(len(values), size=size, p=weights / weights.sum())]

    columns = {
        "first": zipf(sorted(en_US.Provider.first_names, key=en_US.Provider.first_names.get, reverse=True), n),
        "last": zipf(sorted(en_US.Provider.last_names, key=en_US.Provider.last_names.get, reverse=True), n),
        "code": zipf([f"K{i:04d}" for i in range(5_000)], n),
    }
    for i, levels in enumerate((2, 3, 5, 8, 12, 30, 60)):
        values = zipf([f"level-{j}" for j in range(levels)], n)
        values[rng.random(n) < 0.05] = None
        columns[f"cat{i}"] = values
    for i in range(6):
        columns[f"x{i}"] = rng.normal(size=n).round(2)
    columns["age"] = rng.integers(18, 90, size=n)
    columns["count"] = rng.poisson(3, size=n)
    columns["date"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1_000, size=n), unit="D")
    columns["flag"] = rng.random(n) < 0.3
    return pd.DataFrame(columns)


def _time(fn, repeat: int) -> dict[str, float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return {"best_s": round(min(seconds), 4), "median_s": round(statistics.median(seconds), 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="training and synthetic rows")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each check")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()

    from synthgate.evaluation.reproduction import identifying_column_sets, rare_value_shares, reproduced_records

    train, synthetic, holdout = _table(args.rows, 0), _table(args.rows, 1), _table(args.rows // 5, 2)
    kinds = {c: ("categorical" if train[c].dtype == object else "numerical") for c in train.columns}
    strings = [c for c, kind in kinds.items() if kind == "categorical"]
    sets = identifying_column_sets(kinds, train, ["cat0", "cat1", "cat2", "age"])
    result = {
        "rows": {"training": len(train), "synthetic": len(synthetic), "holdout": len(holdout)},
        "columns": len(train.columns),
        "string_columns": len(strings),
        "column_sets": [list(s) for s in sets],
        "rare_value_shares": _time(lambda: rare_value_shares(train, synthetic, strings, holdout=holdout), args.repeat),
        "identifying_column_sets": _time(lambda: identifying_column_sets(kinds, train, ["cat0"]), args.repeat),
        "reproduced_records": _time(lambda: reproduced_records(train, synthetic, holdout, sets), args.repeat),
        "reproduced_records_one_set_of_all_columns": _time(
            lambda: reproduced_records(train, synthetic, holdout, [tuple(train.columns)]), args.repeat),
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
