"""Rebuilds the name lists in this folder from Faker's person providers (MIT); run by hand, never at run time.

Run: .venv/bin/python privacy/data/make_name_lists.py
English: given names and surnames of Faker's English-speaking locales (``en`` is the US census
and SSA list, 7,203 given names; ``en_US``, ``en_GB``, ``en_IE``, ``en_NZ``). Korean: surnames
(Faker ``ko_KR`` plus the surname list of ``privacy.recognizers.kr_name``, compound ones
included), the two-syllable given names of Faker ``ko_KR``, and the syllable inventory of given
names (every syllable of those names plus ``kr_name.GIVEN_SYLLABLES``), with ``KOREAN_RECENT``
(popular recent given names) added to both. Lines are normalised
as ``privacy.names.normalise_name`` reads values, sorted, one per line.
"""
from __future__ import annotations

import importlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENGLISH_LOCALES = ("en", "en_US", "en_GB", "en_IE", "en_NZ")
# Popular given names of Koreans born 2008-2023 (birth-registration top lists, from memory, not
# copied from a file): Faker's 121 are mostly older names, and their syllables miss 율, 린, 온 ...
KOREAN_RECENT = """
서윤 지우 하윤 서연 하은 민서 지유 윤서 채원 수아 지아 지윤 은서 다은 예은 수빈 소율 예린 하린 시아
아린 유나 가윤 이서 서아 서현 도윤 시우 서준 하준 은우 지호 이준 선우 유준 연우 건우 우진 민준 지한
현우 예준 주원 시윤 수호 정우 도현 이안 로운 은호 태오 하람 라온 다온 아윤 로아 이현 하온 서우 도하
윤우 시원 유찬 준우 승우 지안 하율 이든 도진 태윤 지율 한결 재윤 민재 은찬 윤호 채윤 나윤 소윤 유주
서하 예서 지민 수민 채은 예원 다인 하연 세아 연서 은채 소은 예나 나은 다현 윤아 서영 아인 리아 아라
다연 혜원 가은 주아 지원 유진 민지 현서 예지 승연 희원 수연 지수 민경 규리 보민 나연 서진 윤재 태민
""".split()


def _names(locale: str, *attributes: str) -> set[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    found: set[str] = set()
    for attribute in attributes:
        found.update(getattr(provider, attribute, ()))  # tuples, or OrderedDicts of weights
    return found


def _write(name: str, values: set[str]) -> None:
    from synthgate.privacy.names import normalise_name

    lines = sorted({normalise_name(v) for v in values} - {""})
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {len(lines)}")


def main() -> None:
    from synthgate.privacy.recognizers.kr_name import GIVEN_SYLLABLES, SURNAMES

    given_en, surnames_en = set(), set()
    for locale in ENGLISH_LOCALES:
        given_en |= _names(locale, "first_names", "first_names_male", "first_names_female")
        surnames_en |= _names(locale, "last_names")
    _write("given_names_en.txt", given_en)
    _write("surnames_en.txt", surnames_en)
    given_ko = _names("ko_KR", "first_names", "first_names_male", "first_names_female") | set(KOREAN_RECENT)
    _write("surnames_ko.txt", _names("ko_KR", "last_names") | set(SURNAMES))
    _write("given_names_ko.txt", given_ko)
    _write("given_syllables_ko.txt", {s for name in given_ko for s in name} | set(GIVEN_SYLLABLES))


if __name__ == "__main__":
    main()
