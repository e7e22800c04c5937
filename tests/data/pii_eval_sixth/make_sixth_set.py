"""Write the sixth labelled PII-redaction evaluation set (sentences.jsonl) from a fixed seed."""

# Run: .venv/bin/python tests/data/pii_eval_sixth/make_sixth_set.py
# Every value is synthetic: names come from our own lists (plus Faker), numbers are random.
# Templates are plain strings with placeholders; UPPER-CASE placeholders are labelled,
# lower-case ones are decoys that must never be labelled.

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

from faker import Faker

SEED = 90417263
N_PER_LANG = 250
OUT = Path(__file__).with_name("sentences.jsonl")

# ---------------------------------------------------------------- English names
FIRST_COMMON = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Daniel Nancy Matthew Lisa Anthony Betty
Emily Olivia Liam Noah Ava Sophia Jack Harry Charlotte Amelia Oliver Isla Chloe Lachlan Mitchell
Bronwyn Kirsty Siobhan Niamh Callum Ewan Tyler Brittany Kayla Dylan Madison Logan Avery""".split()
FIRST_OLD = """Mildred Dorothy Eugene Harold Gladys Bernice Clarence Earl Edna Walter Marjorie Herbert
Irene Virgil Opal Lloyd Agnes Doris Wilbur Elmer Hazel Myrtle Floyd Ethel Otis Lorraine""".split()
FIRST_WORD = """Rose Hope Grant Faith Joy Will Bill Summer Hunter Sterling Dawn Autumn Crystal Destiny
Heather Holly Iris Ivy Jade June Pearl Ruby Violet Wade Chase Lance Mark Pat Sandy Sunny Mercy
Precious Blessing Rich Young Major Page""".split()
FIRST_HISP = "José Luis Carlos Juan María Guadalupe Alejandro Ximena Jesús Mariana Yesenia Rogelio Itzel".split()
FIRST_VIET = "Thanh Minh Huong Linh Tuan Phuong Dung Hoa Quang Ngoc Khanh Bao".split()
FIRST_IND = "Priya Rahul Anjali Arjun Sanjay Deepa Lakshmi Vikram Sunita Rohan Harpreet Gurpreet".split()
FIRST_NIG = "Chinedu Oluwaseun Ngozi Adebayo Chiamaka Emeka Folake Tunde Yetunde Ifeoma Babajide".split()
FIRST_ARAB = "Mohammed Ahmed Fatima Aisha Omar Yusuf Layla Khalid Mariam Hassan Noor Zainab".split()
FIRST_OTHER = "Wei Jing Maricel Jocelyn Rodel Krzysztof Agnieszka Siosaia Mele Tariq Anaïs Bjørn".split()
SUR_COMMON = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson
Walker Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips
Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed
Bailey Bell Gomez Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price
Sanders Foster Powell Jenkins Perry Russell Sullivan Fitzgerald Macdonald Thornton Whitaker""".split()
SUR_WORD = "Grant Rich Hope Rose Young Little Black Strong Wise Best Sharp Short Fox Hall Stone Banks Winter Frost Bird Love Church Page Cross Lord Hunter".split()
SUR_WORLD = """Patel Singh Nguyen Tran Pham Le Kaur Shah Okafor Adeyemi Okonkwo Eze Balogun Haddad Khan
Rahman Hussain Ali Mansour Gonzalez Ramirez Flores Castillo Vu Hoang Iyer Reddy Chaudhry Nwosu
Abubakar El-Amin Kowalski Nowak Tupou Wong Chen Santos Reyes""".split()
SUR_APOS = "O'Neil O'Brien O'Connor D'Souza O'Sullivan D'Angelo O'Hara McDonald MacLeod McKenzie".split()
KR_ROM_SUR = """Kim Lee Yi Rhee Park Pak Choi Choe Jung Jeong Chung Kang Cho Jo Yoon Yun Jang Chang Lim Im
Han Oh Seo Shin Kwon Hwang Ahn Song Ryu Yoo Hong Jeon Chun Ko Moon Namgung Sunwoo Jegal Hwangbo""".split()
KR_ROM_GIVEN = """Min-jun Seo-yeon Ji-hoon Ha-eun Do-yun Soo-jin Young-ho Eun-ji Hyun-woo Ye-jin Jae-won
Seung-min Mi-kyung Sang-hoon Kyung-soo Ji-woo Na-rae Dong-hyun Hye-jin Sun-hee Jin-ho Bo-ram""".split()

# ---------------------------------------------------------------- Korean names
KO_SUR = (["김"] * 22 + ["이"] * 15 + ["박"] * 9 + ["최"] * 5 + ["정"] * 5 + ["강", "조", "윤", "장", "임"] * 2
          + "한 오 서 신 권 황 안 송 전 홍 유 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 우 구 나 민 진 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 라 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 빈 견 피 감 범 좌 팽 승 간 단 봉 경 예".split())
KO_SUR_COMPOUND = "남궁 황보 제갈 선우 독고 사공 서문 동방".split()
KO_GIVEN_OLD = "순자 말자 영자 복순 정숙 옥순 영희 순이 정자 경자 춘자 순덕 말순 옥자 명자 숙자 갑수 영수 철수 영식 상철 병철 만수 종수 용수 기철 덕배 광수 춘식".split()
KO_GIVEN_MID = "미경 은정 지영 현주 정희 민호 성민 상훈 동현 재훈 지훈 은주 수진 혜진 성호 진영 경민 영미 승철 미란 정훈".split()
KO_GIVEN_NEW = "민준 서준 도윤 예준 시우 하준 서연 서윤 지우 하은 민서 지유 윤서 채원 수아 지아 이준 은우 유나 시아".split()
KO_GIVEN_NATIVE = "하늘 보람 슬기 다솜 한결 나래 가람 아름 이슬 누리 한별 초롱 새롬 다온 하람 빛나 가온 마루".split()
KO_GIVEN_ONE = "민 혁 준 윤 솔 별 빈 현 진 훈 결 탁 향 란".split()


