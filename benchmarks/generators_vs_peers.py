"""Benchmark synthgate's generators beside SDV's, MOSTLY AI's TabularARGN and SmartNoise's AIM/MST on six real tables.

Run: make bench-generators   (sets up .venv-peers for TabularARGN, then runs this script),
     make bench-dp-peers     (also .venv-smartnoise; the DP generators on the two wide tables), or
     .venv/bin/python benchmarks/generators_vs_peers.py [--quick] [--tables ...] [--generators ...]
Each (table, generator) fits and samples in a fresh child process, so its peak RSS is its own,
with torch using every core. The parent scores the synthetic rows (SDMetrics quality and pair
trends, C2ST, ML efficacy on the real holdout, DCR share, and the share of synthetic rows keeping
the rules detected on the real training rows) and writes one JSON file (--out), rewritten after
each run so a stopped benchmark keeps what it measured. benchmarks/render_generators_table.py
turns it into the markdown tables of docs/benchmarks.md.

Timing: one fit's time moves by up to 1.5x between runs on a shared VM, for ours and the peers
alike, so one run cannot tell a ratio of 0.10 from 0.15. --repeats N fits every generator N times,
in interleaved rounds (every generator once per round, so a slow spell of the machine falls on
all of them); train_s is then the median of the N fits (each kept in train_s_runs), and the
figures of quality, privacy and memory are those of the first round's rows.

Rules: detection runs on the real training rows; our non-DP generators get the rules as their
``rules`` param when they accept one (a release gets them from its spec the same way); the DP
generators do not (rules read off the data would spend privacy that DP-SGD does not account for);
the peers have no such input. --no-rules gives no generator any rule.

CTGAN runs --ctgan-epochs (default 30) instead of SDV's 300: 300 epochs would take about 10 min
per table on 2 cores, and nearly 2 h on gss_wages (its 538 occupation codes widen every step).
The JSON records its seconds per epoch (the epoch loop alone, timed from inside ctgan) and the
projected time of 300; the same for TVAE (--tvae-epochs, default SDV's 300: about 25 min in all).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repo root, for `generators`; this folder is on the path already

import _bench_figures as figures  # noqa: E402
import _bench_metrics as metrics  # noqa: E402
from _bench_peers import PEERS, QUICK_AIM_ROUNDS_PER_COLUMN, peer_command, peer_versions  # noqa: E402
from _bench_child import SDV_DEFAULT_EPOCHS  # noqa: E402
from _bench_tables import MAX_ROWS, TABLES, load_table  # noqa: E402

CHILD = Path(__file__).resolve().parent / "_bench_child.py"  # fits and samples one of ours in a fresh process
QUICK_ROWS = 2_000
DP_DELTA = 1e-5
DP_EPOCHS = 10  # DP-SGD passes (the default 20 doubles the DP runs, the slowest of the benchmark on 2 cores)

# name → (generator kind, params, epsilon or None); the PEERS run in venvs of their own (_bench_peers.py).
OURS = {
    "autoregressive": ("autoregressive", {}, None),
    "autoregressive_dp1": ("autoregressive", {"dp": {"epsilon": 1.0, "delta": DP_DELTA, "epochs": DP_EPOCHS}}, 1.0),
    "autoregressive_dp5": ("autoregressive", {"dp": {"epsilon": 5.0, "delta": DP_DELTA, "epochs": DP_EPOCHS}}, 5.0),
    "gaussian_copula": ("gaussian_copula", {}, None),
    "ctgan": ("ctgan", {}, None),
    "tvae": ("tvae", {}, None),
}
ALL_GENERATORS = [*OURS, *PEERS]
# --quick: tiny epoch caps, for smoke tests only (a cap a generator does not accept is dropped).
QUICK_CAPS = {"autoregressive": {"max_epochs": 2}, "ctgan": {"epochs": 2}, "tvae": {"epochs": 2}}
QUICK_DP_EPOCHS = 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), default=list(TABLES))
    parser.add_argument("--generators", nargs="+", choices=ALL_GENERATORS, default=ALL_GENERATORS)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows per table, tiny epoch caps")
    parser.add_argument("--quick-rows", type=int, default=QUICK_ROWS,
                        help="rows per table with --quick (the full table size times the epoch caps)")
    parser.add_argument("--ctgan-epochs", type=int, default=30, help="CTGAN epochs (SDV's default: 300)")
    parser.add_argument("--tvae-epochs", type=int, default=SDV_DEFAULT_EPOCHS, help="TVAE epochs (SDV's default)")
    parser.add_argument("--device", default="cpu", help="device of every generator (cpu or cuda)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="torch threads of each child (default: all cores; fewer on a shared machine)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="fits per generator, in interleaved rounds; train_s is their median")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="seconds one child may run")
    parser.add_argument("--bins", type=int, default=32, help="bins per numeric column for AIM and MST")
    parser.add_argument("--aim-rounds-per-column", type=float, default=None,
                        help="AIM's rounds per column (default: AIM's own, 16; --quick: 2)")
    parser.add_argument("--no-rules", action="store_true", help="give no generator the detected rules")
    parser.add_argument("--dp-private-domains", action="store_true",
                        help="our DP generators learn domains privately (default: declared public, as for AIM/MST)")
    parser.add_argument("--label", default=socket.gethostname(), help="names the default --out file")
    parser.add_argument("--out", type=Path, default=None,
                        help="default: benchmarks/results/generators-<label>.json")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    return args


# --- parent: launch, score, record ------------------------------------------------------------

def _launch(command: list[str], log: Path, args: argparse.Namespace) -> str | None:
    """Run a child to completion; None on success, else a one-line reason (no data values)."""
    threads = str(args.threads)  # numpy/scipy/sklearn thread pools too, not only torch's
    env = {**os.environ, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    timeout = args.timeout
    with log.open("w", encoding="utf-8") as sink:
        try:
            done = subprocess.run(command, stdout=sink, stderr=subprocess.STDOUT, timeout=timeout, cwd=ROOT, env=env)
        except subprocess.TimeoutExpired:
            return f"timed out after {timeout:.0f} s"
    if done.returncode == 0:
        return None
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    # Only the exception's type: a library message may quote a training value.
    return f"exit {done.returncode}: {lines[-1].split(':')[0] if lines else 'no output'}"


def our_params(name: str, args: argparse.Namespace) -> dict:
    """The params of one of our generators for this run (CTGAN epochs, --quick caps)."""
    kind, params, _ = OURS[name]
    params = json.loads(json.dumps(params))  # a deep copy
    if kind in ("ctgan", "tvae"):
        params["epochs"] = args.ctgan_epochs if kind == "ctgan" else args.tvae_epochs
    if args.quick:
        params.update(QUICK_CAPS.get(kind, {}))
        if "dp" in params:
            params["dp"]["epochs"] = QUICK_DP_EPOCHS
    return params


def public_domains(frame, kinds: dict[str, str]) -> dict[str, dict]:
    """Each column's domain as a spec would declare it: categories, or min and max (dates as ISO days).

    The same assumption as SmartNoise's runs (``_smartnoise_runner.declare_domains``): the domain
    is public, so no ε is spent learning it; both DP sides then compare on equal terms.
    """
    import pandas as pd

    domains = {}
    for name, kind in kinds.items():
        column = frame[name].dropna()
        if column.empty:
            continue
        if kind == "boolean":
            continue  # known by its kind: our DP params refuse a declared boolean domain
        if kind == "categorical":
            domains[name] = {"values": sorted({str(v) for v in column})}
        elif kind == "datetime":
            dates = pd.to_datetime(column)
            domains[name] = {"min": dates.min().date().isoformat(), "max": dates.max().date().isoformat()}
        else:
            domains[name] = {"min": float(column.min()), "max": float(column.max())}
    return domains


def run_generator(name: str, table, work: Path, args: argparse.Namespace, rules: list[dict] | None,
                  round_: int = 1) -> dict:
    """Fit and sample ``name`` on ``table`` in a child; the child's timings and the synthetic rows' path.

    ``rules`` (detected on the training rows) go to our non-DP generators only; ``round_`` > 1 is a
    repeat (``--repeats``), run in a folder of its own.
    """
    from synthgate import generators

    out = work / (name if round_ == 1 else f"{name}-round{round_}")
    out.mkdir()
    if name in PEERS:
        command = peer_command(name, work, out, len(table.train), args, DP_DELTA)
        if isinstance(command, str):
            return {"skipped": command}
    else:
        kind, _, epsilon = OURS[name]
        if kind not in generators.available():
            return {"skipped": "not registered"}
        if epsilon is not None and DP_DELTA >= 1 / len(table.train):
            return {"skipped": f"delta {DP_DELTA} is not below 1/{len(table.train)} training rows"}
        params = our_params(name, args)
        if epsilon is not None and not args.dp_private_domains:
            params["dp"]["domains"] = public_domains(table.train, table.kinds)
        try:
            generators.parse_params(kind, params)
        except generators.InvalidParamsError:
            if not args.quick:
                raise
            params = our_params(name, argparse.Namespace(**{**vars(args), "quick": False}))
        job = {"kind": kind, "params": params, "kinds": table.kinds, "train": str(work / "train.parquet"),
               "device": args.device, "threads": args.threads, "dp": epsilon is not None,
               "rules": rules if rules and epsilon is None and not args.no_rules else None}
        (out / "job.json").write_text(json.dumps(job), encoding="utf-8")
        command = [sys.executable, str(CHILD), str(out / "job.json")]
    start = time.perf_counter()
    failure = _launch(command, out / "log.txt", args)
    if failure:
        error_file = out / "error.json"
        return json.loads(error_file.read_text()) if error_file.exists() else {"error": failure}
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    result["child_wall_s"] = round(time.perf_counter() - start, 1)  # with imports, saving, writing
    result["synthetic_path"] = str(out / "synthetic.parquet")
    return result


def score(table, result: dict, rules: list[dict] | None, real_shares: list[float] | None) -> dict:
    """Add quality and pair trends, C2ST, ML efficacy, DCR share and rule keeping to a child's result."""
    import pandas as pd

    synthetic = metrics.align(pd.read_parquet(result.pop("synthetic_path")), table.kinds)
    result.update(metrics.quality(table.train, synthetic, table.kinds))
    result.update(figures.c2st_figure(metrics.align(table.train, table.kinds), synthetic, table.kinds))
    result["ml_efficacy"] = metrics.ml_efficacy(synthetic, table.holdout, table.kinds, table.target, table.task)
    result.update(metrics.dcr_share(table.train, table.holdout, synthetic, table.kinds))
    if rules is not None:
        result.update(figures.keeping(real_shares, figures.shares(synthetic, rules), rules))
    else:
        result["rules_missing"] = "synthgate.expectations.rules"
    return result


