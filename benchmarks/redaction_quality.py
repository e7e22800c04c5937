"""Per-entity precision and recall of free-text redaction on a labelled sentence set (full-coverage matching).

Run: .venv/bin/python benchmarks/redaction_quality.py [SET.jsonl ...] [--json OUT] [--show-misses]

A set is JSON lines ``{"id", "lang", "text", "spans": [{"start", "end", "entity"}]}``. Each
language's sentences go through ``TextRedactor(language=lang).find_spans``, exactly what
``redact_series`` replaces. Scoring:

- **recall**: a true span is found only if the redacted spans, of any type, cover every one of
  its letters and digits (spaces and punctuation between two redacted pieces reveal nothing).
  A partly redacted address or a record number with two digits left is a miss. A hit whose
  covering type is another family (a record number tagged as a driver's licence) still counts,
  since the text is gone either way, and is reported under ``confused``.
- **precision**: a redacted span is correct if it overlaps a true span. A span on no true span
  whose text is a whole calendar date (a visit date, whatever type the merge gave it) is redacted by the policy
  (``redact.DEFAULT_ENTITIES`` removes every date) and counted apart, neither hit nor false
  positive; a ``DATE_TIME`` span on a duration, a dose or a lab value is a false positive.

Type families: ``KR_PHONE_NUMBER`` is ``PHONE_NUMBER``, ``KR_MEDICAL_RECORD_NUMBER`` is
``MEDICAL_RECORD_NUMBER``. The older ``tests/data/pii_eval/sentences.jsonl`` labels are mapped to
the agreed names (``LOCATION`` -> ``ADDRESS``, ``DATE_TIME`` -> ``DATE_OF_BIRTH``). Prints no text
unless ``--show-misses`` (the sets are fake data).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ROOT = Path(__file__).resolve().parents[1]
TUNING_SET = ROOT / "tests" / "data" / "pii_eval" / "redaction_sentences.jsonl"
FAMILY = {"KR_PHONE_NUMBER": "PHONE_NUMBER", "KR_MEDICAL_RECORD_NUMBER": "MEDICAL_RECORD_NUMBER"}
LEGACY_LABELS = {"LOCATION": "ADDRESS", "DATE_TIME": "DATE_OF_BIRTH", "KR_MEDICAL_RECORD_NUMBER": "MEDICAL_RECORD_NUMBER"}
_CONTENT = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_CALENDAR_DATE = re.compile(
    rf"(?:19|20)\d\d\s?[-./년]\s?\d{{1,2}}\s?[-./월]\s?\d{{1,2}}\s?(?:일|\.)?"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)?\d\d"
    rf"|(?:{_MONTHS})[a-z]*\.?\s\d{{1,2}}(?:st|nd|rd|th)?,?\s(?:19|20)\d\d"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?(?:{_MONTHS})[a-z]*\.?,?\s(?:19|20)\d\d"
    rf"|\d{{1,2}}-(?:{_MONTHS})-(?:19|20)?\d\d",
    re.IGNORECASE,
)


def family(entity: str) -> str:
    """The scoring family of an entity type (Korean phones are phones)."""
    return FAMILY.get(entity, entity)


def is_calendar_date(text: str) -> bool:
    """Whether ``text`` is a whole day-month-year date (a visit date), not a duration or a value."""
    return _CALENDAR_DATE.fullmatch(text.strip()) is not None


def load_set(path: Path) -> list[dict]:
    """Reads a JSON-lines set; legacy labels are mapped to the agreed entity names."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    legacy = path.name == "sentences.jsonl" and path.parent.name == "pii_eval"
    for record in records:
        for span in record["spans"]:
            span["entity"] = family(LEGACY_LABELS.get(span["entity"], span["entity"]) if legacy else span["entity"])
    return records


def predict(records: list[dict]) -> list[list[tuple[str, int, int, float]]]:
    """The redacted spans of every record, one ``TextRedactor`` per language, in one process."""
    from synthgate.privacy import TextRedactor

    out: list[list[tuple[str, int, int, float]]] = [[] for _ in records]
    for lang in sorted({r["lang"] for r in records}):
        index = [i for i, r in enumerate(records) if r["lang"] == lang]
        spans = TextRedactor(language=lang, n_process=1).find_spans([records[i]["text"] for i in index])
        for i, found in zip(index, spans):
            out[i] = found
    return out


