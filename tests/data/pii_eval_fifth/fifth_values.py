"""Fake values (labelled entities and unlabelled decoys) for the fifth PII evaluation set."""

from __future__ import annotations

import datetime as dt
import random

from fifth_names import EN_FIRST, EN_LAST, ROM_KO_GIVEN, ROM_KO_SURNAME

# --- Numbers, dates, contacts -------------------------------------------------------------

MONTHS = "January February March April May June July August September October November December".split()


def birth_date(rng: random.Random) -> dt.date:
    """A plausible birth date between 1931 and 2019."""
    return dt.date(1931, 1, 1) + dt.timedelta(days=rng.randrange(0, 32500))


def en_date(rng: random.Random, day: dt.date) -> str:
    """Format a date in one of several English/US/UK styles."""
    fmt = rng.randrange(7)
    if fmt == 0:
        return day.isoformat()
    if fmt == 1:
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if fmt == 2:
        return f"{day.month}/{day.day}/{day.year % 100:02d}"
    if fmt == 3:
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    if fmt == 4:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if fmt == 5:
        return f"{day.day:02d}-{MONTHS[day.month - 1][:3]}-{day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def ko_date(rng: random.Random, day: dt.date) -> str:
    """Format a date in one of several Korean styles."""
    fmt = rng.randrange(4)
    if fmt == 0:
        return f"{day.year}년 {day.month}월 {day.day}일"
    if fmt == 1:
        return f"{day.year}.{day.month:02d}.{day.day:02d}"
    if fmt == 2:
        return day.isoformat()
    return f"{day.year}년{day.month:02d}월{day.day:02d}일"


def recent_date(rng: random.Random) -> dt.date:
    """A visit/admission/procedure date (never a birth date)."""
    return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 1000))


RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def rrn_check_digit(first12: str) -> int:
    """Check digit of a Korean resident registration number."""
    total = sum(w * int(d) for w, d in zip(RRN_WEIGHTS, first12))
    return (11 - total % 11) % 10


def kr_rrn(rng: random.Random) -> str:
    """A fake RRN with a valid birth date and check digit; about a quarter without hyphen."""
    born = birth_date(rng)
    sex = rng.choice([1, 2]) if born.year < 2000 else rng.choice([3, 4])
    body = f"{born:%y%m%d}{sex}{rng.randrange(0, 100000):05d}"
    full = body + str(rrn_check_digit(body))
    return full if rng.random() < 0.25 else f"{full[:6]}-{full[6:]}"


