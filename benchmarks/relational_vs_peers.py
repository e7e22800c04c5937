"""Benchmark our relational generator beside SDV's HMA and PAR and MOSTLY AI's TabularARGN on linked tables.

Run: make bench-relational   (sets up .venv-peers for TabularARGN, then runs this script), or
     .venv/bin/python benchmarks/relational_vs_peers.py [--quick] [--sets pbc nafld] [--methods ...] [--labs]
Data sets (benchmarks/_rel_data.py): pbc -> pbcseq (418 patients, 1,945 visits ordered by day) and
nafld1 -> nafld3 (17,549 subjects, 34k events ordered by days; with --labs also nafld2, 400k lab
values). Each set is split by subject (evaluation.split_by_subject, 20% holdout); every method
trains on the training tables in a fresh child process (its peak RSS is its own) and samples as
many root rows; the parent scores each synthetic set with evaluation.evaluate_relational against
the training tables (privacy against the holdout) and writes one JSON file (--out), rewritten
after each run.

Methods: ``ours`` (synthgate.generators.RelationalGenerator; skipped with one line while it does
not exist), ``hma`` (SDV HMASynthesizer at its defaults), ``par`` (SDV PARSynthesizer on the first
sequence table, the parent's columns as context: parents without children are never generated,
other child tables not at all; SDV's 128 epochs, --quick 10) and ``tabular_argn`` (mostlyai-engine:
a flat model of the root table, then per child a sequential model with the root as context; the
engine's defaults, --quick 10 epochs).
--quick: pbc whole and nafld on a sample of 1,000 subjects, epoch caps above and for ours.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import _rel_data as rel_data  # noqa: E402

PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
RUNNER = HERE / "_rel_runner.py"
MOSTLY_RUNNER = HERE / "_rel_mostly_runner.py"
METHODS = ["ours", "hma", "par", "tabular_argn"]
PEER_METHODS = ["hma", "par", "tabular_argn"]
QUICK_SUBJECTS = 1_000
QUICK_EPOCHS = 10
HOLDOUT = 0.2
#: Higher is better for these headline figures: the ratio columns divide ours by the best peer's.
HIGHER_IS_BETTER = ("integrity_min", "cardinality_ks", "sequence_length_ks", "sequence_gap_ks", "sequence_first_ks",
                    "sequence_last_ks", "sequence_transitions_tv", "sdmetrics_score", "sdmetrics_cardinality",
                    "sdmetrics_intertable_trends", "c2st_agg")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=list(rel_data.LOADERS), default=list(rel_data.LOADERS))
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=METHODS)
    parser.add_argument("--quick", action="store_true",
                        help=f"nafld on {QUICK_SUBJECTS:,} subjects; {QUICK_EPOCHS} epochs for PAR, TabularARGN, ours")
    parser.add_argument("--subjects", type=int, default=None, help="root subjects per set (default: all; --quick "
                                                                   f"{QUICK_SUBJECTS:,})")
    parser.add_argument("--labs", action="store_true", help="nafld with nafld2 (400k lab values) too")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads of each child")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="seconds one child may run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--label", default=socket.gethostname(), help="names the default --out file")
    parser.add_argument("--out", type=Path, default=None, help="default: benchmarks/results/relational-<label>.json")
    return parser.parse_args(argv)


def ours_available() -> str | None:
    """None when synthgate.generators.RelationalGenerator imports, else why not (one line)."""
    try:
        from synthgate.generators import RelationalGenerator  # noqa: F401
    except ImportError:
        return "synthgate.generators.RelationalGenerator does not exist yet (issue 16): ours is skipped"
    return None


def command(method: str, work: Path, out: Path, args: argparse.Namespace) -> list[str] | str:
    """The child's command line, or why the method is skipped."""
    common = ["--work", str(work), "--out-dir", str(out), "--seed", str(args.seed), "--device", args.device,
              "--threads", str(args.threads)]
    if method == "tabular_argn":
        if not PEERS_PYTHON.exists():
            return "no .venv-peers (run benchmarks/setup_peers.sh)"
        return [str(PEERS_PYTHON), str(MOSTLY_RUNNER), *common] + (
            ["--max-epochs", str(QUICK_EPOCHS)] if args.quick else [])
    if method == "ours" and (why := ours_available()):
        return why
    epochs = ["--epochs", str(QUICK_EPOCHS)] if args.quick and method in ("par", "ours") else []
    return [sys.executable, str(RUNNER), "--method", method, *common, *epochs]


