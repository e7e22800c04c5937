"""Run anonymeter 1.1.0's three evaluators on parquet tables; meant for .venv-anonymeter/bin/python.

Usage: _anonymeter_runner.py DIR   (DIR holds train.parquet, synthetic.parquet, holdout.parquet and
options.json; the figures go to DIR/anonymeter.json)

options.json keys (all optional but "kinds"):
    kinds: column -> "numerical" | "categorical" | "datetime" | "boolean"
    attacks: any of "singling_out_multivariate", "singling_out_univariate", "linkability", "inference"
    n_attacks (500), n_cols (3), max_attempts (anonymeter's 10,000,000), n_neighbors (1),
    aux_columns ([[...], [...]]), secrets (every column), seed (0), n_jobs (2)

The tables arrive in evaluation's normalised dtypes. Two conversions make anonymeter see what our
attacks see: datetimes become float nanoseconds (numbers to anonymeter too, so ">=", "<=" and range-
scaled distances, where anonymeter would otherwise compare dates as strings), and a null category
becomes the string "<null>" (anonymeter's label encoder cannot sort None among strings). Numerical
nulls are left as they are: anonymeter's distances then turn NaN, so compare on tables without them.
Numerical secrets are attacked in anonymeter's regression mode, the others exactly, as ours.
anonymeter's linkability and inference draw their targets with pandas' global random state, seeded
here, so a run is repeatable.
"""
from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

NULL_CATEGORY = "<null>"


def _prepare(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    out = {}
    for col, kind in kinds.items():
        values = frame[col]
        if kind == "datetime":
            stamps = pd.to_datetime(values)
            out[col] = stamps.astype("int64").astype("float64").where(stamps.notna(), np.nan)
        elif kind == "numerical":
            out[col] = values.astype("float64")
        else:
            out[col] = values.astype(object).where(values.notna(), NULL_CATEGORY).astype(str).astype(object)
    return pd.DataFrame(out)


def _figures(results, seconds: float) -> dict:
    risk = results.risk()
    return {
        "risk": float(risk.value), "ci": [float(risk.ci[0]), float(risk.ci[1])],
        "attack_rate": float(results.attack_rate.value),
        "control_rate": None if results.control_rate is None else float(results.control_rate.value),
        "baseline_rate": float(results.baseline_rate.value), "n_success": float(results.n_success),
        "n_control_success": None if results.n_control is None else float(results.n_control),
        "seconds": seconds,
    }


def main(folder: Path) -> None:
    from anonymeter.evaluators import InferenceEvaluator, LinkabilityEvaluator, SinglingOutEvaluator

    options = json.loads((folder / "options.json").read_text())
    kinds = options["kinds"]
    train, synthetic, holdout = (_prepare(pd.read_parquet(folder / f"{name}.parquet"), kinds)
                                 for name in ("train", "synthetic", "holdout"))
    columns = list(kinds)
    n_attacks, seed, n_jobs = options.get("n_attacks", 500), options.get("seed", 0), options.get("n_jobs", 2)
    attacks = options.get("attacks", ["singling_out_multivariate", "singling_out_univariate",
                                      "linkability", "inference"])
    np.random.seed(seed)  # pandas' .sample() without random_state draws from it
    out: dict = {"n_attacks": n_attacks, "attacks": {}}
    for attack in attacks:
        started = time.perf_counter()
        if attack.startswith("singling_out"):
            mode = attack.rsplit("_", 1)[1]
            evaluator = SinglingOutEvaluator(
                ori=train, syn=synthetic, control=holdout, n_attacks=n_attacks, n_cols=options.get("n_cols", 3),
                max_attempts=options.get("max_attempts", 10_000_000), seed=seed,
            ).evaluate(mode=mode)
            figures = _figures(evaluator.results(), time.perf_counter() - started)
            figures["n_queries"] = len(evaluator.queries())
        elif attack == "linkability":
            aux = options.get("aux_columns") or [columns[0::2], columns[1::2]]
            evaluator = LinkabilityEvaluator(
                ori=train, syn=synthetic, control=holdout, aux_cols=(list(aux[0]), list(aux[1])),
                n_attacks=min(n_attacks, len(train), len(holdout)), n_neighbors=options.get("n_neighbors", 1),
            ).evaluate(n_jobs=n_jobs)
            figures = _figures(evaluator.results(), time.perf_counter() - started)
        elif attack == "inference":
            per_column = {}
            for secret in options.get("secrets") or columns:
                begun = time.perf_counter()
                evaluator = InferenceEvaluator(
                    ori=train, syn=synthetic, control=holdout, aux_cols=[c for c in columns if c != secret],
                    secret=secret, regression=kinds[secret] == "numerical", n_attacks=n_attacks,
                ).evaluate(n_jobs=n_jobs)
                per_column[secret] = _figures(evaluator.results(), time.perf_counter() - begun)
            worst = max(per_column, key=lambda c: per_column[c]["risk"])
            figures = {**per_column[worst], "riskiest_column": worst, "per_column": per_column,
                       "seconds": time.perf_counter() - started}
        else:
            raise SystemExit(f"unknown attack: {attack}")
        out["attacks"][attack] = figures
    (folder / "anonymeter.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    warnings.filterwarnings("ignore")  # anonymeter warns on every attack no better than its baseline
    main(Path(sys.argv[1]))