class EnPerson:
    """An English-language person with the written forms a note may use."""

    def __init__(self, rng: random.Random, fakers: list[Faker]) -> None:
        r = rng.random()
        if r < 0.12:  # Faker supplies some, our own lists the rest
            f = rng.choice(fakers)
            self.first, self.last = f.first_name(), f.last_name()
        elif r < 0.24:
            self.first, self.last = rng.choice(KR_ROM_GIVEN), rng.choice(KR_ROM_SUR)
            self.korean = True
        else:
            pool = rng.choice([FIRST_COMMON, FIRST_COMMON, FIRST_OLD, FIRST_WORD, FIRST_HISP, FIRST_VIET,
                               FIRST_IND, FIRST_NIG, FIRST_ARAB, FIRST_OTHER])
            self.first = rng.choice(pool)
            sp = rng.random()
            if sp < 0.5:
                self.last = rng.choice(SUR_COMMON)
            elif sp < 0.65:
                self.last = rng.choice(SUR_WORD)
            elif sp < 0.85:
                self.last = rng.choice(SUR_WORLD)
            elif sp < 0.93:
                self.last = rng.choice(SUR_APOS)
            else:
                self.last = rng.choice(SUR_COMMON) + "-" + rng.choice(SUR_COMMON + SUR_WORLD)
        self.korean = getattr(self, "korean", False)
        self.mi = rng.choice("ABCDEFGHJKLMNPRSTW")
        self.rng = rng

    def form(self, variant: str | None) -> str:
        """Return the name written in one of the forms notes use."""
        first, last = self.first, self.last
        if self.korean:
            if variant in (None, "full", "kr"):
                variant = self.rng.choice(["krsg", "krgs", "krgs2", "krsp"])
            if variant == "krsg":  # Kim Min-jun
                return f"{last} {first}"
            if variant == "krgs":  # Minjun Kim
                return f"{first.replace('-', '').capitalize()} {last}"
            if variant == "krgs2":  # Ji Hoon Park
                return " ".join(p.capitalize() for p in first.split("-")) + f" {last}"
            if variant == "krsp":  # Park Ji Hoon
                return f"{last} " + " ".join(p.capitalize() for p in first.split("-"))
            if variant == "first":
                return first
        if variant == "titled":  # after Dr./SSG/Judge: a plain name, never "Surname, Given"
            variant = self.rng.choice(["full", "full", "mi", "sur", "caps"])
        if variant is None:
            variant = self.rng.choice(["full"] * 5 + ["mi", "caps", "sg", "init", "sgcaps"])
        if variant == "kr":
            variant = "full"
        return {
            "full": f"{first} {last}",
            "mi": f"{first} {self.mi}. {last}",
            "caps": f"{first} {last}".upper(),
            "sg": f"{last}, {first}",
            "sgcaps": f"{last.upper()}, {first}",
            "init": f"{first[0]}. {last}",
            "lc": f"{first} {last}".lower() if self.rng.random() < 0.5 else first.lower(),
            "sur": last,
            "first": first,
        }[variant]


def kr_roman_person(rng: random.Random) -> EnPerson:
    """Return an EnPerson forced to a romanised Korean name."""
    p = EnPerson.__new__(EnPerson)
    p.first, p.last, p.korean, p.mi, p.rng = rng.choice(KR_ROM_GIVEN), rng.choice(KR_ROM_SUR), True, "", rng
    return p


class KoPerson:
    """A Korean person written in Hangul."""

    def __init__(self, rng: random.Random) -> None:
        self.compound = rng.random() < 0.08
        self.sur = rng.choice(KO_SUR_COMPOUND) if self.compound else rng.choice(KO_SUR)
        pool = rng.choice([KO_GIVEN_OLD, KO_GIVEN_MID, KO_GIVEN_MID, KO_GIVEN_NEW, KO_GIVEN_NEW,
                           KO_GIVEN_NATIVE, KO_GIVEN_ONE])
        self.given = rng.choice(pool)
        self.spaced = rng.random() < (0.5 if self.compound else 0.06)
        self.rng = rng

    def form(self, variant: str | None) -> str:
        """Return the full name, or the given name alone for variant 'given'."""
        if variant == "given":
            return self.given
        return f"{self.sur} {self.given}" if self.spaced else f"{self.sur}{self.given}"


# ---------------------------------------------------------------- labelled values
def rrn(rng: random.Random, hyphen: bool) -> str:
    """Return a KR_RRN with a valid birth date and check digit."""
    year = rng.randint(1930, 2023)
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    g = rng.choice("12") if year < 2000 else rng.choice("34")
    digits = day.strftime("%y%m%d") + g + f"{rng.randint(0, 99999):05d}"
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    c = (11 - sum(int(d) * x for d, x in zip(digits, w)) % 11) % 10
    s = digits + str(c)
    return f"{s[:6]}-{s[6:]}" if hyphen else s


def rrn_valid(s: str) -> bool:
    d = s.replace("-", "")
    if not re.fullmatch(r"\d{13}", d):
        return False
    century = {"1": 1900, "2": 1900, "3": 2000, "4": 2000}[d[6]]
    try:
        dt.date(century + int(d[:2]), int(d[2:4]), int(d[4:6]))
    except ValueError:
        return False
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return (11 - sum(int(a) * b for a, b in zip(d, w)) % 11) % 10 == int(d[12])


def ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    a, g, s = f"{area:03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}"
    sep = rng.choice(["-", "-", "-", " ", ""])
    return f"{a}{sep}{g}{sep}{s}"


def ssn_valid(s: str) -> bool:
    m = re.fullmatch(r"(\d{3})[- ]?(\d{2})[- ]?(\d{4})", s)
    if not m:
        return False
    a, g, n = (int(x) for x in m.groups())
    return 1 <= a <= 899 and a != 666 and g >= 1 and n >= 1


def birth(rng: random.Random) -> dt.date:
    return dt.date(1924, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 100))


def visit(rng: random.Random) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))


MONTHS = "January February March April May June July August September October November December".split()


def en_date(rng: random.Random, d: dt.date) -> str:
    m = MONTHS[d.month - 1]
    return rng.choice([
        f"{d.month:02d}/{d.day:02d}/{d.year}", f"{d.month}/{d.day}/{d.year}", d.isoformat(),
        f"{m} {d.day}, {d.year}", f"{d.day} {m} {d.year}", f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{m[:3]}. {d.day}, {d.year}", f"{d.day}-{m[:3]}-{d.year}", f"{d.month:02d}-{d.day:02d}-{d.year % 100:02d}",
    ])


def ko_date(rng: random.Random, d: dt.date) -> str:
    return rng.choice([
        f"{d.year}년 {d.month}월 {d.day}일", f"{d.year}.{d.month:02d}.{d.day:02d}", d.isoformat(),
        f"{d.year % 100:02d}.{d.month}.{d.day}", f"{d.year}. {d.month}. {d.day}.", f"{d.year}/{d.month:02d}/{d.day:02d}",
    ])


def en_phone(rng: random.Random) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(200, 989), rng.randint(0, 9999)
    return rng.choice([
        f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"{a}.{b}.{c:04d}", f"+1 {a} {b} {c:04d}", f"1-{a}-{b}-{c:04d}",
        f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}", f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        f"+61 4{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}", f"({a}){b}-{c:04d}",
    ])


def ko_phone(rng: random.Random) -> str:
    b, c = rng.randint(1000, 9999), rng.randint(1000, 9999)
    area = rng.choice(["02", "031", "032", "042", "051", "053", "062", "064"])
    return rng.choice([
        f"010-{b}-{c}", f"010-{b}-{c}", f"010 {b} {c}", f"010{b}{c}", f"{area}-{rng.randint(200, 9999)}-{c}",
        f"+82-10-{b}-{c}", f"+82 10 {b} {c}", f"({area}) {rng.randint(200, 999)}-{c}", f"010.{b}.{c}",
    ])


