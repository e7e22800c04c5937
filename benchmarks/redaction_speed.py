"""Throughput of free-text redaction (Korean and English): batched TextRedactor against Presidio cell by cell.

Run: .venv/bin/python benchmarks/redaction_speed.py [--texts 3000] [--baseline-texts 500]

Texts are distinct nursing notes of the Korean demo table (names with particles, phones, RRNs,
addresses) and English notes made with Faker (names, phones, e-mails, dates). Prints texts/s for
``TextRedactor`` with ``n_process`` 1 and 2 (spaCy's ``nlp.pipe`` through Presidio's
``BatchAnalyzerEngine``), and for the plain Presidio loop (``AnalyzerEngine.analyze`` plus
``AnonymizerEngine.anonymize`` per cell, as presidio-structured does) on the same engines.
Engine start-up is timed apart.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pandas as pd  # noqa: E402

from synthgate.privacy import TextRedactor  # noqa: E402
from synthgate.privacy._engines import anonymizer_types, presidio_engines  # noqa: E402


def korean_notes(count: int) -> pd.Series:
    from synthgate.flows.demo_korean import korean_clinic_table

    notes = korean_clinic_table(rows=count, seed=3)["간호기록"]
    return pd.Series([f"{note} (기록 {i})" for i, note in enumerate(notes)])  # distinct: no cache effect


def english_notes(count: int) -> pd.Series:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(3)
    templates = [
        "Seen {name} on {date}; call back at {phone}.",
        "Patient {name} asked for results by e-mail to {email}.",
        "{name} (DOB {date}) reports mild pain, follow up in two weeks.",
        "Vitals stable, no complaints, note {i}.",
    ]
    return pd.Series([
        templates[i % len(templates)].format(name=fake.name(), date=fake.date(), phone=fake.phone_number(),
                                             email=fake.email(), i=i)
        for i in range(count)
    ])


def per_cell(texts: pd.Series, language: str) -> float:
    """Presidio's plain loop: analyze and anonymize one text at a time."""
    OperatorConfig, _ = anonymizer_types()
    engines = presidio_engines(language)
    operators = {"DEFAULT": OperatorConfig("replace")}
    start = time.perf_counter()
    for text in texts:
        results = engines.analyzer.analyze(text=text, language=language, score_threshold=0.5)
        engines.anonymizer.anonymize(text=text, analyzer_results=results, operators=operators)
    return len(texts) / (time.perf_counter() - start)


def batched(texts: pd.Series, language: str, n_process: int) -> float:
    redactor = TextRedactor(language=language, n_process=n_process)
    start = time.perf_counter()
    redactor.redact_series(texts)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=3000)
    parser.add_argument("--baseline-texts", type=int, default=500)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for language, make in (("ko", korean_notes), ("en", english_notes)):
        texts = make(args.texts)
        start = time.perf_counter()
        presidio_engines(language)
        print(f"\n[{language}] {len(texts)} distinct texts, mean {texts.str.len().mean():.0f} characters; "
              f"engine start-up {time.perf_counter() - start:.1f} s")
        baseline = per_cell(texts.head(args.baseline_texts), language)
        print(f"  Presidio per cell (analyze + anonymize): {baseline:8.0f} texts/s")
        for n_process in (1, 2):
            rate = batched(texts, language, n_process)
            print(f"  TextRedactor n_process={n_process}:            {rate:8.0f} texts/s ({rate / baseline:.1f}x)")


if __name__ == "__main__":
    main()
