"""Write the redaction TUNING set (redaction_sentences.jsonl): hard free-text cases, agreed entity names, seeded.

Run: .venv/bin/python tests/data/pii_eval/make_redaction_set.py [OUT_DIR]
Every value is fake (Faker names and addresses, generated identifiers). Entities: PERSON,
MEDICAL_RECORD_NUMBER, ADDRESS (US street address, house number to ZIP), KR_ADDRESS,
DATE_OF_BIRTH, PHONE_NUMBER, EMAIL_ADDRESS, KR_RRN, US_SSN. Decoys carry no span: durations,
lab values, doses, visit dates without birth context, eponymous diseases and clinical Korean
words that start with a surname syllable. The recognisers were tuned on this set.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from faker import Faker

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_eval_set import birth_date, kr_phone, lot_address, rrn, us_phone, us_ssn  # noqa: E402

SEED = 20261202
SURNAMES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "신", "오", "서", "권", "황", "안", "송", "유", "홍")
COMPOUND = ("남궁", "황보", "제갈", "선우", "독고")
ONE_SYLLABLE = ("민", "현", "훈", "준", "진", "솔", "결", "윤", "건", "린", "하", "율", "찬", "혁", "웅")
OLD_GIVEN = ("말순", "점례", "순자", "영수", "복순", "끝순", "갑돌", "춘자", "옥분", "막례", "분이", "덕배", "칠성", "삼순", "금례",
             "말자", "귀남", "판례", "봉순", "정례", "두리", "쌍례", "순덕", "만복", "기순")
UNITS = ("Apt", "Apt.", "Suite", "Unit", "#")
STATES = ("CA", "NY", "TX", "WA", "IL", "MA", "FL", "OH", "GA", "NC", "PA", "AZ", "MI", "NJ", "VA", "CO")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def ko_name(rng: random.Random, ko: Faker) -> str:
    """Faker names, one-syllable given names (with and without a space), compound surnames, older names."""
    kind = rng.random()
    if kind < 0.35:
        return ko.name()
    if kind < 0.55:
        return rng.choice(SURNAMES) + rng.choice(("", " ")) + rng.choice(ONE_SYLLABLE)
    if kind < 0.75:
        given = rng.choice((ko.first_name(), rng.choice(ONE_SYLLABLE), rng.choice(OLD_GIVEN)))
        return rng.choice(COMPOUND) + rng.choice(("", " ")) + given
    return rng.choice(SURNAMES) + rng.choice(OLD_GIVEN)


def mrn(rng: random.Random) -> str:
    """Record-number shapes: MRN-1234567, MRN: 00123456 (number only), #1234567, H12345678, 8 digits."""
    digits = f"{rng.randrange(10**7):07d}"
    return rng.choice((f"MRN-{digits}", f"00{digits[:6]}", f"#{digits}", f"H{rng.randrange(10**8):08d}",
                       f"{rng.randint(10**7, 10**8 - 1)}", f"MRN{digits}"))


def en_address(rng: random.Random, en: Faker) -> str:
    """House number to ZIP: street, optional unit, city, state, ZIP or ZIP+4."""
    street = f"{en.building_number()} {en.street_name()}"
    if rng.random() < 0.35:
        street += f" {rng.choice(UNITS)} {rng.randint(1, 999)}"
    zip_code = en.postcode() + (f"-{rng.randrange(10_000):04d}" if rng.random() < 0.2 else "")
    return f"{street}{rng.choice((', ', ' '))}{en.city()}, {rng.choice(STATES)} {zip_code}"


def kr_address(rng: random.Random, ko: Faker) -> str:
    """Road-name or lot addresses with 동/호 details, sometimes a postal code (우편번호) before or after."""
    base = ko.road_address() if rng.random() < 0.7 else lot_address(rng)
    if rng.random() < 0.4:
        base += f" {rng.randint(101, 120)}동 {rng.randint(101, 1504)}호"
    postal = f"{rng.randint(10_000, 63_999):05d}"
    style = rng.random()
    if style < 0.15:
        return f"({postal}) {base}"
    if style < 0.3:
        return f"{base} (우 {postal})"
    return base


def en_dob(rng: random.Random) -> str:
    d = birth_date(rng)
    return rng.choice((f"{d:%m/%d/%Y}", f"{d:%B} {d.day}, {d.year}", f"{d:%Y-%m-%d}", f"{d.day} {d:%b} {d.year}",
                       f"{d.month}/{d.day}/{d.year}"))