EN_MAIL = "gmail.com yahoo.com outlook.com hotmail.com icloud.com comcast.net stmarysregional.org lakeshorehealth.org valleycare-med.com mercygenetics.org nhs.net sutterridge.org".split()
KO_MAIL = "naver.com hanmail.net daum.net gmail.com kakao.com nate.com hanbit-hosp.or.kr seoulcare.co.kr mirae-med.kr daehan-hospital.com".split()
KO_ROM_LOCAL = "minjun seoyeon jihoon haeun kimsj parkjy choi.h jungmin yoon77 leesh hana.kang sujin.oh nurse.kwon jmahn dh.song".split()


def en_email(rng: random.Random, p: EnPerson | None) -> str:
    if p is None:
        f, l = rng.choice(FIRST_COMMON + FIRST_HISP + FIRST_IND), rng.choice(SUR_COMMON + SUR_WORLD)
    else:
        f, l = p.first, p.last
    f = re.sub(r"[^a-z]", "", f.lower().replace("é", "e").replace("í", "i").replace("ü", "u")) or "pt"
    l = re.sub(r"[^a-z]", "", l.lower()) or "x"
    local = rng.choice([f"{f}.{l}", f"{f[0]}{l}", f"{f}{l}{rng.randint(1, 99)}", f"{l}.{f[0]}", f"{f}_{l}"])
    return f"{local}@{rng.choice(EN_MAIL)}"


def ko_email(rng: random.Random) -> str:
    local = rng.choice(KO_ROM_LOCAL) + rng.choice(["", str(rng.randint(1, 999)), "_" + str(rng.randint(60, 99))])
    return f"{local}@{rng.choice(KO_MAIL)}"


STREETS = "Maple Oak Cedar Elm Pine Willow Lincoln Washington Jefferson Magnolia Sycamore Hickory Juniper Ridge Lakeview Meadow Orchard Prospect Summit Riverside Sunset Highland Dogwood".split()
SUFFIX = "St Street Ave Avenue Rd Road Blvd Dr Drive Ln Lane Ct Way Pl Pkwy Ter".split()
CITIES = [("Springfield", "IL"), ("Dayton", "OH"), ("Killeen", "TX"), ("Tacoma", "WA"), ("Fayetteville", "NC"),
          ("Bethesda", "MD"), ("Albuquerque", "NM"), ("Macon", "GA"), ("Boise", "ID"), ("Lowell", "MA"),
          ("Fresno", "CA"), ("Duluth", "MN"), ("Tulsa", "OK"), ("Reno", "NV"), ("Mobile", "AL"), ("Erie", "PA")]


def en_address(rng: random.Random, fakers: list[Faker]) -> str:
    if rng.random() < 0.2:
        for _ in range(20):  # Faker also writes APO/FPO boxes, which have no house number
            a = fakers[0].address().replace("\n", ", ")
            if re.match(r"\d+ ", a):
                return a
    num = rng.randint(2, 29999)
    dirn = rng.choice(["", "", "", "N ", "S ", "E ", "W ", "NE "])
    street = f"{num} {dirn}{rng.choice(STREETS)} {rng.choice(SUFFIX)}"
    unit = rng.choice(["", "", "", f", Apt {rng.randint(1, 40)}{rng.choice('ABCD')}", f" #{rng.randint(100, 999)}", f", Unit {rng.randint(1, 20)}"])
    city, st = rng.choice(CITIES)
    z = f"{rng.randint(10000, 99899)}" + (f"-{rng.randint(1000, 9999)}" if rng.random() < 0.2 else "")
    if rng.random() < 0.15:
        return f"{street}{unit} {city} {st} {z}"
    return f"{street}{unit}, {city}, {st} {z}"


KO_REGION = [("서울특별시", ["강남구", "마포구", "노원구", "송파구", "관악구", "은평구"]), ("서울시", ["종로구", "성북구", "강서구"]),
             ("부산광역시", ["해운대구", "사하구", "동래구"]), ("대전광역시", ["유성구", "서구"]), ("대구광역시", ["수성구", "달서구"]),
             ("경기도", ["수원시 팔달구", "성남시 분당구", "고양시 일산동구", "평택시", "파주시"]), ("경기", ["용인시 기흥구", "안산시 단원구"]),
             ("강원특별자치도", ["원주시", "춘천시"]), ("전라남도", ["순천시", "여수시"]), ("경상북도", ["포항시 북구", "경주시"]),
             ("제주특별자치도", ["제주시", "서귀포시"]), ("충청남도", ["천안시 동남구", "아산시"]), ("인천광역시", ["연수구", "부평구"])]
KO_ROAD = "테헤란로 월드컵로 동일로 올림픽로 관악로 통일로 세종대로 해운대로 대학로 계룡로 달구벌대로 중부대로 장미로 백마로 소래로 연삼로 번영로 충장로".split()
KO_DONG = "역삼동 망원동 상계동 잠실동 봉천동 인계동 정자동 우동 궁동 범어동 장항동 연동 신림동 구월동 문화동".split()
KO_APT = "래미안 힐스테이트 주공 한신 현대 e편한세상 푸르지오 삼익".split()


def ko_address(rng: random.Random) -> str:
    sido, sgg = rng.choice(KO_REGION)
    sgg = rng.choice(sgg)
    if rng.random() < 0.6:
        base = f"{sido} {sgg} {rng.choice(KO_ROAD)} {rng.randint(1, 450)}" + (f"번길 {rng.randint(1, 80)}" if rng.random() < 0.25 else "")
        unit = rng.choice(["", f", {rng.randint(101, 120)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호",
                           f" {rng.randint(2, 12)}층", f", {rng.randint(101, 1504)}호"])
        tail = f" ({rng.choice(KO_DONG)})" if rng.random() < 0.3 else ""
        return base + unit + tail
    lot = f"{rng.randint(1, 1500)}" + (f"-{rng.randint(1, 60)}" if rng.random() < 0.6 else "")
    unit = rng.choice(["", f" {rng.choice(KO_APT)}아파트 {rng.randint(101, 115)}동 {rng.randint(101, 1802)}호", f" {rng.randint(2, 5)}층"])
    return f"{sido} {sgg} {rng.choice(KO_DONG)} {lot}{unit}"


def mrn(rng: random.Random) -> str:
    return rng.choice([
        f"{rng.randint(0, 99999999):08d}", f"{rng.randint(2010, 2025)}-{rng.randint(0, 999999):06d}",
        f"{rng.randint(1000000, 9999999)}", f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        f"{rng.choice('AHKM')}{rng.randint(10000000, 99999999)}", f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(100, 999)}",
    ])


