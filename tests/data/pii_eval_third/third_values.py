"""Fake values (labelled PII and unlabelled decoys) for the third PII evaluation set."""

from __future__ import annotations

import datetime as dt
import random

from third_decoys import EN_MONTHS, DecoyMaker

RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)

KO_SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권",
               "황", "안", "송", "류", "전", "홍", "고", "문", "양", "손", "배", "백", "허", "유", "남",
               "심", "노", "하", "곽", "성", "차", "주", "우", "구", "민", "진", "지", "엄", "채", "원"]
KO_COMPOUND = ["남궁", "황보", "제갈", "선우", "독고", "사공", "서문"]
KO_GIVEN_ONE = ["민", "훈", "준", "혁", "솔", "진", "결", "현", "윤", "린", "별", "웅", "찬", "철"]
KO_GIVEN_OLD = ["말순", "순자", "영자", "복순", "갑동", "춘자", "옥순", "점례", "만복", "덕배", "순덕",
                "귀남", "막례", "필순", "종팔", "끝순", "봉수", "길례"]
ROM_SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
                "Shin", "Seo", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Jeon", "Ko", "Moon", "Bae"]
ROM_GIVEN = ["Min-jun", "Seo-yeon", "Ji-hoon", "Ha-eun", "Do-yun", "Su-bin", "Jae-won", "Eun-ji",
             "Hyun-woo", "Ye-jin", "Sung-min", "Ji-woo", "Dong-hyun", "Mi-kyung", "Young-ho", "Seung-hee",
             "Minjun", "Jiwoo", "Kyung-soo", "Hye-jin"]

KO_SIDO_GU = [
    ("서울특별시", ["강남구", "송파구", "마포구", "노원구", "관악구", "종로구", "은평구", "성동구"]),
    ("부산광역시", ["해운대구", "수영구", "동래구", "사하구", "부산진구"]),
    ("대구광역시", ["수성구", "달서구", "중구"]),
    ("인천광역시", ["연수구", "남동구", "부평구"]),
    ("광주광역시", ["북구", "서구", "광산구"]),
    ("대전광역시", ["유성구", "서구", "대덕구"]),
    ("경기도", ["성남시 분당구", "수원시 영통구", "고양시 일산동구", "용인시 수지구", "부천시", "안산시 단원구"]),
    ("경상남도", ["창원시 성산구", "김해시", "진주시"]),
    ("전라북도", ["전주시 완산구", "익산시", "군산시"]),
    ("강원특별자치도", ["춘천시", "원주시", "강릉시"]),
    ("제주특별자치도", ["제주시", "서귀포시"]),
]
KO_SIDO_SHORT = {"서울특별시": "서울", "부산광역시": "부산", "대구광역시": "대구", "인천광역시": "인천",
                 "광주광역시": "광주", "대전광역시": "대전", "경기도": "경기", "경상남도": "경남",
                 "전라북도": "전북", "강원특별자치도": "강원", "제주특별자치도": "제주"}
KO_ROADS = ["테헤란로", "올림픽로", "월드컵북로", "동일로", "봉천로", "세종대로", "통일로", "왕십리로",
            "해운대로", "광안해변로", "충렬대로", "낙동대로", "달구벌대로", "컨벤시아대로", "상무대로",
            "대학로", "판교역로", "광교중앙로", "중앙로", "원이대로", "기린대로", "중앙로", "노형로", "경춘로"]
KO_DONGS = ["역삼동", "잠실동", "망원동", "상계동", "신림동", "청운동", "불광동", "성수동", "우동", "광안동",
            "온천동", "범어동", "송도동", "구월동", "용봉동", "봉명동", "정자동", "이의동", "장항동", "상현동"]
KO_APTS = ["래미안아파트", "푸르지오", "현대아파트", "한신아파트", "주공아파트", "자이아파트", "e편한세상"]

US_STREETS = ["Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Sunset",
              "Ridge", "Highland", "Church", "Mill", "Willow", "Chestnut", "Franklin", "Jefferson"]
US_SUFFIX = ["Street", "St", "Avenue", "Ave.", "Road", "Rd", "Drive", "Dr", "Lane", "Court", "Blvd",
             "Way", "Place", "Terrace"]
US_UNITS = ["Apt 3B", "Apt. 12", "Unit 7", "Suite 210", "#4C", "Apt 101"]