def us_ssn(rng: random.Random) -> str:
    """A fake SSN (area 001-899 but not 666), dashed, spaced or undashed."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    group, serial = rng.randrange(1, 100), rng.randrange(1, 10000)
    sep = rng.choice(["-", "-", "-", " ", ""])
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


def mrn(rng: random.Random) -> str:
    """A fake medical record number (digits, sometimes with a year-style hyphen)."""
    fmt = rng.randrange(5)
    if fmt == 0:
        return f"{rng.randrange(10**7, 10**8)}"
    if fmt == 1:
        return f"00{rng.randrange(10**5, 10**6)}"
    if fmt == 2:
        return f"{rng.randrange(10**8, 10**9)}"
    if fmt == 3:
        return f"{rng.randrange(10, 27)}-{rng.randrange(10**5, 10**6)}"
    return f"{rng.randrange(10**9, 10**10)}"


def _nxx(rng: random.Random) -> int:
    return rng.randrange(200, 1000)


def en_phone(rng: random.Random) -> str:
    """A fake US or UK phone number in a common written form."""
    a, b, c = _nxx(rng), _nxx(rng), rng.randrange(0, 10000)
    fmt = rng.randrange(7)
    if fmt == 0:
        return f"({a}) {b}-{c:04d}"
    if fmt == 1:
        return f"{a}-{b}-{c:04d}"
    if fmt == 2:
        return f"{a}.{b}.{c:04d}"
    if fmt == 3:
        return f"+1 {a} {b} {c:04d}"
    if fmt == 4:
        return f"1-{a}-{b}-{c:04d}"
    if fmt == 5:
        return f"07{rng.randrange(100, 1000)} {rng.randrange(100000, 1000000)}"
    return f"+44 20 {rng.randrange(7000, 8999)} {c:04d}"


def ko_phone(rng: random.Random) -> str:
    """A fake Korean mobile or landline number."""
    mid, end = rng.randrange(1000, 10000), rng.randrange(0, 10000)
    fmt = rng.randrange(7)
    if fmt == 0:
        return f"010-{mid}-{end:04d}"
    if fmt == 1:
        return f"010{mid}{end:04d}"
    if fmt == 2:
        return f"010 {mid} {end:04d}"
    if fmt == 3:
        return f"+82-10-{mid}-{end:04d}"
    if fmt == 4:
        return f"02-{rng.randrange(200, 1000)}-{end:04d}"
    if fmt == 5:
        area = rng.choice(["031", "032", "042", "051", "053", "062", "064"])
        return f"{area}-{rng.randrange(200, 1000)}-{end:04d}"
    return f"02-{mid}-{end:04d}"


EN_MAIL_DOMAINS = (
    "gmail.com yahoo.com outlook.com hotmail.com icloud.com aol.com btinternet.com "
    "mercyhealth.org stlukeshealth.org baptist-health.org riversidemed.org nhs.net "
    "lakeviewclinic.com valleyhospital.org"
).split()
KO_MAIL_DOMAINS = (
    "naver.com hanmail.net daum.net gmail.com kakao.com nate.com "
    "hanseohospital.kr cnuh.co.kr dsmc.or.kr seoulmed.kr mokpohosp.co.kr"
).split()


def email(rng: random.Random, korean: bool) -> str:
    """A fake e-mail address on a real-looking domain."""
    if korean or rng.random() < 0.2:
        sur = rng.choice(ROM_KO_SURNAME).lower()
        given = rng.choice(ROM_KO_GIVEN).lower().replace("-", "").replace(" ", "")
    else:
        sur = rng.choice(EN_LAST).lower().replace("'", "").replace("-", "")
        given = rng.choice(EN_FIRST).lower()
    given = given.encode("ascii", "ignore").decode()
    sur = sur.encode("ascii", "ignore").decode()
    fmt = rng.randrange(5)
    local = [f"{given}.{sur}", f"{given[0]}{sur}{rng.randrange(1, 99)}", f"{sur}_{given}",
             f"{given}{rng.randrange(1960, 2010)}", f"{sur}.{given[0]}"][fmt]
    domains = KO_MAIL_DOMAINS if korean else EN_MAIL_DOMAINS
    return f"{local}@{rng.choice(domains)}"


STREETS = (
    "Maple Oak Cedar Elm Pine Walnut Linden Willow Chestnut Hickory Magnolia Sycamore "
    "Washington Lincoln Jefferson Madison Franklin Jackson Park Lake Hillcrest Ridge "
    "Meadowbrook Sunset Highland Riverside Church Mill Spring Prospect"
).split()
STREET_TYPES = "Street St. Avenue Ave Road Rd Drive Dr. Lane Ln Court Ct Boulevard Blvd Way Place".split()
CITIES = [
    ("Dayton", "OH"), ("Killeen", "TX"), ("Fayetteville", "NC"), ("Tacoma", "WA"),
    ("Clarksville", "TN"), ("Albany", "NY"), ("Fresno", "CA"), ("Tulsa", "OK"),
    ("Springfield", "IL"), ("Columbus", "GA"), ("Pueblo", "CO"), ("Macon", "GA"),
    ("Bangor", "ME"), ("Mesa", "AZ"), ("Toledo", "OH"), ("Lansing", "MI"),
]


def us_address(rng: random.Random, fakers: dict) -> str:
    """A whole fake US street address from house number to ZIP."""
    if rng.random() < 0.3:
        fake = fakers["en_US"]
        state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
        return f"{fake.street_address()}, {fake.city()}, {state} {fake.zipcode()}"
    street = f"{rng.randrange(1, 9900)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    unit = rng.choice(["", "", "", f", Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}",
                       f" Unit {rng.randrange(1, 300)}", f", #{rng.randrange(1, 90)}"])
    city, state = rng.choice(CITIES)
    zipc = f"{rng.randrange(10000, 99999)}"
    if rng.random() < 0.2:
        zipc += f"-{rng.randrange(1000, 9999)}"
    return f"{street}{unit}, {city}, {state} {zipc}"


KO_REGIONS = [
    ("서울특별시", ["강남구", "마포구", "노원구", "송파구", "관악구", "은평구"]),
    ("부산광역시", ["해운대구", "사하구", "동래구", "수영구"]),
    ("대전광역시", ["유성구", "서구", "대덕구"]),
    ("대구광역시", ["수성구", "달서구"]),
    ("광주광역시", ["북구", "광산구"]),
    ("경기도", ["수원시 팔달구", "성남시 분당구", "평택시", "파주시", "의정부시", "동두천시"]),
    ("강원특별자치도", ["춘천시", "원주시", "철원군", "화천군"]),
    ("전라남도", ["목포시", "여수시", "순천시"]),
    ("경상북도", ["포항시 남구", "경주시", "안동시"]),
    ("충청남도", ["천안시 동남구", "논산시", "계룡시"]),
]
KO_ROADS = "중앙로 평화로 시민대로 한밭대로 문화로 삼일대로 은행로 충장로 해운대로 월드컵로 진달래길 동백로 수목원길 가야대로 봉황로".split()
KO_DONG = "인계동 우동 둔산동 역삼동 망원동 상계동 봉명동 신평동 용호동 효자동 중앙동 교동".split()
KO_BUILDINGS = "푸른마을아파트 한빛아파트 래미안 현대빌라 그린빌 e편한세상 주공아파트 새솔마을".split()


def kr_address(rng: random.Random) -> str:
    """A whole fake Korean road-name or lot-number address, with building/unit when present."""
    sido, gus = rng.choice(KO_REGIONS)
    gu = rng.choice(gus)
    if rng.random() < 0.6:
        base = f"{sido} {gu} {rng.choice(KO_ROADS)} {rng.randrange(1, 400)}"
        if rng.random() < 0.3:
            base += f"번길 {rng.randrange(1, 60)}"
    else:
        lot = f"{rng.randrange(1, 1500)}"
        if rng.random() < 0.5:
            lot += f"-{rng.randrange(1, 30)}"
        base = f"{sido} {gu} {rng.choice(KO_DONG)} {lot}"
    if rng.random() < 0.3:
        base = base.replace("특별시", "").replace("광역시", "") if rng.random() < 0.5 else base
    unit = rng.random()
    if unit < 0.3:
        return f"{base}, {rng.randrange(101, 120)}동 {rng.randrange(1, 25)}{rng.randrange(1, 5):02d}호"
    if unit < 0.5:
        return f"{base} {rng.choice(KO_BUILDINGS)} {rng.randrange(101, 115)}동 {rng.randrange(101, 1505)}호"
    if unit < 0.6:
        return f"{base}, {rng.randrange(2, 6)}층"
    return base
