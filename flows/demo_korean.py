"""The Korean demo table: fake hospital admissions with every kind of Korean personal data, made on the spot.

No Korean personal-level table ships in any wheel (and none may be downloaded), so the demo
composes one from Faker's ko_KR locale and a seeded generator: names, resident registration
numbers with valid check digits, phones, road-name addresses, medical record numbers, dates and
a free-text nursing note that repeats some of them. Every value is fake; the shape is real.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from synthgate.flows.errors import InputError
from synthgate.privacy import rrn_check_digit

# Diagnoses with a realistic long tail, so merge_rare and l-diversity have work to do.
_DIAGNOSES = {
    "고혈압": 18, "제2형 당뇨병": 14, "폐렴": 10, "골절": 9, "급성 위장염": 8, "천식": 6, "뇌경색": 5,
    "급성 심근경색": 4, "백내장": 4, "우울증": 4, "만성 신부전": 3, "간경변": 2, "결핵": 2, "패혈증": 1,
    "갑상선암": 1, "파킨슨병": 1,
}
_DEPARTMENTS = ["내과", "외과", "정형외과", "신경과", "호흡기내과", "안과", "정신건강의학과"]
_NOTES = [
    "{name}님 {diagnosis}(으)로 입원. 보호자 연락처 {phone}.",
    "환자 {name} 씨가 통증 호소하여 진통제 투여함.",
    "{name}님의 보호자에게 퇴원 교육 시행, 주소지 {address} 확인.",
    "주민등록번호 {rrn} 본인 확인 후 동의서 작성.",
    "활력징후 안정적, 특이사항 없음.",
    "{name} 환자는 식사 잘 하심. 다음 외래 예약함.",
]


def _rrn(birth: dt.date, female: bool, rng: np.random.Generator) -> str:
    """A resident registration number with the pre-2020 check digit (the format of every adult's)."""
    century = 1 if birth.year < 2000 else 3
    digits = f"{birth:%y%m%d}{century + int(female)}" + "".join(map(str, rng.integers(0, 10, 5)))
    return f"{digits[:6]}-{digits[6:]}{rrn_check_digit(digits)}"


def korean_clinic_table(rows: int = 3_000, seed: int = 7) -> pd.DataFrame:
    """Fake admissions: several per patient, with the patient's identifiers repeated on each.

    Args:
        rows: Admissions to make.
        seed: Seeds Faker and numpy, so the table is the same on every machine.

    Returns:
        The table, with Korean column names.
    """
    try:
        from faker import Faker
    except ImportError:
        raise InputError("the Korean demo needs Faker: pip install -e '.[demo]' (or run make demo)") from None
    fake = Faker("ko_KR")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    patients = []
    for number in rng.choice(np.arange(10_000_000, 99_999_999), size=max(rows * 2 // 3, 1), replace=False):
        female = bool(rng.random() < 0.52)
        birth = fake.date_of_birth(minimum_age=19, maximum_age=95)
        patients.append({
            "환자번호": f"H{number}",
            "성명": fake.name_female() if female else fake.name_male(),
            "주민등록번호": _rrn(birth, female, rng),
            "연락처": f"010-{rng.integers(1000, 10000)}-{rng.integers(1000, 10000)}",
            "주소": fake.road_address(),
            "성별": "여" if female else "남",
            "birth": birth,
        })
    names = list(_DIAGNOSES)
    weights = np.array(list(_DIAGNOSES.values()), dtype=float)
    records = []
    start = dt.date(2024, 1, 1)
    for _ in range(rows):
        patient = patients[int(rng.integers(len(patients)))]
        diagnosis = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        admitted = start + dt.timedelta(days=int(rng.integers(0, 366)))
        stay = int(rng.gamma(2.0, 3.0 + 2 * (diagnosis in ("패혈증", "뇌경색", "급성 심근경색")))) + 1
        age = admitted.year - patient["birth"].year - ((admitted.month, admitted.day) < (patient["birth"].month, patient["birth"].day))
        note = _NOTES[int(rng.integers(len(_NOTES)))].format(
            name=patient["성명"], diagnosis=diagnosis, phone=patient["연락처"],
            address=patient["주소"], rrn=patient["주민등록번호"],
        )
        records.append({
            **{k: v for k, v in patient.items() if k != "birth"},
            "나이": age,
            "진단명": diagnosis,
            "진료과": _DEPARTMENTS[int(rng.integers(len(_DEPARTMENTS)))],
            "입원일": admitted.isoformat(),
            "퇴원일": (admitted + dt.timedelta(days=stay)).isoformat(),
            "총진료비": int(round(rng.lognormal(13.0 + 0.08 * stay, 0.4), -3)),
            "간호기록": note,
        })
    columns = ["환자번호", "성명", "주민등록번호", "연락처", "주소", "나이", "성별", "진단명", "진료과",
               "입원일", "퇴원일", "총진료비", "간호기록"]
    return pd.DataFrame.from_records(records, columns=columns)