def ko_dob(rng: random.Random) -> str:
    d = birth_date(rng)
    return rng.choice((f"{d.year}년 {d.month}월 {d.day}일", f"{d:%Y.%m.%d}", f"{d:%Y-%m-%d}", f"{d.year}. {d.month}. {d.day}."))


def visit_en(rng: random.Random) -> str:
    d = birth_date(rng, 2015, 2025)
    return rng.choice((f"{d:%m/%d/%Y}", f"{d:%B} {d.day}, {d.year}", f"{d:%Y-%m-%d}"))


def visit_ko(rng: random.Random) -> str:
    d = birth_date(rng, 2015, 2025)
    return rng.choice((f"{d.year}년 {d.month}월 {d.day}일", f"{d:%Y.%m.%d}", f"{d:%Y-%m-%d}"))


def fillers(rng: random.Random, ko: Faker, en: Faker) -> dict:
    """Placeholder -> (entity or None for unlabelled text, value maker)."""
    return {
        "NAME_KO": ("PERSON", lambda: ko_name(rng, ko)), "NAME_EN": ("PERSON", lambda: f"{en.first_name()} {en.last_name()}"),
        "LAST_EN": ("PERSON", en.last_name), "MRN": ("MEDICAL_RECORD_NUMBER", lambda: mrn(rng)),
        "MRN_NUM": ("MEDICAL_RECORD_NUMBER", lambda: f"{rng.randint(10**6, 10**8 - 1)}"),
        "ADDR_EN": ("ADDRESS", lambda: en_address(rng, en)), "ADDR_KO": ("KR_ADDRESS", lambda: kr_address(rng, ko)),
        "DOB_EN": ("DATE_OF_BIRTH", lambda: en_dob(rng)), "DOB_KO": ("DATE_OF_BIRTH", lambda: ko_dob(rng)),
        "PHONE_EN": ("PHONE_NUMBER", lambda: us_phone(rng)), "PHONE_KO": ("PHONE_NUMBER", lambda: kr_phone(rng)),
        "EMAIL_EN": ("EMAIL_ADDRESS", en.free_email), "EMAIL_KO": ("EMAIL_ADDRESS", ko.free_email),
        "RRN": ("KR_RRN", lambda: rrn(rng)), "SSN": ("US_SSN", lambda: us_ssn(rng)),
        "VISIT_EN": (None, lambda: visit_en(rng)), "VISIT_KO": (None, lambda: visit_ko(rng)),
        "YEARS": (None, lambda: str(rng.randint(2, 30))), "LAB": (None, lambda: f"{rng.uniform(4.5, 11):.1f}"),
        "BP": (None, lambda: f"{rng.randint(100, 160)}/{rng.randint(60, 100)}"), "DOSE": (None, lambda: str(rng.choice((5, 10, 20, 250, 500, 1000)))),
    }  # fmt: skip