def add_repeat(result: dict, again: dict) -> None:
    """Fold a repeated fit's time into ``result``: every fit's seconds in train_s_runs, their median in train_s.

    A repeat that failed is recorded as such and leaves the median to the fits that ran.
    """
    runs = result.setdefault("train_s_runs", [result["train_s"]])
    if "train_s" in again:
        runs.append(again["train_s"])
    else:
        result.setdefault("failed_repeats", []).append(again.get("error", again.get("skipped", "no result")))
    result["train_s"] = round(statistics.median(runs), 2)


def describe_machine() -> dict:
    """CPU, cores, RAM, GPU, Python and library versions of this machine and of the peers' venvs."""
    from importlib.metadata import PackageNotFoundError, version

    import torch

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    libraries = {}
    for package in ("torch", "sdv", "sdmetrics", "ctgan", "rdt", "opacus", "scikit-learn", "pandas", "numpy"):
        try:
            libraries[package] = version(package)
        except PackageNotFoundError:
            libraries[package] = None
    libraries.update(peer_versions())
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(ram_kb / 1024**2, 1),
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "python": platform.python_version(), "libraries": libraries}


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    from threadpoolctl import threadpool_limits

    threadpool_limits(args.threads)  # the scoring models (HistGradientBoosting) in this process
    out = args.out or ROOT / "benchmarks" / "results" / f"generators-{args.label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    ctgan_epochs = QUICK_CAPS["ctgan"]["epochs"] if args.quick else args.ctgan_epochs
    tvae_epochs = QUICK_CAPS["tvae"]["epochs"] if args.quick else args.tvae_epochs
    max_rows = min(args.quick_rows, MAX_ROWS) if args.quick else MAX_ROWS
    report = {
        "machine": describe_machine(), "date": time.strftime("%Y-%m-%d"),
        "settings": {"quick": args.quick, "max_rows": max_rows,
                     "ctgan_epochs": ctgan_epochs, "tvae_epochs": tvae_epochs, "device": args.device,
                     "torch_threads": args.threads, "dp_delta": DP_DELTA, "smartnoise_bins": args.bins,
                     "aim_rounds_per_column": args.aim_rounds_per_column or (
                         QUICK_AIM_ROUNDS_PER_COLUMN if args.quick else 16),
                     "rules_to_generators": not args.no_rules, "repeats": args.repeats},
        "notes": [f"train_s is the median of {args.repeats} fits per generator in interleaved rounds "
                  "(train_s_runs); the other figures are the first round's." if args.repeats > 1 else
                  "train_s: one fit per generator.",
                  f"CTGAN ran {ctgan_epochs} epochs and TVAE {tvae_epochs} (SDV's default: {SDV_DEFAULT_EPOCHS}); "
                  "seconds_per_epoch (the epoch loop alone) and projected_default_epochs_s (the whole fit "
                  f"with {SDV_DEFAULT_EPOCHS} epochs) give the default's cost.",
                  "dcr_share: 0.5 is ideal (synthetic rows as near the holdout as the training rows); "
                  "copies of the training rows score about 0.62 at an 80/20 split.",
                  "c2st: 1 - (2 max(AUC, 0.5) - 1) of a classifier telling real training rows from "
                  "synthetic ones; 1 = indistinguishable.",
                  f"rule keeping: over the rules detected on the training rows that >= {figures.REAL_HELD:.1%} "
                  "of them keep; rule_min_share is the lowest share of synthetic rows keeping one, "
                  f"rules_kept_share the share of those rules kept by >= {figures.KEPT:.0%} of synthetic rows.",
                  "aim/mst: SmartNoise with a declared (public) domain: bounds and categories of the training "
                  f"rows taken as known, {args.bins} equal-width bins per number, no budget spent on them."],
        "tables": {},
    }
    for name in args.tables:
        table = load_table(name, max_rows=max_rows)
        print(f"{name}: {len(table.train):,} train / {len(table.holdout):,} holdout rows", flush=True)
        aligned = metrics.align(table.train, table.kinds)  # the dtypes every synthetic table is scored in
        rules = figures.detect(aligned, table.kinds)
        real_shares = figures.shares(aligned, rules) if rules is not None else None
        entry = report["tables"][name] = {
            "train_rows": len(table.train), "holdout_rows": len(table.holdout), "target": table.target,
            "task": table.task, "kinds": table.kinds, "generators": {},
            "real_ml_efficacy": metrics.ml_efficacy(table.train, table.holdout, table.kinds, table.target, table.task),
            "rules": None if rules is None else [
                {**figures.public_rule(rule), "real_share": share}
                for rule, share in zip(rules, real_shares or [None] * len(rules))],
        }
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            work = Path(tmp)
            table.train.to_parquet(work / "train.parquet", index=False)
            (work / "kinds.json").write_text(json.dumps(table.kinds), encoding="utf-8")
            for generator in args.generators:
                result = run_generator(generator, table, work, args, rules)
                if "synthetic_path" in result:
                    start = time.perf_counter()
                    result = score(table, result, rules, real_shares)
                    result["score_s"] = round(time.perf_counter() - start, 1)
                entry["generators"][generator] = result
                print(f"  {generator}: {summary(result)}", flush=True)
                out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
            for round_ in range(2, args.repeats + 1):
                for generator, result in entry["generators"].items():
                    if "train_s" not in result:
                        continue  # skipped or failed in the first round
                    again = run_generator(generator, table, work, args, rules, round_)
                    add_repeat(result, again)
                    print(f"  {generator}, round {round_}: " + (f"train {again['train_s']:.1f} s" if "train_s" in again
                          else f"failed: {again.get('error', again.get('skipped'))}"), flush=True)
                    out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(f"wrote {out}")


def summary(result: dict) -> str:
    """One line per run for the console."""
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    if "error" in result:
        return f"failed: {result['error']}"
    ml = " ".join(f"{k} {v:.3f}" for k, v in result["ml_efficacy"].items() if isinstance(v, float))
    c2st = f"C2ST {result['c2st']:.3f}" if "c2st" in result else "C2ST –"
    kept = result.get("rules_kept_share")
    rules = (f"rules kept {kept:.0%} of {result['rules_checked']} (min {result['rule_min_share']:.3f})"
             if isinstance(kept, float) else "rules –") + (" (rules refused)" if result.get("rules_refused") else "")
    return (f"train {result['train_s']:.1f} s, sample {result['sample_s']:.1f} s, "
            f"peak {result['peak_rss_mb']:.0f} MB, quality {result['quality_score']:.3f}, "
            f"pair trends {result['column_pair_trends']:.3f}, {c2st}, {ml}, "
            f"DCR share {result['dcr_share']:.3f}, {rules}")


if __name__ == "__main__":
    main(sys.argv[1:])
