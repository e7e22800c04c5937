"""Write a seeded, labelled Korean/English free-text PII evaluation set (the third, independent one)."""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from faker import Faker

import third_templates as T
import third_values as V

HERE = Path(__file__).resolve().parent
ENTITIES = frozenset({
    "PERSON", "MEDICAL_RECORD_NUMBER", "ADDRESS", "KR_ADDRESS", "DATE_OF_BIRTH",
    "PHONE_NUMBER", "EMAIL_ADDRESS", "KR_RRN", "US_SSN",
})
SLOT = re.compile(r"\{([A-Z_]+|J:[^}]+)\}")


def josa(prev: str, pair: str) -> str:
    """Pick the Korean particle form (e.g. '이/가') that fits the last syllable of ``prev``."""
    with_final, without_final = pair.split("/")
    last = prev[-1]
    if "가" <= last <= "힣":
        has_final = (ord(last) - 0xAC00) % 28 != 0
    else:
        # Romanised or digit endings: read them as vowel-final, as most readers would.
        has_final = False
    return with_final if has_final else without_final


def render(template: str, gen: V.ValueMaker) -> tuple[str, list[dict]]:
    """Fill one template; return the text and the spans of the labelled slots."""
    parts: list[str] = []
    spans: list[dict] = []
    pos = 0
    cursor = 0
    for match in SLOT.finditer(template):
        literal = template[cursor:match.start()]
        parts.append(literal)
        pos += len(literal)
        key = match.group(1)
        if key.startswith("J:"):
            value, entity = josa(parts[-2] if not literal else literal, key[2:]), None
        else:
            value, entity = gen.make(key)
        if entity is not None:
            spans.append({"start": pos, "end": pos + len(value), "entity": entity, "_value": value})
        parts.append(value)
        pos += len(value)
        cursor = match.end()
    parts.append(template[cursor:])
    return "".join(parts), spans


def check_note(note: dict, values: list[str]) -> None:
    """Raise AssertionError if any label is wrong (text, order, overlap, checksum)."""
    text = note["text"]
    prev_end = -1
    for span, value in zip(note["spans"], values):
        assert span["entity"] in ENTITIES, span["entity"]
        assert text[span["start"]:span["end"]] == value, note["id"]
        assert value == value.strip() and value, note["id"]
        assert span["start"] >= prev_end, f"overlap in {note['id']}"
        prev_end = span["end"]
        if span["entity"] == "KR_RRN":
            assert V.rrn_is_valid(value), note["id"]
        if span["entity"] == "US_SSN":
            assert V.ssn_is_valid(value), note["id"]
        if span["entity"] == "EMAIL_ADDRESS":
            assert not value.endswith((".test", ".example", ".invalid", ".localhost")), note["id"]
            assert not value.split("@")[1].startswith("example."), note["id"]
        if span["entity"] == "PERSON":
            assert not value.endswith(("'s", "님", "씨")) and not value.startswith(("Dr.", "Mr.")), note["id"]
    for span in note["spans"]:
        # A gap of zero between two spans would merge them for a reader; keep a separator.
        later = [s for s in note["spans"] if s["start"] == span["end"]]
        assert not later, f"touching spans in {note['id']}"


def check_validators() -> None:
    """Make sure the RRN/SSN validators can fail, so a passing label check means something."""
    head = "8001011234567"[:12]
    good = head + str(V.rrn_check_digit(head))
    bad_digit = head + str((V.rrn_check_digit(head) + 1) % 10)
    assert V.rrn_is_valid(good) and V.rrn_is_valid(f"{good[:6]}-{good[6:]}")
    assert not V.rrn_is_valid(bad_digit)
    assert not V.rrn_is_valid("800230" + "1234567")  # 30 February
    assert not V.rrn_is_valid("800101" + "5" + good[7:])  # century code 5 is not generated here
    assert V.ssn_is_valid("123-45-6789") and V.ssn_is_valid("123456789")
    for wrong in ("666-45-6789", "000-45-6789", "900-45-6789", "123-00-6789", "123-45-0000", "12345678"):
        assert not V.ssn_is_valid(wrong), wrong


def build(seed: int, per_lang: int) -> list[dict]:
    """Generate ``per_lang`` Korean and ``per_lang`` English notes for ``seed``."""
    rng = random.Random(seed)
    fake = Faker(["en_US", "en_GB", "ko_KR"])
    fake.seed_instance(seed)
    gen = V.ValueMaker(rng, fake)
    notes: list[dict] = []
    for lang, templates in (("ko", T.KO_TEMPLATES), ("en", T.EN_TEMPLATES)):
        # Every template is used at least once; the order is shuffled so genres interleave.
        order = [i % len(templates) for i in range(per_lang)]
        rng.shuffle(order)
        for n, t_idx in enumerate(order):
            text, spans = render(templates[t_idx], gen)
            values = [s.pop("_value") for s in spans]
            note = {"id": f"third-{lang}-{n:04d}-t{t_idx:02d}", "lang": lang, "text": text, "spans": spans}
            check_note(note, values)
            notes.append(note)
    return notes


def counts(notes: list[dict]) -> dict[str, dict[str, int]]:
    """Count spans per entity and language, plus notes without any span."""
    table: dict[str, dict[str, int]] = {}
    for note in notes:
        for span in note["spans"]:
            row = table.setdefault(span["entity"], {"ko": 0, "en": 0})
            row[note["lang"]] += 1
        if not note["spans"]:
            row = table.setdefault("(notes without PII)", {"ko": 0, "en": 0})
            row[note["lang"]] += 1
    return table


def main() -> None:
    """Parse arguments, build the set, check it and write ``sentences.jsonl``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--per-lang", type=int, default=250)
    parser.add_argument("--out", type=Path, default=HERE / "sentences.jsonl")
    args = parser.parse_args()
    check_validators()
    notes = build(args.seed, args.per_lang)
    lines = [json.dumps(n, sort_keys=True, ensure_ascii=False) for n in notes]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for entity, row in sorted(counts(notes).items()):
        print(f"{entity:24s} ko={row['ko']:4d} en={row['en']:4d}")
    print(f"notes: {len(notes)}")


if __name__ == "__main__":
    main()
