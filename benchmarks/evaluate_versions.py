"""`synthgate evaluate` on a real table in four versions: our generator's sample, 5% and 20% near-copies, a copy.

Ecdat DoctorContacts (20,186 rows, 15 columns: numbers, categories, booleans) is split 80/20 with
a fixed seed. Our autoregressive generator learns the training rows and draws ``len(train)`` rows
with ``sample_without_copies``: the **honest** version. Three more versions are built from it:

- 5% / 20% near-copies: that share of the honest rows replaced by a copy of a random training row
  with one numeric field moved by at most 1% (never an exact copy; ``distance_power.near_copies``);
- copy: the training table itself.

Each version is written as Parquet and evaluated by the real CLI in a child process
(``python -m synthgate evaluate TRAIN SYNTH --holdout HOLDOUT --quasi-identifiers age,sex --json``),
timed from outside. Expected exit codes: 0, 1, 1, 1.

    .venv/bin/python benchmarks/evaluate_versions.py [--epochs 30] [--keep DIR]

Prints one row per version and writes benchmarks/results/evaluate-versions-cpu-2core.json
(aggregates only). The Parquet files hold real rows: they live in a temporary folder unless
``--keep`` names one.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # opacus ships a top-level `benchmarks` package: import siblings directly
sys.path.insert(0, str(HERE.parent))

import _bench_tables  # noqa: E402
from distance_power import near_copies  # noqa: E402

SEED = 2026
QUASI_IDENTIFIERS = "age,sex"
SHOWN = ("raw_copy_share", "close_records_share", "dcr_share", "nndr_ratio", "mia_auc",
         "singling_out_risk", "linkability_risk", "inference_risk")
EXPECTED = {"honest": 0, "near-copies 5%": 1, "near-copies 20%": 1, "copy": 1}


def real_split():
    """DoctorContacts typed by kind, integer columns as floats (near-copies move them by < 1%), split 80/20."""
    import pandas as pd

    frame, kinds = _bench_tables.doctor_contacts()
    frame = frame[list(kinds)]
    frame = frame.astype({c: float for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])})
    train, holdout = _bench_tables.split(frame, seed=SEED)
    return train, holdout, kinds


def honest_sample(train, kinds, *, epochs: int):
    """Our generator trained on ``train``; ``len(train)`` rows drawn without exact training copies."""
    from synthgate import generators
    from synthgate.generators.sampling import sample_without_copies

    params = generators.parse_params("autoregressive", {"max_epochs": epochs, "max_minutes": 2.0})
    model = generators.get_generator("autoregressive")(params, device="cpu", seed=SEED)
    began = time.perf_counter()
    model.fit(train, generators.TableSchema.from_mapping(kinds))
    fitted = time.perf_counter() - began
    drawn = sample_without_copies(model, len(train), seed=1, training=train)
    rows = drawn.rows[list(train.columns)].astype(train.dtypes.to_dict())
    return rows, {"fit_seconds": round(fitted, 1), "discarded_copies": drawn.discarded, "drawn": drawn.drawn}


def evaluate_cli(real: Path, synthetic: Path, holdout: Path, accept: str = "") -> dict:
    """Run ``python -m synthgate evaluate ... --json`` in a child process; exit code, JSON and wall time."""
    command = [sys.executable, "-m", "synthgate", "evaluate", str(real), str(synthetic), "--holdout", str(holdout),
               "--quasi-identifiers", QUASI_IDENTIFIERS, "--json", *(["--accept-inconclusive", accept] if accept else [])]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode not in (0, 1):
        raise SystemExit(f"evaluate exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}")
    return {"exit": done.returncode, "seconds": round(seconds, 1), "json": json.loads(done.stdout)}


def summarise(version: str, run: dict) -> dict:
    """The version's exit code, verdict, each shown gate's estimate [interval] and verdict, and the failing gates."""
    gates = {g["metric"]: g for g in run["json"]["gates"]}
    shown = {}
    for name in SHOWN:
        gate = gates.get(name)
        if gate is None:
            shown[name] = {"value": run["json"].get(name), "verdict": "not gated"}
        else:
            shown[name] = {k: gate[k] for k in ("value", "low", "high", "verdict", "bound", "operator")}
    blocking = [f"{g['metric']}:{g['verdict']}" for g in run["json"]["gates"] if g["verdict"] != "pass"]
    return {"version": version, "exit": run["exit"], "expected_exit": EXPECTED[version],
            "verdict": run["json"]["verdict"], "seconds": run["seconds"], "gates": shown, "not_passing": blocking,
            "not_applicable": sorted(run["json"]["not_applicable"])}


def _cell(gate: dict) -> str:
    value = gate.get("value")
    if value is None:
        return "n/a"
    text = f"{value:.3f}"
    if gate.get("low") is not None and gate.get("high") is not None:
        text += f" [{gate['low']:.3f}, {gate['high']:.3f}]"
    mark = {"fail": " FAIL", "inconclusive": " INCONCL"}.get(gate.get("verdict"), "")
    return text + mark


def _print(rows: list[dict]) -> None:
    print("| version | exit | verdict | " + " | ".join(SHOWN) + " | CLI s |")
    print("| --- " * (len(SHOWN) + 4) + "|")
    for row in rows:
        cells = [row["version"], str(row["exit"]), row["verdict"], *(_cell(row["gates"][n]) for n in SHOWN),
                 f"{row['seconds']:.1f}"]
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        if row["not_passing"]:
            print(f"{row['version']}: not passing: {', '.join(row['not_passing'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30, help="max epochs of our generator (2-minute budget too)")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the Parquet files (default: temporary)")
    parser.add_argument("--accept-inconclusive", default="", help="gates whose inconclusive figures pass, as a "
                        "spec's evaluation.accept_inconclusive (comma-separated), e.g. inference_risk")
    args = parser.parse_args()
    import numpy as np

    train, holdout, kinds = real_split()
    honest, sampled = honest_sample(train, kinds, epochs=args.epochs)
    print(f"train {len(train)}, holdout {len(holdout)}; generator fit {sampled['fit_seconds']} s, "
          f"{sampled['discarded_copies']} of {sampled['drawn']} drawn rows discarded as exact copies")
    rng = np.random.default_rng(SEED)
    tables = {"honest": honest, "near-copies 5%": near_copies(honest, train, 0.05, rng),
              "near-copies 20%": near_copies(honest, train, 0.20, rng), "copy": train}
    with tempfile.TemporaryDirectory(prefix="synthgate-versions-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"train": folder / "train.parquet", "holdout": folder / "holdout.parquet"}
        train.to_parquet(paths["train"], index=False)
        holdout.to_parquet(paths["holdout"], index=False)
        rows = []
        for i, (version, frame) in enumerate(tables.items()):
            path = paths["train"] if version == "copy" else folder / f"synthetic-{i}.parquet"
            if version != "copy":
                frame.to_parquet(path, index=False)
            rows.append(summarise(version, evaluate_cli(paths["train"], path, paths["holdout"],
                                                        args.accept_inconclusive)))
    _print(rows)
    load = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {load:.2f}")
    out = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_1min_at_end": round(load, 2)},
           "table": {"name": "Ecdat/DoctorContacts", "train": len(train), "holdout": len(holdout),
                     "synthetic": len(honest), "quasi_identifiers": QUASI_IDENTIFIERS},
           "generator": {"kind": "autoregressive", "max_epochs": args.epochs, **sampled}, "versions": rows}
    path = HERE / "results" / "evaluate-versions-cpu-2core.json"
    path.write_text(json.dumps(out, indent=2, sort_keys=True, default=float) + "\n", encoding="utf-8")
    print(f"written: {path.relative_to(HERE.parent)}")
    return 0 if all(row["exit"] == row["expected_exit"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
