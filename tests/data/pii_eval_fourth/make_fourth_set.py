"""Write the fourth labelled free-text PII evaluation set (sentences.jsonl), seeded and self-checked."""

# The file is long because the templates are data; the logic is the first ~250 lines.
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

from faker import Faker

SEED = 48151623
N_PER_LANG = 250
HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- value makers


class Values:
    """Fake value makers sharing one seeded RNG and seeded Faker instances."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.f_us = Faker("en_US")
        self.f_gb = Faker("en_GB")
        self.f_ko = Faker("ko_KR")
        for i, fk in enumerate((self.f_us, self.f_gb, self.f_ko)):
            fk.seed_instance(seed + i)

    # -- persons (English text)
    def _en_first_last(self) -> tuple[str, str]:
        fk = self.r.choice((self.f_us, self.f_gb))
        return fk.first_name(), fk.last_name()

    def person_en(self) -> str:
        first, last = self._en_first_last()
        style = self.r.random()
        if style < 0.45:
            return f"{first} {last}"
        if style < 0.60:
            return f"{first} {self.r.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        if style < 0.72:
            other = self._en_first_last()[1]
            return f"{first} {last}-{other}"
        if style < 0.82:
            old = self.r.choice(OLD_EN_GIVEN)
            return f"{old} {last}"
        return self.person_kr_romanised()

    def person_female(self) -> str:
        fk = self.r.choice((self.f_us, self.f_gb))
        return f"{fk.first_name_female()} {fk.last_name()}"

    def person_upper(self) -> str:
        first, last = self._en_first_last()
        return f"{first} {last}".upper()

    def person_surname_first(self) -> str:
        first, last = self._en_first_last()
        if self.r.random() < 0.5:
            return f"{last.upper()}, {first}"
        return f"{last}, {first} {self.r.choice('ABCDEJKLMRST')}."

    def person_lower(self) -> str:
        if self.r.random() < 0.3:
            return self.person_kr_romanised().lower()
        first, last = self._en_first_last()
        return f"{first} {last}".lower()

    def person_kr_romanised(self) -> str:
        sur = self.r.choice(ROMAN_SURNAMES)
        a, b = self.r.choice(ROMAN_SYLLABLES), self.r.choice(ROMAN_SYLLABLES).lower()
        given = self.r.choice((f"{a}-{b}", f"{a}{b}", a))
        return self.r.choice((f"{sur} {given}", f"{given} {sur}"))

    # -- persons (Korean text)
    def person_ko(self) -> str:
        style = self.r.random()
        if style < 0.55:
            return self.f_ko.last_name() + self.f_ko.first_name()
        if style < 0.70:
            return self.f_ko.last_name() + self.r.choice(ONE_SYLLABLE_GIVEN)
        if style < 0.82:
            sur = self.r.choice(COMPOUND_SURNAMES)
            given = self.r.choice(ONE_SYLLABLE_GIVEN + ["지훈", "수빈", "은정", "태호"])
            return self.r.choice((f"{sur} {given}", f"{sur}{given}"))
        return self.f_ko.last_name() + self.r.choice(OLD_KO_GIVEN)

    # -- identifiers
    def mrn(self) -> str:
        k = self.r.randrange(5)
        if k == 0:
            return f"{self.r.randrange(10**7, 10**8):08d}"
        if k == 1:
            return f"{self.r.randrange(2015, 2026)}-{self.r.randrange(10**5, 10**6)}"
        if k == 2:
            return f"H{self.r.randrange(10**6, 10**7)}"
        if k == 3:
            return f"{self.r.randrange(10, 99)}-{self.r.randrange(10**5, 10**6)}"
        return f"{self.r.randrange(10**9, 10**10)}"

    def _birth(self) -> dt.date:
        return dt.date(1925, 1, 1) + dt.timedelta(days=self.r.randrange(0, 36500))

    def dob_en(self) -> str:
        d = self._birth()
        return self.r.choice((d.strftime("%m/%d/%Y"), d.isoformat(), d.strftime("%B %-d, %Y"),
                              d.strftime("%-d %b %Y"), d.strftime("%d.%m.%Y")))

    def dob_ko(self) -> str:
        d = self._birth()
        return self.r.choice((f"{d.year}년 {d.month}월 {d.day}일", d.strftime("%Y.%m.%d"),
                              d.isoformat(), f"{d.year}. {d.month}. {d.day}."))

    def visit_en(self) -> str:
        d = dt.date(2023, 1, 1) + dt.timedelta(days=self.r.randrange(0, 900))
        return self.r.choice((d.strftime("%m/%d/%Y"), d.isoformat(), d.strftime("%B %-d, %Y")))

    def visit_ko(self) -> str:
        d = dt.date(2023, 1, 1) + dt.timedelta(days=self.r.randrange(0, 900))
        return self.r.choice((f"{d.year}년 {d.month}월 {d.day}일", d.strftime("%Y.%m.%d")))

    def phone_en(self) -> str:
        a, b, c = self.r.randrange(201, 990), self.r.randrange(200, 999), self.r.randrange(0, 10000)
        return self.r.choice((f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"+1 {a} {b} {c:04d}",
                              f"{a}.{b}.{c:04d}", f"07{self.r.randrange(100, 999)} {self.r.randrange(100000, 999999)}"))

    def phone_ko(self) -> str:
        m, n = self.r.randrange(1000, 10000), self.r.randrange(0, 10000)
        return self.r.choice((f"010-{m}-{n:04d}", f"010{m}{n:04d}", f"02-{self.r.randrange(200, 9999)}-{n:04d}",
                              f"0{self.r.choice((31, 32, 51, 53, 62, 64))}-{self.r.randrange(200, 999)}-{n:04d}",
                              f"+82 10-{m}-{n:04d}", f"010 {m} {n:04d}"))

    def email(self, ko: bool) -> str:
        user = self.r.choice((self.f_us.user_name(), self.f_gb.user_name(),
                              self.person_kr_romanised().lower().replace(" ", ".").replace("-", "")))
        doms = KO_DOMAINS if ko else EN_DOMAINS
        return f"{user}{self.r.choice(('', str(self.r.randrange(1, 99))))}@{self.r.choice(doms)}"

    def address_en(self) -> str:
        fk = self.f_us
        unit = self.r.choice(("", "", f", Apt {self.r.randrange(1, 40)}{self.r.choice('ABCD')}",
                              f", Suite {self.r.randrange(100, 900)}", f" Unit {self.r.randrange(1, 20)}"))
        return (f"{fk.building_number()} {fk.street_name()}{unit}, {fk.city()}, "
                f"{self.r.choice(US_STATES)} {fk.zipcode()}")

    def address_ko(self) -> str:
        city, gus = self.r.choice(KO_CITIES)
        gu = self.r.choice(gus)
        if self.r.random() < 0.6:
            road = self.r.choice(KO_ROADS)
            base = f"{city} {gu} {road} {self.r.randrange(1, 400)}"
            if self.r.random() < 0.3:
                base += f"번길 {self.r.randrange(1, 60)}"
        else:
            base = f"{city} {gu} {self.r.choice(KO_DONGS)} {self.r.randrange(1, 1500)}-{self.r.randrange(1, 30)}"
        tail = self.r.choice(("", "", f", {self.r.randrange(101, 120)}동 {self.r.randrange(1, 25)}0{self.r.randrange(1, 5)}호",
                              f" {self.r.choice(KO_BUILDINGS)} {self.r.randrange(2, 20)}층",
                              f", {self.r.randrange(1, 15)}층 {self.r.randrange(101, 1500)}호"))
        return base + tail

    def rrn(self, dashed: bool = True) -> str:
        d = self._birth()
        century2000 = d.year >= 2000
        g = self.r.choice((3, 4) if century2000 else (1, 2))
        body = f"{d.year % 100:02d}{d.month:02d}{d.day:02d}{g}{self.r.randrange(0, 100000):05d}"
        c = rrn_check_digit(body)
        return f"{body[:6]}-{body[6:]}{c}" if dashed else f"{body}{c}"

    def ssn(self, dashed: bool = True) -> str:
        area = self.r.choice([a for a in range(1, 900) if a != 666])
        g, s = self.r.randrange(1, 100), self.r.randrange(1, 10000)
        return f"{area:03d}-{g:02d}-{s:04d}" if dashed else f"{area:03d}{g:02d}{s:04d}"

    # -- decoys (never labelled)
    def room(self) -> str:
        return f"{self.r.randrange(2, 15)}{self.r.choice('ABCW')}-{self.r.randrange(1, 40):02d}"

    def order(self) -> str:
        return f"ORD-{self.r.randrange(10**6, 10**7)}"

    def serial(self) -> str:
        return f"SN {self.r.choice(('4CX', 'PB9', 'MX2'))}{self.r.randrange(10**5, 10**6)}"

    def bp(self) -> str:
        return f"{self.r.randrange(95, 175)}/{self.r.randrange(55, 105)}"

    def clock(self) -> str:
        return f"{self.r.randrange(0, 24):02d}:{self.r.randrange(0, 60):02d}"

    def age(self) -> str:
        return str(self.r.randrange(6, 95))

    def num(self) -> str:
        return str(self.r.randrange(2, 60))


def rrn_check_digit(first12: str) -> int:
    """Return the KR RRN check digit for the first 12 digits."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    return (11 - sum(w * int(d) for w, d in zip(weights, first12)) % 11) % 10