TEMPLATES_KO = (
    "환자 {NAME_KO} 님, 생년월일 {DOB_KO}, 환자번호 {MRN_NUM}.",
    "{NAME_KO} 씨는 {DOB_KO}생으로 {ADDR_KO}에 거주합니다.",
    "보호자 {NAME_KO}({PHONE_KO})에게 조직검사 결과를 설명함.",
    "등록번호: {MRN_NUM} / 성명: {NAME_KO} / 주소: {ADDR_KO}",
    "차트번호 {MRN} {NAME_KO} 환자, 신장 기능 이상 소견 없음.",
    "{NAME_KO} 환자는 {YEARS}년간 고혈압으로 치료 중이며 {VISIT_KO}에 내원함.",
    "주치의 {NAME_KO} 교수, 정맥 주사 후 {YEARS}일간 경과 관찰.",
    "{NAME_KO}님 주민번호 {RRN}, 연락처 {PHONE_KO}, 이메일 {EMAIL_KO}",
    "출생: {DOB_KO}, 환자명 {NAME_KO}, 주소 {ADDR_KO}",
    "유방 초음파에서 이상 소견 없음. 다음 외래 {VISIT_KO}.",
    "안구건조증으로 한방 치료 {YEARS}주간 시행, 임상 경과 양호.",
    "배뇨 곤란 {YEARS}일간 지속, HbA1c {LAB}%, 혈압 {BP} mmHg.",
    "신장 {YEARS}0cm, 조직 손상 없음, 정맥류 의심.",
    "{NAME_KO} 할머니는 {DOB_KO} 출생으로 자녀 {NAME_KO}와 함께 내원하였다.",
    "{VISIT_KO} 입원, {VISIT_KO} 퇴원. 아스피린 {DOSE}mg 1일 1회 복용.",
    "환자번호 {MRN} 보호자 {NAME_KO} 연락처 {PHONE_KO}",
    "이상지질혈증 진단, 임상시험 참여 동의. 담당 간호사 {NAME_KO}.",
    "{NAME_KO}({DOB_KO}) 님 주소는 {ADDR_KO}입니다.",
    "환자 이송 후 보호자 이해도 양호, 신장(1{YEARS}cm), 정맥(IV) 확보.",
    "신장이 나쁘고 정맥이 약하며 안구가 건조함. 유방에 멍울, 조직이 손상됨. 이상은 없다.",
    "환자 상태 양호, 보호자 동의 받음, 임상적으로 안정. 한방병원 전원 예정, 배뇨장애 {YEARS}개월.",
    "고혈압 약을 {YEARS}년간 복용, 하루 {DOSE}mg. 정상 범위, 이상 소견 없음, {VISIT_KO} 재진.",
)
TEMPLATES_EN = (
    "Patient {NAME_EN}, DOB {DOB_EN}, MRN {MRN_NUM}, was seen today.",
    "{NAME_EN} was born on {DOB_EN} and lives at {ADDR_EN}.",
    "Chart {MRN} reviewed by Dr. {LAST_EN}; follow up on {VISIT_EN}.",
    "Home address: {ADDR_EN}. Phone: {PHONE_EN}.",
    "Medical record number {MRN_NUM} belongs to {NAME_EN} (SSN {SSN}).",
    "History of Parkinson's disease for {YEARS} years; HbA1c {LAB}, BP {BP} mmHg.",
    "Admitted on {VISIT_EN} with Crohn's disease; metformin {DOSE} mg twice daily for {YEARS} weeks.",
    "Family history of Alzheimer's and Hodgkin lymphoma; sister has Down syndrome.",
    "Date of birth: {DOB_EN}. Mailing address {ADDR_EN}. E-mail {EMAIL_EN}.",
    "{NAME_EN} ({PHONE_EN}) asked to mail results to {ADDR_EN}.",
    "Record no. {MRN}: {NAME_EN}, born {DOB_EN}, lives at {ADDR_EN}.",
    "Symptoms for {YEARS} days, temperature 38.{YEARS} C, on lisinopril {DOSE} mg.",
    "Guardian {NAME_EN} can be reached at {EMAIL_EN} or {PHONE_EN}.",
    "Discharged on {VISIT_EN}; next visit in {YEARS} months. Glucose {LAB} mmol/L.",
    "MRN: {MRN_NUM}. Mr. {LAST_EN} reports no pain since {VISIT_EN}.",
    "Sodium 1{YEARS}8 mmol/L, Creatinine {LAB} mg/dL, Hemoglobin {LAB} g/dL on {VISIT_EN}.",
    "Screened for Huntington's disease and Graves disease; Cushing syndrome ruled out after {YEARS} weeks.",
    "Patient reports {YEARS}/10 pain for {YEARS} hours; ibuprofen {DOSE} mg every 6 hours, BP {BP}.",
)


def sentences(seed: int = SEED) -> list[dict]:
    """The seeded sentences with character spans for every labelled placeholder."""
    rng = random.Random(seed)
    ko, en = Faker("ko_KR"), Faker("en_US")
    ko.seed_instance(seed)
    en.seed_instance(seed + 1)
    made = fillers(rng, ko, en)
    records = []
    for lang, templates, count in (("ko", TEMPLATES_KO, 240), ("en", TEMPLATES_EN, 210)):
        for i in range(count):
            template = templates[i % len(templates)]
            text, spans, rest = "", [], template
            while "{" in rest:
                head, _, tail = rest.partition("{")
                key, _, rest = tail.partition("}")
                entity, make = made[key]
                value = make()
                text += head
                if entity:
                    spans.append({"start": len(text), "end": len(text) + len(value), "entity": entity})
                text += value
            records.append({"id": f"t{lang}-{i:03d}", "lang": lang, "text": text + rest, "spans": spans})
    return records


def write(out: Path = HERE) -> Path:
    """Writes redaction_sentences.jsonl under ``out`` and returns its path."""
    path = out / "redaction_sentences.jsonl"
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in sentences()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
