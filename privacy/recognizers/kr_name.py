"""PERSON for Korean names in Hangul: a surname, a 1-2 syllable given name, and evidence.

Without a Korean NER model a name is read from its shape and what is attached to it:

- a name followed by 님/씨 or by a title or rank (``김철수님``, ``홍길동 씨가``, ``박민수
  환자는``, ``이영희 간호사``): 0.85; a one-syllable given name only this way (``김구님``);
  before 님/씨 any syllables count (``김카나님``, 0.6): titles that look like names
  (``원장님``, ``박사님``) are in the stoplist;
- a surname alone before a rank (``김 병장``): 0.6, the surname is tagged;
- a three/four-syllable name followed by a particle (``이영희의``, ``김민준이``,
  ``남궁민수에게``): 0.6;
- a whole cell or line that is exactly a name (``김민준``, also ``김구``): 0.6;
- a name standing alone (``보호자: 김민준``, ``김지은, 010-...``): 0.55, but 0.35 if it
  ends in 은, 도, 가 or 나 and a Hangul word follows, or in 도 or 가 at all (``정상은
  아니다``, ``경기도`` are a word plus a particle or suffix); context words (이름, 성명,
  환자, name ...) in the five words before add 0.35.

Precision comes from three lists: common surnames (two-syllable ones first: 남궁, 황보,
제갈, 선우 ...), syllables seen in given names, and a stoplist of common words shaped
like names (이메일, 고혈압, 이용자 ...). Words whose second syllable is no given-name
syllable (이메일, 고혈압, 정보를) fail the shape; two-syllable words (정상, 이상, 조사,
신고) are only names with 님/씨.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import AnalysisExplanation, Pattern, RecognizerResult

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["CLINICAL_WORDS", "GIVEN_SYLLABLES", "NAME_STOPLIST", "SURNAMES", "KrNameRecognizer"]

SURNAMES: tuple[str, ...] = (
    "남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "망절", "어금",
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안",
    "송", "류", "유", "전", "홍", "고", "문", "양", "손", "배", "백", "허", "남", "심", "노", "하", "곽",
    "성", "차", "주", "우", "구", "민", "진", "나", "지", "엄", "채", "원", "천", "방", "공", "현", "함",
    "변", "염", "여", "추", "도", "소", "석", "선", "설", "마", "길", "연", "위", "표", "명", "기", "반",
    "라", "왕", "금", "옥", "육", "인", "맹", "제", "모", "탁", "국", "어", "은", "편", "용", "예", "경",
    "봉", "태", "목", "형", "계", "피", "두", "음", "빈", "호", "범", "좌", "팽", "승", "간", "시",
    "견", "당", "화", "창", "옹", "순", "빙", "종", "랑", "뢰", "로", "묵", "평", "삼", "탄", "해",
)  # fmt: skip
"""Surnames, two-syllable ones first so that 남궁민수 is 남궁 + 민수, not 남 + 궁민."""

GIVEN_SYLLABLES = (
    "가건겸경광규균근기길나난남늘다담대덕도동란람래려련렬령례록룡륜률름리린명미민범병보복봉빈빛산상"
    "새샘서석선설섭성세소솔송수숙순슬승시식신아애연열엽영예옥완용우욱운웅원유윤율은익인일자재정종주"
    "준중지진찬창채천철춘충태택평필하학한해향헌혁현형혜호홍화환효후훈휘흠흥희"
    "갑결귀금끝녀단달돌두막만말배분삼쌍월웅율점칠판팔"
    "별봄솜루온롬누초롱내"  # native-Korean given names: 한별, 이봄, 다솜, 하루, 한온, 새롬, 누리, 초롱, 시내
)
"""Syllables found in Korean given names (old and new, incl. 말순, 점례, 끝순, 갑돌, 칠성)."""

CLINICAL_WORDS = frozenset(
    """
    이상 정상 임상 신장 안구 한방 유방 배뇨 조직 정맥 고혈압 정보 상태 이후 이전 이번 이미 이내 이동
    이식 이완 이명 이용 이중 정도 정밀 정신 정지 정기 정리
    조기 조영 조절 조사 조정 조치 신경 신체 신생 신규 신고 신청 신속 이해 안정 안전 안면
    안내 안과 장기 장애 장염 장용 하지 하기 하복 하루 하향 한번 한국 한의 유지 유전 유산
    유두 유용 전신 전이 전원 전해 전문 전기 전후 진단 진료 진찰 진통 진행 진정 진해 지속
    지연 지방 지혈 지난 지금 지원 지도 주사 주기 주의 주입 주간 주요 주치 심장 심전 심박 심부 간염 간호
    간경 소장 소변 소아 소견 소화 대장 대변 구강 구토 기도 기관 기침 기능 기록 기준 방광 위장 위치 성장
    성인 성기 양성 음성 경과 경련 경구 경부 경증 감염 공복 공기 두통 손상 용량 인지 인후 인두 노인 노화
    마비 모발 부위 사지 서맥 설사 수면 수술 수액 시력 시야 연하 염증 오한 요통 우울 원인 원내 원외 혈압
    주호소 한기 지정 혈당 혈액 혈관 혈뇨 호흡 홍조 화상 황반 황달 홍반 현기 반응 변화 변비 문진 명치 민감 배꼽 백혈
    """.split()
)
"""Clinical words that start with a surname syllable: never a name, even after 환자 or before a title."""

NAME_STOPLIST = frozenset(
    """
    선생 사장 사모 형님 누님 부장 과장 차장 원장 회장 소장 이사 주임 대리 손님
    지난주 지난달 지난해 이번엔
    소지자 지원자 고령자 피해자 경영자 예정자 지정자 지도자 선발자 보유자 신고자 제출자 지명자 진술자
    고소자 고발자 신규자 성범죄 경험자 경력자 조사자 조정자 유경험 지정인 보증인 지인이 이주자 이수자 이민자
    주최자 주도자 주선자 주민등 전학자 전입자 전출자 전송자 정착자 정비자 정보자 하급자 한부모 안내자 안전자
    이메일 고혈압 이용자 노동자 신청자 장애인 관계자 담당자 보호자 소유자 기술자 이사장 부사장 사장님
    하지만 그러나 그리고 그래서 이상한 정상적 정상인 이상적 이상형 주민등 주소지 정신과 정형외 신경과
    안과의 전문의 전문가 고객님 회원님 선생님 교수님 원장님 부모님 사모님 공주님 왕자님 하나님 조상님
    공무원 안정성 안전성 유효성 신뢰성 정확성 연구원 연구소 고등학 대학원 위원회 위원장 조합원 강사님
    이번주 이번달 다음주 오늘은 전화번 진단서 소견서 신분증 민원인 정보원 송장번 주민번 지원금 보조금
    진료비 보험금 보험료 유가족 배우자 임신부 산모님 환자분 보호자분 어르신 할머님 할아버 아버님 어머님
    문의처 연락처 주거지 방문일 진료일 입원일 퇴원일 수술일 생년월 이후로 이전에 이동중 우편번 국민연
    한국인 한국어 한글날 지하철 심장병 당뇨병 결핵균 백혈병 고지혈 신부전 간경화 위염증 장염증 조현병
    인플루 백신을 소아과 내과의 외과의 치과의 한의원 한의사 간호사 약사님 의사님 기사님 선배님 후배님
    정기적 간헐적 만성적 지속적 일시적 전반적 구체적 기본적 일반적 개인적 사회적 경제적 심리적 신체적
    형제자 자녀분 손자녀 하루에 하루종 오전에 오후에 주말에 평일에 주중에 요일에 이틀간 사흘간 연휴에
    이름 성함 성명 예정일 마지막 경막하 경막외 예정대로 이상무 정상범 조영술 진행중 방문일 배변량 소변량 안정시
    공복시 주사부 전신적 양쪽 한쪽 이번에 지난번 다음번 마지막날 최근에 최소한 최대한 신속히 정확히
    진단명 병명 수술명 검사명 약품명 성분명 상품명 과목명 기관명 병원명
    원장 공주 왕자 하나 조상 강사 기사 선배 어머 차장 소장 박사 목사 도사 전도사 장모 장인 고모 이모 삼촌
    조카 형수 제수 주인 여사 시어머 시아버 장로 신부 전하 마마 반장 조장 소대장 연대장 위원 국장 시장
    구청장 도지사 이장 계장 주무관 서기관 선수 고객 회원 교수 부모 사모 산모 약사 의사 후배 할머 아버
    """.split()
)
"""Common words that have a name's shape (surname + name syllables)."""