EMAIL_FREE = ["gmail.com", "naver.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com",
              "daum.net", "hanmail.net", "kakao.com", "nate.com", "aol.com", "proton.me"]
EMAIL_HOSP_EN = ["stlukeshealth.org", "mercyhospital.org", "riversidemed.com", "baptisthealth.org",
                 "nhs.net", "providencecare.org", "summitortho.com", "lakeviewclinic.com"]
EMAIL_HOSP_KO = ["snuh.org", "amc.seoul.kr", "yuhs.ac", "cmcseoul.or.kr", "khmc.or.kr", "hallym.or.kr",
                 "paik.ac.kr", "dumc.or.kr", "cnuh.com", "knuh.kr"]


def rrn_check_digit(first12: str) -> int:
    """Return the KR RRN check digit for the first twelve digits."""
    total = sum(w * int(d) for w, d in zip(RRN_WEIGHTS, first12))
    return (11 - total % 11) % 10


def rrn_is_valid(value: str) -> bool:
    """Check a KR RRN (hyphen optional): shape, real birth date, century code and check digit."""
    digits = value.replace("-", "")
    if len(digits) != 13 or not digits.isdigit():
        return False
    century = {"1": 1900, "2": 1900, "3": 2000, "4": 2000}.get(digits[6])
    if century is None:
        return False
    try:
        dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return rrn_check_digit(digits[:12]) == int(digits[12])


def ssn_is_valid(value: str) -> bool:
    """Check a US SSN (dashes optional): area 001-899 but not 666, group 01-99, serial 0001-9999."""
    digits = value.replace("-", "")
    if len(digits) != 9 or not digits.isdigit():
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return 1 <= area <= 899 and area != 666 and group >= 1 and serial >= 1


