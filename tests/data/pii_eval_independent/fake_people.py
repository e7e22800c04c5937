"""Fake names, e-mail addresses and street addresses (Faker mixed with our own compositions)."""

from __future__ import annotations

import random

from faker import Faker

from fake_values import EN_MAIL_DOMAINS, KO_MAIL_DOMAINS, Segments

KO_SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신",
               "권", "황", "안", "송", "류", "전", "홍", "고", "문", "양", "손", "배", "백", "허"]
KO_COMPOUND = ["남궁", "황보", "제갈", "선우", "독고"]
KO_SYLLABLES = ["민", "서", "지", "현", "준", "영", "수", "하", "윤", "진", "우", "연", "은", "재",
                "도", "예", "주", "희", "성", "혜", "태", "경", "상", "동", "승", "나", "채", "규"]
KO_OLD_GIVEN = ["말순", "점례", "순자", "영자", "봉남", "갑수", "옥순", "금순", "복순", "막례",
                "춘자", "덕배", "만석", "분이", "끝순", "판례", "용팔", "칠성"]
EN_HYPHEN_PARTS = ["Garcia", "Lopez", "Smith", "Jones", "Nguyen", "Okafor", "Brennan", "Walsh",
                   "Kowalski", "Moreno", "Singh", "Adeyemi"]
EN_ODD_SURNAMES = ["O'Brien", "D'Angelo", "McAllister", "van der Berg", "De la Cruz",
                   "MacLeod", "St. Clair", "Nakamura-Ortiz"]
KO_ROMAN_SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Han"]
KO_ROMAN_GIVEN = ["Min-jun", "Seo-yeon", "Ji-hoon", "Ha-eun", "Do-yun", "Soo-ah", "Jae-won",
                  "Hyun-woo", "Eun-ji", "Young-ho"]


