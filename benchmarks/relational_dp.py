"""Train time and quality of RelationalGenerator with and without differential privacy per subject on pbc -> pbcseq.

Run: .venv/bin/python benchmarks/relational_dp.py [--epochs 10] [--epsilon 4 10] [--out FILE]
     [--set pbc|nafld] [--subjects N] [--max-children 32] [--skip-plain]
pbc (418 patients) -> pbcseq (1,945 visits), split by subject (20 % holdout); each fit trains on the
training tables and samples as many patients; evaluation.evaluate_relational scores it against the
training tables (SDMetrics multi-table quality, C2ST-Agg; no attacks). Under dp the numeric ranges
and the category lists are declared (the ranges are the data's min and max rounded out, standing in
for the codebook a real release declares them from; the categories are pbc's documented codes), and
max_children is 32 (a public cap on visits per patient), so the budget goes to DP-SGD.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _rel_data as rel_data  # noqa: E402


def declared_domains(data) -> dict:
    from synthgate.generators import _frames

    domains: dict = {}
    for name, frame in data.tables.items():
        for column, kind in data.kinds[name].items():
            if kind not in ("categorical", "numerical"):
                continue
            values = _frames.to_canonical(frame[column], column, kind).dropna()
            known = domains.get(column, {})
            if kind == "categorical":
                domains[column] = {"values": sorted({str(v) for v in values} | set(known.get("values", [])))}
            else:
                low = min(math.floor(float(values.min())), known.get("min", math.inf))
                high = max(math.ceil(float(values.max())), known.get("max", -math.inf))
                domains[column] = {"min": low, "max": high if high > low else low + 1}
    return domains


def run(data, train, params: dict, max_children: int, seed: int) -> tuple[dict, float]:
    from synthgate.evaluation.relational import evaluate_relational
    from synthgate.generators import RelationalGenerator

    generator = RelationalGenerator()
    start = time.perf_counter()
    report = generator.fit(train, data.keys, data.links, data.sequences, data.kinds, seed=seed, params=params,
                           max_children=max_children)
    seconds = time.perf_counter() - start
    synthetic = generator.sample(seed=seed + 1)
    result = evaluate_relational(train, synthetic, keys=data.keys, links=data.links, sequences=data.sequences,
                                 kinds=data.kinds, seed=seed, attacks=False)
    figures = {k: v for k, v in result.headline.items() if v is not None}
    return {"train_seconds": round(seconds, 1), "dp": report.get("dp"), "headline": figures,
            "rows": {n: len(f) for n, f in synthetic.items()}}, seconds


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="dp epochs (expected passes over the subjects)")
    parser.add_argument("--epsilon", type=float, nargs="+", default=[4.0, 10.0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--skip-plain", action="store_true", help="only the dp fits")
    parser.add_argument("--set", choices=list(rel_data.LOADERS), default="pbc")
    parser.add_argument("--subjects", type=int, default=None, help="a sample of this many root subjects")
    parser.add_argument("--max-children", type=int, default=32, help="the public cap on children under dp")
    args = parser.parse_args(argv)
    from synthgate.evaluation.relational import split_by_subject

    data = rel_data.LOADERS[args.set]()
    if args.subjects:
        data = rel_data.sample_subjects(data, args.subjects, seed=0)
    train, _ = split_by_subject(data.tables, data.keys, data.links, 0.2, seed=0)
    results = {} if args.skip_plain else {"plain": run(data, train, {}, 10_000, 0)[0]}
    print(json.dumps(results, indent=1), flush=True)
    domains = declared_domains(data)
    for epsilon in args.epsilon:
        params = {"dp": {"epsilon": epsilon, "delta": 1e-4, "epochs": args.epochs, "domains": domains}}
        results[f"dp_eps{epsilon:g}"] = run(data, train, params, args.max_children, 0)[0]
        print(json.dumps({f"dp_eps{epsilon:g}": results[f"dp_eps{epsilon:g}"]}, indent=1), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
