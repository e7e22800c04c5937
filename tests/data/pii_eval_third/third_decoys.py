"""Unlabelled decoy values (labs, vitals, doses, dates, eponyms, places, codes) for the third PII set."""

from __future__ import annotations

import datetime as dt
import random

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]


class DecoyMaker:
    """Draw decoy values that look clinical or numeric but are never PII; needs ``self.rng``."""

    rng: random.Random

    def visit_en(self) -> str:
        d = dt.date(2022, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 1400))
        return self.rng.choice([f"{d:%m/%d/%Y}", f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}", d.isoformat()])

    def visit_ko(self) -> str:
        d = dt.date(2022, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 1400))
        return self.rng.choice([f"{d.year}년 {d.month}월 {d.day}일", f"{d:%Y.%m.%d}", d.isoformat()])

    def lab(self) -> str:
        r = self.rng
        return r.choice([f"Na {r.randrange(128, 148)} mmol/L", f"K {r.randrange(30, 60) / 10}",
                         f"HbA1c {r.randrange(52, 118) / 10}%", f"Cr {r.randrange(6, 30) / 10} mg/dL",
                         f"WBC {r.randrange(30, 190) / 10}", f"Hb {r.randrange(78, 168) / 10} g/dL",
                         f"CRP {r.randrange(1, 250) / 10}", f"INR {r.randrange(9, 35) / 10}",
                         f"troponin {r.randrange(1, 90) / 1000} ng/mL", f"glucose {r.randrange(68, 420)} mg/dL"])

    def vitals(self) -> str:
        r = self.rng
        sys_bp = r.randrange(88, 190)
        return (f"BP {sys_bp}/{r.randrange(50, sys_bp - 25)}, HR {r.randrange(48, 140)}, "
                f"RR {r.randrange(12, 30)}, SpO2 {r.randrange(86, 101)}%, T {r.randrange(358, 400) / 10}")

    def vitals_ko(self) -> str:
        r = self.rng
        sys_bp = r.randrange(88, 190)
        return (f"혈압 {sys_bp}/{r.randrange(50, sys_bp - 25)}mmHg, 맥박 {r.randrange(48, 140)}회/분, "
                f"체온 {r.randrange(358, 400) / 10}℃, 산소포화도 {r.randrange(86, 101)}%")

    def dose(self) -> str:
        r = self.rng
        return r.choice([f"metformin {r.choice([500, 850, 1000])} mg BID", f"amlodipine {r.choice([5, 10])} mg daily",
                         f"atorvastatin {r.choice([10, 20, 40, 80])} mg qHS", f"acetaminophen {r.choice([325, 500, 650])} mg q6h PRN",
                         f"warfarin {r.choice([2, 3, 5])} mg", f"insulin glargine {r.randrange(6, 40)} units",
                         f"amoxicillin {r.choice([250, 500])} mg TID x {r.randrange(5, 11)} days"])

    def dose_ko(self) -> str:
        r = self.rng
        return r.choice([f"아세트아미노펜 {r.choice([325, 500, 650])}mg 1일 3회", f"메트포르민 {r.choice([500, 1000])}mg 하루 2번",
                         f"암로디핀 {r.choice([5, 10])}mg 아침 1정", f"아목시실린 {r.choice([250, 500])}mg {r.randrange(3, 8)}일분",
                         f"와파린 {r.choice([2, 3, 5])}mg 저녁", f"로수바스타틴 {r.choice([5, 10, 20])}mg"])

    def dur_en(self) -> str:
        r = self.rng
        return r.choice([f"{r.randrange(2, 14)} days", f"{r.randrange(2, 9)} weeks", f"{r.randrange(1, 12)} hours",
                         f"{r.randrange(10, 50)} minutes", f"{r.randrange(2, 24)} months"])

    def dur_ko(self) -> str:
        r = self.rng
        return r.choice([f"{r.randrange(2, 14)}일", f"{r.randrange(2, 9)}주", f"{r.randrange(1, 12)}시간",
                         f"{r.randrange(10, 50)}분", f"{r.randrange(2, 24)}개월"])

    def eponym(self) -> str:
        return self.rng.choice(["Parkinson's disease", "Bell's palsy", "Crohn's disease", "Graves' disease",
                                "Hashimoto thyroiditis", "a positive Murphy's sign", "Babinski sign", "Kernig sign",
                                "Alzheimer's dementia", "Guillain-Barre syndrome", "Meniere's disease",
                                "Cushing syndrome", "Raynaud phenomenon", "Addison's disease", "Barrett's esophagus"])

    def eponym_ko(self) -> str:
        return self.rng.choice(["파킨슨병", "크론병", "그레이브스병", "하시모토 갑상선염", "벨마비", "길랭-바레 증후군",
                                "메니에르병", "알츠하이머 치매", "쿠싱 증후군", "레이노 현상", "머피 징후 양성"])

    def scale(self) -> str:
        r = self.rng
        return r.choice([f"MoCA {r.randrange(12, 31)}/30", f"MMSE {r.randrange(10, 31)}", f"Glasgow Coma Scale {r.randrange(6, 16)}",
                         f"GCS E{r.randrange(1, 5)}V{r.randrange(1, 6)}M{r.randrange(1, 7)}", f"PHQ-9 {r.randrange(0, 28)}",
                         f"NIHSS {r.randrange(0, 22)}", f"Braden {r.randrange(9, 24)}", f"Morse Fall Scale {r.randrange(0, 125)}"])

    def place_en(self) -> str:
        return self.rng.choice(["Walter Reed", "Johns Hopkins", "Mayo Clinic", "Mount Sinai", "St. Thomas' Hospital",
                                "Cleveland Clinic", "Ohio", "Seoul", "Guy's and St Thomas'", "Fort Bragg",
                                "Massachusetts General", "Texas Children's", "Manchester Royal Infirmary"])

    def place_ko(self) -> str:
        return self.rng.choice(["서울대병원", "세브란스병원", "서울아산병원", "삼성서울병원", "국군수도병원", "부산",
                                "분당", "대구 동산병원", "보라매병원", "일산", "제주", "한림대 성심병원"])

    def kword(self) -> str:
        # Clinical words whose first syllable is also a common surname (김, 이, 조, 장, 한 ...).
        return self.rng.choice(["이명", "이상 소견", "조영제", "장염", "한기", "정상 범위", "박동", "신장 기능", "전신 쇠약",
                                "황달", "유방 촉진", "임신 반응 음성", "오한", "하지 부종", "고열", "안구 건조", "서맥",
                                "문진", "노인성 난청", "방광염", "손목 골절", "최근 체중 감소", "강직", "김 서림"])

    def room_en(self) -> str:
        r = self.rng
        return r.choice([f"Room {r.randrange(100, 1300)}", f"Bed {r.randrange(1, 40)}", f"Ward {r.randrange(2, 12)}{r.choice('ABC')}",
                         f"Bay {r.randrange(1, 9)}", f"ICU bed {r.randrange(1, 20)}"])

    def room_ko(self) -> str:
        r = self.rng
        return r.choice([f"{r.randrange(3, 15)}병동 {r.randrange(1, 30)}{r.randrange(1, 20):02d}호", f"응급실 {r.randrange(1, 30)}번 베드",
                         f"중환자실 {r.randrange(1, 20)}번", f"{r.randrange(101, 999)}호실"])

    def order(self) -> str:
        r = self.rng
        return r.choice([f"ORD-{r.randrange(20230101, 20261231)}-{r.randrange(1, 9999):04d}", f"Rx #{r.randrange(100000, 999999)}",
                         f"claim no. CLM{r.randrange(10**8, 10**9)}", f"ticket {r.randrange(10**5, 10**6)}",
                         f"accession {r.randrange(10, 99)}-{r.randrange(10**5, 10**6)}"])

    def icd(self) -> str:
        return self.rng.choice(["I10", "E11.9", "J18.9", "N39.0", "M54.5", "R07.4", "S52.501A", "K35.80", "F32.1",
                                "G40.909", "I48.91", "J45.909", "A09", "R55", "T78.40XA"])

    def serial(self) -> str:
        r = self.rng
        return r.choice([f"SN {r.choice('MXKQ')}{r.randrange(1, 10)}-{r.randrange(10000, 99999)}-{r.choice('ABCK')}",
                         f"lot {r.randrange(1, 10)}{r.choice('ABCDEF')}{r.randrange(1000, 9999)}",
                         f"S/N {r.randrange(10**9, 10**10)}", f"device ID PX-{r.randrange(100000, 999999)}"])
