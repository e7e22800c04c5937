"""Fake person names (English, romanised Korean, Hangul) for the fifth PII evaluation set."""

from __future__ import annotations

import random

# --- English-language names, composed from our own frequency-style lists -----------------

EN_FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa "
    "Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Dorothy Paul Kimberly "
    "Andrew Emily Joshua Donna Kevin Michelle Brian Carol George Amanda Edward Melissa "
    # older names
    "Mildred Gladys Harold Eugene Agnes Edna Walter Bernice Clarence Mabel Ethel Herbert "
    "Doris Lorraine Irene Vernon Myrtle Floyd Wilbur Ernest Lucille Opal Homer Thelma "
    # UK and Irish
    "Oliver Amelia Harry Isla Alfie Freya Nigel Gareth Siobhan Niamh Ciaran Aoife Rhys "
    "Eilidh Callum Imogen Graham Fiona Alistair Morag "
    # names that are also words
    "Rose Hope Grant Faith Joy Iris Ivy Dawn Summer Heather Will Bill Pat Rich Sterling "
    "Hunter Mason Chase Daisy Holly Crystal Angel Rusty Sky Amber Autumn Destiny Precious "
    # Hispanic, Vietnamese, Indian, Nigerian, Arabic
    "José María Guadalupe Juan Luis Alejandro Ximena Carlos Jesús Rocío Maribel Héctor "
    "Thanh Minh Linh Huong Duc Phuong Tuan Trang Quynh Bao "
    "Priya Rajesh Anil Sanjay Deepika Arjun Lakshmi Venkat Aarav Sunita "
    "Chinedu Oluwaseun Ngozi Adebayo Chiamaka Emeka Folake Tunde Yetunde Obinna "
    "Mohammed Ahmed Fatima Omar Layla Yusuf Aisha Khalid Nour Rania"
).split()

EN_MIDDLE = list("ABCDEFGHJKLMNPRSTW")

EN_LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Evans Hughes Wood Patel Khan Singh Begum Murphy O'Brien O'Neil O'Sullivan McDonald "
    "MacLeod Fitzgerald D'Souza "
    "Rich Grant Hope Rose Stone Bush Bird Fox Long Short Little Strong Cook Hunter Mason "
    "Price Bell Moon Day Wolf Page Rice Banks Frost Best Sharp "
    "Gutiérrez Díaz Reyes Morales Ortiz Castillo Delgado Vargas "
    "Tran Le Pham Huynh Vo Dang Bui "
    "Sharma Reddy Iyer Gupta Menon Krishnan Chatterjee "
    "Okafor Adeyemi Okonkwo Eze Balogun Nwosu Ogunleye "
    "Al-Farsi Haddad Hassan Mansour Nasser Abdullah"
).split()

ROM_KO_SURNAME = (
    "Kim Lee Yi Rhee Park Pak Choi Choe Jung Jeong Chung Kang Cho Jo Yoon Yun Jang Chang "
    "Lim Im Han Oh Seo Suh Shin Kwon Hwang Ahn Song Ryu Yoo Hong Ko Moon Namgung Sunwoo "
    "Jegal Hwangbo"
).split()

ROM_KO_GIVEN = (
    "Min-jun|Minjun|Min Jun|Seo-yeon|Seoyeon|Ji-hoon|Ji Hoon|Jihoon|Soo-ah|Hyun-woo|Eun-ji|"
    "Dong-hyun|Sung-min|Young-ho|Hye-jin|Ha-neul|Bo-ram|Seul-gi|Jae-won|Ye-jin|Do-yoon|"
    "Sang-chul|Mi-sook|Kyung-ja|Tae-hee|Woo-jin"
).split("|")

# --- Korean names in Hangul ---------------------------------------------------------------

