"""Throughput of the keyed operators on one core: pseudonyms, surrogates and date shifts, against Presidio's hash.

Run: .venv/bin/python benchmarks/pseudonymise_speed.py [--rows 1000000] [--presidio-rows 100000]
Worst case: every identifier distinct. Prints rows/s per operator, the time for ROWS x 5
identifier columns, and Presidio's ``hash`` operator cell by cell on a sample.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
try:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
except (AttributeError, OSError):
    pass

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from synthgate.privacy import PseudonymKey, pseudonymise_series  # noqa: E402
from synthgate.privacy.dateshift import shift_dates, subject_offsets  # noqa: E402
from synthgate.privacy.surrogate import DigitsSurrogate, RrnSurrogate, surrogate_series  # noqa: E402

KEY = PseudonymKey(b"benchmark-key-not-a-secret".ljust(32, b"."))


def columns(rows: int) -> dict[str, pd.Series]:
    """Five distinct-valued identifier columns of different shapes."""
    i = np.arange(rows)
    return {
        "patient_id": pd.Series([f"P-{n:09d}" for n in i]),
        "mrn": pd.Series(i + 10_000_000),
        "email": pd.Series([f"user{n}@example.kr" for n in i]),
        "name": pd.Series([f"홍길동{n}" for n in i]),  # non-ASCII: the full normalisation path
        "phone": pd.Series([f"010-{n // 10_000 % 10_000:04d}-{n % 10_000:04d}" for n in i]),
    }


def rrns(rows: int) -> pd.Series:
    rng = np.random.default_rng(0)
    days = pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 29_000, rows), unit="D")
    first = [f"{d:%y%m%d}-{1 + (d.year >= 2000) * 2 + s}{n:05d}" for d, s, n in zip(days, rng.integers(0, 2, rows), range(rows))]
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    return pd.Series([f + str((11 - sum(int(c) * w for c, w in zip(f.replace("-", ""), weights)) % 11) % 10) for f in first])


def timed(label: str, rows: int, run) -> float:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s  {rows / seconds:>12,.0f} rows/s", flush=True)
    return seconds


def presidio_hash(values: pd.Series) -> float:
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    engine = AnonymizerEngine()
    config = {"DEFAULT": OperatorConfig("hash", {"hash_type": "sha256", "salt": b"0123456789abcdef0123456789abcdef"})}
    start = time.perf_counter()
    for text in values.astype(str):
        engine.anonymize(text, [RecognizerResult("ID", 0, len(text), 1.0)], config)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--presidio-rows", type=int, default=100_000)
    parser.add_argument("--skip-surrogates", action="store_true")
    args = parser.parse_args()
    rows = args.rows
    print(f"{rows:,} rows, every value distinct; CPU affinity {sorted(os.sched_getaffinity(0))}")
    data = columns(rows)
    total = 0.0
    for name, values in data.items():
        total += timed(f"pseudonymise_series {name}", rows, lambda v=values: pseudonymise_series(v, KEY))
    print(f"{'pseudonymise: 5 columns':<44} {total:7.2f} s  ({5 * rows / total:,.0f} cells/s)")

    offsets = subject_offsets(data["patient_id"], KEY, 180)
    dates = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(rows) % 365, unit="D"))
    timed("date shift: subject_offsets", rows, lambda: subject_offsets(data["patient_id"], KEY, 180))
    timed("date shift: shift_dates (one column)", rows, lambda: shift_dates(dates, offsets))

    if not args.skip_surrogates:
        timed("surrogate digits (phone)", rows, lambda: surrogate_series(data["phone"], KEY, DigitsSurrogate()))
        numbers = rrns(rows)
        timed("surrogate kr_rrn (birth keep)", rows, lambda: surrogate_series(numbers, KEY, RrnSurrogate()))

    sample = data["patient_id"].head(args.presidio_rows)
    ours = timed(f"pseudonymise_series, {len(sample):,}-row sample", len(sample), lambda: pseudonymise_series(sample, KEY))
    theirs = presidio_hash(sample)
    print(f"{'Presidio hash operator, same sample':<44} {theirs:7.2f} s  {len(sample) / theirs:>12,.0f} rows/s "
          f"({theirs / ours:.0f}x slower; per cell, salted SHA-256, no normalisation)")


if __name__ == "__main__":
    main()