# placeholder -> (maker name, entity label or None for a decoy)
SLOTS = {
    "P": ("person_en", "PERSON"), "PU": ("person_upper", "PERSON"), "PS": ("person_surname_first", "PERSON"),
    "PL": ("person_lower", "PERSON"), "PR": ("person_kr_romanised", "PERSON"), "K": ("person_ko", "PERSON"),
    "MRN": ("mrn", "MEDICAL_RECORD_NUMBER"), "ADDR": ("address_en", "ADDRESS"), "KADDR": ("address_ko", "KR_ADDRESS"),
    "DOB": ("dob_en", "DATE_OF_BIRTH"), "KDOB": ("dob_ko", "DATE_OF_BIRTH"), "PH": ("phone_en", "PHONE_NUMBER"),
    "KPH": ("phone_ko", "PHONE_NUMBER"), "EM": ("email_en", "EMAIL_ADDRESS"), "KEM": ("email_ko", "EMAIL_ADDRESS"),
    "RRN": ("rrn_dashed", "KR_RRN"), "RRNN": ("rrn_plain", "KR_RRN"), "SSN": ("ssn_dashed", "US_SSN"),
    "SSNN": ("ssn_plain", "US_SSN"),
    "vd": ("visit_en", None), "kvd": ("visit_ko", None), "room": ("room", None), "order": ("order", None),
    "serial": ("serial", None), "t": ("clock", None), "age": ("age", None), "PF": ("person_female", "PERSON"), "bp": ("bp", None), "n": ("num", None),
}
TOKEN = re.compile(r"\{([A-Za-z]+?)(\d?)\}(~[가는를과])?")
PARTICLES = {"가": ("이", "가"), "는": ("은", "는"), "를": ("을", "를"), "과": ("과", "와")}