class ValueMaker(DecoyMaker):
    """Draw slot values from one seeded ``random.Random`` and one seeded Faker."""

    def __init__(self, rng: random.Random, fake) -> None:
        self.rng = rng
        self.fake = fake

    def make(self, key: str) -> tuple[str, str | None]:
        """Return ``(value, entity)`` for a template slot; entity is None for a decoy."""
        entity, method = SLOTS[key]
        return getattr(self, method)(), entity

    # ---- people -------------------------------------------------------------------------
    def _en_first_last(self) -> tuple[str, str]:
        loc = self.fake[self.rng.choice(["en_US", "en_US", "en_GB"])]
        return loc.first_name(), loc.last_name()

    def en_name(self) -> str:
        first, last = self._en_first_last()
        style = self.rng.randrange(10)
        if style == 0:
            return f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        if style == 1:
            return f"{first} {last}-{self._en_first_last()[1]}"
        if style == 2:
            return self.rom_name()
        return f"{first} {last}"

    def en_surname(self) -> str:
        return self._en_first_last()[1]

    def en_name_caps(self) -> str:
        first, last = self._en_first_last()
        return f"{first} {last}".upper() if self.rng.random() < 0.6 else f"{last.upper()}, {first.upper()}"

    def en_name_inv(self) -> str:
        first, last = self._en_first_last()
        if self.rng.random() < 0.5:
            return f"{last.upper()}, {first}"
        return f"{last}, {first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}."

    def en_name_lower(self) -> str:
        first, last = self._en_first_last()
        return f"{first} {last}".lower() if self.rng.random() < 0.6 else first.lower()

    def rom_name(self) -> str:
        sur, given = self.rng.choice(ROM_SURNAMES), self.rng.choice(ROM_GIVEN)
        style = self.rng.randrange(3)
        if style == 0:
            return f"{sur} {given}"
        if style == 1:
            return f"{given} {sur}"
        return f"{sur.upper()} {given.upper()}"

    def ko_name(self) -> str:
        style = self.rng.randrange(10)
        ko = self.fake["ko_KR"]
        if style == 0:
            return f"{self.rng.choice(KO_COMPOUND)} {self.rng.choice(KO_GIVEN_ONE + ['민수', '지은', '하늘'])}"
        if style == 1:
            return self.rng.choice(KO_COMPOUND) + ko.first_name()
        if style == 2:
            return self.rng.choice(KO_SURNAMES) + self.rng.choice(KO_GIVEN_ONE)
        if style == 3:
            return self.rng.choice(KO_SURNAMES) + self.rng.choice(KO_GIVEN_OLD)
        if style == 4:
            return self.rng.choice(KO_SURNAMES) + ko.first_name()
        return ko.name()

    # ---- identifiers --------------------------------------------------------------------
    def mrn(self) -> str:
        r = self.rng
        style = r.randrange(5)
        if style == 0:
            return f"{r.randrange(10**7, 10**8)}"
        if style == 1:
            return f"{r.randrange(1000, 10000)}-{r.randrange(1000, 10000)}"
        if style == 2:
            return f"{r.choice('AHMK')}{r.randrange(10**6, 10**7)}"
        if style == 3:
            return f"{r.randrange(10**9, 10**10)}"
        return f"{r.randrange(100, 1000)}-{r.randrange(10, 100)}-{r.randrange(100, 1000)}"

    def _birth(self) -> dt.date:
        return dt.date(1931, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 92 * 365))

    def rrn(self) -> str:
        born = self._birth()
        male = self.rng.random() < 0.5
        code = (1 if male else 2) if born.year < 2000 else (3 if male else 4)
        head = f"{born:%y%m%d}{code}{self.rng.randrange(0, 100000):05d}"
        full = head + str(rrn_check_digit(head))
        return full if self.rng.random() < 0.3 else f"{full[:6]}-{full[6:]}"

    def _ssn_digits(self) -> str:
        area = self.rng.choice([a for a in range(1, 900) if a != 666])
        return f"{area:03d}{self.rng.randrange(1, 100):02d}{self.rng.randrange(1, 10000):04d}"

    def ssn(self) -> str:
        d = self._ssn_digits()
        return f"{d[:3]}-{d[3:5]}-{d[5:]}"

    def ssn_nodash(self) -> str:
        return self._ssn_digits()

    # ---- dates of birth -----------------------------------------------------------------
    def dob_en(self) -> str:
        b = self._birth()
        style = self.rng.randrange(5)
        return [f"{b.month:02d}/{b.day:02d}/{b.year}", f"{EN_MONTHS[b.month - 1]} {b.day}, {b.year}",
                f"{b.isoformat()}", f"{b.day} {EN_MONTHS[b.month - 1][:3]} {b.year}",
                f"{b.day:02d}/{b.month:02d}/{b.year}"][style]

    def dob_ko(self) -> str:
        b = self._birth()
        style = self.rng.randrange(4)
        return [f"{b.year}년 {b.month}월 {b.day}일", f"{b.year}.{b.month:02d}.{b.day:02d}",
                f"{b:%y}.{b.month:02d}.{b.day:02d}", f"{b.year}-{b.month:02d}-{b.day:02d}"][style]

    # ---- contact ------------------------------------------------------------------------
    def phone_en(self) -> str:
        r = self.rng
        a, e, n = r.randrange(201, 990), r.randrange(201, 1000), r.randrange(0, 10000)
        style = r.randrange(6)
        if style == 0:
            return f"({a}) {e}-{n:04d}"
        if style == 1:
            return f"{a}-{e}-{n:04d}"
        if style == 2:
            return f"+1 {a} {e} {n:04d}"
        if style == 3:
            return f"{a}.{e}.{n:04d}"
        if style == 4:
            return f"07{r.randrange(100, 1000)} {r.randrange(100000, 1000000)}"
        return f"+44 20 {r.randrange(7000, 8000)} {n:04d}"

    def phone_ko(self) -> str:
        r = self.rng
        style = r.randrange(6)
        mid, end = r.randrange(1000, 10000), r.randrange(0, 10000)
        if style == 0:
            return f"010-{mid}-{end:04d}"
        if style == 1:
            return f"010{mid}{end:04d}"
        if style == 2:
            return f"02-{r.randrange(200, 1000)}-{end:04d}"
        if style == 3:
            return f"0{r.choice([31, 32, 33, 41, 42, 51, 53, 62, 64])}-{r.randrange(200, 1000)}-{end:04d}"
        if style == 4:
            return f"+82 10-{mid}-{end:04d}"
        return f"010 {mid} {end:04d}"

    def _local_part(self) -> str:
        r = self.rng
        first, last = self._en_first_last()
        style = r.randrange(4)
        if style == 0:
            return self.fake["en_US"].user_name()
        if style == 1:
            return f"{first[0]}{last}".lower() + str(r.randrange(1, 99))
        if style == 2:
            return f"{first}.{last}".lower()
        return f"{r.choice(ROM_SURNAMES).lower()}{r.choice(['_', '.', ''])}{r.choice(ROM_GIVEN).replace('-', '').lower()}"

    def email_en(self) -> str:
        pool = EMAIL_FREE[:6] + EMAIL_HOSP_EN
        return f"{self._local_part()}@{self.rng.choice(pool)}"

    def email_ko(self) -> str:
        pool = ["naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com"] + EMAIL_HOSP_KO
        return f"{self._local_part()}@{self.rng.choice(pool)}"

    # ---- addresses ----------------------------------------------------------------------
    def address_en(self) -> str:
        r = self.rng
        us = self.fake["en_US"]
        street = f"{r.randrange(1, 9900)} {r.choice(['', 'N ', 'S ', 'W ', 'E '])}{r.choice(US_STREETS)} {r.choice(US_SUFFIX)}"
        unit = f", {r.choice(US_UNITS)}" if r.random() < 0.3 else ""
        zipc = us.zipcode() if r.random() < 0.8 else us.zipcode_plus4()
        return f"{street}{unit}, {us.city()}, {us.state_abbr(include_territories=False)} {zipc}"

    def address_ko(self) -> str:
        r = self.rng
        sido, gus = r.choice(KO_SIDO_GU)
        if r.random() < 0.25:
            sido = KO_SIDO_SHORT[sido]
        gu = r.choice(gus)
        if r.random() < 0.6:
            base = f"{sido} {gu} {r.choice(KO_ROADS)} {r.randrange(1, 400)}"
            if r.random() < 0.3:
                base += f"번길 {r.randrange(1, 60)}"
        else:
            lot = f"{r.randrange(1, 1500)}" + (f"-{r.randrange(1, 40)}" if r.random() < 0.6 else "")
            base = f"{sido} {gu} {r.choice(KO_DONGS)} {lot}"
        tail = r.randrange(4)
        if tail == 0:
            return f"{base}, {r.randrange(101, 120)}동 {r.randrange(1, 25)}{r.randrange(1, 9):02d}호"
        if tail == 1:
            return f"{base} {r.choice(KO_APTS)} {r.randrange(101, 115)}동 {r.randrange(1, 20)}{r.randrange(1, 6):02d}호"
        if tail == 2:
            return f"{base} {r.randrange(2, 6)}층"
        return base