# ---------------------------------------------------------------- decoys (never labelled)
def decoys(rng: random.Random, ko: bool) -> dict:
    """Return one fresh value for every decoy placeholder."""
    vd = visit(rng)
    return {
        "lab": rng.choice([f"Hb {rng.uniform(7, 16):.1f} g/dL", f"Na {rng.randint(128, 146)}", f"K {rng.uniform(3, 5.8):.1f}",
                           f"Cr {rng.uniform(0.5, 3.2):.2f}", f"WBC {rng.uniform(2, 19):.1f}", f"glucose {rng.randint(60, 390)} mg/dL",
                           f"INR {rng.uniform(0.9, 3.5):.1f}", f"CRP {rng.uniform(0.1, 25):.1f}", f"HbA1c {rng.uniform(5, 11):.1f}%"]),
        "vit": rng.choice([f"BP {rng.randint(90, 190)}/{rng.randint(50, 110)}", f"HR {rng.randint(48, 140)}",
                           f"SpO2 {rng.randint(84, 100)}%", f"T {rng.uniform(35.5, 40.1):.1f}°C", f"RR {rng.randint(10, 32)}",
                           f"BP {rng.randint(90, 190)}/{rng.randint(50, 110)}, HR {rng.randint(48, 140)}"]),
        "dose": rng.choice(["4 mg IV q8h", "500 mg PO bid", "10 mg qhs", "2 mg SL prn", "40 mg daily", "1 g IV", "0.5 mg", "25 mcg patch q72h"]),
        "drug": rng.choice(["Allegra", "Lyrica", "Ativan", "Seroquel", "Keppra", "Norco", "Celexa", "Ambien", "Xarelto", "Flomax", "Ella", "Zoloft"]),
        "dur": rng.choice(["3 days", "2 weeks", "45 minutes", "6 hrs", "x4d", "10 days", "since Tuesday", "1 month"]) if not ko
        else rng.choice(["3일째", "2주간", "45분", "6시간", "일주일", "한 달"]),
        "vdate": en_date(rng, vd) if not ko else ko_date(rng, vd),
        "age": rng.choice([f"{rng.randint(19, 96)}-year-old", f"{rng.randint(19, 96)}yo", f"{rng.randint(19, 96)} y/o", f"{rng.randint(19, 96)}"]),
        "kage": rng.choice([f"{rng.randint(19, 96)}세", f"만 {rng.randint(19, 96)}세", f"{rng.randint(19, 96)}/M", f"{rng.randint(19, 96)}/F"]),
        "epo": rng.choice(["Crohn's disease", "Hodgkin lymphoma", "Addison's disease", "Graves' disease", "Down syndrome",
                           "Alzheimer's disease", "Kaposi sarcoma", "Parkinson's disease", "Huntington disease", "Marfan syndrome",
                           "Lynch syndrome", "Bell's palsy", "Tourette syndrome", "Cushing's syndrome"]),
        "scale": rng.choice(["MoCA", "MMSE", "GCS", "AUDIT-C", "GAD-7", "PHQ-9", "PCL-5", "CIWA", "Braden", "Morse"]),
        "score": str(rng.randint(3, 28)),
        "place": rng.choice(["Walter Reed", "Fort Hood", "Camp Humphreys", "Fort Bragg", "Landstuhl", "Texas", "Busan", "Daejeon",
                             "Brooke Army Medical Center", "Camp Lejeune", "Tripler", "Osan AB", "Yongsan"]),
        "unit": rng.choice(["3rd Battalion", "2nd Brigade Combat Team", "HHC, 1-35 AR", "B Co, 2-9 IN", "547th Medical Company", "1st Marine Division"]),
        "room": rng.choice([f"Rm {rng.randint(200, 999)}", f"bed {rng.randint(1, 40)}{rng.choice('AB')}", f"5 West-{rng.randint(1, 30)}", f"ICU {rng.randint(1, 20)}"]),
        "order": f"{rng.choice(['ORD', 'LAB', 'RX', 'GT'])}-{rng.randint(100000, 999999)}",
        "icd": rng.choice(["F43.10", "K50.90", "E27.1", "C81.90", "G30.9", "S93.401A", "Z13.79", "F32.1", "E05.00", "Q90.9", "M51.26"]),
        "serial": f"SN {rng.choice('ABCXZ')}{rng.randint(1000, 9999)}-{rng.randint(10000, 99999)}",
        "lot": f"{rng.choice(['L', 'B', 'K'])}{rng.randint(10, 99)}{rng.choice('ABCX')}{rng.randint(1000, 9999)}",
        "svc": f"{rng.randint(10, 26)}-{rng.randint(1000000, 9999999)}",
        "case": f"{rng.randint(2023, 2026)}-CV-{rng.randint(1000, 99999):05d}",
        "kcase": f"{rng.randint(2023, 2026)}가합{rng.randint(1000, 99999)}",
        "memid": f"{rng.choice(['XQH', 'WZB', 'MKT'])}{rng.randint(100000000, 999999999)}",
        "claim": f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
        "study": f"{rng.choice(['IRB', 'KCT', 'NCT0'])}{rng.randint(1000000, 9999999)}",
        "pid": f"{rng.choice(['S', 'P', 'R'])}-{rng.randint(1, 999):03d}",
        "booking": f"{rng.randint(2025, 2026)}{rng.randint(100000, 999999)}",
        "kinmate": f"{rng.randint(100, 9999)}번",
        "cell": f"{rng.choice('ABCDG')}-{rng.randint(1, 4)}{rng.randint(1, 40):02d}",
        "time": f"{rng.randint(0, 23):02d}:{rng.choice(['00', '15', '30', '45', '10', '50'])}",
        "n": str(rng.randint(2, 79)),
        "iid": str(rng.randint(100000, 999999)),
        "kunit": rng.choice(["제3보병사단 포병대대", "제1군수지원여단", "제7기동군단 의무대", "해병대 제2사단", "공군 제11전투비행단"]),
        "khosp": rng.choice(["한빛병원", "미래의료원", "국군대전병원", "국군수도병원", "새봄요양병원", "바른정신건강의학과"]),
    }