def _make(vals: Values, maker: str) -> str:
    special = {"email_en": lambda: vals.email(False), "email_ko": lambda: vals.email(True),
               "rrn_dashed": lambda: vals.rrn(True), "rrn_plain": lambda: vals.rrn(False),
               "ssn_dashed": lambda: vals.ssn(True), "ssn_plain": lambda: vals.ssn(False)}
    return special[maker]() if maker in special else getattr(vals, maker)()


def _particle(word: str, kind: str) -> str:
    """Pick the Korean particle form by whether the last syllable has a final consonant."""
    last = word[-1]
    has_final = "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0
    with_final, without = PARTICLES[kind]
    return with_final if has_final else without


def fill(template: str, vals: Values) -> tuple[str, list[dict]]:
    """Fill one template; return the text and its labelled spans."""
    out, spans, cache, pos = [], [], {}, 0
    length = 0
    for m in TOKEN.finditer(template):
        lit = template[pos:m.start()]
        out.append(lit)
        length += len(lit)
        key, idx, part = m.group(1), m.group(2), m.group(3)
        if key not in SLOTS:
            raise KeyError(f"unknown placeholder {key}")
        maker, entity = SLOTS[key]
        value = cache.setdefault(key + idx, _make(vals, maker))
        if entity:
            spans.append({"start": length, "end": length + len(value), "entity": entity, "_value": value})
        out.append(value)
        length += len(value)
        if part:
            p = _particle(value, part[1])
            out.append(p)
            length += len(p)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def check(rec: dict, spans: list[dict]) -> None:
    """Assert the labels are exact, disjoint and that RRN/SSN values are valid."""
    text = rec["text"]
    assert "{" not in text and "}" not in text, rec["id"]
    prev_end = -1
    for s in sorted(spans, key=lambda s: s["start"]):
        assert text[s["start"]:s["end"]] == s["_value"], rec["id"]
        assert s["start"] >= prev_end, f"overlap in {rec['id']}"
        prev_end = s["end"]
        v = s["_value"]
        assert v == v.strip() and v, rec["id"]
        if s["entity"] == "KR_RRN":
            d = v.replace("-", "")
            assert re.fullmatch(r"\d{13}", d) and int(d[-1]) == rrn_check_digit(d[:12]), rec["id"]
            century = 1900 if d[6] in "12" else 2000
            dt.date(century + int(d[:2]), int(d[2:4]), int(d[4:6]))
        if s["entity"] == "US_SSN":
            d = v.replace("-", "")
            assert re.fullmatch(r"\d{9}", d), rec["id"]
            area, grp, ser = int(d[:3]), int(d[3:5]), int(d[5:])
            assert 1 <= area <= 899 and area != 666 and 1 <= grp <= 99 and 1 <= ser <= 9999, rec["id"]


