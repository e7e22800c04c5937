"""Write sentences.jsonl: a seeded, span-labelled Korean/English PII redaction evaluation set."""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

import decoys as d
import fake_values as v
from fake_people import People
from templates_en import TEMPLATES_EN
from templates_ko import TEMPLATES_KO

HERE = Path(__file__).resolve().parent
DEFAULT_SEED = 20261202
ENTITIES = ("PERSON", "MEDICAL_RECORD_NUMBER", "ADDRESS", "KR_ADDRESS", "DATE_OF_BIRTH",
            "PHONE_NUMBER", "EMAIL_ADDRESS", "KR_RRN", "US_SSN")
SLOT = re.compile(r"\{([^{}]+)\}")
# Particle slots: (form after a final consonant, form after a vowel); 으로 also takes 로 after ㄹ.
JOSA = {"은": ("은", "는"), "이": ("이", "가"), "을": ("을", "를"), "과": ("과", "와"),
        "으로": ("으로", "로"), "이라고": ("이라고", "라고"), "이며": ("이며", "며")}
# How each digit is read in Korean (영 일 이 삼 사 오 육 칠 팔 구): its final consonant, if any.
DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ",
               "8": "ㄹ", "9": ""}


def _final_consonant(char: str) -> str:
    """Return the final consonant (받침) of a Hangul syllable or a digit, '' when it has none."""
    if char in DIGIT_FINAL:
        return DIGIT_FINAL[char]
    code = ord(char) - 0xAC00
    if not 0 <= code < 11172:
        raise ValueError(f"particle after a non-Hangul, non-digit character: {char!r}")
    return " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"[code % 28].strip()


def josa(slot: str, text_so_far: str) -> str:
    """Choose the particle form that agrees with the last syllable written so far."""
    final = _final_consonant(text_so_far.rstrip()[-1])
    after_consonant, after_vowel = JOSA[slot]
    if slot == "으로" and final == "ㄹ":
        return after_vowel
    return after_consonant if final else after_vowel


def slot_generators(people: People) -> dict:
    """Map every template slot to a function rng -> [(text, entity or None)]."""
    age = lambda rng: [(str(rng.randint(19, 94)), None)]  # noqa: E731 - a decoy number
    return {
        "P": people.en_person, "PC": people.en_person_caps, "PL": people.en_person_lower,
        "DR": people.en_doctor, "KP": people.ko_person, "KPH": people.ko_person_hon,
        "EMAIL": people.en_email, "KEMAIL": people.ko_email, "ADDR": people.en_address,
        "KADDR": people.ko_address, "MRN": v.en_mrn, "KMRN": v.ko_mrn, "DOB": v.en_dob,
        "KDOB": v.ko_dob, "NBDOB": v.en_newborn_dob, "KNBDOB": v.ko_newborn_dob,
        "PHONE": v.en_phone, "KPHONE": v.ko_phone, "SSN": v.us_ssn, "RRN": v.kr_rrn,
        "LAB": d.en_lab, "KLAB": d.ko_lab, "DUR": d.en_duration, "KDUR": d.ko_duration,
        "DOSE": d.en_dose, "KDOSE": d.ko_dose, "VDATE": v.en_visit_date, "KVDATE": v.ko_visit_date,
        "ICD": d.en_icd, "KICD": d.ko_icd, "ROOM": d.en_room, "KROOM": d.ko_room,
        "ORDER": d.en_order, "KORDER": d.ko_order, "SERIAL": d.en_serial, "KSERIAL": d.ko_serial,
        "EPONYM": d.en_eponym, "KEPONYM": d.ko_eponym, "TIME": d.en_time, "KTIME": d.ko_time,
        "RANK": d.en_rank, "KRANK": d.ko_rank, "UNIT": d.en_unit, "KUNIT": d.ko_unit,
        "KWORD": d.ko_word, "AGE": age,
    }


def render(template: str, rng: random.Random, gens: dict) -> tuple[str, list[dict]]:
    """Fill one template; return the text and the spans of the values inserted as entities."""
    text, spans, expected = "", [], []
    for i, piece in enumerate(SLOT.split(template)):
        if i % 2 == 0:
            text += piece
        elif piece in JOSA:
            text += josa(piece, text)
        else:
            for value, entity in gens[piece](rng):
                if entity is not None:
                    spans.append({"start": len(text), "end": len(text) + len(value), "entity": entity})
                    expected.append(value)
                text += value
    check_labels(text, spans, expected)
    return text, spans