# ---------------------------------------------------------------- English templates
EN_TEMPLATES = [
    # military medical records
    "SICK CALL LOG {vdate}\nSM: {N:sg}  |  Unit: {unit}  |  DOB {DOB}  |  Svc no. {svc}\nCC: ankle inversion x {dur}. {vit}. Seen by 1LT {N}, PA-C. Disp: RTD w/ profile.",
    "MEDEVAC REQUEST, line 3: 1 urgent surgical. Patient {N:caps}, SSN {SSN}, DOB {DOB}. Pickup grid near {place}; {vit}. Callback {PH}. Requesting unit: {unit}.",
    "The Medical Evaluation Board convened on {vdate} to review SSG {N#1} (MRN {MRN}). SSG {N:sur#1}'s main limitation is fatigue from {epo}; {scale} {score}. Members: COL {N}, MAJ {N}, and {N}, RN.",
    "{N:caps#1} — PULHES 1-1-1-2-1-1, profile L2, {icd}.\nBoard recommends return to duty with the {unit}.\nSigned, {N}, MD, LTC, MC",
    "Line 5: 1 litter. Line 7: smoke. PFC {N:sg} ({unit}), service no. {svc}, social security no. {SSN}; GCS 13, {vit}. Receiving: {place}.",
    "Fitness-for-duty memo: Sgt. {N:sur#1} reported to sick call three times in {dur}. I interviewed Sgt. {N:sur#1} and his squad leader, SFC {N}. Recommend referral to behavioral health at {place}. — CPT {N:init}",
    # mental-health therapy notes
    "Session 7. Client {N:first#1} arrived {dur} late. {N:first#1} reports better sleep; {scale} = {score}. We discussed her father's {epo}. Next session {vdate}. {N}, LCSW",
    "Therapy note (telehealth)\nPt: {N#1}\nDOB: {DOB}\nMRN: {MRN}\nS: \"I keep thinking about {place}.\" Denies SI/HI.\nP: continue CPT weekly; {drug} {dose}.",
    "Today {N:first} spoke about the move to {place} and the loss of her brother, {N}. Affect tearful but reactive. {scale} {score}. Plan: grief work; safety plan reviewed.",
    "Group therapy attendance: {N:init}, {N:init}, {N:first}, and {N:lc}. Topic: sleep hygiene.\nHope was the word most used. Grant forms for housing pending.",
    # genetic counselling
    "Dear Dr. {N:sur},\nThank you for referring {N#1} (DOB {DOB}) for counselling about a family history of {epo}. {N:first#1}'s maternal aunt, {N}, was diagnosed at age {n}. Testing was ordered ({order}). Questions: {PH} or {EM}.\nSincerely,\n{N}, MS, CGC",
    "Pedigree summary: proband {N:caps} (III-2); mother {N} (II-3, affected, {epo}); father {N} (II-4, unaffected). Sample lot {lot}.",
    "Genetic counselling letter\n\nRe: {R}, born {DOB}\nVariant in MLH1 consistent with {epo}. Cascade testing is offered to {R:first}'s siblings. Result letter mailed to {ADDR}.",
    "Counsellor note: the couple ({N} and {N}) asked about recurrence risk of {epo}. Risk quoted as 1 in {n}. Follow-up {vdate}.",
    # court-ordered record requests
    "RE: Subpoena duces tecum, Case No. {case}. The Court orders production of all records for {N:sg}, date of birth {DOB}, social security number {SSN}, residing at {ADDR}. Custodian of records: {N}.",
    "Pursuant to the order signed by Judge {N} on {vdate}, we release records of patient {N#1} (MRN {MRN}) to counsel {N}, {EM}. No Part 2 records are included.",
    "Deposition excerpt\nQ. Please state your name for the record.\nA. {N}.\nQ. And your date of birth?\nA. {DOB}.\nQ. Were you treated at {place}?\nA. Yes, for {epo}.",
    "Court order (family division): minor child {N}, DOB {DOB}; custodial parent {N#1}, phone {PH}. Release immunization and therapy records only.",
    # insurance appeals
    "Member: {N}\nMember ID: {memid}\nDOB: {DOB}\nAddress: {ADDR}\nWe appeal the denial dated {vdate} of {drug} for {epo}. Two prior agents failed.",
    "To whom it may concern: I am writing on behalf of my husband, {N#1}, whose claim for air transport from {place} was denied. {N:first#1} was born {DOB}; his SSN is {SSN}. Please call me at {PH}.\n{N}",
    "Second-level appeal, claim # {claim}. Policyholder {N:caps}, SS# {SSN}. The plan's reviewer, Dr. {N}, did not consider the {scale} score of {score}.",
    "Peer-to-peer requested by {N}, MD ({PH}); reviewer {N}, DO. Outcome: overturned. Member notified by e-mail at {EM}.",
    # hospice and home-care diaries
    "Mon {vdate}: visited {N:first} at home. Daughter {N:first} present. Pain 6/10, {drug} {dose}. Rose from chair unaided; Hope remains high. — RN {N:init}",
    "Home care diary — {N#1} (DOB {DOB}), {ADDR}\n08:00 {vit}\n12:30 ate little, napped {dur}\n16:00 son {N} called from Texas ({PH}) asking about {epo}.",
    "Bereavement call to {N} (widow of {N}) on {vdate}. She is coping. Grief group meets Thursdays at {time}.",
    "Wound care visit. Address on file {ADDR}. Pt {N:init} declined photos; {lab}.",
    "Hospice IDT: chaplain {N}, aide {N:first}, RN case manager {N}. Pt comfortable; family asks for {drug} refill.",
    # nursing flow sheets
    "0600 | {vit} | {N:init}, RN\n0800 | {dose} given | {N:init}, RN\n1000 | OOB to chair, tol well | {N:first} (PCA)",
    "FLOWSHEET {room} | Pt {N:caps} | MRN {MRN} | I/O 1200/850 | GCS 15 | NPO after MN",
    "0400 {vit}; {lab}; {dose} given. {scale} {score}. Pt resting, no distress. Call light in reach.",
    "2300 pt c/o nausea, ondansetron {dose}. 0100 asleep. 0300 {vit}. Wife ({N}) called, updated. {N:init} RN",
    # ED triage
    "TRIAGE 02:14 — {age} M, {N:sg}, chest pain x {dur}, {vit}, ESI 2. Hx {epo}. Brought by wife ({PH}).",
    "ED triage: walk-in, {N} (DOB {DOB}), c/o headache; GCS 15; {vit}; allergy PCN. Triage RN: {N:init}.",
    "{age} F, fall at home, GCS 14, {vit}, on apixaban. Hx Parkinson's disease, Graves' disease. ICD {icd}. ESI 3.",
    "Triage | {N:sgcaps} | {age} | {vit} | CC: SOB | ESI 2 | RN {N:first}",
    # e-mail threads with signatures
    "From: {N#1} <{EM@1}>\nTo: {N#2} <{EM@2}>\nSubject: RE: bed for Mr. {N:sur#3}\n\n{N:first#2}, Mr. {N:sur#3} (MRN {MRN}) can move to {room} after {time}.\nThanks,\n{N:first#1}\n--\n{N#1}, RN | Charge Nurse\nDirect: {PH}",
    "> On {vdate}, {N} wrote:\n> can someone call the patient's daughter?\nDone. Spoke with {N} at {PH}. She confirmed her father's DOB as {DOB}.\n\nBest,\n{N}\nCare Coordinator | {EM}",
    "Hi all, quick note: {N}'s consult is moved to {vdate}. Please page me with questions.\n\nCheers,\n{N:first}\n\n{N}\nGenetic Counselor | {EM} | {PH}",
    "Subject: FW: records request\n\nForwarding from {EM}. Requester: {N:caps}, DOB {DOB}, last four of SSN on file only. Thanks! -{N:first}",
    # SMS reminders
    "Hi {N:first}, reminder: your visit with Dr. {N:sur} is on {vdate} at {time}. Reply C to confirm or call {PH}.",
    "[SMS] {N:lc} this is {N:first} from the clinic, ur labs are back ({lab}, fine). call {PH} pls",
    "PUBLIC HEALTH: {N:first}, you may have been exposed on {vdate} at a venue in {place}. Call {PH} for free testing.",
    "Reminder: fasting blood draw tomorrow {time}. Questions? Text {PH}.",
    # research consent logs
    "Consent log | Study {study} | Participant: {N:sg} | Consented by: {N} | Date: {vdate} | Version 4.2 | Witness: {N}",
    "Participant {pid} withdrew consent on {vdate}. Contact on file: {EM}, {PH}. Samples (lot {lot}) destroyed per protocol. PI: Dr. {N}.",
    "Re-contact log: {N:sg} moved to {ADDR}; new number {PH}; e-mail {EM}. Reconsent scheduled {vdate}.",
    # interpreter request forms
    "INTERPRETER REQUEST\nPatient name: {N}\nLanguage: Vietnamese\nDOB: {DOB}\nMRN: {MRN}\nPreferred phone: {PH}\nSSN: {SSN}\nRequested by: {N}, 4 North",
    "Interpreter {N} (Korean, ID {iid}) assisted Mrs. {R} by phone ({KPH}) for the consent discussion; duration {dur}.",
    "Language line used. Interpreter #{iid}. Pt's son, {R}, also present and agreed with plan.",
    # prison / correctional health
    "CORRECTIONAL HEALTH — Inmate {N:caps}, booking no. {booking}, DOB {DOB}, SSN {SSN}. Intake: {scale} {score}; hx {epo}. Housing: cell {cell}. Nurse: {N}.",
    "Sick call slip from {N:sg} (ID {booking}): tooth pain x {dur}. Seen by {N}, DDS, {vdate}. Next of kin: {N}, {ADDR}, {PH}.",
    "Medication pass, block {cell}: {N:caps} ({drug} {dose}) refused; {N:caps} given; {N:caps} asleep, not woken.",
    # public-health contact tracing
    "Contact tracing log — index case {N} (DOB {DOB}), onset {vdate}.\nContacts:\n1) {N}, {PH}\n2) {N}, {PH}\n3) {N:lc}, {EM}\nExposure site: gym in {place}.",
    "Called {N} at {PH} about exposure on {vdate}; no answer, left voicemail. Will retry after {time}.",
    "Name | DOB | Phone\n{N} | {DOB} | {PH}\n{N:caps} | {DOB} | {PH}\n{N:sg} | {DOB} | {PH}",
    # other genres: ambulance run sheets, sleep lab, trial AE reports
    "Run report: pt {N}, approx {age}, found at {ADDR}. {vit}. {drug} {dose} given en route to {place}.",
    "Sleep study: {N:caps}; DOB {DOB}; AHI 31/h; nadir SpO2 82%; CPAP titrated. Referred by Dr. {N}.",
    "Adverse event: subject {pid}, grade 2 nausea on {vdate}, resolved in {dur}. Reporter: {N}, {EM}. Device {serial} returned.",
    "Soldier assigned to {unit} seen at {place} for {epo}; {scale} {score}; {lab}. Order {order}.",
]