def launch(argv: list[str], log: Path, args: argparse.Namespace) -> str | None:
    """Run a child to completion; None on success, else one line (the exception's type, never its message)."""
    threads = str(args.threads)
    env = {**os.environ, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    with log.open("w", encoding="utf-8") as sink:
        try:
            done = subprocess.run(argv, stdout=sink, stderr=subprocess.STDOUT, timeout=args.timeout, cwd=ROOT, env=env)
        except subprocess.TimeoutExpired:
            return f"timed out after {args.timeout:.0f} s"
    if done.returncode == 0:
        return None
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return f"exit {done.returncode}: {lines[-1].split(':')[0] if lines else 'no output'}"


def score(data_set: rel_data.RelationalSet, train: dict, holdout: dict, synthetic: dict, seed: int) -> dict:
    """evaluate_relational on the tables the method generated (PAR leaves other child tables empty)."""
    from synthgate.evaluation import evaluate_relational

    made = [t for t, f in synthetic.items() if len(f)]
    links = [l for l in data_set.links if l["child"] in made and l["parent"] in made]
    result = evaluate_relational(
        {t: train[t] for t in made}, {t: synthetic[t] for t in made}, keys=data_set.keys, links=links,
        sequences={t: s for t, s in data_set.sequences.items() if t in made}, kinds=data_set.kinds,
        holdout={t: holdout[t] for t in made}, seed=seed)
    out = result.to_dict()
    out["tables_generated"] = made
    return out


def ratios(runs: dict[str, dict]) -> dict[str, float | None]:
    """Ours / the best peer, per headline figure (higher is better), and ours / the fastest peer's train time."""
    ours = runs.get("ours", {})
    if "evaluation" not in ours:
        return {}
    peers = [runs[m] for m in PEER_METHODS if "evaluation" in runs.get(m, {})]
    out: dict[str, float | None] = {}
    for figure, value in ours["evaluation"]["headline"].items():
        if not figure.startswith(HIGHER_IS_BETTER) or value is None:
            continue
        best = max((p["evaluation"]["headline"].get(figure) for p in peers
                    if p["evaluation"]["headline"].get(figure) is not None), default=None)
        out[figure] = None if not best else value / best
    fastest = min((p["train_s"] for p in peers), default=None)
    out["train_s"] = None if not fastest else ours["train_s"] / fastest
    return out


def render_table(runs: dict[str, dict]) -> str:
    """The figures side by side, one row per figure, one column per method (and the ratio)."""
    methods = [m for m in METHODS if m in runs]
    figures: list[str] = []
    for m in methods:
        for name in runs[m].get("evaluation", {}).get("headline", {}):
            if name not in figures:
                figures.append(name)
    ratio = ratios(runs)
    header = "| figure | " + " | ".join(methods) + " | ours / best peer |"
    lines = [header, "|" + "---|" * (len(methods) + 2)]
    for name, getter in (("train s", lambda r: r.get("train_s")), ("sample s", lambda r: r.get("sample_s")),
                         ("peak RSS MB", lambda r: r.get("peak_rss_mb"))):
        extra = _fmt(ratio.get("train_s")) if name == "train s" else ""
        lines.append(f"| {name} | " + " | ".join(_fmt(getter(runs[m])) if "skipped" not in runs[m]
                                                 else "skipped" for m in methods) + f" | {extra} |")
    for name in figures:
        cells = [_fmt(runs[m].get("evaluation", {}).get("headline", {}).get(name)) if "evaluation" in runs[m]
                 else "—" for m in methods]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {_fmt(ratio.get(name))} |")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if abs(value) < 100 else f"{value:,.0f}"


def machine() -> dict:
    return {"host": socket.gethostname(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "python": sys.version.split()[0],
            "note": "2 CPU cores shared with other engineers' runs: times are upper bounds"}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    out_path = args.out or HERE / "results" / f"relational-{args.label}{'-quick' if args.quick else ''}.json"
    record = {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}, "sets": {}}
    from synthgate.evaluation import split_by_subject

    for set_name in args.sets:
        data_set = rel_data.load_nafld(labs=args.labs) if set_name == "nafld" else rel_data.LOADERS[set_name]()
        subjects = args.subjects or (QUICK_SUBJECTS if args.quick else None)
        if subjects:
            data_set = rel_data.sample_subjects(data_set, subjects, seed=args.seed)
        train, holdout = split_by_subject(data_set.tables, data_set.keys, data_set.links, HOLDOUT, seed=args.seed)
        entry = record["sets"][set_name] = {
            "rows": {t: {"train": len(train[t]), "holdout": len(holdout[t])} for t in train},
            "orphans_dropped": data_set.orphans_dropped, "subjects_sampled": data_set.subjects_sampled,
            "runs": {}}
        print(f"== {set_name}: " + ", ".join(f"{t} {len(f):,} train rows" for t, f in train.items()), flush=True)
        with tempfile.TemporaryDirectory(prefix="rel-bench-") as tmp:
            work = Path(tmp) / "work"
            (work / "tables").mkdir(parents=True)
            (work / "meta.json").write_text(json.dumps(data_set.meta()), encoding="utf-8")
            for table, frame in train.items():
                frame.to_parquet(work / "tables" / f"{table}.parquet", index=False)
            for method in args.methods:
                run_dir = Path(tmp) / method
                run_dir.mkdir()
                argv_or_reason = command(method, work, run_dir, args)
                if isinstance(argv_or_reason, str):
                    print(f"   {method}: skipped: {argv_or_reason}", flush=True)
                    entry["runs"][method] = {"skipped": argv_or_reason}
                    continue
                started = time.perf_counter()
                failed = launch(argv_or_reason, run_dir / "log.txt", args)
                if failed:
                    print(f"   {method}: failed: {failed}", flush=True)
                    entry["runs"][method] = {"failed": failed}
                    continue
                result = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
                import pandas as pd

                synthetic = {t: pd.read_parquet(run_dir / "tables" / f"{t}.parquet") for t in train}
                result["evaluation"] = score(data_set, train, holdout, synthetic, args.seed)
                result["wall_s"] = round(time.perf_counter() - started, 1)
                entry["runs"][method] = result
                print(f"   {method}: train {result['train_s']} s, sample {result['sample_s']} s, "
                      f"peak {result['peak_rss_mb']} MB", flush=True)
                out_path.parent.mkdir(parents=True, exist_ok=True)
                out_path.write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")
        entry["ratios"] = ratios(entry["runs"])
        entry["table"] = render_table(entry["runs"])
        print(entry["table"], flush=True)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")
    print(f"written: {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
