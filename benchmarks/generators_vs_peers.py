"""Benchmark synthgate's generators beside SDV's and MOSTLY AI's TabularARGN on four real tables, in one run.

Run: make bench-generators   (sets up .venv-peers for TabularARGN, then runs this script), or
     .venv/bin/python benchmarks/generators_vs_peers.py [--quick] [--tables ...] [--generators ...]
Each (table, generator) fits and samples in a fresh child process, so its peak RSS is its own,
with torch using every core. The parent scores the synthetic rows (SDMetrics quality, ML
efficacy on the real holdout, DCR share) and writes one JSON file (--out), rewritten after each
run so a stopped benchmark keeps what it measured. benchmarks/render_generators_table.py turns
it into the markdown tables of docs/benchmarks.md.

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
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repo root, for `generators`; this folder is on the path already

import _bench_metrics as metrics  # noqa: E402
from _bench_tables import MAX_ROWS, TABLES, load_table  # noqa: E402

PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
MOSTLY_RUNNER = Path(__file__).resolve().parent / "_mostly_runner.py"
QUICK_ROWS = 2_000
SDV_DEFAULT_EPOCHS = 300  # CTGAN's and TVAE's
DP_DELTA = 1e-5
DP_EPOCHS = 10  # DP-SGD passes (the default 20 doubles the DP runs, the slowest of the benchmark on 2 cores)

# name → (generator kind, params, epsilon or None); "tabular_argn" runs in .venv-peers instead.
OURS = {
    "autoregressive": ("autoregressive", {}, None),
    "autoregressive_dp1": ("autoregressive", {"dp": {"epsilon": 1.0, "delta": DP_DELTA, "epochs": DP_EPOCHS}}, 1.0),
    "autoregressive_dp5": ("autoregressive", {"dp": {"epsilon": 5.0, "delta": DP_DELTA, "epochs": DP_EPOCHS}}, 5.0),
    "gaussian_copula": ("gaussian_copula", {}, None),
    "ctgan": ("ctgan", {}, None),
    "tvae": ("tvae", {}, None),
}
ALL_GENERATORS = [*OURS, "tabular_argn"]
# --quick: tiny epoch caps, for smoke tests only (a cap a generator does not accept is dropped).
QUICK_CAPS = {"autoregressive": {"max_epochs": 2}, "ctgan": {"epochs": 2}, "tvae": {"epochs": 2}}
QUICK_DP_EPOCHS = 2
QUICK_ARGN_EPOCHS = 2


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
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="seconds one child may run")
    parser.add_argument("--label", default=socket.gethostname(), help="names the default --out file")
    parser.add_argument("--out", type=Path, default=None,
                        help="default: benchmarks/results/generators-<label>.json")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # internal: one job file
    return parser.parse_args(argv)


# --- child: one generator on one table --------------------------------------------------------

def run_child(job_path: Path) -> None:
    """Fit and sample one of our generators; write synthetic.parquet and result.json beside the job.

    A GeneratorError's message names columns and rules, never values, so it goes to error.json.
    """
    from synthgate import generators

    try:
        fit_and_sample(job_path)
    except generators.GeneratorError as exc:
        (job_path.parent / "error.json").write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        raise


def fit_and_sample(job_path: Path) -> None:
    """The child's work: fit on train.parquet, sample as many rows, time both, note ε and epochs."""
    import pandas as pd
    import torch

    from synthgate import generators

    job = json.loads(job_path.read_text(encoding="utf-8"))
    torch.set_num_threads(job["threads"])
    out = job_path.parent
    schema = generators.TableSchema.from_mapping(job["kinds"])
    train = pd.read_parquet(job["train"])[list(schema.names)]
    params = generators.parse_params(job["kind"], job["params"])
    generator = generators.get_generator(job["kind"])(params, device=job["device"], seed=0)
    marks = mark_epoch_loop(job["kind"])
    start = time.perf_counter()
    generator.fit(train, schema)
    end = time.perf_counter()
    train_s = end - start
    start = time.perf_counter()
    synthetic = generator.sample(len(train), seed=1)
    sample_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before save: the fit's own peak
    result = {"train_s": round(train_s, 2), "sample_s": round(sample_s, 2), "peak_rss_mb": round(peak, 1),
              "params": params.model_dump(mode="json")}
    if "epochs_start" in marks:
        epochs = params.epochs
        per_epoch = (end - marks["epochs_start"]) / epochs
        result["seconds_per_epoch"] = round(per_epoch, 3)
        result["projected_default_epochs_s"] = round(train_s + per_epoch * (SDV_DEFAULT_EPOCHS - epochs), 1)
    training = getattr(generator, "training", None)
    if isinstance(training, dict):
        result["training"] = {k: training[k] for k in ("epochs", "steps", "stopped") if k in training}
    if job["dp"]:
        result["dp"] = privacy_spent(generator, out / "model")
    synthetic.to_parquet(out / "synthetic.parquet", index=False)
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