def build(seed: int) -> list[dict]:
    """Build all records for one seed."""
    vals = Values(seed)
    records, seen = [], set()
    for lang, templates in (("en", EN_TEMPLATES), ("ko", KO_TEMPLATES)):
        order = [templates[i % len(templates)] for i in range(N_PER_LANG)]
        vals.r.shuffle(order)
        for i, tpl in enumerate(order):
            text, spans = fill(tpl, vals)
            for _ in range(20):  # refill exact duplicates so no note is counted twice
                if text not in seen:
                    break
                text, spans = fill(tpl, vals)
            assert text not in seen, "duplicate note"
            seen.add(text)
            rec = {"id": f"f4-{lang}-{i:03d}", "lang": lang, "text": text}
            check(rec, spans)
            rec["spans"] = [{k: s[k] for k in ("start", "end", "entity")} for s in spans]
            records.append(rec)
    return records


def main(argv: list[str] | None = None) -> int:
    """Write sentences.jsonl and print counts per entity and language."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=HERE / "sentences.jsonl")
    args = ap.parse_args(argv)
    records = build(args.seed)
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")
    counts: dict[tuple[str, str], int] = {}
    for rec in records:
        for s in rec["spans"]:
            counts[(s["entity"], rec["lang"])] = counts.get((s["entity"], rec["lang"]), 0) + 1
    for (ent, lang), c in sorted(counts.items()):
        print(f"{ent}\t{lang}\t{c}")
    empty = {lang: sum(1 for r in records if r["lang"] == lang and not r["spans"]) for lang in ("en", "ko")}
    print(f"records={len(records)} no-entity={empty}")
    return 0


# ---------------------------------------------------------------- word lists

US_STATES = ["AL", "AZ", "CA", "CO", "FL", "GA", "IL", "MA", "MD", "MI", "MN", "NC", "NY", "OH", "OR", "PA", "TX",
             "VA", "WA", "WI"]
OLD_EN_GIVEN = ["Ethel", "Mildred", "Clarence", "Gertrude", "Wilbur", "Agnes", "Horace", "Myrtle", "Earl", "Edna"]
ROMAN_SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
                  "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Namgung", "Jegal"]
ROMAN_SYLLABLES = ["Min", "Ji", "Seo", "Hyun", "Jun", "Soo", "Young", "Eun", "Ha", "Do", "Yeon", "Woo", "Jae",
                   "Hye", "Sung", "Tae", "Na", "Bin"]
ONE_SYLLABLE_GIVEN = ["민", "현", "준", "솔", "결", "별", "훈", "진", "란", "웅"]
COMPOUND_SURNAMES = ["남궁", "황보", "제갈", "선우", "독고", "사공"]
OLD_KO_GIVEN = ["말순", "순자", "영자", "갑순", "복남", "춘자", "덕배", "옥분", "만석", "끝순"]
EN_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "stlukes-health.org", "mercyregional.org",
              "northvalleyclinic.com", "kingsmill-hospital.co.uk", "va-benefits-help.org"]
KO_DOMAINS = ["naver.com", "daum.net", "hanmail.net", "gmail.com", "kakao.com", "hanbit-hosp.or.kr",
              "seoulmedi.co.kr", "snuh-clinic.kr", "dongsan-med.com"]
KO_CITIES = [("서울특별시", ["강남구", "마포구", "종로구", "송파구", "노원구"]),
             ("부산광역시", ["해운대구", "수영구", "동래구"]), ("대구광역시", ["수성구", "달서구"]),
             ("경기도", ["성남시 분당구", "수원시 영통구", "고양시 일산동구", "용인시 수지구"]),
             ("인천광역시", ["연수구", "부평구"]), ("전라남도", ["순천시", "여수시"]),
             ("충청북도", ["청주시 상당구"]), ("제주특별자치도", ["제주시", "서귀포시"])]
KO_ROADS = ["테헤란로", "월드컵북로", "세종대로", "올림픽로", "해운대해변로", "중앙대로", "판교역로", "동탄대로",
            "노형로", "달구벌대로", "수영로", "일산로"]
KO_DONGS = ["역삼동", "우동", "정자동", "망원동", "범어동", "연동", "조례동", "송도동", "상계동"]
KO_BUILDINGS = ["한빛빌딩", "센텀타워", "미래프라자", "은하맨션", "솔빛아파트"]

# ---------------------------------------------------------------- English templates
# Genres: clinic letters, ICU handover, dental, physio, veterans' forms, lab requisitions, portal chat,
# ambulance run sheets, school nurse, pharmacy, radiology, occupational health, home care, insurance.
EN_TEMPLATES = [
    "{P} was reviewed in the memory clinic on {vd}. MoCA 22/30, down from 25. DOB {DOB}. Plan: repeat MMSE in six months.",
    "Dear Dr. {P1},\nThank you for referring {P2} (MRN {MRN}), who presents with suspected Parkinson's disease. BP {bp}, HR 88.\nYours sincerely, Dr. {P3}",
    "ICU HANDOVER bed {room}: {PU}, intubated, Glasgow Coma Scale 8T. Lactate 3.1 mmol/L. Next of kin: wife, {PH}.",
    "Handover to night team: Mr. {P} in {room}, post-op day 2 after Whipple procedure, drains 40 mL. No Babinski sign.",
    "{PS} | MRN: {MRN} | DOB: {DOB} | Allergies: penicillin | Ward {room}",
    "DENTAL CHART - patient {P}, date of birth {DOB}. Tooth 36 MOD composite placed {vd}. Recall 6 months.",
    "Dental recall letter sent to {ADDR}. Patient {P} missed two hygiene appointments.",
    "Physio log {vd}: {P} walked 40 m with frame, Berg Balance Scale 38/56. Knee flexion 95 degrees.",
    "Physiotherapy session 4 of 8. {PF}'s shoulder abduction improved to 120 degrees. Home exercises reviewed.",
    "VA Form 21-526EZ. Veteran: {PS}. SSN {SSN}. Mailing address: {ADDR}. Phone: {PH}.",
    "Veteran {P} (Social Security No. {SSNN}) served at Walter Reed and Fort Bragg; claim concerns tinnitus and PTSD.",
    "Benefits contact: {EM}. Claimant born {DOB}; service dates 1988 to 1994. Daytime phone {PH}.",
    "LAB REQUISITION {order}\nPatient: {PU}  MRN {MRN}\nTests: CBC, HbA1c, TSH. Fasting 12 h. Collected {vd}.",
    "Requisition for lipid panel, ICD-10 E78.5 and I10. Ordering provider Dr. {P}. Results to {EM}.",
    "hi this is {PL}, can someone call me back at {PH}? my inhaler ran out",
    "portal msg: thanks dr {PL1}!! my son {PL2} is feeling better, fever gone since tuesday",
    "Patient portal: please update my email to {EM} and my home address to {ADDR}. Thanks, {P}",
    "RUN SHEET unit M-14. Pt {PU}, approx 70 y/o male, found at {ADDR}. GCS 14, SpO2 91%, BP {bp}.",
    "EMS: dispatched {t} to Ohio State campus, {age} y/o female, syncope. Vitals stable. Transported to Mercy General.",
    "Ambulance crew contacted daughter {P} on {PH}; patient's DOB confirmed as {DOB}.",
    "School nurse note: {P} (grade 4) seen for nosebleed, resolved after 10 minutes. Parent {P2} notified at {PH}.",
    "Nurse's office log {vd}. Student reported headache, temp 37.{n} C at {t}. Returned to class. No medication given.",
    "Pharmacy: metformin 500 mg twice daily dispensed to {P}. Counselled on lactic acidosis. Callback {PH}.",
    "Rx transfer request for {PS}, date of birth {DOB}, from Walgreens on Main Street. Insurance on file.",
    "Radiology request: CT head without contrast for {P}, MRN {MRN}. Query subdural. Contrast allergy: none.",
    "Chest X-ray {vd}: no Kerley B lines, no pneumothorax. Device {serial} pacemaker in situ.",
    "Occupational health: employee {P}, badge 4471, fit for duty. Hearing test normal. Contact {EM}.",
    "Home visit at {ADDR} on {vd}. {P} lives alone; pressure area grade 2 on sacrum. Next visit in 3 days.",
    "Insurance claim: insured {PS}, SSN {SSN}, DOB {DOB}. Claim for knee arthroscopy, CPT 29881.",
    "Discharge summary. Admitted {vd} with Guillain-Barre syndrome. IVIG 2 g/kg over 5 days. Follow up in neurology clinic.",
    "Discharged to Seoul for family care; patient {PR} will continue rehab there. Contact email {EM}.",
    "Interpreter booked for {PR} (Korean). Patient's son {PR2} can be reached at {PH}.",
    "Telehealth note: {PR} reports improved sleep. PHQ-9 score 8. Sertraline 50 mg continued.",
    "Referral: {P}, born on {DOB}, MRN {MRN}, to Cushing's clinic for dexamethasone suppression test.",
    "Dr. {P} spoke with the patient's husband by phone. Apgar scores 8 and 9. Mother and baby well.",
    "Consent form witnessed by {P}. Procedure: cataract extraction right eye, scheduled {vd}.",
    "Vaccination record: {P}, DOB {DOB}. Influenza vaccine lot FL2291 given left deltoid {vd}.",
    "Emergency contact for {PU}: {P2} (brother), {PH}, {EM}.",
    "Mrs. {PF} asked for copies of her records to be mailed to {ADDR}.",
    "Wound care: dressing changed, wound {n} x 2 cm, no Hutchinson sign. Review in 48 hours. Room {room}.",
    "Audit note: order {order} cancelled at {t}, duplicate of previous CBC. No patient contact required.",
    "Clinic letter cc: {EM}. Re: {PS}, MRN {MRN}. Thyroid nodule, Bethesda III, repeat FNA advised.",
    "Caller {PL} said she is the patient's neighbour; declined to give further details. Callback number {PH}.",
    "SSN on file: {SSNN}. Member {P}, plan ID HMO-22. Address: {ADDR}",
    "Follow-up with {P}'s GP in 2 weeks; ferritin 12 ug/L, start ferrous sulphate 200 mg daily.",
    "Morning huddle: {n} admissions overnight, 3 in ICU, two awaiting Addison's work-up. Bed {room} closed for cleaning.",
    "{SSN} is the SSN listed for {PS} on the disability claim; DOB {DOB}, last seen at Walter Reed on {vd}.",
    "Identity check before release of records: name {P}, date of birth {DOB}, SSN {SSNN}. Verified by phone {PH}.",
    "Patient born {DOB} presents with Bell's palsy, onset {vd}. House-Brackmann grade III. Prednisolone 60 mg.",
]

# ---------------------------------------------------------------- Korean templates
# Genres: 외래 의뢰서, 중환자실 인계, 치과 기록, 물리치료 일지, 보훈 신청서, 검사 의뢰, 환자 포털 메시지,
# 구급활동일지, 보건실 기록, 복약지도, 영상 의뢰, 산업보건, 방문간호, 보험 청구.
KO_TEMPLATES = [
    "{K}~는 {kvd} 외래 방문. 혈압 {bp}, 맥박 76회. 생년월일 {KDOB}. 다음 진료는 3개월 후.",
    "진료의뢰서\n환자: {K} 님 (등록번호 {MRN})\n파킨슨병 의심으로 신경과 진료를 의뢰합니다.\n의뢰의: {K2}",
    "중환자실 인계: {room} 병상 {K}, 기관삽관 상태, 글래스고 혼수 척도 8점. 보호자 연락처 {KPH}.",
    "인계 사항 - {K} 환자 수술 후 2일차, 배액량 40 mL, 바빈스키 징후 없음. 김장 후 허리 통증 호소.",
    "{K} | 병록번호: {MRN} | 주민등록번호: {RRN} | 알레르기: 페니실린",
    "치과 기록: {K}~는 36번 치아 레진 충전 시행({kvd}). 생년월일 {KDOB}. 6개월 후 재내원.",
    "치과 리콜 안내문 발송 주소: {KADDR}. 환자 {K} 씨 스케일링 2회 불참.",
    "물리치료 일지 {kvd}: {K} 님 보행기로 40 m 보행, 버그 균형 척도 38점. 무릎 굴곡 95도.",
    "물리치료 4회차. {K}의 어깨 외전 120도로 호전. 가정 운동 교육함.",
    "보훈급여 신청서\n신청인: {K}\n주민등록번호: {RRN}\n주소: {KADDR}\n연락처: {KPH}",
    "국가유공자 {K}~는 이명 및 외상 후 스트레스 장애로 급여 신청. 주민번호 {RRNN}.",
    "담당자 이메일 {KEM}. 신청인 생년월일 {KDOB}, 복무기간 1988~1994년.",
    "검사 의뢰서 {order}\n환자명: {K}  등록번호 {MRN}\n검사: 일반혈액, 당화혈색소, 갑상선 기능. 공복 12시간.",
    "지질 검사 의뢰, 상병코드 E78.5, I10. 의뢰의 {K} 선생님. 결과는 {KEM}로 통보.",
    "안녕하세요 {K}입니다 ㅠㅠ 흡입기 다 떨어졌는데 {KPH}로 전화 부탁드려요",
    "선생님 감사해요!! 우리 애 {K}~가 이제 열 내렸어요",
    "환자 포털: 이메일은 {KEM}, 주소는 {KADDR} 입니다. 변경 부탁드립니다. {K} 올림",
    "구급활동일지 - 환자 {K}, 70대 남성, {KADDR}에서 발견. 의식 명료, 산소포화도 91%, 혈압 {bp}.",
    "구급출동 {t}, 서울역 광장, {age}세 여성 실신. 활력징후 안정. 인근 대학병원으로 이송.",
    "구급대원이 딸 {K}에게 {KPH}로 연락함. 환자 생년월일 {KDOB} 확인.",
    "보건실 기록: {K} 학생(4학년) 코피로 내원, 10분 후 지혈. 보호자 {K2} 씨에게 {KPH}로 연락.",
    "보건실 일지 {kvd}. 학생 두통 호소, 체온 37.{n}도, {t} 측정. 교실 복귀. 투약 없음.",
    "복약지도: {K} 님 메트포르민 500 mg 1일 2회. 유산산증 설명함. 연락처 {KPH}.",
    "처방전 이관 요청 - {K}, 주민등록번호 {RRNN}, 약국 주소 {KADDR}.",
    "영상의학 의뢰: {K} 환자(병록번호 {MRN}) 뇌 CT 비조영. 경막하 출혈 의심. 조영제 알레르기 없음.",
    "흉부 X선 {kvd}: 케를리 B선 없음, 기흉 없음. 인공심박동기 {serial} 확인.",
    "산업보건: 근로자 {K}, 사번 4471, 업무 적합. 청력검사 정상. 이메일 {KEM}.",
    "방문간호 {kvd}, 주소 {KADDR}. {K} 어르신 독거, 천골 부위 욕창 2단계. 3일 후 재방문.",
    "보험금 청구: 피보험자 {K}, 주민등록번호 {RRN}, 무릎 관절경 수술. 청구 담당 {KEM}.",
    "퇴원요약. {kvd} 길랭-바레 증후군으로 입원. 면역글로불린 5일 투여. 신경과 외래 추적.",
    "{kvd} 박동 규칙적, 이상 소견 없음. 정상 범위의 신장 기능. 최근 오심 호소.",
    "{K}~과 보호자 {K2} 씨에게 수술 동의서 설명함. 백내장 수술 예정일 {kvd}.",
    "예방접종 기록: {K}, 생년월일 {KDOB}. 인플루엔자 백신 로트 FL2291 좌측 삼각근 접종.",
    "비상연락처 - {K} 환자의 아들 {K2}, {KPH}, {KEM}.",
    "{K} 님이 진료기록 사본 우편 발송 요청함. 받는 곳: {KADDR}",
    "상처 드레싱 교체, 크기 {n} x 2 cm, 허친슨 징후 없음. 48시간 후 재평가. 병실 7B병동 {n}2호.",
    "감사 기록: {t} 오더 {order} 취소, 이전 일반혈액검사와 중복. 환자 연락 불필요.",
    "외래 회신서 참조 {KEM}. {K} 님(등록번호 {MRN}) 갑상선 결절, 베데스다 III, 세침흡인 재검 권고.",
    "이웃이라고 밝힌 {K} 씨가 전화함, 추가 정보 제공 거부. 회신 번호 {KPH}.",
    "주민번호 {RRN}, 환자 {K}, 보험 유형 건강보험. 주소: {KADDR}",
    "{K}의 주치의에게 2주 후 추적 요청. 페리틴 12 ug/L, 철분제 1일 1회 시작.",
    "아침 회의: 야간 입원 {n}명, 중환자실 3명, 애디슨병 검사 대기 2명. {room} 병상 소독 중.",
    "Patient {PR} 통역 요청(영어). 담당 간호사 {K} 연락처 {KPH}.",
    "인지 선별: 간이정신상태검사(MMSE) {n}점, MoCA-K 22점. 조영제 투여 후 이상 반응 없음. 한기 호소.",
    "신생아실: 산모 {K} 님, 아기 아프가 점수 8/9. 산모 연락처 {KPH}. 퇴원 예정일 {kvd}.",
    "재활의학과 협진: {K}~를 뇌졸중 재활 병동으로 전동. 강직 정도 MAS 1+. 주소지 {KADDR}",
    "{RRNN} 주민번호로 조회된 {K}~는 생년월일 {KDOB}, 병록번호 {MRN}. 마지막 내원 {kvd}.",
    "본인 확인: 성명 {K}, 생년월일 {KDOB}, 연락처 {KPH}. 확인자 {K2} 간호사.",
    "{KDOB}생 {K} 님, 벨 마비로 {kvd} 내원. 하우스-브랙만 3등급. 스테로이드 60 mg 투여.",
]

if __name__ == "__main__":
    sys.exit(main())