# Slot name -> (entity or None for a decoy, ValueMaker method name).
SLOTS: dict[str, tuple[str | None, str]] = {
    "NAME": ("PERSON", "en_name"), "SURNAME": ("PERSON", "en_surname"), "CAPS": ("PERSON", "en_name_caps"),
    "INV": ("PERSON", "en_name_inv"), "LOWER": ("PERSON", "en_name_lower"), "ROM": ("PERSON", "rom_name"),
    "KNAME": ("PERSON", "ko_name"), "MRN": ("MEDICAL_RECORD_NUMBER", "mrn"), "RRN": ("KR_RRN", "rrn"),
    "SSN": ("US_SSN", "ssn"), "SSNND": ("US_SSN", "ssn_nodash"), "DOB": ("DATE_OF_BIRTH", "dob_en"),
    "KDOB": ("DATE_OF_BIRTH", "dob_ko"), "PHONE": ("PHONE_NUMBER", "phone_en"), "KPHONE": ("PHONE_NUMBER", "phone_ko"),
    "EMAIL": ("EMAIL_ADDRESS", "email_en"), "KEMAIL": ("EMAIL_ADDRESS", "email_ko"), "ADDR": ("ADDRESS", "address_en"),
    "KADDR": ("KR_ADDRESS", "address_ko"),
    "VISIT": (None, "visit_en"), "KVISIT": (None, "visit_ko"), "LAB": (None, "lab"), "VITALS": (None, "vitals"),
    "KVITALS": (None, "vitals_ko"), "DOSE": (None, "dose"), "KDOSE": (None, "dose_ko"), "DUR": (None, "dur_en"),
    "KDUR": (None, "dur_ko"), "EPONYM": (None, "eponym"), "KEPONYM": (None, "eponym_ko"), "SCALE": (None, "scale"),
    "PLACE": (None, "place_en"), "KPLACE": (None, "place_ko"), "KWORD": (None, "kword"), "ROOM": (None, "room_en"),
    "KROOM": (None, "room_ko"), "ORDER": (None, "order"), "ICD": (None, "icd"), "SERIAL": (None, "serial"),
}
