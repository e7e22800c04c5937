"""PERSON from the shipped name lists: known given names and surnames read by case, order and context.

spaCy's small model misses names written the way records write them. Here a name is a
sequence of tokens checked against ``privacy.names`` (Faker's English lists):

- ``SHEPHERD, PAIGE`` / ``Lloyd, Patrick J.``: a known surname, a comma, a known given name,
  both capitalised or both in capitals (0.85);
- ``AARON D GONZALEZ``, ``Michelle A. Clarke``, ``Heidi van der Berg``, ``Amy Day``: a known
  given name, an optional initial and particles, a known surname, in one case style (0.85 in
  capitals, 0.7 capitalised);
- ``kyle c``, ``kristin shaw``: lower case only when the given name is no common word and an
  initial or a known surname follows, or after a context word (``call``, ``ask``, ``pt``) (0.6);
- ``Dr Leblanc``, ``nurse Paige``, ``spoke with Mariah``: one known name after a title or role (0.75);
- romanised Korean names: a Korean surname beside ``Min-jun``, ``Do yun``, ``Young-ho`` (0.75).

A possessive (``Ana's``) ends the name before the apostrophe. Eponyms and names before
``disease``/``syndrome``/``sign`` (``is_clinical_term``), place names (``Walter Reed``) and
words before a place or organisation word (``Grant Hospital``) are no person.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from synthgate.privacy import names
from synthgate.privacy._engines import is_clinical_term
from synthgate.privacy.recognizers import _romanised_korean as romanised

__all__ = ["COMMON_WORDS", "EnglishKnownNameRecognizer"]

COMMON_WORDS = frozenset(
    """will may mark grant bill rose hope faith joy june april august art pat sue rob dean frank chase lance
    hunter page ray guy jack miles summer autumn dawn sky rich iris ruby jade amber crystal lily ivy holly daisy
    violet sandy rusty penny angel christian king don long young green white brown black gray grey day cross
    small bell wood stone park hall hill lane price rice bush ford sharp short strong case love star sunny
    precious major rod gene van del de la le di don sun ok per""".split()
)
"""Words that are also given names or surnames: never a name on their own or in lower case."""

# Words after which a capitalised or lower-case known name is a person.
_ROLES = frozenset(
    """dr mr mrs ms miss mx prof nurse rn np pa patient pt pts father mother dad mom spouse wife husband son
    daughter sister brother caregiver guardian parent called call calling spoke ask asked tell told text
    texted page paged msg message per cc by with from contact remind let informed notified visited
    attending resident caller member veteran client applicant claimant worker employee student child baby
    infant donor recipient participant inmate soldier interpreter translator grandson granddaughter grandmother
    grandfather grandma grandpa nephew niece aunt uncle cousin friend neighbour neighbor partner""".split()
)
# Two words that introduce the speaker: "this is danielle white", "hi, it's roger", "hey julie".
_INTRO_PAIRS = frozenset({("this", "is"), ("it", "s"), ("i", "am"), ("my", "name"), ("name", "is")})
_GREETINGS = frozenset({"hey", "hi", "hello", "thanks", "thx"})
# A chat speaker: a name at the start of a line or after "[chat]", before a colon ("dean: can u ...").
_SPEAKER_BEFORE = re.compile(r"(?:^|\n|\]\s?)[ \t]*$")
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof"})
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "la", "le", "di", "du", "st", "da", "dos", "bin"})
_PLACES = frozenset({"walter reed", "johns hopkins", "mount sinai", "virginia beach", "palm beach", "grant park"})
_AFTER_PLACE = re.compile(
    r"\s(?:Hospital|Medical|Center|Centre|Clinic|Army|National|University|College|School|Street|St\b|Avenue|Ave\b|"
    r"Road|Rd\b|Blvd|Drive|County|Park|Memorial|Health|Institute|Foundation|Pharmacy|Campus|Building|Hall|Ward)",
    re.IGNORECASE,
)
# Korean places written in Latin letters split into name syllables (Daejeon = dae + jeon): never a name.
_KR_PLACES = frozenset(
    """seoul busan daegu incheon gwangju daejeon ulsan sejong suwon jeonju cheonan pohang changwon gimhae jeju
    gangnam yongsan itaewon bundang ilsan goyang seongnam anyang ansan hwaseong paju gimpo wonju chuncheon
    cheongju gyeongju andong mokpo yeosu suncheon gunsan iksan sokcho gangneung pyeongtaek osan""".split()
)
# Where a sentence starts: the text's start, a line break, or after . ! ? and a space.
_SENTENCE_START = re.compile(r"(?:^|[\n.!?][ \t]*|^[ \t]+)$")
# Latin letters with accents (Díaz, GUTIÉRREZ, Héctor); Hangul is the Korean recognizers' work.
_L = "A-Za-zÀ-ÖØ-öø-ɏ"
_TOKEN = re.compile(rf"[{_L}]+(?:['’][{_L}]+)?(?:-[{_L}]+)*")
_CELTIC = re.compile(r"(?:Mac|Mc|O['’])[A-Z][a-z]+$")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


# Notes repeat words; the lists' lookups fold Unicode each time, so answers are cached per word.
@lru_cache(maxsize=65536)
def is_given_name(word: str) -> bool:
    """``privacy.names.is_given_name``, cached."""
    return names.is_given_name(word)


@lru_cache(maxsize=65536)
def is_surname(word: str) -> bool:
    """``privacy.names.is_surname``, cached."""
    return names.is_surname(word)


def _style(word: str) -> str:
    if word.isupper():
        return "upper"
    if word[0].isupper():
        return "title"
    return "lower"


def _surname_shape(word: str) -> bool:
    # Lowe-Nguyen with one listed part, MacLeod, McKay, O'Neil: surnames the list lacks.
    parts = word.split("-")
    return (len(parts) > 1 and any(is_surname(p) for p in parts)) or _CELTIC.match(word) is not None


class EnglishKnownNameRecognizer(EntityRecognizer):
    """Finds names made of listed given names and surnames (see the module docstring)."""

    def __init__(self, supported_language: str = "en", **kwargs: Any) -> None:
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language,
                         name="EnglishKnownNameRecognizer", **kwargs)

    def load(self) -> None:
        """Nothing to load: the name lists are read on first use."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """The names in ``text`` with their scores; spans never overlap."""
        toks = [(m.start(), m.start() + len(_POSSESSIVE.sub("", m.group())), _POSSESSIVE.sub("", m.group()))
                for m in _TOKEN.finditer(text)]
        results, i = [], 0
        while i < len(toks):
            found = self._match(text, toks, i)
            if found:
                end_index, score = found
                start, end = toks[i][0], toks[end_index][1]
                if not self._excluded(text, start, end) and not is_clinical_term(text, start, end):
                    results.append(RecognizerResult("PERSON", start, end, score))
                    i = end_index + 1
                    continue
            i += 1
        return results

    def _match(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        # Each form returns the index of the name's last token and its score, or None.
        return (self._speaker(text, toks, i) or self._surname_comma_given(text, toks, i) or self._korean(text, toks, i)
                or self._given_surname(text, toks, i) or self._initial_surname(text, toks, i)
                or self._after_role(text, toks, i))

    def _initial_surname(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        # "nurse F. Reddy", "RN D. Wilson": a capital initial, its period, and a listed surname.
        if len(toks[i][2]) != 1 or not toks[i][2].isupper() or not self._gap(text, toks, i, r"\.[ \t]{1,2}"):
            return None
        last = toks[i + 1][2]
        if len(last) < 2 or _style(last) == "lower" or last.lower() in COMMON_WORDS or not is_surname(last):
            return None
        return i + 1, 0.7

    @staticmethod
    def _gap(text: str, toks: list, i: int, allowed: str = r"[ \t]{1,2}") -> bool:
        return i + 1 < len(toks) and re.fullmatch(allowed, text[toks[i][1] : toks[i + 1][0]]) is not None

    @staticmethod
    def _initial(text: str, toks: list, j: int) -> int:
        # An initial after token j-1 ("D", "A.", lower "c" in notes): returns the index after it, else j.
        if j < len(toks) and len(toks[j][2]) == 1 and EnglishKnownNameRecognizer._gap(text, toks, j - 1, r"[ \t]{1,2}"):
            return j + 1
        return j

    def _surname_comma_given(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        if not self._gap(text, toks, i, r"[ \t]?,[ \t]{0,2}"):
            return None
        last, first = toks[i][2], toks[i + 1][2]
        # WILSON, Latasha: charts and wristbands print the surname in capitals, the given name not.
        same_style = _style(last) == _style(first) or (_style(last) == "upper" and _style(first) == "title")
        if _style(last) == "lower" or not same_style or len(first) < 2:
            return None
        # The comma is evidence enough for a surname that is also a word ("Grant, Melissa").
        # FREEMAN, Autumn: the capitals and the comma make a chart's name even of a given name that is a word.
        chart = _style(last) == "upper" and _style(first) == "title"
        # MACLEOD, Minh: a chart's capitals and comma make a surname of a word the list lacks, when
        # the given name is listed and no everyday word.
        listed = is_surname(last) or (chart and first.lower() not in COMMON_WORDS)
        if not (listed and is_given_name(first)) or (first.lower() in COMMON_WORDS and not chart):
            return None
        end = i + 1
        if self._initial(text, toks, i + 2) == i + 3 and toks[i + 2][2].isupper():
            end = i + 2
        return end, 0.85

    def _given_surname(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        first = toks[i][2]
        # "my son hilary barton": a role word in lower case introduces the name, it is not its first word.
        if len(first) < 2 or not is_given_name(first) or (first.islower() and first in _ROLES):
            return None
        style, j = _style(first), i + 1
        if j < len(toks) and len(toks[j][2]) == 1 and self._gap(text, toks, i, r"[ \t]{1,2}") and (
            toks[j][2].isupper() == (style != "lower")):
            j += 1  # a middle initial, maybe with its period
            gap_ok = lambda k: self._gap(text, toks, k, r"\.?[ \t]{1,2}")  # noqa: E731
        else:
            gap_ok = lambda k: self._gap(text, toks, k)  # noqa: E731
        while j < len(toks) and toks[j][2].lower() in _PARTICLES and gap_ok(j - 1) and j - i < 4:
            j += 1  # van der Berg, St. Clair
            gap_ok = lambda k: self._gap(text, toks, k, r"\.?[ \t]{1,2}")  # noqa: E731
        if j >= len(toks) or not gap_ok(j - 1):
            return self._lower_initial(text, toks, i)
        last, initial = toks[j][2], j > i + 1 and len(toks[i + 1][2]) == 1
        # After a middle initial any word in the same case is the surname (TERESA K LUNDGREN).
        if _style(last) != style or len(last) < 2 or not (
            is_surname(last) or (initial and style != "lower") or (style != "lower" and _surname_shape(last))
        ):
            return self._lower_initial(text, toks, i)
        if style == "lower":
            if first.lower() in COMMON_WORDS or last.lower() in COMMON_WORDS:
                return (j, 0.6) if self._context(text, toks, i) else None
            return j, 0.6
        return j, 0.85 if style == "upper" else 0.7

    def _lower_initial(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        # "kyle c", "brian j": a lower-case given name and an initial that ends a word.
        first = toks[i][2]
        if first.islower() and first not in COMMON_WORDS and len(first) >= 3 and i + 1 < len(toks):
            initial = toks[i + 1][2]
            if len(initial) == 1 and initial.islower() and initial not in "ai" and self._gap(text, toks, i):
                return i + 1, 0.6
        return None

    def _context(self, text: str, toks: list, i: int) -> bool:
        return any(toks[k][2].lower() in _ROLES | _GREETINGS for k in range(max(0, i - 2), i)) or self._introduced(toks, i)

    @staticmethod
    def _introduced(toks: list, i: int) -> bool:
        return i >= 2 and (toks[i - 2][2].lower(), toks[i - 1][2].lower()) in _INTRO_PAIRS

    def _speaker(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        # "dean: can u check bed 12?", "[chat] mark levine: ...": the colon names the writer, so a
        # given name that is also a word (dean, mark) counts here; one or two words, same case.
        first = toks[i][2]
        if not is_given_name(first) or _SPEAKER_BEFORE.search(text, 0, toks[i][0]) is None:
            return None
        for end in (i, i + 1):
            if end > i and not (end < len(toks) and self._gap(text, toks, i) and _style(toks[end][2]) == _style(first)
                                and (is_surname(toks[end][2]) or toks[end][2].lower() not in COMMON_WORDS)):
                break
            if re.match(r"[ \t]?:", text[toks[end][1] : toks[end][1] + 2]):
                return end, 0.7
        return None

    def _after_role(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        # One known name right after a title or role word: "nurse Paige", "ask beth", "Dr Leblanc".
        role = i > 0 and (toks[i - 1][2].lower() in _ROLES | _GREETINGS or self._introduced(toks, i))
        if not role or not self._gap(text, toks, i - 1, r"[.,]?[ \t]{1,2}"):
            return None
        word = toks[i][2]
        if len(word) < 3 or word.lower() in COMMON_WORDS or word.isupper():
            return None
        titled = toks[i - 1][2].lower() in _TITLES
        if word[0].isupper() and (is_given_name(word) or is_surname(word) or (titled and word[1:].islower())):
            # "signed by Jason MacLeod": a capitalised word after a known given name is its surname.
            nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
            if nxt[:1].isupper() and nxt[1:].lower() == nxt[1:] or "Mac" in nxt[:3]:
                if self._gap(text, toks, i) and is_given_name(word) and len(nxt) > 1:
                    return i + 1, 0.75
            return i, 0.75
        if word.islower() and is_given_name(word):
            return i, 0.6
        return None

    def _korean(self, text: str, toks: list, i: int) -> tuple[int, float] | None:
        # Romanised Korean in either order: "Choi Min-jun", "Oh Taeseo", "Park Ji Hoon", "Jiyeon Kim",
        # "Young-tae Namgung"; lower case ("caller park hyun", "this is hwang sung") only after a
        # role, greeting or introduction.
        word = toks[i][2]
        if word.lower() in _KR_PLACES:
            return None
        lower = word.islower()
        if lower and not self._context(text, toks, i):
            return None

        def cased(w: str) -> bool:
            return w.islower() if lower else w[:1].isupper()

        nxt = toks[i + 1][2] if i + 1 < len(toks) and self._gap(text, toks, i) else ""
        if not (nxt and cased(word)) or nxt.lower() in _KR_PLACES:
            return None
        # A capitalised English word in mid-sentence ("for Do Hong") is a name; at a sentence's start
        # ("In Lee's study") it may be the word: one-syllable given names such as In, Do, Ha only mid-sentence.
        alone = not lower and _SENTENCE_START.search(text, 0, toks[i][0]) is not None
        third = toks[i + 2][2] if i + 2 < len(toks) and self._gap(text, toks, i + 1) else ""
        # Ji Hoon Park, Do yun Jang, Ha eun Cho: a two-part given name, its second part maybe in lower case
        # (evidence enough for a word-like first part); tried first, since Ji and Do are surnames too.
        glued_case = not lower and nxt.islower()
        if (third and cased(third) and (glued_case or cased(nxt)) and romanised.syllable_count(word) == 1
                and romanised.syllable_count(nxt) == 1 and romanised.is_given(word, alone=alone and not glued_case)
                and romanised.is_surname(third)):
            return i + 2, 0.75
        # Surname first: the given name is one token, or two one-syllable tokens (Park Ji Hoon).
        # "Son KANG Eun-ji", "brother Jang Bo-ram": when the next word starts a surname-first name, it is that name.
        if romanised.is_surname(nxt) and third and cased(third) and romanised.syllable_count(third) == 2:
            return None
        if romanised.is_surname(word) and cased(nxt) and romanised.is_given(nxt, alone=alone):
            if (third and cased(third) and romanised.syllable_count(nxt) == 1 and romanised.syllable_count(third) == 1
                    and not romanised.is_surname(third)):
                return i + 2, 0.75
            return i + 1, 0.75
        # Given name first: Minsoo Kang, Young-tae Namgung, Ji Hoon Park.
        if cased(nxt) and romanised.is_given(word, alone=alone) and romanised.is_surname(nxt):
            return i + 1, 0.75
        return None

    @staticmethod
    def _excluded(text: str, start: int, end: int) -> bool:
        span = " ".join(text[start:end].lower().split())
        return span in _PLACES or _AFTER_PLACE.match(text, end) is not None
