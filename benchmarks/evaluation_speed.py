"""The whole evaluation of a 50,000-row table on this machine: every step timed, the target is < 60 s.

A real table (GSS wages, 61,697 rows, 11 mixed columns) gives 50,000 training rows and a holdout of
the rest; the synthetic table is 50,000 rows drawn with ``sample_without_copies`` from our
autoregressive generator trained briefly on the training rows (its fit is not timed: the
evaluation is). evaluation.evaluate runs as a release runs it: utility on `realrinc`, the raw copy
count of the draw (``generator_copies``), and quasi-identifiers (age, gender, maritalcat,
educcat) so the reproduced-record figure is measured; twice: the first run pays the imports
(sklearn, sdmetrics, torch), as a fresh release process does. Steps: fidelity, charts, utility,
distance (the whole training and holdout tables searched), exact_matches, copies, rare_values,
reproduced_records, and the three attacks.

    .venv/bin/python benchmarks/evaluation_speed.py [--rows 50000] [--epochs 5]

Prints every step's seconds and the 1-minute load average before and after, and writes
benchmarks/results/evaluation-speed-cpu-2core.json. Run it alone (``uptime`` load below 2.5 on
the two cores): other processes slow torch and sklearn several times over.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # opacus ships a top-level `benchmarks` package: import siblings directly
sys.path.insert(0, str(HERE.parent))

import _bench_tables  # noqa: E402

TARGET_SECONDS = 60.0
QUASI_IDENTIFIERS = ("age", "gender", "maritalcat", "educcat")
RISKS = ("singling_out_risk", "linkability_risk", "inference_risk")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="training rows (the rest of the table is the holdout)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs of the generator that makes the synthetic rows")
    args = parser.parse_args()

    import pandas as pd

    from synthgate import evaluation
    from synthgate import generators
    from synthgate.generators.sampling import sample_without_copies

    frame, kinds = _bench_tables.gss_wages()
    frame = frame.sample(frac=1.0, random_state=_bench_tables.SEED).reset_index(drop=True)
    train, holdout = frame.iloc[:args.rows].reset_index(drop=True), frame.iloc[args.rows:].reset_index(drop=True)
    started = time.perf_counter()
    model = generators.get_generator("autoregressive")(
        generators.parse_params("autoregressive", {"max_epochs": args.epochs}), device="cpu", seed=0)
    model.fit(train, generators.TableSchema.from_mapping(kinds))
    drawn = sample_without_copies(model, len(train), seed=1, training=train)
    synthetic = drawn.rows
    print(f"synthetic rows: {len(synthetic)} from a {args.epochs}-epoch model ({time.perf_counter() - started:.1f} s, "
          "not part of the figure)")

    config = evaluation.EvaluationConfig(target="realrinc", quasi_identifiers=QUASI_IDENTIFIERS)
    load_before = os.getloadavg()[0]
    print(f"load average (1 min) before: {load_before:.2f}")
    runs = []
    for label in ("first (imports included)", "second"):
        steps: dict[str, float] = {}
        began = time.perf_counter()
        result = evaluation.evaluate(train, synthetic, holdout, config, kinds=kinds,
                                     generator_copies=(drawn.discarded, drawn.drawn),
                                     progress=lambda step, seconds: steps.__setitem__(step, seconds))
        total = time.perf_counter() - began
        runs.append({"run": label, "seconds": round(total, 2), "steps": {k: round(v, 2) for k, v in steps.items()},
                     "risks": {k: result.figures.get(k) for k in RISKS}})
        print(f"{label}: {total:.1f} s  " + "  ".join(f"{k} {v:.1f}" for k, v in steps.items()))
    load_after = os.getloadavg()[0]
    figures = {name: result.figures.get(name) for name in evaluation.FIGURES}
    print("figures: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items() if isinstance(v, (int, float))))
    print("gates not passing: " + (", ".join(f"{g.metric} {g.verdict}" for g in result.gates if g.verdict != "pass")
                                   or "none"))
    print(f"load average (1 min) after: {load_after:.2f}")
    # Same tables, same config seed: the two runs' risks should agree to the last digit.
    same = runs[0]["risks"] == runs[1]["risks"]
    differ = f"DIFFER {runs[0]['risks']} vs {runs[1]['risks']}"
    print("attack risks of the two runs: " + ("identical" if same else differ))
    verdict = "met" if max(r["seconds"] for r in runs) < TARGET_SECONDS else "MISSED"
    print(f"target < {TARGET_SECONDS:.0f} s: {verdict}")

    out = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_1min_before": round(load_before, 2), "load_1min_after": round(load_after, 2)},
        "table": {"name": "gss_wages", "training_rows": len(train), "holdout_rows": len(holdout),
                  "synthetic_rows": len(synthetic), "columns": len(kinds),
                  "quasi_identifiers": list(QUASI_IDENTIFIERS), "raw_copies": [drawn.discarded, drawn.drawn]},
        "verdict": result.verdict, "risks_identical_across_runs": same,
        "runs": runs, "figures": figures, "target_seconds": TARGET_SECONDS, "target": verdict,
    }
    path = HERE / "results" / "evaluation-speed-cpu-2core.json"
    path.write_text(json.dumps(out, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"written: {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
