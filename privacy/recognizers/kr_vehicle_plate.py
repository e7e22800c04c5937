"""KR_VEHICLE_PLATE: Korean licence plates, current and old regional forms.

- current: 2 or 3 digits, a use-letter, 4 digits: ``12가3456``, ``123가 4567``;
- old regional: a 시/도 name first: ``서울12가3456``, ``서울 12 가 3456``, ``경기1가1234``.

Use-letters (the real set): private cars 가나다라마 거너더러머버서어저 고노도로모보소오조
구누두루무부수우주; commercial (taxis, buses, trucks) 바사아자; delivery 배; rental 하허호.
Military (육, 해, 공, 국, 합) and diplomatic (외교, 영사) plates are not covered.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["PLATE_LETTERS", "PLATE_REGIONS", "KrVehiclePlateRecognizer"]

PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주바사아자배하허호"
PLATE_REGIONS = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종",
    "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)  # fmt: skip
_REGION = "(?:" + "|".join(PLATE_REGIONS) + ")"
_LETTER = f"[{PLATE_LETTERS}]"


class KrVehiclePlateRecognizer(FoldingPatternRecognizer):
    """Finds Korean vehicle registration plates."""

    PATTERNS = [
        Pattern("KR plate (regional)", rf"(?<![가-힣0-9]){_REGION} ?[0-9]{{1,2}} ?{_LETTER} ?[0-9]{{4}}(?![0-9])", 0.8),
        Pattern("KR plate", rf"(?<![가-힣0-9\-.]){'[0-9]{2,3}'} ?{_LETTER} ?[0-9]{{4}}(?![0-9])", 0.6),
    ]
    CONTEXT = [
        "차량", "차량번호", "번호판", "자동차", "승용차", "차", "화물차", "택시", "렌터카", "주차",
        "vehicle", "plate", "car", "registration",
    ]  # fmt: skip

    def __init__(self, supported_language: str = "ko", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(supported_entity="KR_VEHICLE_PLATE", supported_language=supported_language, **kwargs)
