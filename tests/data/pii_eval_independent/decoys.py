"""Decoys: clinical text a weak recogniser mistakes for PII; none of it is ever labelled."""

from __future__ import annotations

import random

from fake_values import Segments, rrn_check_digit


def _pick(options: list[str]):
    def draw(rng: random.Random) -> Segments:
        return [(rng.choice(options), None)]
    return draw


def _ymd(rng: random.Random) -> str:
    """A recent date as YYYYMMDD, the stem of order and specimen numbers."""
    return f"{rng.randint(2019, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def en_lab(rng: random.Random) -> Segments:
    """A lab value or vital sign."""
    return [(rng.choice([
        f"HbA1c {rng.randint(52, 120) / 10}%", f"BP {rng.randint(95, 185)}/{rng.randint(55, 110)}",
        f"WBC {rng.randint(30, 250) / 10}", f"Hgb {rng.randint(70, 160) / 10} g/dL",
        f"Cr {rng.randint(5, 45) / 10} mg/dL", f"K {rng.randint(30, 60) / 10} mmol/L",
        f"SpO2 {rng.randint(86, 100)}%", f"HR {rng.randint(48, 140)}", f"temp {rng.randint(360, 401) / 10} C",
        f"INR {rng.randint(9, 40) / 10}", f"eGFR {rng.randint(15, 110)}", f"LDL {rng.randint(60, 210)} mg/dL",
        f"platelets {rng.randint(90, 420)},000", f"Na {rng.randint(125, 148)}", f"RR {rng.randint(12, 30)}",
        f"glucose {rng.randint(70, 390)} mg/dL", f"troponin {rng.randint(1, 90) / 100} ng/mL",
    ]), None)]


def ko_lab(rng: random.Random) -> Segments:
    """A Korean-written lab value or vital sign."""
    return [(rng.choice([
        f"HbA1c {rng.randint(52, 120) / 10}%", f"혈압 {rng.randint(95, 185)}/{rng.randint(55, 110)} mmHg",
        f"백혈구 {rng.randint(30, 250) / 10}", f"혈색소 {rng.randint(70, 160) / 10} g/dL",
        f"크레아티닌 {rng.randint(5, 45) / 10} mg/dL", f"공복혈당 {rng.randint(80, 300)} mg/dL",
        f"체온 {rng.randint(360, 401) / 10}도", f"맥박 {rng.randint(50, 130)}회/분",
        f"산소포화도 {rng.randint(86, 100)}%", f"BP {rng.randint(95, 185)}/{rng.randint(55, 110)}",
        f"WBC {rng.randint(30, 250) / 10}", f"혈소판 {rng.randint(90, 420)},000",
    ]), None)]


def en_duration(rng: random.Random) -> Segments:
    """A duration ("for 3 years")."""
    n = rng.randint(2, 12)
    return [(rng.choice([f"for {n} years", f"for {n} days", f"x {n} weeks", f"over the past {n} months",
                         f"since {n} days ago", f"for the last {n} hours"]), None)]


def ko_duration(rng: random.Random) -> Segments:
    """A Korean duration ("2주간", "3일 전부터")."""
    n = rng.randint(2, 12)
    return [(rng.choice([f"{n}주간", f"{n}일 전부터", f"약 {n}년 전부터", f"{n}년째", f"{n}개월간",
                         f"{n}시간 동안"]), None)]


def en_dose(rng: random.Random) -> Segments:
    """A drug and dose."""
    return [(rng.choice([
        "metformin 500 mg bid", "lisinopril 10 mg daily", "amoxicillin 875 mg PO q12h",
        "insulin glargine 20 units qhs", "aspirin 81 mg", "heparin 5,000 units SC q8h",
        "carbidopa/levodopa 25/100 mg tid", "atorvastatin 40 mg nightly", "5 mg bid",
        "furosemide 40 mg IV", "acetaminophen 650 mg q6h prn", "NDC 0002-8215-01 vial",
    ]), None)]


def ko_dose(rng: random.Random) -> Segments:
    """A Korean-written drug and dose."""
    return [(rng.choice([
        "아스피린 100mg 1일 1회", "메트포르민 500mg 1일 2회", "타이레놀 650mg 필요시",
        "인슐린 12단위", "암로디핀 5mg", "세파졸린 1g 정맥 주사", "레보도파 100mg 1일 3회",
        "5 mg bid", "생리식염수 1L",
    ]), None)]


def en_order(rng: random.Random) -> Segments:
    """An order, accession or requisition number (a number, but no one's identity)."""
    return [(rng.choice([
        f"order #{_ymd(rng)}-{rng.randint(1, 9999):04d}", f"Rx #{rng.randint(1000000, 9999999)}",
        f"accession no. S{rng.randint(19, 26)}-{rng.randint(10000, 99999)}",
        f"requisition {rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
    ]), None)]