# ---------------------------------------------------------------- Korean templates
KO_TEMPLATES = [
    # 군 의무기록 (진료, 의무조사, 의무후송)
    "[의무대 진료기록] {vdate}\n환자: {K#1} 병장 ({kunit})\n주소: 우측 발목 염좌, 통증 {dur}\n활력징후: {vit}\n군의관: 대위 {K}\n처치: 압박붕대, 3일 후 재진 예정",
    "{K#1} 상병님{~이} 아침 점호 후 두통과 오심을 호소하여 의무실 방문. 최근 수면 부족. {vit}. 의무병 {K} 일병이 인솔함.",
    "의무후송 요청 — 환자 {K}, 주민등록번호 {RRN}, 소속 {kunit}, 연락처 {KPH}. 의식 명료, {vit}. {khosp}으로 후송.",
    "의무조사위원회 회의록 ({vdate})\n참석: 중령 {K}, 소령 {K}, 간호장교 {K}\n대상자: {K#1} 하사 (등록번호 {MRN})\n{K#1} 하사의 요추 추간판 탈출증({icd})에 대해 현역 복무 부적합 의견.",
    "카투사 환자 {R}, SSN {SSN}, 캠프 험프리스 소속. 영내 연락처 {KPH}. 통역병 {K} 상병 동석.",
    "전역 전 신체검사 — {K}, 군번 {svc}, 생년월일 {KDOB}, 주민번호 {RRN:nh}. 신장 174cm, 체중 71kg, 이상 소견 없음.",
    # 정신건강 상담 기록
    "상담 5회차. 내담자 {K#1}{~은} 최근 수면이 양호하다고 보고함. PHQ-9 {score}점, GAD-7 {score}점. 어머니의 알츠하이머병 진단 이후 불안 증가. 다음 회기 {vdate}. 상담사 {K}",
    "치료자 메모: {K:given#1}{~이} 오늘은 먼저 말을 꺼냄. {K:given#1}{~은} 학교 이야기를 피함. 보호자 {K}님께 {KPH}로 연락함.",
    "집단치료 참석자: {K}, {K}, {K}, {R}. 주제: 분노 조절. 결석 1명(사유 미상).",
    "내담자 정보\n성명: {K}\n생년월일: {KDOB}\n연락처: {KPH}\n이메일: {KEM}\n주민등록번호: {RRN}\n주 호소: 공황 발작 {dur}",
    # 유전상담 서신
    "{K}님께,\n가족력(헌팅턴병)에 대한 유전상담 결과를 안내드립니다. 검사 의뢰번호 {order}. 문의: 유전상담실 {KPH}, {KEM}\n유전상담전문가 {K} 드림",
    "가계도 요약: 발단자 {K}(Ⅲ-1), 모 {K}(Ⅱ-2, 다운증후군 자녀 출산력), 부 {K}(Ⅱ-1). 검체 로트번호 {lot}.",
    "유전상담 기록 — {K#1} 씨와 배우자 {K}씨가 내원. {K#1} 씨의 언니는 마르판 증후군으로 진단받음. 재발 위험 설명함.",
    "검사 결과 회신: 대상자 {K}(출생 {KDOB}), 결과지는 {KADDR}로 등기 발송 예정.",
    # 법원 제출 기록
    "사건번호 {kcase} 관련 문서제출명령에 따라 {K}(생년월일 {KDOB}, 주민등록번호 {RRN}, 주소 {KADDR})의 진료기록 사본을 제출합니다. 담당: 의무기록팀 {K}",
    "법원 사실조회 회신\n환자: {K}\n등록번호: {MRN}\n진료기간: {vdate} ~ 현재\n작성자: 정신건강의학과 전문의 {K}",
    "{K}{~은} 피고인 {K}의 보호자로서 진료기록 열람을 신청함. 신청인 연락처 {KPH}.",
    # 보험 이의신청
    "이의신청서\n피보험자: {K}\n주민등록번호: {RRN}\n주소: {KADDR}\n연락처: {KPH}\n청구 사유: 조영제 부작용으로 인한 입원 ({dur})",
    "보험금 지급 거절에 대한 재심사 청구. 계약자 {K}, 피보험자 {K}(자녀). 청구번호 {claim}. 담당 손해사정사 {K}.",
    "심사 의견: 피보험자 {K}의 크론병 진단은 가입 전 발병으로 판단되지 않음. 회신 주소 {KADDR}.",
    # 호스피스·가정간호 일지
    "{vdate} 방문. {K#1} 어르신 통증 NRS 5점, 마지막 배변 3일 전. 따님 {K}씨가 간병 중. 전신 상태 안정적. 가정간호사 {K}",
    "시간 | 내용 | 담당\n09:00 | {vit} | {K}\n11:00 | 주사 부위 교체 | {K}\n14:00 | 전신 상태 양호 | {K}",
    "호스피스 일지: 임종 전 가족 면회. 장남 {K}, 차녀 {K}, 손녀 {K:given}. 성공적으로 통증 조절됨.",
    "가정간호 방문 주소 {KADDR}. 환자 {K} ({kage}). 한기와 강직 호소 없음. 다음 방문 예정일 {vdate}.",
    "사회복지사 {K} 메모: {K:given}{~이} 할머니 댁 주소가 {KADDR}(으)로 변경됨. 연락처 {KPH}.",
    # 간호 기록(전보체)
    "0600 V/S {vit}. 오심(-). 0800 {drug} {dose} IV. 0930 보호자 {K}({KPH}) 면회.",
    "{time} V/S {vit}. 이상 소견 없음. 김치 섭취 후 오심 호소, 조영제 검사 예정일 {vdate}(으)로 연기. 공복 유지.",
    "{room} | {K} | 등록번호 {MRN} | I/O 1200/900 | 배변 1회 | 담당 {K}",
    "2200 진통제 투여 후 통증 감소. 0200 수면 중. 0500 {vit}. 인계: {K} 간호사 → {K} 간호사",
    # 응급실 분류
    "[트리아지] {kage}, {K}, 흉통 {dur}, KTAS 2, {vit}, 과거력: 크론병.",
    "응급 {time} 내원. 환자명 {K} / 등록번호 {MRN} / 생년월일 {KDOB}. 주증상: 한기, 강직. GCS 15.",
    "KTAS 3 | {kage} | 복통 | {vit} | 보호자 {K} {KPH}",
    "{kage} 남, 교통사고 후 전신 통증. 의식 명료. {vit}. 조기 CT 시행. 정상 소견.",
    # 직원 간 이메일
    "보낸 사람: {K#1} <{KEM}>\n받는 사람: {K#2} <{KEM}>\n제목: RE: 병동 이동 건\n\n{K#2} 선생님, {room} 환자분 내일 오전 이동 예정입니다.\n\n{K#1} 드림\n간호부 | {KPH}",
    "> {vdate} {K} 작성:\n> 보호자 연락처 확인 부탁드립니다.\n확인했습니다. 보호자 {K}님 {KPH}, 이메일 {KEM}입니다.",
    "안녕하세요, 원무과 {K}입니다. {K} 환자(등록번호 {MRN})의 진단서 발급 건으로 연락드립니다.\n감사합니다.\n{K} 드림 | {KPH} | {KEM}",
    # 문자 알림
    "[{khosp}] {K}님, {vdate} {time} 진료 예약이 있습니다. 변경은 {KPH}로 연락 바랍니다.",
    "[Web발신] {K}님 공복 검사 예정일은 {vdate}입니다. 전날 밤 9시 이후 금식.",
    "{K:given}{~아}, 엄마야. 병원 번호 {KPH} 저장해 둬. 주사 맞고 연락해",
    "[보건소] 밀접접촉자 안내: {vdate} 부산 해운대구 방문자는 검사 바랍니다. 문의 {KPH}",
    # 연구 동의 기록
    "연구대상자 동의 기록 | 과제번호 {study} | 대상자: {K} | 설명자: 연구간호사 {K} | 동의일: {vdate} | 입회인: {K}",
    "대상자 {pid} 동의 철회({vdate}). 연락처 {KPH}, {KEM}. 보관 검체(로트 {lot}) 폐기.",
    "연구 참여자 재연락: {K}, 주민등록번호 {RRN:nh}, 새 주소 {KADDR}.",
    # 통역 요청서
    "통역 요청서\n환자명: {R}\n사용 언어: 영어\n연락처: {KPH}\n요청 부서: 내과\n통역사: {K}",
    "베트남어 통역 요청. 환자 {N}, 보호자 {N}. 통역사 {K} 선생님 배정({time}).",
    # 교정시설 의료
    "수용번호 {kinmate} {K}, 생년월일 {KDOB}. 입소 건강검진: {vit}, 결핵 검사 음성. 의무관 {K}.",
    "교정 의료과 진료: {K}{~은} 치통을 {dur} 호소함. 대전교도소에서 이송됨. 문진 결과 양호.",
    "수용자 명단(투약)\n1. {K} — {drug} {dose}\n2. {K} — 거부\n3. {K} — 수면 중",
    # 역학조사
    "역학조사 접촉자 목록\n1. {K} / {KPH} / 동거 가족\n2. {K} / {KPH} / 직장 동료\n3. {K} / {KPH} / 식당",
    "확진자 {K}(생년월일 {KDOB}) 증상 발생일 {vdate}. 방문지: {KADDR} 소재 체육시설.",
    "안녕하세요, 보건소 역학조사관 {K}입니다. {K}님 맞으신가요? {vdate} 방문 이력 확인차 연락드렸습니다.",
    "접촉자 {K:given#1}{~과} 어머니 {K}씨 모두 자가격리 중. 이상 증상 없음. 신장 질환 기저력 있음.",
    # 기타: 구급 활동일지, 수면다원검사, 임상시험 이상반응
    "구급활동일지: 환자 {K}, {kage}, 발견 장소 {KADDR}. {vit}. 이송 병원 {khosp}.",
    "수면다원검사 결과 — {K}, 생년월일 {KDOB}, AHI 31회/시간. 의뢰의 {K}.",
    "이상반응 보고: 대상자 {pid}, {vdate} 2등급 오심, {dur} 후 회복. 보고자 {K}, {KEM}.",
    "면담 요약: 환자는 딸 {K}에게 모든 결정을 위임함. {K}의 동의서 확인 후 담당의 {K} 선생님께 보고.",
    "전화 상담 {time}: 남편 {K}{~과} 통화함. 아내 {K}{~을} 다음 주 {vdate}에 모시고 오기로 함.",
    "{K:given#1}{~은} 오늘 기분이 좋다고 함. {K:given#1}{~을} 데리러 온 사람은 삼촌 {K}.",
]

