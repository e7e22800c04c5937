"""Romanised Korean names: surnames and given-name syllables in the spellings records use.

A romanised given name is one or two syllables, written glued (``Minsoo``, ``Jiyeon``), hyphenated
(``Min-soo``) or spaced (``Ji Hoon``). A glued word is split into syllables from ``SYLLABLES``
(Revised Romanisation plus the McCune-Reischauer and passport spellings people keep: ``soo``,
``young``, ``hyun``, ``chul``); English words almost never split into two such syllables
(``Avenue``, ``Hotel``, ``Lines`` do not), which is what keeps the rule precise.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["FUNCTION_WORDS", "SURNAMES", "SYLLABLES", "is_given", "is_surname"]

SURNAMES = frozenset(
    """kim gim lee yi rhee ri park pak bak choi choe chey jung jeong chung joung kang gang cho jo yoon yun jang
    chang lim im rim han oh o seo suh shin sin kwon gwon hwang ahn an song ryu ryoo yoo yu jeon jun chun hong ko
    go moon mun yang son sohn bae bai baek paik back heo huh hur nam shim sim noh roh no ha kwak gwak sung seong
    cha joo ju woo koo ku goo gu min jin na ji um eom chae won cheon chun bang gong hyun hyeon ham byun byeon
    yeom yum yeo choo chu do so seok suk sun seon seol ma gil yeon yon wi pyo myung myeong ki gi ban ra wang
    geum keum ok yook yuk in maeng je mo tak kook guk eo eun pyun pyeon yong ye kyung gyeong bong tae mok hyung
    hyeong gye pi doo du eum bin ho beom jwa paeng seung gan si kyeon gyeon dang hwa ong soon jong rang ro
    pyeong sam hae namgung hwangbo jegal sunwoo seonwoo seonu dokgo sagong seomun""".split()
)
"""Korean surnames as they are romanised, compound ones included (Namgung, Hwangbo, Jegal, Sunwoo)."""

SYLLABLES = frozenset(
    """a ae ah bae beom bum bin bit bo bok bom bong bu byeol byul byung byeong chae chan chang cheol chul cheon
    chun choon chi da dae dal dam dan deok duk do dol dong doo du eui ui eun eon eul gap geon gun gi ki gil kil
    gu ku koo goo gyu kyu gyeong kyung kyoung kyeong gyeol kyeol geum keum gyo kyo guk kook gwang kwang ha hae
    han hee hui heon hoon hun ho hong hwa hwan hye hyeon hyun hyeok hyuk hyo hyung hyeong il in ja jae jang je
    jeom jeong jung ji jin jo joo ju jun joon jeon kang mal man mi min mo mok myeong myung na nae nam neul
    ok pil pyo ra rae ram ran rang ri rim rin ro rok ryeong ryung rye ryu sa sae sam sang se seo seok suk seon
    sun seong sung seol seul si sik so sol song soo su sook soon sul ta tae taek u ung un woo wu woong won ya
    yang ye yeo yeon yeol yul yeong young yong yi yoo yu yun yoon ga geu hyeop hyup iu seung geun keun deuk
    heum neung bi jeo hyeol ryeo ryun yoon""".split()
)
"""Syllables of Korean given names in common romanisations."""

FUNCTION_WORDS = frozenset("a an in do so go no on ok oh ha ma ye yo u i ho si na to be".split())
"""Syllables that are English words: never a one-syllable given name without more evidence."""


def is_surname(word: str) -> bool:
    """Whether ``word`` (any case) is a romanised Korean surname."""
    return word.lower() in SURNAMES


@lru_cache(maxsize=16384)
def syllable_count(word: str) -> int:
    """How many syllables ``word`` splits into (glued or hyphenated), 0 when it does not split into one or two."""
    parts = word.lower().split("-")
    if len(parts) == 2:
        return 2 if all(p in SYLLABLES for p in parts) else 0
    if len(parts) != 1:
        return 0
    w = parts[0]
    if w in SYLLABLES:
        return 1
    # Two glued syllables: every split point, shortest first (jiyeon = ji + yeon).
    return 2 if any(w[:k] in SYLLABLES and w[k:] in SYLLABLES for k in range(1, len(w))) else 0


def is_given(word: str, *, alone: bool = True) -> bool:
    """Whether ``word`` reads as a romanised Korean given name.

    Args:
        word: one token, maybe hyphenated.
        alone: the name has no other evidence (no context word): a one-syllable given name that
            is also an English word (``In``, ``Do``) does not count then.
    """
    count = syllable_count(word)
    if count == 2:
        return True
    return count == 1 and len(word) >= 2 and not (alone and word.lower() in FUNCTION_WORDS)