def ko_order(rng: random.Random) -> Segments:
    """A Korean 처방/검체/접수 number; the 13-digit specimen number fails the RRN check digit."""
    specimen = f"{_ymd(rng)[2:]}0{rng.randint(10000, 99999)}"
    bad_check = (rrn_check_digit(specimen) + rng.randint(1, 9)) % 10
    return [(rng.choice([
        f"처방번호 {_ymd(rng)}-{rng.randint(1, 999999):06d}",
        f"검체번호 {specimen}{bad_check}", f"접수번호 A-{rng.randint(1000, 9999)}",
        f"영수증 번호 {rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
    ]), None)]


def en_serial(rng: random.Random) -> Segments:
    """A device serial or lot number."""
    return [(rng.choice([
        f"pump SN {rng.randint(1000, 9999)}-AB-{rng.randint(1000, 9999)}",
        f"pacemaker serial PJN{rng.randint(100000, 999999)}H",
        f"lot {rng.randint(20, 26)}K{rng.randint(100, 999)}",
        f"implant ref. {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
    ]), None)]


def ko_serial(rng: random.Random) -> Segments:
    """A device serial in a Korean note."""
    return [(rng.choice([
        f"일련번호 SN{rng.randint(10000000, 99999999)}", f"로트번호 {rng.randint(20, 26)}K{rng.randint(100, 999)}",
        f"장비번호 D-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
    ]), None)]


def en_time(rng: random.Random) -> Segments:
    """A clock time."""
    h, m = rng.randint(0, 23), rng.choice([0, 10, 15, 30, 45])
    return [(rng.choice([f"{h:02d}:{m:02d}", f"{h:02d}{m:02d} hrs"]), None)]


def ko_time(rng: random.Random) -> Segments:
    """A Korean clock time."""
    h, m = rng.randint(1, 12), rng.choice([0, 10, 30])
    afternoon = f"오후 {h}시 {m}분" if m else f"오후 {h}시"
    return [(rng.choice([f"오전 {h}시", afternoon, f"{rng.randint(0, 23):02d}:{m:02d}"]), None)]


en_room = _pick(["Room 412B", "Ward 7, bed 3", "Bay 2", "ICU bed 14", "room 702", "4 West, room 18",
                 "step-down unit bed 6"])
ko_room = _pick(["병동 7층 702호", "본관 5병동 12호실", "중환자실 3번 베드", "51병동 1103호",
                 "응급실 B구역", "신관 8층 805호 2번 침상", "격리실 2호"])
en_icd = _pick(["ICD-10 E11.9", "I10", "J18.9", "N18.3", "F32.1", "C81.90", "G20", "K50.90",
                "Q90.9", "ICD-10 G30.9", "M54.5"])
ko_icd = _pick(["KCD I10", "E11.9", "J18.9", "N18.3", "G20", "K50.9", "C81.9", "상병코드 M17.1"])
en_eponym = _pick(["Parkinson's disease", "Alzheimer's dementia", "Crohn's disease", "Hodgkin lymphoma",
                   "Down syndrome", "a positive Babinski sign", "Graves' disease", "Hashimoto thyroiditis",
                   "Bell's palsy", "Cushing syndrome", "Guillain-Barre syndrome", "Raynaud phenomenon"])
ko_eponym = _pick(["파킨슨병", "알츠하이머병", "크론병", "호지킨 림프종", "다운증후군", "바빈스키 징후",
                   "그레이브스병", "하시모토 갑상선염", "벨마비", "쿠싱증후군"])
# Clinical words that begin with a surname syllable (정, 조, 이, 신, 안, 고, 임, 한, 배, 유, 강, 송, 구, 방...).
ko_word = _pick(["정맥 주사", "조직검사", "이상소견", "신장기능 저하", "안구건조", "고혈압", "임상증상",
                 "한방치료", "배뇨장애", "유방초음파", "강직", "송곳니 통증", "구토", "방광염", "장염",
                 "문진", "전신쇠약", "변비", "심전도 이상", "하지부종", "황달", "오심", "석회화",
                 "홍반", "성장통", "우측 옆구리 통증", "양측 무릎 통증", "오한", "류마티스 관절염",
                 "육안적 혈뇨", "권태감", "설사", "손저림", "백내장", "허리 통증", "남성 호르몬 저하"])
en_rank = _pick(["SGT", "SPC", "PFC", "CPL", "LT", "CPT", "Staff Sgt.", "Lance Cpl.", "PO2", "Airman"])
ko_rank = _pick(["병장", "상병", "일병", "이병", "하사", "중사", "소위", "중위", "대위", "훈련병"])
en_unit = _pick(["3rd Infantry Division", "1st Battalion, 5th Marines", "82nd Airborne Division",
                 "USS Nimitz medical department", "Walter Reed outpatient clinic", "10th Mountain Division"])
ko_unit = _pick(["제7보병사단 의무대", "제1해병사단", "공군 제11전투비행단", "육군훈련소", "제3함대",
                 "국군수도병원", "제2작전사령부 예하 부대"])
