"""Unlabelled decoy text (clinical numbers, eponyms, places, look-alike words) for the fifth set."""

from __future__ import annotations

import random

from fifth_values import en_date, ko_date, recent_date


def vitals(rng: random.Random) -> str:
    """A vital-signs fragment."""
    return rng.choice([
        f"BP {rng.randrange(90, 180)}/{rng.randrange(50, 110)}",
        f"HR {rng.randrange(48, 140)}",
        f"SpO2 {rng.randrange(85, 101)}%",
        f"T {rng.randrange(355, 402) / 10}°C",
        f"RR {rng.randrange(10, 32)}",
        f"BP {rng.randrange(90, 180)}/{rng.randrange(50, 110)} HR {rng.randrange(48, 140)}",
    ])


def lab(rng: random.Random) -> str:
    """A lab-value fragment."""
    return rng.choice([
        f"Hb {rng.randrange(70, 170) / 10} g/dL", f"WBC {rng.randrange(20, 250) / 10}",
        f"Na {rng.randrange(124, 150)}", f"K {rng.randrange(28, 62) / 10}",
        f"Cr {rng.randrange(5, 40) / 10} mg/dL", f"HbA1c {rng.randrange(50, 120) / 10}%",
        f"INR {rng.randrange(9, 45) / 10}", f"CRP {rng.randrange(1, 250)} mg/L",
        f"glucose {rng.randrange(60, 400)} mg/dL", f"lactate {rng.randrange(5, 60) / 10}",
        f"troponin {rng.randrange(1, 90) / 1000} ng/mL", f"eGFR {rng.randrange(15, 110)}",
    ])


DRUGS = (
    "sertraline|quetiapine|lorazepam|haloperidol|morphine|oxycodone|metformin|apixaban|"
    "levetiracetam|prazosin|naltrexone|buprenorphine|ondansetron|ceftriaxone|furosemide"
).split("|")
# Brand names that read like given names or words.
NAME_LIKE_DRUGS = "Allegra Lyrica Abilify Ambien Celexa Keppra Lasix Xanax Trulicity Victoza Sonata Paxil".split()


def dose(rng: random.Random) -> str:
    """A medication order fragment."""
    drug = rng.choice(DRUGS + NAME_LIKE_DRUGS)
    return f"{drug} {rng.choice([0.5, 1, 2, 5, 10, 25, 50, 100, 500])} mg {rng.choice(['PO', 'IV', 'SL', 'IM'])} {rng.choice(['daily', 'BID', 'q6h PRN', 'qHS', 'once'])}"


def duration(rng: random.Random) -> str:
    """A duration."""
    return rng.choice([f"x {rng.randrange(2, 14)} days", f"for {rng.randrange(1, 8)} weeks",
                       f"{rng.randrange(2, 72)} hrs", f"since {rng.randrange(1, 12)} months"])


def visit_date(rng: random.Random) -> str:
    """A visit/procedure date with no birth context (English format)."""
    return en_date(rng, recent_date(rng))


def ko_visit_date(rng: random.Random) -> str:
    """A visit/procedure date with no birth context (Korean format)."""
    return ko_date(rng, recent_date(rng))


def age(rng: random.Random) -> str:
    """An age expression."""
    n = rng.randrange(18, 96)
    return rng.choice([f"{n}-year-old", f"{n} y/o", f"age {n}", f"{n}{rng.choice('MF')}", f"{n}yo"])


EPONYMS = (
    "Crohn's disease|Hodgkin lymphoma|Addison's disease|Graves' disease|Down syndrome|"
    "Alzheimer's dementia|Kaposi sarcoma|Parkinson's disease|Bell's palsy|Cushing's syndrome|"
    "Hashimoto's thyroiditis|Tourette syndrome|Guillain-Barré syndrome|Wernicke encephalopathy"
).split("|")
KO_EPONYMS = "크론병|호지킨 림프종|애디슨병|그레이브스병|다운증후군|알츠하이머병|카포시 육종|파킨슨병|베르니케 뇌병증".split("|")


def eponym(rng: random.Random) -> str:
    """An eponymous disease or sign."""
    return rng.choice(EPONYMS)


