"""Our privacy attacks (evaluation.attacks) beside anonymeter 1.1.0's on the same real tables: risks, CIs, seconds.

A real table is shuffled and cut into three disjoint parts: train, holdout (a quarter of train: an
80/20 split) and reference rows as many as train. Two synthetic tables are attacked:
  independent  the reference rows: a fresh sample of the same population, what a perfect generator
               would produce, so every risk should be near 0;
  leaky        the training rows themselves, shuffled: every risk should be near 1.
Both implementations run all four attacks (singling out multivariate and univariate, linkability,
inference over every column) with the same n_attacks; anonymeter runs in .venv-anonymeter
(`make venv-anonymeter`) through benchmarks/_anonymeter_runner.py.

    .venv/bin/python benchmarks/anonymeter_vs_ours.py [--quick] [--table cps1988] [--rows N]

Writes benchmarks/results/anonymeter-cpu-2core.json (--quick: anonymeter-cpu-2core-quick.json).
The default table is AER's CPS1988 (28,155 rows, 4 numbers and 3 categories, no missing values:
anonymeter's distances turn NaN on a missing number, ours count it as 1, so a table without missing
numbers compares like with like). Full run: anonymeter's singling out dominates (many minutes).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ANONYMETER_PYTHON = ROOT / ".venv-anonymeter" / "bin" / "python"
RUNNER = Path(__file__).resolve().parent / "_anonymeter_runner.py"
RESULTS = Path(__file__).resolve().parent / "results"
ATTACKS = ("singling_out_multivariate", "singling_out_univariate", "linkability", "inference")


def normalise(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """The dtypes of evaluation.tables: float64, datetime64[ns], object str with None (booleans "True"/"False")."""
    out = {}
    for col, kind in kinds.items():
        values = frame[col]
        if kind == "numerical":
            out[col] = pd.to_numeric(values).astype("float64")
        elif kind == "datetime":
            out[col] = pd.to_datetime(values)
        else:
            out[col] = values.map(lambda v: None if pd.isna(v) else str(v)).astype(object)
    return pd.DataFrame(out)


def split_three(frame: pd.DataFrame, kinds: dict[str, str], train_rows: int,
                seed: int = 0) -> dict[str, pd.DataFrame]:
    """Disjoint train, holdout (train / 4) and reference (train) rows of ``frame``, normalised."""
    holdout_rows = max(1, train_rows // 4)
    if 2 * train_rows + holdout_rows > len(frame):
        raise SystemExit(f"the table has {len(frame)} rows; {2 * train_rows + holdout_rows} are needed")
    rows = normalise(frame, kinds).iloc[np.random.default_rng(seed).permutation(len(frame))].reset_index(drop=True)
    return {"train": rows.iloc[:train_rows].reset_index(drop=True),
            "holdout": rows.iloc[train_rows:train_rows + holdout_rows].reset_index(drop=True),
            "reference": rows.iloc[train_rows + holdout_rows:2 * train_rows + holdout_rows].reset_index(drop=True)}


def synthetic_cases(parts: dict[str, pd.DataFrame], seed: int = 0) -> dict[str, pd.DataFrame]:
    """The two synthetic tables: independent (the reference rows) and leaky (the training rows shuffled)."""
    return {"independent": parts["reference"],
            "leaky": parts["train"].sample(frac=1.0, random_state=seed).reset_index(drop=True)}


def run_anonymeter(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, kinds: dict[str, str],
                   options: dict, timeout: float | None = None) -> dict:
    """anonymeter's figures per attack (see _anonymeter_runner.py), run in .venv-anonymeter."""
    if not ANONYMETER_PYTHON.exists():
        raise FileNotFoundError(f"{ANONYMETER_PYTHON} is missing: run `make venv-anonymeter`")
    with tempfile.TemporaryDirectory(prefix="anonymeter-") as tmp:
        folder = Path(tmp)
        for name, frame in (("train", train), ("synthetic", synthetic), ("holdout", holdout)):
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        (folder / "options.json").write_text(json.dumps({**options, "kinds": kinds}))
        env = {**os.environ, "NUMBA_NUM_THREADS": str(options.get("n_jobs", 2))}
        done = subprocess.run([str(ANONYMETER_PYTHON), str(RUNNER), str(folder)], capture_output=True, text=True,
                              timeout=timeout, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"anonymeter runner failed ({done.returncode}): {done.stderr[-2000:]}")
        return json.loads((folder / "anonymeter.json").read_text())["attacks"]


