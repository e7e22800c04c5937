"""Write the labelled PII evaluation set (fake tables and sentences) next to this script, seeded.

Run: .venv/bin/python tests/data/pii_eval/make_eval_set.py [OUT_DIR]
Every value is fake: names and addresses come from Faker, identifiers from the generators
below, which follow the real formats and check digits. Same seed and same Faker version
give byte-identical files.
"""
from __future__ import annotations

import csv
import io
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

SEED = 20240611
HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- identifiers with check digits
_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def birth_date(rng: random.Random, first: int = 1940, last: int = 2012) -> date:
    return date(first, 1, 1) + timedelta(days=rng.randrange((date(last, 12, 31) - date(first, 1, 1)).days))


def rrn(rng: random.Random, *, foreigner: bool = False, dash: bool = True) -> str:
    """Resident (or foreigner) registration number with the pre-2020 check digit."""
    born = birth_date(rng)
    gender = rng.choice((1, 2)) + (2 if born.year >= 2000 else 0) + (4 if foreigner else 0)
    body = f"{born:%y%m%d}{gender}{rng.randrange(100_000):05d}"
    total = sum(int(d) * w for d, w in zip(body, _RRN_WEIGHTS))
    check = ((13 if foreigner else 11) - total % 11) % 10
    return f"{body[:6]}{'-' if dash else ''}{body[6:]}{check}"


def brn(rng: random.Random) -> str:
    """Business registration number AAA-BB-CCCCC with its check digit."""
    body = f"{rng.randint(101, 899)}{rng.randint(1, 99):02d}{rng.randrange(10_000):04d}"
    digits = [int(d) for d in body]
    total = sum(d * k for d, k in zip(digits, (1, 3, 7, 1, 3, 7, 1, 3)))
    total += digits[8] * 5 + digits[8] * 5 // 10
    return f"{body[:3]}-{body[3:5]}-{body[5:]}{(10 - total % 10) % 10}"


