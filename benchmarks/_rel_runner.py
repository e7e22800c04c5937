"""Child process of the relational benchmark: SDV's HMA or PAR, or our RelationalGenerator, on one data set.

Runs with the project's venv:
    _rel_runner.py --method hma|par|ours --work DIR --out-dir DIR [--seed 0] [--epochs E] [--threads N]
DIR (work) holds meta.json (keys, links, sequences, kinds) and tables/<table>.parquet (training rows).
Writes DIR (out)/tables/<table>.parquet (synthetic, same columns, keys as strings) and result.json
(train_s, sample_s, peak_rss_mb, params, notes, versions).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from pathlib import Path

import pandas as pd

from _peak import peak_rss_mb  # this folder's module: the benchmarks run as scripts from here

SDTYPES = {"numerical": "numerical", "categorical": "categorical", "datetime": "datetime", "boolean": "boolean",
           "id": "id"}
PARENT_PREFIX = "parent."


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=["hma", "par", "ours"], required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=None, help="PAR's epochs / our max_epochs (default: theirs)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--device", default="cpu")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    meta = json.loads((args.work / "meta.json").read_text(encoding="utf-8"))
    tables = {t: pd.read_parquet(args.work / "tables" / f"{t}.parquet") for t in meta["kinds"]}
    run = {"hma": run_hma, "par": run_par, "ours": run_ours}[args.method]
    synthetic, result = run(tables, meta, args)
    (args.out_dir / "tables").mkdir(parents=True, exist_ok=True)
    for table, frame in synthetic.items():
        frame = frame[list(tables[table].columns)].copy()
        for column, kind in meta["kinds"][table].items():
            if kind == "id":
                frame[column] = frame[column].astype(str)
        frame.to_parquet(args.out_dir / "tables" / f"{table}.parquet", index=False)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result.setdefault("versions", {})["python"] = sys.version.split()[0]
    (args.out_dir / "result.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


def _metadata(tables: dict, meta: dict, *, relationships: bool = True) -> dict:
    out = {"tables": {}, "relationships": [], "METADATA_SPEC_VERSION": "V1"}
    for table, kinds in meta["kinds"].items():
        entry = {"columns": {c: {"sdtype": SDTYPES[k]} for c, k in kinds.items()}}
        if meta["keys"].get(table):
            entry["primary_key"] = meta["keys"][table]
        out["tables"][table] = entry
    if relationships:
        out["relationships"] = [{"parent_table_name": l["parent"], "parent_primary_key": l["parent_column"],
                                 "child_table_name": l["child"], "child_foreign_key": l["column"]}
                                for l in meta["links"]]
    return out


def run_hma(tables: dict, meta: dict, args: argparse.Namespace) -> tuple[dict, dict]:
    """SDV's HMASynthesizer at its defaults (free SDV: at most 5 tables, depth 2 in practice)."""
    import sdv
    from sdv.metadata import Metadata
    from sdv.multi_table import HMASynthesizer

    synthesizer = HMASynthesizer(Metadata.load_from_dict(_metadata(tables, meta)), verbose=False)
    start = time.perf_counter()
    synthesizer.fit(tables)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    root = next(t for t in tables if all(l["child"] != t for l in meta["links"]))
    synthetic = synthesizer.sample(num_rows=len(tables[root]), main_table_name=root)  # SDV 2.0: rows of the root
    return synthetic, {"train_s": round(train_s, 2), "sample_s": round(time.perf_counter() - start, 2),
                       "params": "defaults", "versions": {"sdv": sdv.__version__}}


def run_par(tables: dict, meta: dict, args: argparse.Namespace) -> tuple[dict, dict]:
    """SDV's PARSynthesizer on the first sequence table, its parent's columns as context columns.

    PAR models one table; parents ride along as context (constant per sequence), so a parent
    without children cannot be generated, and other child tables are not generated at all.
    """
    import sdv
    from sdv.metadata import Metadata
    from sdv.sequential import PARSynthesizer

    child = next(iter(meta["sequences"]))
    link = next(l for l in meta["links"] if l["child"] == child)
    parent, key, order_by = link["parent"], link["column"], meta["sequences"][child]["order_by"]
    parent_kinds = {c: k for c, k in meta["kinds"][parent].items() if k != "id"}
    context = tables[parent].rename(columns={c: PARENT_PREFIX + c for c in parent_kinds})
    joined = tables[child].merge(context, left_on=key, right_on=link["parent_column"], how="inner")
    joined = joined[list(tables[child].columns) + [PARENT_PREFIX + c for c in parent_kinds]]
    kinds = {**meta["kinds"][child], **{PARENT_PREFIX + c: k for c, k in parent_kinds.items()}}
    metadata = Metadata.load_from_dict({"tables": {child: {
        "columns": {c: {"sdtype": SDTYPES[k]} for c, k in kinds.items()}, "sequence_key": key,
        "sequence_index": order_by}}, "METADATA_SPEC_VERSION": "V1"})
    params = {"epochs": args.epochs} if args.epochs else {}
    synthesizer = PARSynthesizer(metadata, context_columns=[PARENT_PREFIX + c for c in parent_kinds],
                                 cuda=args.device != "cpu", verbose=False, **params)
    start = time.perf_counter()
    synthesizer.fit({child: joined})  # SDV 2.0: a dict of exactly one table
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    sequences = joined[key].nunique()
    synthetic = synthesizer.sample_sequences(num_sequences=sequences)
    if isinstance(synthetic, dict):
        synthetic = synthetic[child]
    sample_s = time.perf_counter() - start
    synthetic[key] = [f"{parent}-{i}" for i in pd.factorize(synthetic[key])[0]]
    firsts = synthetic.drop_duplicates(key)
    parents = firsts[[key] + [PARENT_PREFIX + c for c in parent_kinds]].rename(
        columns={PARENT_PREFIX + c: c for c in parent_kinds}).rename(columns={key: link["parent_column"]})
    out = {parent: parents.reset_index(drop=True), child: synthetic[list(tables[child].columns)]}
    for other in tables:
        if other not in out:  # PAR generates one table: the others stay empty
            out[other] = tables[other].iloc[:0]
    notes = [f"PAR generates {child} only, parents from the context of {sequences} sequences "
             "(no parent without children; other child tables empty)"]
    return out, {"train_s": round(train_s, 2), "sample_s": round(sample_s, 2),
                 "params": params or "defaults", "notes": notes, "versions": {"sdv": sdv.__version__}}


def run_ours(tables: dict, meta: dict, args: argparse.Namespace) -> tuple[dict, dict]:
    """synthgate's RelationalGenerator (fit with the contract's plain values, sample at scale 1)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from synthgate.generators import RelationalGenerator

    generator = RelationalGenerator()
    accepted = inspect.signature(generator.fit).parameters
    options = {k: v for k, v in {"seed": args.seed, "device": args.device}.items() if k in accepted}
    params = {}
    if args.epochs:
        params = {"max_epochs": args.epochs}
        if "params" in accepted:
            options["params"] = params
        elif "max_epochs" in accepted:
            options["max_epochs"] = args.epochs
        else:
            params = {}
    start = time.perf_counter()
    keys = {t: k for t, k in meta["keys"].items() if k}  # a table without a primary key is left out
    generator.fit(tables, keys, meta["links"], meta["sequences"], meta["kinds"], **options)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = generator.sample(scale=1.0, seed=args.seed)
    return synthetic, {"train_s": round(train_s, 2), "sample_s": round(time.perf_counter() - start, 2),
                       "params": params or "defaults", "versions": {}}


if __name__ == "__main__":
    main(sys.argv[1:])
