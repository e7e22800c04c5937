"""Child process of the relational benchmark: MOSTLY AI's TabularARGN, a flat model of the root table and,
per child table, a sequential model with the root table as its context.

Runs with .venv-peers/bin/python (see benchmarks/setup_peers.sh), never with the project's venv:
    _rel_mostly_runner.py --work DIR --out-dir DIR [--seed 0] [--max-epochs E] [--device cpu] [--threads N]
DIR (work) holds meta.json and tables/<table>.parquet; writes DIR (out)/tables/<table>.parquet and
result.json. The engine takes one context table per target, so the data set must be a parent with
children (depth 2): grandchildren are refused. Children are sorted by their order_by column first
(the engine keeps the rows' order within a sequence).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _peak import peak_rss_mb  # this folder's module: the benchmarks run as scripts from here

ENCODING = {"numerical": "TABULAR_NUMERIC_AUTO", "categorical": "TABULAR_CATEGORICAL",
            "boolean": "TABULAR_CATEGORICAL", "datetime": "TABULAR_DATETIME"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-epochs", type=float, default=None, help="default: the engine's (100)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tabular-argn-rel-") as workspace:
        os.environ.update({"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                           "HF_HOME": str(Path(workspace) / "hf")})
        run(args, Path(workspace))


def _encodings(kinds: dict) -> dict:
    return {c: ENCODING[k] for c, k in kinds.items() if k != "id"}


def run(args: argparse.Namespace, workspace: Path) -> None:
    import pandas as pd
    import torch
    from mostlyai import engine

    torch.set_num_threads(args.threads)
    engine.init_logging()
    meta = json.loads((args.work / "meta.json").read_text(encoding="utf-8"))
    tables = {t: pd.read_parquet(args.work / "tables" / f"{t}.parquet") for t in meta["kinds"]}
    links = meta["links"]
    roots = {l["parent"] for l in links}
    if roots & {l["child"] for l in links} or len(roots) != 1:
        raise SystemExit("TabularARGN runs one context table per target: a parent with children only (depth 2)")
    root = roots.pop()
    key = meta["keys"][root]
    train_options = {} if args.max_epochs is None else {"max_epochs": args.max_epochs}
    engine.set_random_state(args.seed)
    train_s = sample_s = 0.0

    start = time.perf_counter()
    root_ws = workspace / root
    engine.split(tgt_data=tables[root], tgt_primary_key=key, tgt_encoding_types=_encodings(meta["kinds"][root]),
                 workspace_dir=root_ws)
    engine.analyze(workspace_dir=root_ws)
    engine.encode(workspace_dir=root_ws)
    engine.train(workspace_dir=root_ws, device=args.device, **train_options)
    train_s += time.perf_counter() - start
    start = time.perf_counter()
    engine.generate(sample_size=len(tables[root]), device=args.device, workspace_dir=root_ws)
    parents = pd.read_parquet(root_ws / "SyntheticData")
    parents[key] = [f"{root}-{i:06d}" for i in range(len(parents))]  # fresh keys, as ours writes them
    sample_s += time.perf_counter() - start
    synthetic = {root: parents}

    for link in links:
        child, column = link["child"], link["column"]
        order_by = meta["sequences"].get(child, {}).get("order_by")
        rows = tables[child].sort_values([column, order_by] if order_by else [column], kind="mergesort")
        child_ws = workspace / child
        start = time.perf_counter()
        engine.split(tgt_data=rows, ctx_data=tables[root], tgt_context_key=column, ctx_primary_key=key,
                     tgt_encoding_types=_encodings(meta["kinds"][child]),
                     ctx_encoding_types=_encodings(meta["kinds"][root]), workspace_dir=child_ws)
        engine.analyze(workspace_dir=child_ws)
        engine.encode(workspace_dir=child_ws)
        engine.train(workspace_dir=child_ws, device=args.device, **train_options)
        train_s += time.perf_counter() - start
        start = time.perf_counter()
        engine.generate(ctx_data=parents, device=args.device, workspace_dir=child_ws)
        synthetic[child] = pd.read_parquet(child_ws / "SyntheticData")
        sample_s += time.perf_counter() - start

    (args.out_dir / "tables").mkdir(parents=True, exist_ok=True)
    for table, frame in synthetic.items():
        frame = frame[list(tables[table].columns)].copy()
        for column, kind in meta["kinds"][table].items():
            if kind == "id":
                frame[column] = frame[column].astype(str)
        frame.to_parquet(args.out_dir / "tables" / f"{table}.parquet", index=False)
    result = {
        "train_s": round(train_s, 2), "sample_s": round(sample_s, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "params": {"max_epochs": args.max_epochs} if args.max_epochs else "defaults",
        "versions": {"mostlyai-engine": engine.__version__, "torch": torch.__version__,
                     "python": sys.version.split()[0]},
    }
    (args.out_dir / "result.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
