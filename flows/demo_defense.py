"""The Korean defense demo: fake service members, their postings and clinic visits, made on the spot.

Three related tables with the identifiers a Korean military personnel and medical system holds,
from Faker's ko_KR locale and one seeded numpy generator (the same tables on every machine):

- ``members``: 군번 (the service number, ``YY-NNNNNNNN`` enlisted, ``YY-NNNNNN`` NCO, ``YY-NNNNN``
  officer; YY the year of enlistment), 성명 in Hangul, a 주민등록번호 whose date part is the birth
  date and whose check digit is valid, a mobile number, rank, branch, unit, enlistment date, blood type;
- ``postings``: 1-6 per member since 2021 (the service number as the foreign key), unit, base, start
  date and end date (empty for the current posting), in order and without overlap;
- ``visits``: clinic visits since 2023 (0-8 per member), visit date, department, a KCD-style
  diagnosis code and a Korean free-text note that sometimes repeats the member's name or phone.

Every value is fake; the shape is real.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from synthgate.flows.errors import InputError
from synthgate.privacy import rrn_check_digit

#: The last day anything happens in the demo's world.
TODAY = dt.date(2025, 12, 31)
#: The postings extract starts here (the posting held that day is its first row).
POSTINGS_FROM = dt.date(2021, 1, 1)
#: The clinic's electronic records start here.
VISITS_FROM = dt.date(2023, 1, 1)

# branch -> its units -> the base (garrison town) of each unit
_UNITS = {
    "육군": {"제1보병사단": "파주", "제3보병사단": "철원", "제7보병사단": "화천", "제25보병사단": "양주",
            "제28보병사단": "연천", "제2기갑여단": "파주", "육군군수사령부": "대구"},
    "해군": {"제1함대": "동해", "제2함대": "평택", "제3함대": "목포", "해군교육사령부": "진해"},
    "공군": {"제1전투비행단": "광주", "제10전투비행단": "수원", "제11전투비행단": "대구", "제17전투비행단": "청주"},
    "해병대": {"해병대 제1사단": "포항", "해병대 제2사단": "김포"},
}
_BRANCH_SHARE = {"육군": 0.70, "해군": 0.12, "공군": 0.12, "해병대": 0.06}
# kind of service -> (share, ranks, digits of the serial after the year, age at enlistment)
_SERVICE = {
    "병": (0.60, ["이병", "일병", "상병", "병장"], 8, (19, 23)),
    "부사관": (0.28, ["하사", "중사", "상사", "원사"], 6, (19, 25)),
    "장교": (0.12, ["소위", "중위", "대위", "소령", "중령", "대령"], 5, (22, 26)),
}
_BLOOD = {"A+": 32, "O+": 27, "B+": 27, "AB+": 11, "A-": 1, "O-": 1, "B-": 0.5, "AB-": 0.5}
# KCD code -> (department, weight, how the note names it)
_DIAGNOSES = {
    "J06.9": ("내과", 20, "상기도 감염"), "J00": ("내과", 8, "감기"), "A09.9": ("내과", 6, "위장염"),
    "K29.7": ("내과", 6, "위염"), "M54.5": ("정형외과", 12, "요통"), "S93.4": ("정형외과", 9, "발목 염좌"),
    "S83.6": ("정형외과", 4, "무릎 염좌"), "T14.0": ("외과", 6, "찰과상"), "L30.9": ("피부과", 6, "피부염"),
    "B35.3": ("피부과", 4, "무좀"), "H10.9": ("안과", 3, "결막염"), "J02.9": ("이비인후과", 5, "인두염"),
    "K02.9": ("치과", 5, "치아우식"), "F43.2": ("정신건강의학과", 2, "적응장애"), "S62.6": ("정형외과", 1, "손가락 골절"),
}
_NOTES = [
    "{rank} {name} {condition} 증상으로 내원. 연락처 {phone}.",
    "{name}님 훈련 중 {condition}, 처치 후 경과 관찰.",
    "증상 호전, 특이사항 없음. 소속부대 복귀.",
    "{condition} 진단, 3일 후 재진 예정.",
    "검사 결과 {phone}(으)로 본인에게 안내함.",
    "{rank} {name}, 약 처방 후 귀대 조치.",
]


def _weighted(rng: np.random.Generator, table: dict) -> str:
    names = list(table)
    weights = np.array([v if not isinstance(v, tuple) else v[1] for v in table.values()], dtype=float)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]


def _rrn(birth: dt.date, female: bool, rng: np.random.Generator) -> str:
    """A 주민등록번호: the birth date, the century-and-sex digit, five random digits, a valid check digit."""
    century = 1 if birth.year < 2000 else 3
    digits = f"{birth:%y%m%d}{century + int(female)}" + "".join(map(str, rng.integers(0, 10, 5)))
    return f"{digits[:6]}-{digits[6:]}{rrn_check_digit(digits)}"


def _day(start: dt.date, end: dt.date, rng: np.random.Generator) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, max((end - start).days, 0) + 1)))


def _member(rng: np.random.Generator, fake, serials: set[str]) -> dict:
    kind = _weighted(rng, {k: v[0] for k, v in _SERVICE.items()})
    _, ranks, digits, (young, old) = _SERVICE[kind]
    female = bool(rng.random() < (0.02 if kind == "병" else 0.12))
    if kind == "병":  # conscripts serve about 18 months: enlisted within the last two years
        enlisted = _day(TODAY - dt.timedelta(days=640), TODAY - dt.timedelta(days=30), rng)
        months = (TODAY - enlisted).days // 30
        rank = ranks[min(3, (months >= 3) + (months >= 9) + (months >= 15))]
    else:
        served = min(rng.exponential(7.0), 28.0) + 0.5  # careers: many short, a few of nearly 30 years
        enlisted = TODAY - dt.timedelta(days=int(served * 365.25))
        years = (TODAY - enlisted).days / 365.25
        steps = [0, 3, 8, 14, 19, 24][: len(ranks)]
        rank = ranks[max(i for i, s in enumerate(steps) if years >= s)]
    age = int(rng.integers(young, old + 1))
    birth = _day(dt.date(enlisted.year - age - 1, enlisted.month, 1), dt.date(enlisted.year - age, 12, 28), rng)
    while True:  # a service number is unique
        serial = f"{enlisted.year % 100:02d}-{int(rng.integers(10 ** (digits - 1), 10 ** digits))}"
        if serial not in serials:
            serials.add(serial)
            break
    branch = _weighted(rng, _BRANCH_SHARE)
    return {
        "군번": serial,
        "성명": fake.name_female() if female else fake.name_male(),
        "주민등록번호": _rrn(birth, female, rng),
        "연락처": f"010-{int(rng.integers(1000, 10000))}-{int(rng.integers(1000, 10000))}",
        "계급": rank,
        "군구분": branch,
        "소속부대": None,  # the unit of the current posting
        "입대일": enlisted,
        "혈액형": _weighted(rng, _BLOOD),
        "kind": kind,
    }


def _postings(member: dict, rng: np.random.Generator) -> list[dict]:
    """1-6 postings since POSTINGS_FROM, in order, none overlapping; the last one is current.

    The first is the posting held on POSTINGS_FROM (or the first after enlistment): the extract
    covers recent years, as a personnel system's export of posting history usually does.
    """
    first = member["입대일"]
    if first < POSTINGS_FROM:
        first = max(first, POSTINGS_FROM - dt.timedelta(days=int(rng.integers(0, 730))))
    span = (TODAY - first).days
    most = 2 if member["kind"] == "병" else 6
    count = int(min(rng.integers(1, most + 1), 1 + span // 120))
    starts = sorted({first, *(_day(first + dt.timedelta(days=60), TODAY, rng) for _ in range(count - 1))})
    units = _UNITS[member["군구분"]]
    rows = []
    for i, start in enumerate(starts):
        unit = list(units)[int(rng.integers(len(units)))]
        end = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else None
        rows.append({"군번": member["군번"], "부대": unit, "주둔지": units[unit], "전입일": start, "전출일": end})
    member["소속부대"] = rows[-1]["부대"]
    return rows


def _visits(member: dict, rng: np.random.Generator) -> list[dict]:
    """0-8 clinic visits on distinct days since enlistment or VISITS_FROM, whichever is later."""
    count = int(min(rng.poisson(2.0), 8))
    days = sorted({_day(max(member["입대일"], VISITS_FROM), TODAY, rng) for _ in range(count)})
    rows = []
    for day in days:
        code = _weighted(rng, _DIAGNOSES)
        department, _, condition = _DIAGNOSES[code]
        note = _NOTES[int(rng.integers(len(_NOTES)))].format(
            rank=member["계급"], name=member["성명"], phone=member["연락처"], condition=condition)
        rows.append({"군번": member["군번"], "진료일": day, "진료과": department, "진단코드": code, "진료기록": note})
    return rows


def defense_tables(members: int = 1_000, seed: int = 2026) -> dict[str, pd.DataFrame]:
    """The three tables, in the order parents first.

    Args:
        members: Service members to make (postings and visits follow: about 2.3 and 2 per member).
        seed: Seeds Faker and numpy, so the tables are the same on every machine.

    Returns:
        ``{"members": ..., "postings": ..., "visits": ...}`` with Korean column names, dates as ISO text.

    Raises:
        InputError: Faker (the demo extra) is not installed, or ``members`` is below 1.
    """
    if members < 1:
        raise InputError(f"--members must be at least 1, not {members}")
    try:
        from faker import Faker
    except ImportError:
        raise InputError("the defense demo needs Faker: pip install -e '.[demo]' (or run make demo)") from None
    fake = Faker("ko_KR")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    serials: set[str] = set()
    people, postings, visits = [], [], []
    for _ in range(members):
        member = _member(rng, fake, serials)
        postings += _postings(member, rng)
        visits += _visits(member, rng)
        people.append(member)
    frames = {
        "members": pd.DataFrame(people).drop(columns=["kind"]),
        "postings": pd.DataFrame(postings, columns=["군번", "부대", "주둔지", "전입일", "전출일"]),
        "visits": pd.DataFrame(visits, columns=["군번", "진료일", "진료과", "진단코드", "진료기록"]),
    }
    for frame in frames.values():
        for column in ("입대일", "전입일", "전출일", "진료일"):
            if column in frame:
                frame[column] = frame[column].map(lambda d: d.isoformat() if d is not None else None)
    return frames


def write_defense(paths: dict[str, Path], encoding: str = "utf-8", members: int = 1_000) -> dict[str, int]:
    """Write each table as CSV where the spec reads it; returns the rows of each."""
    frames = defense_tables(members)
    for name, frame in frames.items():
        paths[name].parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(paths[name], index=False, encoding=encoding)
    return {name: len(frame) for name, frame in frames.items()}