KO_SURNAME = (
    "김 김 김 김 이 이 이 박 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 전 홍 고 문 양 "
    "손 배 백 허 유 남 심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 "
    "여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 "
    "예 봉 경 사 부 가 복 태 목 형 피 두 감 음 빈 동 온 호 범 좌 팽 승 간 상 시 갈 단 견 당"
).split()
KO_COMPOUND = "남궁 황보 제갈 선우 독고 사공 서문".split()

KO_GIVEN = (
    "민준 서연 지훈 지우 서윤 도윤 하은 예준 지민 수빈 영수 영희 철수 정숙 미숙 경자 상철 동현 "
    "현우 은지 성민 영호 혜진 재원 예진 태희 우진 민서 채원 시우 건우 유나 승현 정민 미영 "
    "종훈 기현 명숙 광수 옥희 "
    # older given names
    "순자 말자 영자 복순 갑수 옥순 춘자 판석 만복 끝순 점례 막동 분이 금순 "
    # modern native-Korean given names
    "하늘 보람 슬기 다솜 한결 나래 아름 가람 시내 새롬 한별 누리 초롱 단비 이슬"
).split()
KO_ONE_SYLLABLE = "민 훈 진 혁 솔 결 윤 별 란 웅 현 빈".split()


def en_name(rng: random.Random, fakers: dict, style: str = "any") -> str:
    """Return a fake English-context person name in one of several written forms."""
    first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
    if style == "any":
        style = rng.choice(
            ["plain"] * 5 + ["middle", "caps", "hyphen", "faker", "faker", "korean", "korean"]
        )
    if style == "plain":
        return f"{first} {last}"
    if style == "middle":
        return f"{first} {rng.choice(EN_MIDDLE)}. {last}"
    if style == "caps":
        return f"{first} {last}".upper()
    if style == "hyphen":
        other = rng.choice([x for x in EN_LAST if x != last and "-" not in x])
        return f"{first} {last}-{other}"
    if style == "faker":
        fake = fakers[rng.choice(["en_US", "en_GB"])]
        return f"{fake.first_name()} {fake.last_name()}"
    if style == "korean":
        return rom_korean(rng)
    if style == "surname_first":
        if rng.random() < 0.4:
            return f"{last.upper()}, {first}"
        return f"{last}, {first}" + (f" {rng.choice(EN_MIDDLE)}." if rng.random() < 0.4 else "")
    if style == "initial":
        return f"{first[0]}. {last}"
    if style == "first":
        return first
    if style == "last":
        return last
    if style == "chat":
        return rng.choice([first.lower(), f"{first} {last}".lower()])
    raise ValueError(f"unknown name style {style}")


def rom_korean(rng: random.Random) -> str:
    """Return a romanised Korean name in either order, with assorted spellings."""
    sur, given = rng.choice(ROM_KO_SURNAME), rng.choice(ROM_KO_GIVEN)
    order = rng.random()
    if order < 0.45:
        return f"{sur} {given}"
    if order < 0.8:
        return f"{given} {sur}"
    return f"{sur.upper()} {given}"


def ko_name(rng: random.Random, fakers: dict) -> str:
    """Return a fake Korean name in Hangul (compound surnames spaced or unspaced)."""
    roll = rng.random()
    if roll < 0.1:
        return fakers["ko_KR"].name()
    if roll < 0.2:
        sep = rng.choice(["", " "])
        return rng.choice(KO_COMPOUND) + sep + rng.choice(KO_GIVEN + KO_ONE_SYLLABLE)
    if roll < 0.3:
        return rng.choice(KO_SURNAME) + rng.choice(KO_ONE_SYLLABLE)
    return rng.choice(KO_SURNAME) + rng.choice(KO_GIVEN)


def has_batchim(word: str) -> bool:
    """True when the last Hangul syllable of ``word`` ends in a final consonant."""
    code = ord(word[-1]) - 0xAC00
    if 0 <= code < 11172:
        return code % 28 != 0
    return False  # Latin letters: treat like a vowel ending ("Kim Min-jun가" is avoided anyway)
