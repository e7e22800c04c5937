"""Write the fifth labelled PII evaluation set (sentences.jsonl) from seeded templates.

Run: .venv/bin/python tests/data/pii_eval_fifth/make_fifth_set.py [--seed 73019] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from faker import Faker

import fifth_decoys as dec
import fifth_names as names
import fifth_values as val
from fifth_templates_en import TEMPLATES_EN
from fifth_templates_ko import TEMPLATES_KO

SEED = 73019
PER_LANG = 250
ENTITIES = {
    "PERSON", "MEDICAL_RECORD_NUMBER", "ADDRESS", "KR_ADDRESS", "DATE_OF_BIRTH",
    "PHONE_NUMBER", "EMAIL_ADDRESS", "KR_RRN", "US_SSN",
}
SLOT = re.compile(r"\{([A-Z]+?)(\d*)(?::([^}]+))?\}")


def _entity_makers(rng: random.Random, fakers: dict) -> dict:
    """Slot key -> (entity label, value maker)."""
    def name(style):
        return lambda: names.en_name(rng, fakers, style)

    return {
        "N": ("PERSON", name("any")), "NS": ("PERSON", name("surname_first")),
        "NI": ("PERSON", name("initial")), "NF": ("PERSON", name("first")),
        "NL": ("PERSON", name("last")), "NC": ("PERSON", name("chat")),
        "NA": ("PERSON", name("caps")), "NK": ("PERSON", lambda: names.rom_korean(rng)),
        "K": ("PERSON", lambda: names.ko_name(rng, fakers)),
        "MRN": ("MEDICAL_RECORD_NUMBER", lambda: val.mrn(rng)),
        "ADDR": ("ADDRESS", lambda: val.us_address(rng, fakers)),
        "KADDR": ("KR_ADDRESS", lambda: val.kr_address(rng)),
        "DOB": ("DATE_OF_BIRTH", lambda: val.en_date(rng, val.birth_date(rng))),
        "KDOB": ("DATE_OF_BIRTH", lambda: val.ko_date(rng, val.birth_date(rng))),
        "PH": ("PHONE_NUMBER", lambda: val.en_phone(rng)),
        "KPH": ("PHONE_NUMBER", lambda: val.ko_phone(rng)),
        "EM": ("EMAIL_ADDRESS", lambda: val.email(rng, korean=False)),
        "KEM": ("EMAIL_ADDRESS", lambda: val.email(rng, korean=True)),
        "RRN": ("KR_RRN", lambda: val.kr_rrn(rng)),
        "SSN": ("US_SSN", lambda: val.us_ssn(rng)),
    }


def _decoy_makers(rng: random.Random) -> dict:
    """Slot key -> decoy maker (never labelled)."""
    return {
        "VIT": dec.vitals, "LAB": dec.lab, "DOSE": dec.dose, "DUR": dec.duration,
        "VD": dec.visit_date, "KVD": dec.ko_visit_date, "AGE": dec.age, "EPO": dec.eponym,
        "KEPO": lambda r: r.choice(dec.KO_EPONYMS), "SCALE": dec.scale, "PLACE": dec.place,
        "KPLACE": lambda r: r.choice(dec.KO_PLACES), "UNIT": dec.unit, "KUNIT": dec.ko_unit,
        "ROOM": dec.room, "ORD": dec.order_no, "ICD": dec.icd, "SER": dec.serial,
        "SVC": dec.service_no, "KSVC": dec.ko_service_no,
        "DRUG": lambda r: r.choice(dec.NAME_LIKE_DRUGS), "KAGE": dec.ko_age, "KORD": dec.ko_case_no,
    }


def fill(template: str, rng: random.Random, ents: dict, decoys: dict) -> tuple[str, list[dict]]:
    """Fill one template; return the text and its entity spans (Python str indices)."""
    out, spans, values, cache, pos = [], [], [], {}, 0
    length = 0
    for match in SLOT.finditer(template):
        literal = template[pos:match.start()]
        out.append(literal)
        length += len(literal)
        key, num, particle = match.groups()
        if key in ents:
            entity, make = ents[key]
            value = cache.setdefault((key, num), make()) if num else make()
            spans.append({"start": length, "end": length + len(value), "entity": entity})
            values.append(value)
        elif key in decoys:
            value = decoys[key](rng)
        else:
            raise KeyError(f"unknown slot {key} in template")
        out.append(value)
        length += len(value)
        if particle:  # two-way Korean particle, e.g. 이가: first after a final consonant
            suffix = particle[0] if names.has_batchim(value) else particle[1]
            out.append(suffix)
            length += len(suffix)
        pos = match.end()
    out.append(template[pos:])
    text = "".join(out)
    for span, value in zip(spans, values):  # the label is exactly the inserted value
        assert text[span["start"]:span["end"]] == value, f"span drift in {template[:30]!r}"
    return text, spans


def check(rows: list[dict]) -> None:
    """Fail loudly if any label is inconsistent (run on every generation)."""
    ssn = re.compile(r"^(\d{3})([- ]?)(\d{2})\2(\d{4})$")
    rrn = re.compile(r"^(\d{6})-?(\d{7})$")
    texts = set()
    for row in rows:
        assert row["text"] not in texts, f"duplicate text {row['id']}"
        texts.add(row["text"])
        last_end = -1
        for span in sorted(row["spans"], key=lambda s: s["start"]):
            piece = row["text"][span["start"]:span["end"]]
            assert span["entity"] in ENTITIES, row["id"]
            assert piece and piece == piece.strip(), f"whitespace/empty span in {row['id']}"
            assert span["start"] >= last_end, f"overlapping spans in {row['id']}"
            last_end = span["end"]
            if span["entity"] == "US_SSN":
                m = ssn.match(piece)
                assert m, row["id"]
                area, group, serial = int(m.group(1)), int(m.group(3)), int(m.group(4))
                assert 1 <= area <= 899 and area != 666 and group >= 1 and serial >= 1, row["id"]
                clause = row["text"][max(0, span["start"] - 30):span["start"]].lower()
                assert re.search(r"ssn|social security", clause), f"SSN without label {row['id']}"
            if span["entity"] == "KR_RRN":
                m = rrn.match(piece)
                assert m, row["id"]
                digits = m.group(1) + m.group(2)
                assert int(digits[12]) == val.rrn_check_digit(digits[:12]), row["id"]
                century = {"1": 1900, "2": 1900, "3": 2000, "4": 2000}[digits[6]]
                val.dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))


def build(seed: int) -> list[dict]:
    """Generate all rows for ``seed``; every template is used, in a seeded order."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in ("en_US", "en_GB", "ko_KR")}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed + i)
    ents, decoys = _entity_makers(rng, fakers), _decoy_makers(rng)
    rows, seen = [], set()
    for lang, templates in (("en", TEMPLATES_EN), ("ko", TEMPLATES_KO)):
        order = []
        while len(order) < PER_LANG:
            batch = list(templates)
            rng.shuffle(batch)
            order.extend(batch)
        for i, template in enumerate(order[:PER_LANG]):
            for _ in range(50):  # redraw values on the rare exact duplicate
                text, spans = fill(template, rng, ents, decoys)
                if text not in seen:
                    break
            seen.add(text)
            rows.append({"id": f"f5-{lang}-{i:03d}", "lang": lang, "text": text, "spans": spans})
    check(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Write sentences.jsonl and print counts per language and entity."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("sentences.jsonl"))
    args = parser.parse_args(argv)
    rows = build(args.seed)
    with args.out.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        for span in row["spans"]:
            counts[(row["lang"], span["entity"])] = counts.get((row["lang"], span["entity"]), 0) + 1
    for lang in ("en", "ko"):
        n_rows = sum(r["lang"] == lang for r in rows)
        empty = sum(r["lang"] == lang and not r["spans"] for r in rows)
        print(f"{lang}: {n_rows} notes ({empty} without entities)")
        for entity in sorted(ENTITIES):
            print(f"  {entity}: {counts.get((lang, entity), 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