_COMPOUND_SURNAMES = "|".join(s for s in SURNAMES if len(s) == 2)
_SINGLE_SURNAMES = "".join(s for s in SURNAMES if len(s) == 1)
# A character class, not a 130-way alternation: every pattern starts here at every position.
_SURNAME = f"(?:(?:{_COMPOUND_SURNAMES})\\s?|[{_SINGLE_SURNAMES}])"
_SURNAME_SPACED = f"(?:{_COMPOUND_SURNAMES}|[{_SINGLE_SURNAMES}])\\s?"
# Rarer surnames (부, 온, 단, 감, 복, 동 ...) are also everyday syllables (부작용, 동반, 감기): they
# count only where a role, label or sign-off says a name follows or precedes.
RARE_SURNAMES = "부온단감복동사갈가초개곡교근난뇌대돈만매묘미비상섭수십아애야엽영요운자저점증척춘판포풍필학혁환후흥"
_SURNAME_CONTEXT = f"(?:{_COMPOUND_SURNAMES}|[{_SINGLE_SURNAMES}{RARE_SURNAMES}])\\s?"  # 김 민, 이 현: only with a title, 님/씨 or context
_GIVEN = f"[{GIVEN_SYLLABLES}]"
# Name syllables that are also particles: 정상은 and 정상도 read as a word plus a particle.
_PARTICLE_LIKE = "은도가나"
_GIVEN_LAST = f"[{''.join(c for c in GIVEN_SYLLABLES if c not in _PARTICLE_LIKE)}]"
_B = "(?<![가-힣])"
_NAME = f"{_B}{_SURNAME}{_GIVEN}{{2}}"
_NAME_PARTICLE_LIKE = f"{_B}{_SURNAME}{_GIVEN}[{_PARTICLE_LIKE}]"
_NAME_EUN_NA = f"{_B}{_SURNAME}{_GIVEN}[은나]"  # 지은, 하은, 유나: common; 도/가 endings are rare
_PARTICLE = (
    "에게서|한테서|께서는|께서|에게는|에게|한테|에서|으로|이라고|라고|이랑|이나|이고|이며|이다|이었|였|입니다|"
    # Spoken answers: 서지민이고요, 임경희고요, 김민수예요.
    "이고요|고요|이에요|예요|이요|"
    "과의|와의|에게도|께서도|한테도|처럼|의|이|가|은|는|을|를|와|과|도|만|랑|께|로|하고"
)
# 쌤 is the colloquial 선생님 of hospital chat (황준 쌤, 사공 윤쌤).
_HONORIFIC_3 = rf"(?=\s?(?:님|씨|쌤)(?:{_PARTICLE})?(?![가-힣]))"
_HONORIFIC_2 = rf"(?=(?:님|씨|쌤)(?:{_PARTICLE})?(?![가-힣]))"
_TITLE = (
    "환자|보호자|선생님|선생|교수|의사|간호사|약사|원장|고객|회원|학생|대리|과장|차장|부장|팀장|실장|사원|주임|이사|대표|"
    "주무관|사무관|서기관|기자|변호사|작가|군|양"
)
# Ranks that also introduce a name (일병 홍별); 소장/대장/준장 are left out: they are also organs.
_INTRO_RANK = "병장|상병|일병|이병|훈련병|하사|중사|상사|원사|소위|중위|대위|소령|중령|대령"
_INTRO = (
    "성명|이름|성함|환자명|보호자명|담당의|주치의|담당\\s?간호사|간호사|작성자|신청인|환자|보호자|할머니|할아버지|"
    # People a record names by their role: 근로자 김결, 국가유공자 박민은, 의뢰의: 김란, 확인자 류별.
    "근로자|직원|대상자|수진자|피보험자|국가유공자|유공자|확인자|의뢰의|의뢰인|신청자|수령인|수급자|가입자|내담자|상담자|"
    "간병인|통역사|담당자|학생|원아|아동|장병|병사|수익자|입회인|상담사|유전상담사|참석자|면회인|방문자|의뢰자|동석자|"
    "자녀|아들|딸|남편|아내|부인|어머니|아버지|배우자|동생|형|언니|누나|오빠|" + _INTRO_RANK
)
# People a name owns in a record (최민의 주치의에게, 김란의 보호자).
_KIN_OR_CARER = "주치의|담당의|보호자|담당\\s?간호사|가족|어머니|아버지|남편|아내|자녀|아들|딸|배우자|동생|언니|누나|오빠|형"
# Labels of identifiers that follow a person's name in records (김솔은 생년월일 ..., 이솔 | 병록번호).
_ID_LABEL = "생년월일|연락처|휴대폰|전화번호|주민등록번호|주민번호|병록번호|등록번호|환자번호|차트번호|의무기록번호|사번|군번"
_RELATION = "배우자|아들|딸|며느리|사위|남편|아내|부인|어머니|아버지|모|부|형|누나|언니|오빠|동생|손자|손녀|보호자|본인|환자|조카|지인|친구"
# A comma list of name-shaped words: a found name in it makes its neighbours names too.
# Items are three-syllable names (surname + two name syllables): two-syllable list words (환자, 주소) are words.
_LIST_WORD = f"(?<![가-힣])(?:{_COMPOUND_SURNAMES}|[{_SINGLE_SURNAMES}{RARE_SURNAMES}])[{GIVEN_SYLLABLES}]{{2}}(?![가-힣])"
_NAME_LIST = re.compile(rf"{_LIST_WORD}(?:\s?,\s?{_LIST_WORD})+")
_LIST_ITEM = re.compile(_LIST_WORD)
_FAMILY = "할머니|할아버지|어르신|여사|부인|어머님|아버님"
_RANK = "병장|상병|일병|이병|훈련병|하사|중사|상사|원사|준위|소위|중위|대위|소령|중령|대령|준장|소장|중장|대장"
_AFTER_RANK = "(?:[은는이가을를의도께와과]|에게|께서|님|분)?(?![가-힣])"  # 환자분 too
# After an introducing word a name ends at a non-Hangul character or a particle (환자 이현은, 성명: 김 민 /).
_AFTER_INTRO = (
    rf"(?=\s?[^가-힣\s]|\s*$|(?:{_PARTICLE})(?![가-힣])|\s(?:님|씨|{_TITLE}|{_FAMILY})"
    r"|\s(?:연락처|전화|휴대폰|주소|생년월일|생일|나이|연령|환자번호|등록번호|[0-9]))"
)


