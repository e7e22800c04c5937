"""Plausible given names and surnames (English and Korean) from name lists shipped in privacy/data."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["NameShares", "is_full_name", "is_given_name", "is_surname", "name_shares", "normalise_name"]

_DATA = Path(__file__).resolve().parent / "data"
_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")
_QUOTES = str.maketrans({"\u2019": "", "\u2018": "", "`": "", "'": "", ".": ""})
_SPLIT = re.compile(r"[\s,]+")


def normalise_name(value: str) -> str:
    """Folds a name for lookup: ``"O'Brien"`` -> ``"obrien"``, ``"  JOHN "`` -> ``"john"``.

    Unicode NFKC, casefolded, accents dropped (``"Díaz"`` -> ``"diaz"``; Hangul is untouched),
    apostrophes and dots removed, runs of spaces made one; hyphens stay (``"mary-ann"``) so that
    each part can be looked up.
    """
    folded = unicodedata.normalize("NFKC", value).casefold().translate(_QUOTES)
    if not folded.isascii():
        # Combining marks go; Hangul decomposes into jamo (no marks) and NFC puts it back together.
        marks = unicodedata.normalize("NFKD", folded)
        folded = unicodedata.normalize("NFC", "".join(c for c in marks if not unicodedata.combining(c)))
    return " ".join(folded.split()).strip(" -,")


@dataclass(frozen=True)
class _Lists:
    given_en: frozenset[str]
    surnames_en: frozenset[str]
    given_ko: frozenset[str]
    surnames_ko: tuple[str, ...]  # longest first: 남궁 before 남
    syllables_ko: frozenset[str]


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    def read(name: str) -> list[str]:
        # One name per line; a line is never split at its spaces (a listed "de la" must not list "de").
        return [line.strip() for line in (_DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]

    surnames_ko = sorted(read("surnames_ko.txt"), key=lambda s: (-len(s), s))
    syllables = "".join(read("given_syllables_ko.txt"))
    return _Lists(
        frozenset(read("given_names_en.txt")),
        frozenset(read("surnames_en.txt")),
        frozenset(read("given_names_ko.txt")),
        tuple(surnames_ko),
        frozenset(syllables),
    )


def _korean_given(word: str, lists: _Lists) -> bool:
    # Two syllables from the inventory: unseen names (서윤, 하린) count, not only Faker's 121.
    return word in lists.given_ko or (len(word) == 2 and all(s in lists.syllables_ko for s in word))


def _korean_full(word: str, lists: _Lists) -> bool:
    # Three or four syllables: a surname (compound ones tried first) and a 1-2 syllable given
    # name. Two-syllable words (정상, 천식) read as surname + syllable too often to count.
    if not 3 <= len(word) <= 4:
        return False
    for surname in lists.surnames_ko:
        rest = word[len(surname):]
        if word.startswith(surname) and 1 <= len(rest) <= 2 and len(surname) + len(rest) >= 3:
            if all(s in lists.syllables_ko for s in rest):
                return True
    return False


def _parts(token: str) -> list[str]:
    return [p for p in token.split("-") if p]


def is_given_name(value: str) -> bool:
    """True for a known or plausible given name: ``"JOHN"``, ``"Mary-Ann"``, ``"서윤"``."""
    lists, name = _lists(), normalise_name(value)
    if _HANGUL_WORD.match(name.replace(" ", "")):
        return _korean_given(name.replace(" ", ""), lists)
    tokens = [t for t in _SPLIT.split(name) if t]
    if not 1 <= len(tokens) <= 2:  # "Mary Ann"; three words are no given name
        return False
    return name in lists.given_en or all(p in lists.given_en for t in tokens for p in _parts(t))


def is_surname(value: str) -> bool:
    """True for a known surname: ``"Smith"``, ``"o'brien"``, ``"Smith-Jones"``, ``"남궁"``."""
    lists, name = _lists(), normalise_name(value)
    if _HANGUL_WORD.match(name):
        return name in lists.surnames_ko
    if " " in name or "," in name or not name:
        return False
    return name in lists.surnames_en or all(p in lists.surnames_en for p in _parts(name))


def is_full_name(value: str) -> bool:
    """True for given name plus surname: ``"John Smith"``, ``"Smith, John"``, ``"김서윤"``."""
    lists, name = _lists(), normalise_name(value)
    if _HANGUL_WORD.match(name.replace(" ", "")):
        return _korean_full(name.replace(" ", ""), lists)
    if "," in name:  # "Smith, John": surname first
        last, _, first = name.partition(",")
        return is_surname(last) and is_given_name(first.strip())
    tokens = name.split()
    return 2 <= len(tokens) <= 4 and is_given_name(tokens[0]) and is_surname(tokens[-1])


@dataclass(frozen=True)
class NameShares:
    """Shares of values that are names; ``distinct_share`` counts each distinct value once.

    ``person`` is the share that is any of the three; a column of categories (``정상``,
    ``Hope``) may have a high row share from one frequent value, never a high
    ``distinct_share`` over many values.
    """

    given: float
    surname: float
    full: float
    person: float
    distinct_share: float
    distinct: int


def name_shares(values: Iterable[str]) -> NameShares:
    """The shares of ``values`` (strings, nulls removed) that are given names, surnames or full names.

    Args:
        values: The sampled non-null values of one column, as strings.

    Returns:
        The shares (0.0 for no values).
    """
    values = [v for v in values if v]
    verdicts: dict[str, tuple[bool, bool, bool]] = {}
    for value in set(values):
        verdicts[value] = (is_given_name(value), is_surname(value), is_full_name(value))
    n = max(len(values), 1)

    def share(i: int) -> float:
        return sum(verdicts[v][i] for v in values) / n

    person = sum(any(verdicts[v]) for v in values) / n
    distinct_person = sum(any(v) for v in verdicts.values()) / max(len(verdicts), 1)
    return NameShares(share(0), share(1), share(2), person, distinct_person, len(verdicts))