class People:
    """Draws fake people, contacts and addresses from one seeded RNG and two seeded Fakers."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.en = Faker("en_US")
        self.en.seed_instance(seed)
        self.ko = Faker("ko_KR")
        self.ko.seed_instance(seed + 1)

    # --- English names ---------------------------------------------------------------
    def _en_name(self) -> str:
        r, first, last = self.rng, self.en.first_name(), self.en.last_name()
        form = r.choices(range(7), weights=[34, 16, 10, 12, 6, 8, 6])[0]
        if form == 1:
            return f"{first} {r.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        if form == 2:
            return f"{first} {last}-{r.choice(EN_HYPHEN_PARTS)}"
        if form == 3:
            sur, given = r.choice(KO_ROMAN_SURNAMES), r.choice(KO_ROMAN_GIVEN)
            return r.choice([f"{sur} {given}", f"{given} {sur}", f"{given.replace('-', ' ')} {sur}"])
        if form == 4:
            return f"{last}, {first}"
        if form == 5:
            return f"{first} {r.choice(EN_ODD_SURNAMES)}"
        if form == 6:
            return first
        return f"{first} {last}"

    def en_person(self, rng: random.Random) -> Segments:
        """An English-note person name in ordinary case."""
        return [(self._en_name(), "PERSON")]

    def en_person_caps(self, rng: random.Random) -> Segments:
        """A name in ALL CAPS, as forms and fax sheets print it."""
        first, last = self.en.first_name(), self.en.last_name()
        initial = rng.choice("ABCDEJKMR")
        name = rng.choice([f"{last}, {first}", f"{first} {last}", f"{first} {initial} {last}"])
        return [(name.upper(), "PERSON")]

    def en_person_lower(self, rng: random.Random) -> Segments:
        """A lowercase name, as chat-like notes type it."""
        first, last = self.en.first_name(), self.en.last_name()
        return [(rng.choice([f"{first} {last}", first, f"{first} {last[0]}"]).lower(), "PERSON")]

    def en_doctor(self, rng: random.Random) -> Segments:
        """A physician's name; the title and degree stay outside the span."""
        first, last = self.en.first_name(), self.en.last_name()
        form = rng.randint(0, 3)
        if form == 0:
            return [("Dr. ", None), (last, "PERSON")]
        if form == 1:
            return [("Dr. ", None), (f"{first} {last}", "PERSON")]
        if form == 2:
            return [(f"{first} {rng.choice('ABCDEFGHJK')}. {last}", "PERSON"), (", MD", None)]
        return [("Dr ", None), (f"{first[0]}. {last}", "PERSON")]

    # --- Korean names ----------------------------------------------------------------
    def _ko_name(self) -> str:
        r = self.rng
        form = r.choices(range(5), weights=[35, 20, 12, 15, 18])[0]
        if form == 0:
            return self.ko.name()
        if form == 1:
            return r.choice(KO_SURNAMES) + r.choice(KO_SYLLABLES) + r.choice(KO_SYLLABLES)
        if form == 2:  # one-syllable given name, written with or without a space
            return r.choice(KO_SURNAMES) + r.choice(["", " "]) + r.choice(KO_SYLLABLES)
        if form == 3:
            given = r.choice(KO_SYLLABLES) + r.choice(["", r.choice(KO_SYLLABLES)])
            return r.choice(KO_COMPOUND) + r.choice(["", " "]) + given
        return r.choice(KO_SURNAMES) + r.choice(["", "", " "]) + r.choice(KO_OLD_GIVEN)

    def ko_person(self, rng: random.Random) -> Segments:
        """A Korean name with nothing attached."""
        return [(self._ko_name(), "PERSON")]

    def ko_person_hon(self, rng: random.Random) -> Segments:
        """A Korean name followed by an honorific or role word, which stays unlabelled."""
        hon = rng.choice([" 님", "님", " 씨", "씨", " 환자", " 보호자", " 어르신", ""])
        return [(self._ko_name(), "PERSON")] + ([(hon, None)] if hon else [])

    # --- e-mail ----------------------------------------------------------------------
    def en_email(self, rng: random.Random) -> Segments:
        """An e-mail address: Faker's or composed from a fake name."""
        first, last = self.en.first_name().lower(), self.en.last_name().lower()
        shapes = [self.en.email(), self.en.free_email(), f"{first}.{last}@{rng.choice(EN_MAIL_DOMAINS)}",
                  f"{first[0]}{last}{rng.randint(1, 99)}@{rng.choice(EN_MAIL_DOMAINS)}",
                  f"{last}_{first}@{rng.choice(EN_MAIL_DOMAINS)}"]
        return [(rng.choice(shapes), "EMAIL_ADDRESS")]

    def ko_email(self, rng: random.Random) -> Segments:
        """An e-mail address of the kind Korean patients give (romanised user names)."""
        user = self.ko.user_name()
        shapes = [f"{user}@{rng.choice(KO_MAIL_DOMAINS)}", self.ko.free_email(),
                  f"{user}{rng.randint(60, 99)}@{rng.choice(KO_MAIL_DOMAINS)}",
                  f"{rng.choice(KO_ROMAN_SURNAMES).lower()}.{user}@{rng.choice(KO_MAIL_DOMAINS)}"]
        return [(rng.choice(shapes), "EMAIL_ADDRESS")]

    # --- addresses -------------------------------------------------------------------
    def en_address(self, rng: random.Random) -> Segments:
        """A US street address from house number to ZIP, in one span."""
        e = self.en
        street = rng.choice([e.street_name(), f"{rng.choice(['N', 'S', 'E', 'W'])} {e.street_name()}",
                             f"{rng.randint(2, 120)}th {rng.choice(['Street', 'Ave', 'St.'])}",
                             f"Old Mill {rng.choice(['Rd', 'Road'])}", "Martin Luther King Jr Blvd"])
        unit = rng.choice(["", "", "", f" Apt {rng.randint(1, 40)}{rng.choice('ABCD')}",
                           f", Apt. {rng.randint(100, 999)}", f" Suite {rng.randint(100, 900)}",
                           f" Unit {rng.randint(1, 30)}"])
        zipc = e.zipcode() if rng.random() < 0.8 else e.zipcode_plus4()
        sep = rng.choice([", ", ", ", " "])
        state = e.state_abbr(include_territories=False)
        value = f"{e.building_number()} {street}{unit}, {e.city()}{sep}{state} {zipc}"
        return [(value, "ADDRESS")]

    def ko_address(self, rng: random.Random) -> Segments:
        """A whole Korean address (road-name or lot-number), with building and unit when present."""
        sido, sigungu, dong, road = rng.choice(KO_PLACES)
        if rng.random() < 0.25:
            sido = KO_SIDO_SHORT.get(sido, sido)
        form = rng.randint(0, 4)
        if form == 0:
            value = f"{sido} {sigungu} {road} {rng.randint(1, 400)}"
            unit = f"{rng.randint(101, 115)}동 {rng.randint(1, 25)}{rng.randint(1, 8):02d}호"
            value += rng.choice(["", f", {unit}", f" {rng.choice(APT_NAMES)}아파트 {unit}"])
        elif form == 1:
            value = f"{sido} {sigungu} {road} {rng.randint(1, 200)}-{rng.randint(1, 30)} ({dong})"
        elif form == 2:
            value = f"{sido} {sigungu} {dong} {rng.randint(1, 999)}-{rng.randint(1, 40)}번지"
            value += rng.choice(["", f" {rng.randint(101, 305)}호"])
        elif form == 3:
            value = f"{sido} {sigungu} {road}{rng.randint(1, 60)}번길 {rng.randint(1, 80)}"
            value += f", {rng.randint(2, 9)}층"
        else:  # Faker's road address, then a unit so the span runs to the unit
            road_part, _, note = self.ko.address().partition(" (")
            value = f"{road_part}, {rng.randint(101, 110)}동 {rng.randint(101, 1504)}호"
            value += f" ({note}" if note else ""
        return [(value, "KR_ADDRESS")]