class KrNameRecognizer(FoldingPatternRecognizer):
    """Finds Korean personal names written in Hangul (see the module docstring)."""

    PATTERNS = [
        Pattern("KR name + honorific", rf"{_NAME}{_HONORIFIC_3}", 0.85),
        # One pattern for 김 민 님, 이현 간호사, 장 찬 할머니: Presidio's cost grows with the pattern count.
        Pattern(
            "KR spaced or short name + honorific, title or elder",
            rf"{_B}{_SURNAME_SPACED}{_GIVEN}{{1,2}}"
            rf"(?:{_HONORIFIC_3}|(?=\s(?:{_TITLE}|{_RANK}){_AFTER_RANK})|(?=\s?(?:{_FAMILY}){_AFTER_RANK}))",
            0.75,
        ),
        # A space or colon after the intro word: glued, 간호사로 지정 is a particle (로), not a surname.
        Pattern("KR name after 성명/환자/보호자 ...", rf"(?<![가-힣])(?:{_INTRO})(?:\s?[:：]\s?|\s)\K{_SURNAME_CONTEXT}{_GIVEN}{{1,2}}{_AFTER_INTRO}", 0.75),
        # A name glued to a bracketed date or phone: 김영진(010-...), 윤웅(1968-05-13), 오분이(1970. 12. 11.).
        Pattern("KR name + (number)", rf"{_B}{_SURNAME}{_GIVEN}(?:{_GIVEN}|이)?(?=\(\s?[0-9+])", 0.6),
        # 남궁, 황보, 제갈, 선우, 독고 start few words: with or without a space, before a particle too.
        Pattern("KR compound surname + name", rf"{_B}(?:{_COMPOUND_SURNAMES})\s?{_GIVEN}{{1,2}}(?=(?:{_PARTICLE})?(?![가-힣]))", 0.6),
        Pattern("KR short name + honorific", rf"{_B}{_SURNAME}{_GIVEN}{_HONORIFIC_2}", 0.75),
        # 단누리 님, 온옥희 씨: a rarer surname with a two-syllable given name before 님/씨.
        Pattern("KR rare surname + honorific", rf"{_B}[{RARE_SURNAMES}]{_GIVEN}{{2}}(?=\s?(?:님|씨)(?:{_PARTICLE})?(?![가-힣]))", 0.7),
        # A writer introducing themself: 안녕하세요 노진입니다, 저는 김민수예요.
        Pattern("KR self-introduction", rf"(?:안녕하세요|안녕하십니까|저는|제\s?이름은)[,.!~ㅠㅜ\s]*\s\K{_SURNAME_CONTEXT}{_GIVEN}{{1,2}}(?=입니다|이에요|예요|이고요|고요|인데요)", 0.75),
        # 최민의 주치의, 김란의 보호자: a name owning a person around it.
        Pattern("KR name + 의 + role", rf"{_B}{_SURNAME_CONTEXT}{_GIVEN}{{1,2}}(?=의\s(?:{_KIN_OR_CARER})(?:{_PARTICLE})?(?![가-힣]))", 0.7),
        # A letter's sign-off (유전상담사 동윤 드림), a relation in brackets (김솔(며느리)), a bracketed name ([탁현]).
        Pattern("KR name + sign-off", rf"{_B}{_SURNAME_CONTEXT}{_GIVEN}{{1,2}}(?=\s?(?:드림|올림|배상)(?![가-힣]))", 0.7),
        Pattern("KR name + (relation)", rf"{_B}{_SURNAME_CONTEXT}{_GIVEN}{{1,2}}(?=\s?\((?:{_RELATION})\))", 0.7),
        Pattern("KR [name]", rf"(?<=\[)(?:{_SURNAME}{_GIVEN}{{1,2}}|[{RARE_SURNAMES}]{_GIVEN}{{2}})(?=\])", 0.6),
        # 김솔은 생년월일 ..., 이솔 | 병록번호: a short name right before an identifier's label.
        Pattern("KR name + identifier label", rf"{_B}{_SURNAME_CONTEXT}{_GIVEN}{{1,2}}?(?=(?:{_PARTICLE})?(?:\s|\s?[|,/])\s?(?:{_ID_LABEL}))", 0.7),
        # Any syllables before 님/씨: rare given names (김카나님) are still names; titles are stoplisted.
        Pattern("KR any name + honorific", rf"{_B}{_SURNAME}[가-힣]{{1,2}}{_HONORIFIC_3}", 0.6),
        Pattern("KR name + title", rf"{_NAME}(?=\s(?:{_TITLE}|{_RANK}){_AFTER_RANK})", 0.85),
        Pattern("KR surname + rank", rf"{_B}{_SURNAME}(?=\s(?:{_RANK}){_AFTER_RANK})", 0.6),
        Pattern("KR name + particle", rf"{_NAME}(?=(?:{_PARTICLE})(?![가-힣]))", 0.6),
        Pattern("KR name (whole line)", rf"^\s*\K{_NAME}(?=\s*$)", 0.6),
        Pattern("KR name (standalone)", rf"{_B}{_SURNAME}{_GIVEN}{_GIVEN_LAST}(?![가-힣])", 0.55),
        Pattern("KR name (standalone, particle-like end)", rf"{_NAME_EUN_NA}(?=\s*(?:[^\s가-힣]|$))", 0.55),
        Pattern("KR name (weak, particle-like end)", rf"{_NAME_PARTICLE_LIKE}(?![가-힣])", 0.35),
    ]
    CONTEXT = [
        "이름", "성명", "성함", "환자", "환자명", "보호자", "담당의", "주치의", "작성자", "신청인", "본인", "가족",
        "고객", "회원", "병사", "장교", "name", "patient", "guardian", "mr", "mrs", "ms", "dr", "called",
    ]  # fmt: skip

    def __init__(self, supported_language: str = "ko", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(supported_entity="PERSON", supported_language=supported_language, **kwargs)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None) -> list:
        """The patterns' findings; one inside a longer one (김지 in 김지은) lends it its score and goes."""
        # Hangul has no case: Presidio's default IGNORECASE only slows every pattern down (~20%).
        results = super().analyze(text, entities, nlp_artifacts, regex_flags or re.DOTALL | re.MULTILINE)
        results += self._list_neighbours(text, results)
        kept = []
        for r in sorted(results, key=lambda r: (r.start, -r.end)):
            if kept and r.start >= kept[-1].start and r.end <= kept[-1].end:
                kept[-1].score = max(kept[-1].score, r.score)
                continue
            kept.append(r)
        return kept

    def _list_neighbours(self, text: str, results: list) -> list:
        """Names in a comma list beside a found name (참석자: 경유나, 길다솜, 감민준): each item of the name's shape."""
        found = [(r.start, r.end) for r in results if r.score >= 0.5]
        extra = []
        for run in _NAME_LIST.finditer(text):
            items = [(m.start() + run.start(), m.end() + run.start()) for m in _LIST_ITEM.finditer(run.group())]
            if not any(a < e and s < b for a, b in items for s, e in found):
                continue
            for a, b in items:
                if not any(a < e and s < b for s, e in found) and self.validate_result(text[a:b]) is not False:
                    explanation = AnalysisExplanation(recognizer=self.name, original_score=0.6,
                                                      pattern_name="KR name in a list beside a name")
                    extra.append(RecognizerResult("PERSON", a, b, 0.6, analysis_explanation=explanation, recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return extra

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for a stoplisted or clinical word (with or without a particle); else None."""
        compact = pattern_text.replace(" ", "")
        # 이해도, 이상은, 정상이: a clinical word plus a particle-like syllable is still that word.
        stems = {compact, compact[:-1]} if len(compact) == 3 and compact[-1] in "은는이가도나을를의" else {compact}
        if pattern_text in NAME_STOPLIST or stems & (CLINICAL_WORDS | NAME_STOPLIST):
            return False
        return None
