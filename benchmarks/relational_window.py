"""Does the relational generator keep a sequence's order_by inside the observation window?

Run: .venv/bin/python benchmarks/relational_window.py --label after [--sets pbc nafld defense]
Fits synthgate.generators.RelationalGenerator on pbc -> pbcseq (whole), a sample of nafld1 ->
nafld3 (--nafld-subjects, default 1,500) and the defense demo's members -> postings, visits
(--members, default 300; flows/demo_defense.py, fake), samples as many root rows and measures per
sequence table: the share of drawn order_by values above the real table's max (and below its
min), and evaluation.relational's sequence figures (length, gap, first, last: KS similarity),
cardinality KS and C2ST-Agg, against the training tables themselves (no holdout: this measures
fidelity, not privacy). Writes benchmarks/results/relational-window-<label>.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import _rel_data as rel_data  # noqa: E402


def defense_set(members: int) -> rel_data.RelationalSet:
    from synthgate.flows.demo_defense import defense_tables

    raw = defense_tables(members)
    tables = {
        "members": raw["members"][["군번", "계급", "군구분", "소속부대", "입대일", "혈액형"]].copy(),
        "postings": raw["postings"][["군번", "부대", "주둔지", "전입일", "전출일"]].copy(),
        "visits": raw["visits"][["군번", "진료일", "진료과", "진단코드"]].copy(),
    }
    for frame in tables.values():
        for c in ("입대일", "전입일", "전출일", "진료일"):
            if c in frame:
                frame[c] = pd.to_datetime(frame[c])
    kinds = {"members": {"군번": "id", "계급": "categorical", "군구분": "categorical", "소속부대": "categorical",
                         "입대일": "datetime", "혈액형": "categorical"},
             "postings": {"군번": "id", "부대": "categorical", "주둔지": "categorical", "전입일": "datetime",
                          "전출일": "datetime"},
             "visits": {"군번": "id", "진료일": "datetime", "진료과": "categorical", "진단코드": "categorical"}}
    links = [{"child": c, "column": "군번", "parent": "members", "parent_column": "군번"} for c in ("postings", "visits")]
    return rel_data.RelationalSet("defense", tables, {"members": "군번", "postings": None, "visits": None}, links,
                                  {"postings": {"order_by": "전입일"}, "visits": {"order_by": "진료일"}}, kinds)


def outside(real: pd.Series, drawn: pd.Series) -> dict:
    r, d = real.dropna(), drawn.dropna()
    if pd.api.types.is_datetime64_any_dtype(r):
        r, d = r.astype("int64"), pd.to_datetime(d).astype("int64")
    return {"beyond_max_share": float((d > r.max()).mean()) if len(d) else None,
            "below_min_share": float((d < r.min()).mean()) if len(d) else None, "drawn": int(len(d))}


def run(data_set: rel_data.RelationalSet, epochs: int, seed: int) -> dict:
    from synthgate.evaluation import evaluate_relational
    from synthgate.generators import RelationalGenerator

    model = RelationalGenerator()
    started = time.perf_counter()
    model.fit(data_set.tables, data_set.keys, data_set.links, data_set.sequences, data_set.kinds, seed=seed,
              params={"max_epochs": epochs, "max_minutes": 1.5})
    fit_seconds = time.perf_counter() - started
    synthetic = model.sample(seed=seed)
    figures = evaluate_relational(data_set.tables, synthetic, keys=data_set.keys, links=data_set.links,
                                  sequences=data_set.sequences, kinds=data_set.kinds, seed=seed, quality=False,
                                  attacks=False)
    out = {"fit_seconds": round(fit_seconds, 1), "rows": {t: len(f) for t, f in synthetic.items()},
           "real_rows": {t: len(f) for t, f in data_set.tables.items()},
           "headline": figures.to_dict()["headline"], "window": {},
           "sample_report": getattr(model, "last_sample", None)}
    for table, seq in data_set.sequences.items():
        ob = seq["order_by"]
        out["window"][table] = outside(data_set.tables[table][ob], synthetic[table][ob])
        real_len = data_set.tables[table].groupby(data_set.links[0]["column"]).size()
        out["window"][table]["mean_length_real"] = float(real_len.sum() / len(data_set.tables[data_set.root]))
        out["window"][table]["mean_length_synthetic"] = float(len(synthetic[table]) / len(synthetic[data_set.root]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--sets", nargs="+", default=["pbc", "nafld", "defense"])
    parser.add_argument("--nafld-subjects", type=int, default=1_500)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    path = HERE / "results" / f"relational-window-{args.label}.json"
    results: dict = {"label": args.label, "epochs": args.epochs, "sets": {}}
    for name in args.sets:
        data_set = (rel_data.load_pbc() if name == "pbc" else
                    rel_data.sample_subjects(rel_data.load_nafld(), args.nafld_subjects) if name == "nafld" else
                    defense_set(args.members))
        for seed in args.seeds:
            result = run(data_set, args.epochs, seed)
            results["sets"][f"{name}/{seed}"] = result
            print(name, seed, json.dumps({"window": result["window"], "fit_seconds": result["fit_seconds"],
                                          "headline": {k: round(v, 3) for k, v in result["headline"].items()
                                                       if v is not None}}, ensure_ascii=False), flush=True)
            path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