def run_ours(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, kinds: dict[str, str],
             options: dict) -> dict:
    """Our figures per attack, in the runner's shape, with seconds."""
    sys.path.insert(0, str(ROOT))
    from synthgate.evaluation.attacks import inference, linkability, singling_out

    n_attacks, seed = options.get("n_attacks", 500), options.get("seed", 0)
    calls = {
        "singling_out_multivariate": lambda: singling_out(train, synthetic, holdout, kinds, n_attacks=n_attacks,
                                                          n_cols=options.get("n_cols", 3), seed=seed),
        "singling_out_univariate": lambda: singling_out(train, synthetic, holdout, kinds, n_attacks=n_attacks,
                                                        mode="univariate", seed=seed),
        "linkability": lambda: linkability(train, synthetic, holdout, kinds, n_attacks=n_attacks,
                                           aux_columns=options.get("aux_columns"), seed=seed),
        # anonymeter's tolerance (5% of the guess): the gates use 5% of min(guess, IQR), see attacks/inference.py
        "inference": lambda: inference(train, synthetic, holdout, kinds, n_attacks=n_attacks,
                                       secrets=options.get("secrets"), seed=seed, scale="value"),
    }
    out = {}
    for attack in options.get("attacks", ATTACKS):
        started = time.perf_counter()
        result = calls[attack]().to_dict()
        out[attack] = {**{k: result[k] for k in ("risk", "ci", "attack_rate", "control_rate", "baseline_rate",
                                                 "n_attacks")},
                       "seconds": time.perf_counter() - started}
        if attack == "inference":
            out[attack]["per_column"] = result["details"]["per_column"]
            out[attack]["riskiest_column"] = result["details"]["riskiest_column"]
    return out


def overlap(a: list[float], b: list[float]) -> bool:
    """Whether two intervals share a point."""
    return a[0] <= b[1] and b[0] <= a[1]


def agreement(ours: dict, theirs: dict) -> dict:
    """Per attack (and inference column): do the intervals overlap, and does our risk lie in anonymeter's?"""
    out = {}
    for attack in ours:
        pairs = {attack: (ours[attack], theirs[attack])}
        if attack == "inference":
            pairs.update({f"inference[{c}]": (ours[attack]["per_column"][c], theirs[attack]["per_column"][c])
                          for c in ours[attack]["per_column"]})
        for name, (mine, ref) in pairs.items():
            out[name] = {"overlap": overlap(mine["ci"], ref["ci"]),
                         "ours_in_their_ci": ref["ci"][0] <= mine["risk"] <= ref["ci"][1]}
    return out


def _load_table(name: str) -> tuple[pd.DataFrame, dict[str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _bench_tables import TABLES

    frame, kinds = TABLES[name][0]()
    return frame[list(kinds)], kinds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 training rows, 200 attacks (a few minutes)")
    parser.add_argument("--table", default="cps1988", help="a table of benchmarks/_bench_tables.py")
    parser.add_argument("--rows", type=int, default=None, help="training rows (default 10,000; --quick 2,000)")
    parser.add_argument("--n-attacks", type=int, default=None, help="default 500; --quick 200")
    args = parser.parse_args(argv)
    train_rows = args.rows or (2_000 if args.quick else 10_000)
    options = {"n_attacks": args.n_attacks or (200 if args.quick else 500), "seed": 0, "n_jobs": 2}
    frame, kinds = _load_table(args.table)
    parts = split_three(frame, kinds, train_rows)
    report = {"table": args.table, "rows": {k: len(v) for k, v in parts.items()}, "options": options,
              "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
              "cases": {}}
    for case, synthetic in synthetic_cases(parts).items():
        ours = run_ours(parts["train"], synthetic, parts["holdout"], kinds, options)
        theirs = run_anonymeter(parts["train"], synthetic, parts["holdout"], kinds, options)
        report["cases"][case] = {"ours": ours, "anonymeter": theirs, "agreement": agreement(ours, theirs)}
        print(f"\n{case} synthetic table ({len(synthetic)} rows)")
        print(f"{'attack':28} {'ours risk [95% CI]':>26} {'s':>7}   {'anonymeter risk [95% CI]':>26} {'s':>8}  overlap")
        for attack in ours:
            mine, ref = ours[attack], theirs[attack]
            print(f"{attack:28} {mine['risk']:8.3f} [{mine['ci'][0]:.3f}, {mine['ci'][1]:.3f}] {mine['seconds']:7.2f}"
                  f"   {ref['risk']:8.3f} [{ref['ci'][0]:.3f}, {ref['ci'][1]:.3f}] {ref['seconds']:8.2f}"
                  f"  {report['cases'][case]['agreement'][attack]['overlap']}")
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"anonymeter-cpu-2core{'-quick' if args.quick else ''}.json"
    target.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