# Where ctgan 0.12 builds the last object before a synthesizer's epoch loop: the hook's target.
EPOCH_LOOP_START = {"ctgan": ("ctgan.synthesizers.ctgan", "DataSampler"),
                    "tvae": ("ctgan.synthesizers.tvae", "TensorDataset")}


def mark_epoch_loop(kind: str) -> dict[str, float]:
    """Note when CTGAN's or TVAE's epoch loop starts, so seconds per epoch leave out data preparation.

    ctgan builds a DataSampler (CTGAN) or TensorDataset (TVAE) right before the loop; a subclass
    that stamps the time is the least intrusive hook there is. It patches only this child's ctgan.
    """
    import importlib

    marks: dict[str, float] = {}
    if kind not in EPOCH_LOOP_START:
        return marks
    module_name, attribute = EPOCH_LOOP_START[kind]
    module = importlib.import_module(module_name)
    base = getattr(module, attribute)

    class Marked(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            marks["epochs_start"] = time.perf_counter()

    setattr(module, attribute, Marked)
    return marks


def privacy_spent(generator, directory: Path) -> dict:
    """ε spent as the generator reports it: the manifest's "dp" record after save, else ``privacy_record``."""
    record = None
    try:
        generator.save(directory)
        record = json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("dp")
    except Exception as exc:  # a tolerant probe: the record is optional, the benchmark goes on
        print(f"manifest not readable ({type(exc).__name__})", file=sys.stderr)
    if record is None:
        record = getattr(generator, "privacy_record", None)
    if not isinstance(record, dict):
        return {"epsilon_spent": None, "record": None}
    spent = next((record[k] for k in ("epsilon_spent", "spent_epsilon", "epsilon") if isinstance(
        record.get(k), (int, float))), None)
    return {"epsilon_spent": spent, "record": record}


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


def run_generator(name: str, table, work: Path, args: argparse.Namespace) -> dict:
    """Fit and sample ``name`` on ``table`` in a child; the child's timings and the synthetic rows' path."""
    from synthgate import generators

    out = work / name
    out.mkdir()
    if name == "tabular_argn":
        if not PEERS_PYTHON.exists():
            return {"skipped": "no .venv-peers (run benchmarks/setup_peers.sh)"}
        command = [str(PEERS_PYTHON), str(MOSTLY_RUNNER), "--train", str(work / "train.parquet"),
                   "--kinds", str(work / "kinds.json"), "--rows", str(len(table.train)), "--out-dir", str(out),
                   "--device", args.device, "--threads", str(args.threads)]
        if args.quick:
            command += ["--max-epochs", str(QUICK_ARGN_EPOCHS)]
    else:
        kind, _, epsilon = OURS[name]
        if kind not in generators.available():
            return {"skipped": "not registered"}
        if epsilon is not None and DP_DELTA >= 1 / len(table.train):
            return {"skipped": f"delta {DP_DELTA} is not below 1/{len(table.train)} training rows"}
        params = our_params(name, args)
        try:
            generators.parse_params(kind, params)
        except generators.InvalidParamsError:
            if not args.quick:
                raise
            params = our_params(name, argparse.Namespace(**{**vars(args), "quick": False}))
        job = {"kind": kind, "params": params, "kinds": table.kinds, "train": str(work / "train.parquet"),
               "device": args.device, "threads": args.threads, "dp": epsilon is not None}
        (out / "job.json").write_text(json.dumps(job), encoding="utf-8")
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(out / "job.json")]
    start = time.perf_counter()
    failure = _launch(command, out / "log.txt", args)
    if failure:
        error_file = out / "error.json"
        return json.loads(error_file.read_text()) if error_file.exists() else {"error": failure}
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    result["child_wall_s"] = round(time.perf_counter() - start, 1)  # with imports, saving, writing
    result["synthetic_path"] = str(out / "synthetic.parquet")
    return result