PARTICLES = {"이": ("이", "가"), "은": ("은", "는"), "을": ("을", "를"), "과": ("과", "와"), "아": ("아", "야")}
PLACEHOLDER = re.compile(r"\{(~?[A-Za-z가-힣]+)(?::([a-z0-9]+))?(?:#(\d))?(?:@(\d))?\}")
ENTITY = {"N": "PERSON", "K": "PERSON", "R": "PERSON", "MRN": "MEDICAL_RECORD_NUMBER", "ADDR": "ADDRESS",
          "KADDR": "KR_ADDRESS", "DOB": "DATE_OF_BIRTH", "KDOB": "DATE_OF_BIRTH", "PH": "PHONE_NUMBER",
          "KPH": "PHONE_NUMBER", "EM": "EMAIL_ADDRESS", "KEM": "EMAIL_ADDRESS", "RRN": "KR_RRN", "SSN": "US_SSN"}


TITLE_BEFORE = re.compile(r"(?:Dr\.|Mr\.|Mrs\.|Ms\.|Sgt\.|Judge|COL|LTC|MAJ|CPT|1LT|SSG|SFC|SPC|PFC|SGT) $")


def has_batchim(ch: str) -> bool:
    """Whether a Hangul syllable ends in a consonant (decides 이/가, 은/는, ...)."""
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 != 0