def check_labels(text: str, spans: list[dict], expected: list[str]) -> None:
    """Assert every span covers exactly the value inserted, is trimmed, and overlaps no other."""
    for span, value in zip(spans, expected, strict=True):
        assert span["entity"] in ENTITIES, span["entity"]
        assert text[span["start"]:span["end"]] == value, (text, span, value)
        assert value and value == value.strip(), (text, span)
    for left, right in zip(spans, spans[1:]):
        assert left["end"] <= right["start"], ("overlap", text, left, right)
    for span in spans:
        value = text[span["start"]:span["end"]]
        if span["entity"] == "KR_RRN":
            check_rrn(value)
        if span["entity"] == "US_SSN":
            digits = value.replace("-", "").replace(" ", "")
            assert len(digits) == 9 and digits[:3] not in ("000", "666") and digits[0] != "9"
            assert digits[3:5] != "00" and digits[5:] != "0000", value


def check_rrn(value: str) -> None:
    """Assert a 주민등록번호 has a real birth date, a matching century digit and a valid check digit."""
    digits = value.replace("-", "")
    assert len(digits) == 13 and digits.isdigit(), value
    century = {"1": 1900, "2": 1900, "3": 2000, "4": 2000}[digits[6]]
    dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))  # raises if not a date
    assert v.rrn_check_digit(digits[:12]) == int(digits[12]), value


def unlabelled_repeat(text: str, spans: list[dict]) -> bool:
    """True when a labelled value also occurs unlabelled elsewhere (e.g. a first name 'May' in a date)."""
    covered = [(s["start"], s["end"]) for s in spans]
    for span in spans:
        value = text[span["start"]:span["end"]]
        for match in re.finditer(re.escape(value), text):
            if not any(a <= match.start() and match.end() <= b for a, b in covered):
                return True
    return False


def build(seed: int, per_lang: int) -> list[dict]:
    """Render per_lang sentences per language, cycling evenly through each language's templates."""
    rng = random.Random(seed)
    gens = slot_generators(People(rng, seed))
    records = []
    for lang, templates in (("en", TEMPLATES_EN), ("ko", TEMPLATES_KO)):
        order = [i % len(templates) for i in range(per_lang)]
        rng.shuffle(order)
        for n, t in enumerate(order, start=1):
            for _attempt in range(20):
                text, spans = render(templates[t], rng, gens)
                if not unlabelled_repeat(text, spans):
                    break
            else:
                raise RuntimeError(f"template {lang}-t{t:02d} kept repeating a labelled value")
            records.append({"id": f"{lang}-{n:04d}-t{t:02d}", "lang": lang, "text": text, "spans": spans})
    return records


def counts(records: list[dict]) -> dict[str, collections.Counter]:
    """Count labelled spans per entity for each language."""
    table: dict[str, collections.Counter] = {"en": collections.Counter(), "ko": collections.Counter()}
    for rec in records:
        table[rec["lang"]].update(span["entity"] for span in rec["spans"])
    return table


def main(argv: list[str] | None = None) -> int:
    """Write the set and print its counts per entity and language as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--per-lang", type=int, default=300)
    parser.add_argument("--out", type=Path, default=HERE / "sentences.jsonl")
    args = parser.parse_args(argv)
    records = build(args.seed, args.per_lang)
    lines = [json.dumps(rec, sort_keys=True, ensure_ascii=False) for rec in records]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = counts(records)
    print("| entity | ko | en | total |\n| --- | ---: | ---: | ---: |")
    for entity in ENTITIES:
        ko, en = table["ko"][entity], table["en"][entity]
        print(f"| {entity} | {ko} | {en} | {ko + en} |")
    for lang in ("ko", "en"):
        recs = [r for r in records if r["lang"] == lang]
        print(f"{lang}: {len(recs)} sentences, {sum(not r['spans'] for r in recs)} without any entity, "
              f"{sum(table[lang].values())} spans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