def score(table, result: dict) -> dict:
    """Add quality, ML efficacy and DCR share of the synthetic rows to a child's result."""
    import pandas as pd

    synthetic = pd.read_parquet(result.pop("synthetic_path"))
    result.update(metrics.quality(table.train, synthetic, table.kinds))
    result["ml_efficacy"] = metrics.ml_efficacy(synthetic, table.holdout, table.kinds, table.target, table.task)
    result.update(metrics.dcr_share(table.train, table.holdout, synthetic, table.kinds))
    return result


def describe_machine() -> dict:
    """CPU, cores, RAM, GPU, Python and library versions of this machine and of .venv-peers."""
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
    if PEERS_PYTHON.exists():
        probe = "import importlib.metadata as m; print(m.version('mostlyai-engine'), m.version('torch'))"
        found = subprocess.run([str(PEERS_PYTHON), "-c", probe], capture_output=True, text=True)
        if found.returncode == 0:
            engine, peer_torch = found.stdout.split()
            libraries["mostlyai-engine"], libraries["torch (.venv-peers)"] = engine, peer_torch
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(ram_kb / 1024**2, 1),
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "python": platform.python_version(), "libraries": libraries}


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.child:
        run_child(args.child)
        return
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
                     "torch_threads": args.threads, "dp_delta": DP_DELTA},
        "notes": [f"CTGAN ran {ctgan_epochs} epochs and TVAE {tvae_epochs} (SDV's default: {SDV_DEFAULT_EPOCHS}); "
                  "seconds_per_epoch (the epoch loop alone) and projected_default_epochs_s (the whole fit "
                  f"with {SDV_DEFAULT_EPOCHS} epochs) give the default's cost.",
                  "dcr_share: 0.5 is ideal (synthetic rows as near the holdout as the training rows); "
                  "copies of the training rows score about 0.62 at an 80/20 split."],
        "tables": {},
    }
    for name in args.tables:
        table = load_table(name, max_rows=max_rows)
        print(f"{name}: {len(table.train):,} train / {len(table.holdout):,} holdout rows", flush=True)
        entry = report["tables"][name] = {
            "train_rows": len(table.train), "holdout_rows": len(table.holdout), "target": table.target,
            "task": table.task, "kinds": table.kinds, "generators": {},
            "real_ml_efficacy": metrics.ml_efficacy(table.train, table.holdout, table.kinds, table.target, table.task),
        }
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            work = Path(tmp)
            table.train.to_parquet(work / "train.parquet", index=False)
            (work / "kinds.json").write_text(json.dumps(table.kinds), encoding="utf-8")
            for generator in args.generators:
                result = run_generator(generator, table, work, args)
                if "synthetic_path" in result:
                    start = time.perf_counter()
                    result = score(table, result)
                    result["score_s"] = round(time.perf_counter() - start, 1)
                entry["generators"][generator] = result
                print(f"  {generator}: {summary(result)}", flush=True)
                out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(f"wrote {out}")


def summary(result: dict) -> str:
    """One line per run for the console."""
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    if "error" in result:
        return f"failed: {result['error']}"
    ml = " ".join(f"{k} {v:.3f}" for k, v in result["ml_efficacy"].items() if isinstance(v, float))
    return (f"train {result['train_s']:.1f} s, sample {result['sample_s']:.1f} s, "
            f"peak {result['peak_rss_mb']:.0f} MB, quality {result['quality_score']:.3f}, {ml}, "
            f"DCR share {result['dcr_share']:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