def scale(rng: random.Random) -> str:
    """A clinical scale with a score."""
    return rng.choice([
        f"MoCA {rng.randrange(10, 31)}/30", f"MMSE {rng.randrange(8, 31)}/30",
        f"GCS {rng.randrange(3, 16)}", f"AUDIT-C {rng.randrange(0, 13)}",
        f"GAD-7 {rng.randrange(0, 22)}", f"PHQ-9 {rng.randrange(0, 28)}",
        f"PCL-5 {rng.randrange(0, 81)}", f"Braden {rng.randrange(6, 24)}",
    ])


PLACES = (
    "Walter Reed|Fort Hood|Camp Humphreys|Landstuhl|Fort Bragg|Camp Lejeune|Brooke Army Medical "
    "Center|Tripler|Busan|Daejeon|Texas|San Antonio|Osan AB|Johns Hopkins|Mount Sinai|Mayo Clinic"
).split("|")
KO_PLACES = "국군수도병원|국군대전병원|세브란스병원|서울아산병원|부산|대전|평택|캠프 험프리스|동두천|철원|제주".split("|")


def place(rng: random.Random) -> str:
    """A hospital, base or place name used as a place."""
    return rng.choice(PLACES)


def unit(rng: random.Random) -> str:
    """A military unit name."""
    return rng.choice(["3rd Battalion, 7th Marines", "2nd Infantry Division", "1-501st PIR",
                       "HHC, 2-9 IN", "82nd Airborne", "1st Cavalry Division", "3rd Battalion"])


def ko_unit(rng: random.Random) -> str:
    """A Korean military unit name."""
    return rng.choice(["제2보병사단", "제7공수특전여단", "제1군단", "제3포병여단", "해병대 제1사단",
                       "제25사단 71연대", "수도기계화보병사단"])


def room(rng: random.Random) -> str:
    """A ward/room/bed reference."""
    return rng.choice([f"Rm {rng.randrange(100, 999)}", f"Bed {rng.randrange(1, 40)}",
                       f"Ward {rng.randrange(2, 12)}{rng.choice('ABC')}", f"Bay {rng.randrange(1, 9)}",
                       f"{rng.randrange(3, 15)}W-{rng.randrange(1, 30)}"])


def order_no(rng: random.Random) -> str:
    """An order/requisition number (not an MRN)."""
    return rng.choice([f"ORD-{rng.randrange(10**6, 10**7)}", f"REQ{rng.randrange(10**5, 10**6)}",
                       f"claim #CLM-{rng.randrange(10**7, 10**8)}", f"case 2{rng.randrange(10**4, 10**5)}-CV"])


def icd(rng: random.Random) -> str:
    """An ICD-10 code."""
    return rng.choice(["F43.10", "F32.1", "F10.20", "J18.9", "I21.4", "E11.65", "S06.0X0A",
                       "Z20.822", "U07.1", "C81.90", "G30.9", "K50.90", "Q90.9", "M54.5"])


def serial(rng: random.Random) -> str:
    """A device serial or lot number."""
    return rng.choice([f"SN {rng.choice('ABCDXZ')}{rng.randrange(10**6, 10**7)}",
                       f"lot {rng.choice(['EK', 'FA', 'GH'])}{rng.randrange(1000, 9999)}",
                       f"Lot# {rng.randrange(10**5, 10**6)}{rng.choice('ABC')}",
                       f"S/N {rng.randrange(10**8, 10**9)}-{rng.randrange(10, 99)}"])


def service_no(rng: random.Random) -> str:
    """A military service/DoD identifier that is not an SSN."""
    return rng.choice([f"DoD ID {rng.randrange(10**9, 10**10)}", f"EDIPI {rng.randrange(10**9, 10**10)}",
                       f"svc no. RA{rng.randrange(10**7, 10**8)}"])


def ko_service_no(rng: random.Random) -> str:
    """A Korean military service number (군번), not an RRN."""
    return f"{rng.randrange(18, 26)}-{rng.randrange(70000000, 79999999)}"


def ko_age(rng: random.Random) -> str:
    """A Korean age expression."""
    n = rng.randrange(18, 96)
    return rng.choice([f"만 {n}세", f"{n}세 {rng.choice('남여')}", f"{n}/{rng.choice('MF')}", f"{n}세"])


def ko_case_no(rng: random.Random) -> str:
    """A Korean court/claim/inmate case number (not an MRN)."""
    year = rng.randrange(2023, 2027)
    return rng.choice([f"{year}가단{rng.randrange(1000, 99999)}", f"{year}고단{rng.randrange(100, 9999)}",
                       f"제{year}-{rng.randrange(1000, 9999)}", f"접수 {year}{rng.randrange(10**5, 10**6)}"])