KO_SIDO_SHORT = {"서울특별시": "서울", "경기도": "경기", "부산광역시": "부산", "충청남도": "충남",
                 "경상남도": "경남", "전라남도": "전남"}
APT_NAMES = ["래미안", "푸르지오", "e편한세상", "힐스테이트", "주공", "현대", "한신", "무지개"]
KO_PLACES = [
    ("서울특별시", "강남구", "역삼동", "테헤란로"), ("서울특별시", "마포구", "망원동", "월드컵로"),
    ("서울특별시", "노원구", "상계동", "동일로"), ("서울특별시", "종로구", "혜화동", "대학로"),
    ("부산광역시", "해운대구", "우동", "해운대로"), ("부산광역시", "부산진구", "부전동", "중앙대로"),
    ("대구광역시", "수성구", "범어동", "달구벌대로"), ("인천광역시", "연수구", "송도동", "컨벤시아대로"),
    ("광주광역시", "북구", "용봉동", "우치로"), ("대전광역시", "유성구", "봉명동", "계룡로"),
    ("경기도", "수원시 팔달구", "인계동", "효원로"), ("경기도", "성남시 분당구", "정자동", "불정로"),
    ("경기도", "고양시 일산동구", "장항동", "중앙로"), ("경기도", "파주시", "금촌동", "금정로"),
    ("강원특별자치도", "춘천시", "효자동", "백령로"), ("충청북도", "청주시 상당구", "용암동", "상당로"),
    ("충청남도", "천안시 동남구", "신부동", "만남로"), ("전북특별자치도", "전주시 완산구", "효자동", "홍산로"),
    ("경상남도", "창원시 성산구", "상남동", "중앙대로"), ("제주특별자치도", "제주시", "연동", "신대로"),
    ("경상북도", "포항시 남구", "대잠동", "포스코대로"), ("전라남도", "해남군 해남읍", "구교리", "중앙1로"),
]