def luhn_card(rng: random.Random) -> str:
    """A Visa, Mastercard or Amex number that passes the Luhn check, grouped by 4 (Amex 4-6-5)."""
    prefix, length = rng.choice((("4", 16), (f"5{rng.randint(1, 5)}", 16), (rng.choice(("34", "37")), 15)))
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, d in enumerate(int(c) for c in reversed(body)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    number = body + str((10 - total % 10) % 10)
    groups = (4, 6, 5) if length == 15 else (4, 4, 4, 4)
    sep = rng.choice(("-", " ", "-"))
    parts, i = [], 0
    for g in groups:
        parts.append(number[i:i + g])
        i += g
    return sep.join(parts)


def us_ssn(rng: random.Random) -> str:
    """Area 001-899 except 666, group 01-99, serial 0001-9999; never a published sample SSN."""
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            value = f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
            if value not in ("123-45-6789", "078-05-1120") and len(set(value.replace("-", ""))) > 1:
                return value


_AREA_CODES = ("031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055", "061", "062", "063", "064")


def kr_phone(rng: random.Random, style: str | None = None) -> str:
    """Korean mobile (010), Seoul (02) or regional landline, or +82, in the usual spellings."""
    style = style or rng.choice(("mobile", "mobile", "mobile", "seoul", "regional", "intl"))
    four = f"{rng.randint(2000, 9999)}"
    last = f"{rng.randrange(10_000):04d}"
    if style == "mobile":
        return f"010-{four}-{last}"
    if style == "mobile_plain":
        return f"010{four}{last}"
    if style == "seoul":
        return f"02-{rng.choice((four, four[:3]))}-{last}"
    if style == "regional":
        return f"{rng.choice(_AREA_CODES)}-{rng.randint(200, 999)}-{last}"
    return rng.choice((f"+82-10-{four}-{last}", f"+82 10 {four} {last}", f"+82-2-{four}-{last}"))


_US_AREAS = ("212", "415", "312", "617", "206", "303", "713", "404", "512", "646")


def us_phone(rng: random.Random) -> str:
    area, exchange, line = rng.choice(_US_AREAS), rng.randint(201, 989), f"{rng.randrange(10_000):04d}"
    if exchange == 555:
        exchange = 556
    return rng.choice((f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}", f"+1 {area} {exchange} {line}"))


def military_number(rng: random.Random) -> str:
    """군번: enlistment year, hyphen, 8 digits (enlisted); one in ten an officer's 5 digits."""
    year = rng.randint(10, 24)
    if rng.random() < 0.1:
        return f"{year:02d}-{rng.randint(10_000, 99_999)}"
    return f"{year:02d}-{rng.randint(70_000_000, 79_999_999)}"


def health_insurance_number(rng: random.Random) -> str:
    """건강보험증번호: 11 digits, the first 1-7, written whole."""
    return f"{rng.randint(1, 7)}{rng.randrange(10**10):010d}"


def mrn(rng: random.Random) -> str:
    """A hospital chart number in this set's format: H and 8 digits (see README: --mrn-pattern)."""
    return f"H{rng.randint(10_000_000, 99_999_999)}"


MRN_PATTERN = r"(?<![A-Za-z0-9])H\d{8}(?!\d)"
_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호배"
_REGIONS = ("서울", "부산", "대구", "인천", "광주", "대전", "경기", "강원")


def vehicle_plate(rng: random.Random) -> str:
    """Plates since 2019 (123가4567), before (12가3456) and with a region (서울12가3456)."""
    letter, tail = rng.choice(_PLATE_LETTERS), f"{rng.randint(1000, 9999)}"
    style = rng.random()
    if style < 0.45:
        return f"{rng.randint(100, 699)}{letter}{rng.choice(('', ' '))}{tail}"
    if style < 0.85:
        return f"{rng.randint(10, 99)}{letter}{rng.choice(('', ' '))}{tail}"
    return f"{rng.choice(_REGIONS)}{rng.randint(10, 99)}{letter}{tail}"


_LOT_PLACES = (
    ("서울특별시", "강남구", "역삼동"), ("서울특별시", "관악구", "신림동"), ("서울특별시", "마포구", "합정동"),
    ("부산광역시", "해운대구", "우동"), ("대구광역시", "수성구", "범어동"), ("인천광역시", "연수구", "송도동"),
    ("경기도 수원시", "영통구", "매탄동"), ("경기도 성남시", "분당구", "정자동"), ("대전광역시", "유성구", "봉명동"),
    ("광주광역시", "북구", "용봉동"), ("강원특별자치도 춘천시", "", "효자동"), ("제주특별자치도 제주시", "", "연동"),
)


def lot_address(rng: random.Random) -> str:
    """지번 address: region, district, dong and lot number."""
    region, district, dong = rng.choice(_LOT_PLACES)
    lot = f"{rng.randint(1, 999)}" + (f"-{rng.randint(1, 60)}" if rng.random() < 0.6 else "")
    return " ".join(p for p in (region, district, dong, lot + rng.choice(("", "번지"))) if p)


def ipv4(rng: random.Random) -> str:
    return f"{rng.choice((11, 23, 58, 61, 98, 112, 121, 175, 203, 211))}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(1, 254)}"


# ---------------------------------------------------------------- decoys (no personal entity)
DIAGNOSES_KO = ("고혈압", "당뇨병", "이상지질혈증", "정상", "이상 소견 없음", "급성 기관지염", "위염", "요통",
                "천식", "골절", "신장결석", "안구건조증", "한랭 두드러기", "조영제 과민반응", "전립선비대증")
RESULTS_KO = ("정상", "이상", "경계", "재검", "음성", "양성")
WARDS = ("W3A", "W3B", "W5", "ICU-2", "NICU", "ER", "72병동", "51병동")
RANKS_KO = ("이병", "일병", "상병", "병장", "하사", "중사", "상사", "소위", "중위", "대위")
UNITS_KO = ("제1보병사단", "제3보병사단", "수도기계화사단", "제7공병여단", "국군수도병원", "해병대 제2사단")
DIAGNOSES_EN = ("hypertension", "type 2 diabetes", "asthma", "acute bronchitis", "normal", "migraine",
                "fracture of radius", "gastritis", "low back pain", "hyperlipidaemia")
NOTES_KO = ("특이사항 없음", "재진", "초진", "보험 확인 필요", "금식 중", "약 복용 중", "외래 예약")


# ---------------------------------------------------------------- tables
def en_name(en: Faker) -> str:
    """First and last name, without Faker's prefixes and suffixes (Dr., DVM) that are not the name."""
    return f"{en.first_name()} {en.last_name()}"


def en_address(en: Faker) -> str:
    """A one-line US street address (never Faker's military APO/DPO form)."""
    state = en.state_abbr(include_territories=False, include_freely_associated_states=False)
    return f"{en.street_address()}, {en.city()}, {state} {en.postcode()}"


def _column_data(rng, ko, en):
    """table -> (columns: name -> (values, true entity or "", expected action))."""
    n_ko, n_mil, n_reg, n_en, n_misc = 120, 100, 80, 100, 80

    def many(fn, n, empty=0.0):
        return [None if rng.random() < empty else fn() for _ in range(n)]

    def iso(d: date, sep="-") -> str:
        return d.strftime(f"%Y{sep}%m{sep}%d")

    tables = {
        "kr_patients": {
            "환자번호": (many(lambda: mrn(rng), n_ko), "KR_MEDICAL_RECORD_NUMBER", "pseudonymise"),
            "성명": (many(ko.name, n_ko), "PERSON", "pseudonymise"),
            "주민등록번호": (many(lambda: rrn(rng), n_ko), "KR_RRN", "drop"),
            "휴대전화": (many(lambda: kr_phone(rng, "mobile"), n_ko), "KR_PHONE_NUMBER", "drop"),
            "집전화번호": (many(lambda: kr_phone(rng, rng.choice(("seoul", "regional"))), n_ko), "KR_PHONE_NUMBER", "drop"),
            "주소": (many(ko.road_address, n_ko), "KR_ADDRESS", "drop"),
            "생년월일": (many(lambda: iso(birth_date(rng)), n_ko), "DATE_TIME", "generalise"),
            "건강보험증번호": (many(lambda: health_insurance_number(rng), n_ko), "KR_HEALTH_INSURANCE_NUMBER", "drop"),
            "이메일": (many(ko.free_email, n_ko), "EMAIL_ADDRESS", "drop"),
            "담당의": (many(ko.name, n_ko), "PERSON", "pseudonymise"),
            "진단명": (many(lambda: rng.choice(DIAGNOSES_KO), n_ko), "", "keep"),
            "검사결과": (many(lambda: rng.choice(RESULTS_KO), n_ko), "", "keep"),
            "혈색소": (many(lambda: round(rng.uniform(9.0, 17.5), 1), n_ko), "", "keep"),
            "처방번호": (many(lambda: rng.randint(10_000_000, 99_999_999), n_ko), "", "keep"),
            "병동": (many(lambda: rng.choice(WARDS), n_ko), "", "keep"),
            "보호자연락처": (many(lambda: kr_phone(rng, "mobile"), n_ko, empty=0.95), "KR_PHONE_NUMBER", "drop"),
        },
        "kr_soldiers": {
            "군번": (many(lambda: military_number(rng), n_mil), "KR_MILITARY_SERVICE_NUMBER", "pseudonymise"),
            "이름": (many(ko.name, n_mil), "PERSON", "pseudonymise"),
            "계급": (many(lambda: rng.choice(RANKS_KO), n_mil), "", "keep"),
            "소속": (many(lambda: rng.choice(UNITS_KO), n_mil), "", "keep"),
            "연락처": (many(lambda: kr_phone(rng), n_mil), "KR_PHONE_NUMBER", "drop"),
            "차량번호": (many(lambda: vehicle_plate(rng), n_mil), "KR_VEHICLE_PLATE", "drop"),
            "지번주소": (many(lambda: lot_address(rng), n_mil), "KR_ADDRESS", "drop"),
            "혈액형": (many(lambda: rng.choice(("A", "B", "O", "AB")), n_mil), "", "keep"),
            "입대일": (many(lambda: iso(birth_date(rng, 2010, 2024), "."), n_mil), "DATE_TIME", "keep"),
        },
        "kr_registry": {
            "외국인등록번호": (many(lambda: rrn(rng, foreigner=True), n_reg), "KR_FRN", "drop"),
            "사업자등록번호": (many(lambda: brn(rng), n_reg), "KR_BRN", "drop"),
            "항목A": (many(ko.free_email, n_reg), "EMAIL_ADDRESS", "drop"),
            "항목B": (many(lambda: rrn(rng), n_reg), "KR_RRN", "drop"),
            "항목C": (many(lambda: kr_phone(rng), n_reg), "KR_PHONE_NUMBER", "drop"),
            "항목D": (many(lambda: vehicle_plate(rng), n_reg), "KR_VEHICLE_PLATE", "drop"),
            "비고": (many(lambda: rng.choice(NOTES_KO), n_reg, empty=0.3), "", "keep"),
            "담당자이메일": (many(ko.free_email, n_reg, empty=0.95), "EMAIL_ADDRESS", "drop"),
        },
        "en_patients": {
            "mrn": (many(lambda: mrn(rng), n_en), "KR_MEDICAL_RECORD_NUMBER", "pseudonymise"),
            "patient_name": (many(lambda: en_name(en), n_en), "PERSON", "pseudonymise"),
            "ssn": (many(lambda: us_ssn(rng), n_en), "US_SSN", "drop"),
            "phone": (many(lambda: us_phone(rng), n_en), "PHONE_NUMBER", "drop"),
            "email": (many(en.free_email, n_en), "EMAIL_ADDRESS", "drop"),
            "address": (many(lambda: en_address(en), n_en), "LOCATION", "drop"),
            "dob": (many(lambda: iso(birth_date(rng)), n_en), "DATE_TIME", "generalise"),
            "credit_card": (many(lambda: luhn_card(rng), n_en), "CREDIT_CARD", "drop"),
            "ip_address": (many(lambda: ipv4(rng), n_en), "IP_ADDRESS", "drop"),
            "diagnosis": (many(lambda: rng.choice(DIAGNOSES_EN), n_en), "", "keep"),
            "hba1c": (many(lambda: round(rng.uniform(4.5, 11.0), 1), n_en), "", "keep"),
            "order_no": (many(lambda: rng.randint(10_000_000, 99_999_999), n_en), "", "keep"),
            "ward": (many(lambda: rng.choice(WARDS[:6]), n_en), "", "keep"),
        },
        "en_misc": {
            "field_1": (many(lambda: us_ssn(rng), n_misc), "US_SSN", "drop"),
            "field_2": (many(lambda: luhn_card(rng), n_misc), "CREDIT_CARD", "drop"),
            "contact": (many(en.free_email, n_misc), "EMAIL_ADDRESS", "drop"),
            "callback": (many(lambda: kr_phone(rng, rng.choice(("mobile", "intl"))), n_misc), "KR_PHONE_NUMBER", "drop"),
            "host": (many(lambda: ipv4(rng), n_misc), "IP_ADDRESS", "drop"),
            "status": (many(lambda: rng.choice(("open", "closed", "pending")), n_misc), "", "keep"),
            "lot": (many(lambda: f"LOT-{rng.randint(2020, 2024)}-{rng.randrange(10_000):04d}", n_misc), "", "pseudonymise"),
            "icd10": (many(lambda: rng.choice(("E11.9", "I10", "J45.909", "M54.5", "K29.70")), n_misc), "", "keep"),
        },
    }
    return tables


def _csv_text(columns: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(columns)
    writer.writerow(names)
    for row in zip(*(columns[c][0] for c in names)):
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


# ---------------------------------------------------------------- sentences
def _sentence_fillers(rng, ko, en):
    kdob = lambda: (lambda d: rng.choice((f"{d.year}년 {d.month}월 {d.day}일", f"{d:%Y.%m.%d}")))(birth_date(rng))  # noqa: E731
    edob = lambda: (lambda d: rng.choice((f"{d:%B} {d.day}, {d.year}", f"{d:%m/%d/%Y}")))(birth_date(rng))  # noqa: E731
    return {
        "NAME_KO": ("PERSON", ko.name), "RRN": ("KR_RRN", lambda: rrn(rng, dash=rng.random() < 0.85)),
        "FRN": ("KR_FRN", lambda: rrn(rng, foreigner=True)), "BRN": ("KR_BRN", lambda: brn(rng)),
        "PHONE_KO": ("KR_PHONE_NUMBER", lambda: kr_phone(rng, rng.choice(("mobile", "mobile_plain", "seoul", "regional", "intl")))),
        "EMAIL_KO": ("EMAIL_ADDRESS", ko.free_email), "ADDR_KO": ("KR_ADDRESS", lambda: rng.choice((ko.road_address(), lot_address(rng)))),
        "PLATE": ("KR_VEHICLE_PLATE", lambda: vehicle_plate(rng)), "MIL": ("KR_MILITARY_SERVICE_NUMBER", lambda: military_number(rng)),
        "NHIS": ("KR_HEALTH_INSURANCE_NUMBER", lambda: health_insurance_number(rng)),
        "MRN": ("KR_MEDICAL_RECORD_NUMBER", lambda: mrn(rng)), "DOB_KO": ("DATE_TIME", kdob),
        "NAME_EN": ("PERSON", lambda: en_name(en)), "SSN": ("US_SSN", lambda: us_ssn(rng)), "PHONE_EN": ("PHONE_NUMBER", lambda: us_phone(rng)),
        "EMAIL_EN": ("EMAIL_ADDRESS", en.free_email), "CARD": ("CREDIT_CARD", lambda: luhn_card(rng)),
        "IP": ("IP_ADDRESS", lambda: ipv4(rng)), "ADDR_EN": ("LOCATION", lambda: en_address(en)),
        "DOB_EN": ("DATE_TIME", edob),
    }


TEMPLATES_KO = (
    "환자 {NAME_KO} 님의 주민등록번호는 {RRN}이며 연락처는 {PHONE_KO}입니다.",
    "{NAME_KO} 씨는 {DOB_KO}생으로 {ADDR_KO}에 거주합니다.",
    "보호자 {NAME_KO}({PHONE_KO})에게 검사 결과를 안내함.",
    "등록번호 {MRN} 환자, 건강보험증번호 {NHIS} 확인 완료.",
    "군번 {MIL} {NAME_KO} 병장은 {DOB_KO}에 입대 전 건강검진을 받았다.",
    "차량번호 {PLATE} 차주 {NAME_KO}, 연락처 {PHONE_KO}.",
    "외국인등록번호 {FRN} 소지자의 이메일은 {EMAIL_KO}입니다.",
    "사업자등록번호 {BRN} 대표자 {NAME_KO}의 사업장 주소는 {ADDR_KO}이다.",
    "담당의 {NAME_KO} 교수가 {MRN} 환자의 경과를 기록함.",
    "문의: {EMAIL_KO} 또는 {PHONE_KO}",
    "{NAME_KO}님 주민번호 {RRN}, 주소 {ADDR_KO}",
    "응급실 내원한 {NAME_KO} 환자는 고혈압 병력이 있으며 이상 소견은 없었다.",
    "혈압 정상, 당뇨병 없음. 다음 외래는 2주 후 예정.",
    "이상지질혈증으로 약물 복용 중이며 특이사항 없음.",
    "정상 범위의 검사 결과로 추가 조치 불필요.",
)
TEMPLATES_EN = (
    "Patient {NAME_EN} (SSN {SSN}) can be reached at {PHONE_EN}.",
    "{NAME_EN} was born on {DOB_EN} and lives at {ADDR_EN}.",
    "Please send the invoice to {EMAIL_EN}; card on file {CARD}.",
    "Login from {IP} by {NAME_EN} was flagged by the security team.",
    "Dr. {NAME_EN} reviewed chart {MRN} this morning.",
    "Contact the guardian {NAME_EN} at {PHONE_EN} or {EMAIL_EN}.",
    "The social security number on the form is {SSN}.",
    "Billing address: {ADDR_EN}. Phone: {PHONE_EN}.",
    "Mr. {NAME_EN} reports mild headache and no fever.",
    "Blood pressure normal; follow-up for hypertension in two weeks.",
    "No abnormal findings; the patient was discharged in stable condition.",
)


def _sentences(rng, ko, en) -> list[dict]:
    fillers = _sentence_fillers(rng, ko, en)
    records = []
    for lang, templates, count in (("ko", TEMPLATES_KO, 270), ("en", TEMPLATES_EN, 200)):
        for i in range(count):
            template = templates[i % len(templates)] if i < len(templates) else rng.choice(templates)
            text, spans, rest = "", [], template
            while "{" in rest:
                head, _, tail = rest.partition("{")
                key, _, rest = tail.partition("}")
                entity, make = fillers[key]
                value = make()
                text += head
                spans.append({"start": len(text), "end": len(text) + len(value), "entity": entity})
                text += value
            records.append({"id": f"{lang}-{i:03d}", "lang": lang, "text": text + rest, "spans": spans})
    return records


# ---------------------------------------------------------------- write
def write_eval_set(out: Path = HERE, seed: int = SEED) -> list[Path]:
    """Writes tables/*.csv, columns.csv and sentences.jsonl under ``out``; returns the paths."""
    rng = random.Random(seed)
    ko, en = Faker("ko_KR"), Faker("en_US")
    ko.seed_instance(seed)
    en.seed_instance(seed + 1)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    written, labels = [], [("table", "column", "entity", "action")]
    for table, columns in _column_data(rng, ko, en).items():
        path = out / "tables" / f"{table}.csv"
        path.write_text(_csv_text(columns), encoding="utf-8")
        written.append(path)
        labels += [(table, name, entity, action) for name, (_, entity, action) in columns.items()]
    label_path = out / "columns.csv"
    with label_path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(labels)
    sentence_path = out / "sentences.jsonl"
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in _sentences(rng, ko, en)]
    sentence_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [*written, label_path, sentence_path]


if __name__ == "__main__":
    for written_path in write_eval_set(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written_path)