def score(records: list[dict], predicted: list[list[tuple[str, int, int, float]]]) -> dict:
    """Per-entity recall (full coverage) and precision (overlap), per language and overall."""
    tally: dict = defaultdict(Counter)  # (lang, entity) -> counts
    misses, false_positives, confused = [], [], Counter()
    for record, found in zip(records, predicted):
        text, lang = record["text"], record["lang"]
        covered = set()
        for _, start, end, _ in found:
            covered.update(range(start, end))
        for span in record["spans"]:
            entity, start, end = span["entity"], span["start"], span["end"]
            needed = [i for i in range(start, end) if _CONTENT.match(text[i])]
            hit = all(i in covered for i in needed)
            for key in ((lang, entity), ("all", entity)):
                tally[key]["true"] += 1
                tally[key]["found"] += hit
            if not hit:
                misses.append((record["id"], entity, text[start:end]))
                continue
            kinds = {family(e) for e, s, t, _ in found if s < end and t > start}
            if entity not in kinds:
                confused[f"{entity} as {'+'.join(sorted(kinds))}"] += 1
        for entity, start, end, _ in found:
            entity = family(entity)
            overlaps = any(s["start"] < end and s["end"] > start for s in record["spans"])
            if overlaps:
                outcome = "tp"
            elif is_calendar_date(text[start:end]):  # spaCy may type a visit date LOCATION
                outcome = "policy"
            else:
                outcome = "fp"
                false_positives.append((record["id"], entity, text[start:end]))
            for key in ((lang, entity), ("all", entity), (lang, "*"), ("all", "*")):
                tally[key][outcome] += 1
    return {"tally": tally, "misses": misses, "false_positives": false_positives, "confused": confused}


def table(result: dict) -> list[dict]:
    """Rows of (language, entity, true, found, recall, predicted, tp, fp, policy, precision)."""
    rows = []
    for (lang, entity), c in sorted(result["tally"].items(), key=lambda kv: (kv[0][0] != "all", kv[0])):
        judged = c["tp"] + c["fp"]
        rows.append({
            "lang": lang, "entity": entity, "true": c["true"], "found": c["found"],
            "recall": round(c["found"] / c["true"], 3) if c["true"] else None,
            "tp": c["tp"], "fp": c["fp"], "policy_dates": c["policy"],
            "precision": round(c["tp"] / judged, 3) if judged else None,
        })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=[TUNING_SET])
    parser.add_argument("--json", type=Path, help="write the figures (no text) to this file")
    parser.add_argument("--show-misses", action="store_true", help="print missed and false spans (fake data only)")
    args = parser.parse_args()
    report = {}
    for path in args.sets:
        records = load_set(path)
        start = time.perf_counter()
        result = score(records, predict(records))
        rows = table(result)
        print(f"\n{path} ({len(records)} sentences, {time.perf_counter() - start:.1f} s)")
        print(f"{'lang':4} {'entity':28} {'true':>5} {'found':>5} {'recall':>7}  {'tp':>4} {'fp':>4} {'dates':>5} {'prec':>6}")
        for r in rows:
            rec = "" if r["recall"] is None else f"{r['recall']:.3f}"
            prec = "" if r["precision"] is None else f"{r['precision']:.3f}"
            print(f"{r['lang']:4} {r['entity']:28} {r['true']:5} {r['found']:5} {rec:>7}  {r['tp']:4} {r['fp']:4} "
                  f"{r['policy_dates']:5} {prec:>6}")
        print("type confusions (hits):", dict(result["confused"]) or "none")
        if args.show_misses:
            for miss in result["misses"]:
                print("  MISS", *miss)
            for fp in result["false_positives"]:
                print("  FP  ", *fp)
        report[str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)] = {
            "rows": rows, "confused": dict(result["confused"])}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
