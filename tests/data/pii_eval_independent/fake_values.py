"""Fake PII values and decoys for the independent redaction set; every value is invented."""

from __future__ import annotations

import datetime as dt
import random

# A generator returns segments: (text, entity) where entity None means "not PII, leave unlabelled".
Segments = list[tuple[str, str | None]]

RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def rrn_check_digit(first12: str) -> int:
    """Return the 주민등록번호 check digit C = (11 - sum(w_i d_i) mod 11) mod 10."""
    return (11 - sum(w * int(d) for w, d in zip(RRN_WEIGHTS, first12)) % 11) % 10


def random_date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    """Return a uniformly drawn calendar date between two years inclusive."""
    start = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


# --- dates -------------------------------------------------------------------------------

def en_date(rng: random.Random, d: dt.date) -> str:
    """Format a date the way US clinical notes write it (several shapes)."""
    month = MONTHS[d.month - 1]
    shapes = [
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year}",
        f"{month} {d.day}, {d.year}",
        f"{d.day} {month[:3]} {d.year}",
        f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.day:02d}-{month[:3].upper()}-{d.year}",
    ]
    return rng.choice(shapes)


def ko_date(rng: random.Random, d: dt.date) -> str:
    """Format a date the way Korean notes write it (several shapes)."""
    shapes = [
        f"{d.year}년 {d.month}월 {d.day}일",
        f"{d.year}.{d.month:02d}.{d.day:02d}",
        f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.year % 100:02d}.{d.month:02d}.{d.day:02d}",
        f"{d.year}{d.month:02d}{d.day:02d}",
    ]
    return rng.choice(shapes)


def en_dob(rng: random.Random) -> Segments:
    """A birth date in an English shape (the template supplies the birth context)."""
    return [(en_date(rng, random_date(rng, 1928, 2016)), "DATE_OF_BIRTH")]


def ko_dob(rng: random.Random) -> Segments:
    """A birth date in a Korean shape (the template supplies the birth context)."""
    return [(ko_date(rng, random_date(rng, 1928, 2016)), "DATE_OF_BIRTH")]


def en_newborn_dob(rng: random.Random) -> Segments:
    """A recent birth date for a neonate (English shapes)."""
    return [(en_date(rng, random_date(rng, 2024, 2026)), "DATE_OF_BIRTH")]


def ko_newborn_dob(rng: random.Random) -> Segments:
    """A recent birth date for a neonate (Korean shapes)."""
    return [(ko_date(rng, random_date(rng, 2024, 2026)), "DATE_OF_BIRTH")]


def en_visit_date(rng: random.Random) -> Segments:
    """Decoy: an admission/visit date in the same shapes as a DOB but without birth context."""
    return [(en_date(rng, random_date(rng, 2018, 2026)), None)]


def ko_visit_date(rng: random.Random) -> Segments:
    """Decoy: a Korean visit date without birth context."""
    return [(ko_date(rng, random_date(rng, 2018, 2026)), None)]


# --- identifiers -------------------------------------------------------------------------

def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def kr_rrn(rng: random.Random) -> Segments:
    """A 주민등록번호 with a real birth date, a matching century digit and a valid check digit."""
    born = random_date(rng, 1930, 2015)
    century_digits = (1, 2) if born.year < 2000 else (3, 4)
    first12 = f"{born.year % 100:02d}{born.month:02d}{born.day:02d}{rng.choice(century_digits)}"
    first12 += _digits(rng, 5)
    full = first12 + str(rrn_check_digit(first12))
    value = full if rng.random() < 0.25 else f"{full[:6]}-{full[6:]}"
    return [(value, "KR_RRN")]


def us_ssn(rng: random.Random) -> Segments:
    """An SSN in an issuable shape (area not 000/666/9xx, group not 00, serial not 0000)."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    sep = rng.choices(["-", " ", ""], weights=[7, 1, 2])[0]
    return [(f"{area:03d}{sep}{group:02d}{sep}{serial:04d}", "US_SSN")]


def en_mrn(rng: random.Random) -> Segments:
    """A medical record number with its keyword; only the identifier itself is labelled."""
    shapes = [
        ("MRN-", _digits(rng, 7)),
        ("MRN: ", "00" + _digits(rng, 6)),
        ("MRN ", _digits(rng, 8)),
        ("chart #", _digits(rng, 5)),
        ("record no. ", f"{_digits(rng, 4)}-{_digits(rng, 2)}"),
        ("medical record number ", _digits(rng, 8)),
        ("Med Rec #: ", "A" + _digits(rng, 7)),
        ("hospital no. ", f"{rng.randint(10, 99)}-{_digits(rng, 6)}"),
    ]
    keyword, value = rng.choice(shapes)
    return [(keyword, None), (value, "MEDICAL_RECORD_NUMBER")]


def ko_mrn(rng: random.Random) -> Segments:
    """A Korean 환자번호/등록번호/차트번호 with its keyword; only the identifier is labelled."""
    shapes = [
        ("환자번호 ", _digits(rng, 8)),
        ("등록번호: ", "H000" + _digits(rng, 5)),
        ("차트번호 ", f"{rng.randint(2015, 2026)}-{_digits(rng, 4)}"),
        ("병록번호 ", "00" + _digits(rng, 5)),
        ("환자ID: ", _digits(rng, 8)),
        ("등록번호 ", _digits(rng, 7)),
    ]
    keyword, value = rng.choice(shapes)
    return [(keyword, None), (value, "MEDICAL_RECORD_NUMBER")]


# --- phones and e-mail -------------------------------------------------------------------

US_AREAS = ["212", "312", "415", "617", "713", "206", "305", "404", "503", "720", "919", "808",
            "347", "469", "571", "702"]


def _ko_phone_value(rng: random.Random) -> str:
    mid, end = _digits(rng, 4), _digits(rng, 4)
    shapes = [
        f"010-{mid}-{end}", f"010-{mid}-{end}", f"010 {mid} {end}", f"010{mid}{end}",
        f"+82 10-{mid}-{end}", f"+82-10-{mid}-{end}",
        f"02-{rng.randint(200, 999)}-{end}", f"02-{mid}-{end}",
        f"0{rng.choice(['31', '32', '33', '41', '42', '51', '53', '54', '55', '61', '62', '63', '64'])}"
        f"-{rng.randint(200, 999)}-{end}",
    ]
    return rng.choice(shapes)


def en_phone(rng: random.Random) -> Segments:
    """A US phone in several shapes; one in ten is a Korean number (visiting families)."""
    if rng.random() < 0.1:
        return [(_ko_phone_value(rng), "PHONE_NUMBER")]
    a, e, n = rng.choice(US_AREAS), rng.randint(201, 989), _digits(rng, 4)
    shapes = [f"({a}) {e}-{n}", f"{a}-{e}-{n}", f"{a}.{e}.{n}", f"+1 {a} {e} {n}",
              f"1-{a}-{e}-{n}", f"{a} {e} {n}", f"({a}){e}-{n}"]
    return [(rng.choice(shapes), "PHONE_NUMBER")]


def ko_phone(rng: random.Random) -> Segments:
    """A Korean mobile or landline number in several shapes."""
    return [(_ko_phone_value(rng), "PHONE_NUMBER")]


EN_MAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "example.org", "mail.example.com",
                   "icloud.com", "comcast.net", "stlukes-health.example"]
KO_MAIL_DOMAINS = ["naver.com", "daum.net", "hanmail.net", "gmail.com", "kakao.com", "nate.com",
                   "hospital.example.kr"]