def fill(template: str, rng: random.Random, fakers: list[Faker], ko: bool) -> tuple[str, list[dict]]:
    """Fill one template; return the text and its spans."""
    text, spans, bound, pos = "", [], {}, 0
    dec = decoys(rng, ko)
    for m in PLACEHOLDER.finditer(template):
        text += template[pos:m.start()]
        pos = m.end()
        kind, variant, bind, src = m.groups()
        if kind.startswith("~"):
            with_c, without_c = PARTICLES[kind[1:]]
            text += with_c if (text and has_batchim(text[-1])) else without_c
            continue
        if kind not in ENTITY:
            text += dec[kind]
            continue
        if kind in ("N", "K", "R"):
            key = (kind, bind)
            if bind and key in bound:
                person = bound[key]
            else:
                person = {"N": lambda: EnPerson(rng, fakers), "K": lambda: KoPerson(rng), "R": lambda: kr_roman_person(rng)}[kind]()
                if bind:
                    bound[key] = person
            if kind == "K" and variant == "given" and len(person.given) < 2:
                person.given = rng.choice(KO_GIVEN_NATIVE + KO_GIVEN_NEW)  # a lone syllable reads oddly alone
            if kind == "N" and variant is None and TITLE_BEFORE.search(text):
                variant = "titled"
            value = person.form(variant)
        elif kind == "EM":
            value = en_email(rng, bound.get(("N", src)) if src else None)
        else:
            value = {
                "MRN": lambda: mrn(rng), "ADDR": lambda: en_address(rng, fakers), "KADDR": lambda: ko_address(rng),
                "DOB": lambda: en_date(rng, birth(rng)), "KDOB": lambda: ko_date(rng, birth(rng)),
                "PH": lambda: en_phone(rng), "KPH": lambda: ko_phone(rng), "KEM": lambda: ko_email(rng),
                "RRN": lambda: rrn(rng, hyphen=variant != "nh" and rng.random() < 0.8), "SSN": lambda: ssn(rng),
            }[kind]()
        spans.append({"start": len(text), "end": len(text) + len(value), "entity": ENTITY[kind], "value": value})
        text += value
    text += template[pos:]
    return text, spans


def check(rec: dict) -> None:
    """Fail loudly if a record's labels are not exact."""
    text, last_end = rec["text"], -1
    for s in sorted(rec["spans"], key=lambda s: s["start"]):
        piece = text[s["start"]:s["end"]]
        assert piece == s.pop("value"), rec["id"]
        assert piece and piece == piece.strip() and "\n" not in piece, rec["id"]
        assert s["start"] >= last_end, f"overlap in {rec['id']}"
        last_end = s["end"]
        if s["entity"] == "KR_RRN":
            assert rrn_valid(piece), rec["id"]
        if s["entity"] == "US_SSN":
            assert ssn_valid(piece), rec["id"]
            clause = re.split(r"[;\n]|\.\s+(?=[A-Z])", text[:s["start"]])[-1].lower()
            assert re.search(r"ssn|ss#|social security", clause), rec["id"]


def build(seed: int = SEED) -> list[dict]:
    """Build every record for one seed (same seed, same records)."""
    rng = random.Random(seed)
    fakers = []
    for i, loc in enumerate(["en_US", "en_GB", "en_AU", "en_CA"]):
        f = Faker(loc)
        f.seed_instance(seed + i)
        fakers.append(f)
    records, seen = [], set()
    for lang, templates in (("ko", KO_TEMPLATES), ("en", EN_TEMPLATES)):
        order: list[str] = []
        while len(order) < N_PER_LANG:  # every template is used, in shuffled rounds
            round_ = list(templates)
            rng.shuffle(round_)
            order += round_
        i = 0
        for tpl in order[:N_PER_LANG]:
            for _ in range(100):  # redraw the rare exact duplicate
                text, spans = fill(tpl, rng, fakers, ko=lang == "ko")
                if text not in seen:
                    break
            else:
                raise RuntimeError(f"template cannot vary: {tpl[:40]}")
            seen.add(text)
            rec = {"id": f"f6-{lang}-{i:03d}", "lang": lang, "text": text, "spans": spans}
            check(rec)
            records.append(rec)
            i += 1
    return records


def main() -> None:
    records = build()
    assert len({r["text"] for r in records}) == len(records)
    with OUT.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")
    counts: dict[tuple[str, str], int] = {}
    for rec in records:
        for s in rec["spans"]:
            counts[(s["entity"], rec["lang"])] = counts.get((s["entity"], rec["lang"]), 0) + 1
    for (ent, lang), n in sorted(counts.items()):
        print(f"{ent:24s} {lang} {n}")
    print("notes:", len(records), "without entities:", sum(not r["spans"] for r in records))


if __name__ == "__main__":
    main()
