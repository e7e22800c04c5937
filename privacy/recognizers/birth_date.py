"""DATE_OF_BIRTH: a calendar date with birth context; other written-out dates stay DATE_TIME.

A date counts as a birth date when a birth word sits right before it (``DOB``, ``D.O.B.``,
``born (on)``, ``date of birth``, ``birth date``, ``birthday``, ``생년월일``, ``출생``, ``생일``) or
right after it (``1985년 3월 12일생``, ``1985.03.12 출생``, ``(DOB)``): it then scores 1.0, above
every other date finding, so the merged span is typed DATE_OF_BIRTH. Any other whole date
written with a month name (``March 3, 2024``, ``3 Mar 2024``) is DATE_TIME at 0.6, since the
English engine no longer takes spaCy's DATE label (it also tags durations such as "3 years"
and lab values such as "HbA1c 6.5"); numeric dates without birth context are left to
Presidio's ``DateRecognizer`` and ``KrDateRecognizer``. A month and year (``born March 1985``,
``1985년 3월생``) count only with birth context; a birth year alone (``1985년생``) is not a
date: only the year is left, as HIPAA's Safe Harbor allows.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from synthgate.privacy.recognizers._base import fold_width

__all__ = ["BirthDateRecognizer", "parse_date"]

_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_MON = r"(?P<mon>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)"
_Y4 = r"(?P<y>(?:18|19|20)[0-9]{2})"
_DATE = re.compile(
    "|".join(
        (
            rf"{_Y4}\s?(?:년\s?(?P<m1>[0-9]{{1,2}})\s?월\s?(?P<d1>[0-9]{{1,2}})\s?일"
            rf"|(?P<s1>[-./])\s?(?P<m2>[0-9]{{1,2}})\s?(?P=s1)\s?(?P<d2>[0-9]{{1,2}})\.?)",
            # Before d/m/y: a Korean 74.04.26 is year first.
            rf"(?P<y8>[0-9]{{2}})(?:\s?년\s?(?P<m8>[0-9]{{1,2}})\s?월\s?(?P<d8>[0-9]{{1,2}})\s?일|\.(?P<m8b>[0-9]{{2}})\.(?P<d8b>[0-9]{{2}}))",
            rf"(?P<a>[0-9]{{1,2}})(?P<s2>[-/.])(?P<b>[0-9]{{1,2}})(?P=s2)(?P<y2>(?:18|19|20)?[0-9]{{2}})",
            rf"{_MON}\s(?P<d3>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s(?P<y3>(?:18|19|20)[0-9]{{2}})",
            rf"(?P<d4>[0-9]{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<mon4>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?),?\s(?P<y4>(?:18|19|20)[0-9]{{2}})",
            rf"(?P<d5>[0-9]{{1,2}})-(?P<mon5>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-(?P<y5>(?:18|19|20)?[0-9]{{2}})",
            rf"(?P<mon6>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?),?\s(?P<y6>(?:18|19|20)[0-9]{{2}})",
            rf"(?P<y7>(?:19|20)[0-9]{{2}})\s?년\s?(?P<m7>[0-9]{{1,2}})\s?월(?!\s?[0-9])",
            rf"(?P<y9>(?:19|20)[0-9]{{2}})(?P<m9>[0-9]{{2}})(?P<d9>[0-9]{{2}})",
        )
    ),
    re.IGNORECASE,
)
_BOUNDED = re.compile(rf"(?<![0-9A-Za-z])(?:{_DATE.pattern})(?![0-9]|[-./][0-9])", re.IGNORECASE)
_BEFORE = re.compile(
    r"(?:\bDOB|\bD\.O\.B\.?|\bborn(?:\s+(?:on|in))?|date\s+of\s+birth|birth\s?date|\bbirthday|\bb\."
    r"|생년월일|출생일?|생일|태어난\s?날)(?:\s*(?:is|was|on|in|the|:|=|-|\(|,|은|는|이|가|이다)\s*)*\s*$",
    re.IGNORECASE,
)
# A birth date asked for and answered: "생년월일 말씀해 주세요.\n고객: 노옥자고요, 60.02.10입니다",
# "What's your date of birth? - It's 3/4/61". Only the first date after the birth word counts
# (no digit in between), so a visit date later in the note stays a plain date.
_ASKED = re.compile(r"(?:\bDOB|date\s+of\s+birth|birth\s?date|생년월일)[^0-9]{0,70}$", re.IGNORECASE)
_AFTER = re.compile(r"^(?:\s?생(?![가-힣])|\s?생으로|\s?생이|\s?생의|\s?출생|\s?\(?(?:DOB|date of birth)\)?)", re.IGNORECASE)


def parse_date(text: str) -> dt.date | None:
    """The calendar date ``text`` writes (month first for ``m/d/y``), or None if it is none."""
    match = _DATE.fullmatch(fold_width(text).strip())
    if match is None:
        return None
    g = match.groupdict()
    try:
        if g["y"]:
            month, day = (g["m1"], g["d1"]) if g["m1"] else (g["m2"], g["d2"])
            return dt.date(int(g["y"]), int(month), int(day))
        if g["a"]:
            year = int(g["y2"]) if len(g["y2"]) == 4 else 1900 + int(g["y2"])
            first, second = int(g["a"]), int(g["b"])
            month, day = (first, second) if first <= 12 else (second, first)
            return dt.date(year, month, day)
        if g["y8"]:  # 85년 3월 12일, 74.04.26: a two-digit year, a birth date only with birth context
            return dt.date(1900 + int(g["y8"]), int(g["m8"] or g["m8b"]), int(g["d8"] or g["d8b"]))
        if g["y9"]:  # 19491115: eight digits, a birth date only with birth context
            return dt.date(int(g["y9"]), int(g["m9"]), int(g["d9"]))
        if g["mon6"] or g["y7"]:
            month = _MONTHS[g["mon6"][:3].lower()] if g["mon6"] else int(g["m7"])
            return dt.date(int(g["y6"] or g["y7"]), month, 1)  # a month: valid if the month is
        mon, day, year = next((g[m], g[d], g[y]) for m, d, y in (("mon", "d3", "y3"), ("mon4", "d4", "y4"), ("mon5", "d5", "y5")) if g[m])
        year = int(year) if len(year) == 4 else 1900 + int(year)
        return dt.date(year, _MONTHS[mon[:3].lower()], int(day))
    except (ValueError, StopIteration, KeyError):
        return None


class BirthDateRecognizer(EntityRecognizer):
    """Types a whole date DATE_OF_BIRTH next to a birth word, else DATE_TIME for month-name dates."""

    ENTITIES = ["DATE_OF_BIRTH", "DATE_TIME"]
    WINDOW = 30  # characters before the date searched for a birth word ("DOB: ", "생년월일은 ")

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language,
                         name="BirthDateRecognizer")

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Every valid whole date with birth context, and month-name dates without it."""
        folded = fold_width(text)
        results = []
        for match in _BOUNDED.finditer(folded):
            start, end = match.span()
            if folded[end - 1] == "." and "." not in folded[start : end - 1]:
                end -= 1  # a sentence's full stop after 1985-03-12, not part of the date
            if parse_date(folded[start:end]) is None:
                continue
            before = folded[max(0, start - self.WINDOW) : start]
            birth = (
                _BEFORE.search(before) is not None
                or _AFTER.match(folded[end : end + 16]) is not None
                or _ASKED.search(folded[max(0, start - 2 * self.WINDOW - 20) : start]) is not None
            )
            whole_day = not (match.group("mon6") or match.group("y7") or match.group("y8") or match.group("y9"))
            if birth:
                entity, score = "DATE_OF_BIRTH", 1.0
            elif not whole_day:
                continue  # "March 2024" without birth context: a month, left readable
            elif re.search("[A-Za-z]", folded[start:end]):
                entity, score = "DATE_TIME", 0.6
            else:
                continue
            if entity in entities:
                results.append(RecognizerResult(entity, start, end, score, recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results
