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
# People in US/UK/Korean records come from everywhere: Latin-script name lists of the countries
# most immigrants come from (India, Pakistan, Nigeria, Kenya, Ghana, South Africa, Vietnam, the
# Philippines via es/en, Mexico and Latin America, Europe, Turkey, Indonesia). Accents are folded
# by normalise_name, so "Díaz" and "DIAZ" both match.
WORLD_LOCALES = ("en_IN", "en_PK", "en_NG", "en_KE", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "zu_ZA", "sw", "vi_VN",
                 "es", "es_MX", "es_CO", "es_AR", "es_ES", "pt_BR", "pt_PT", "fr_FR", "de_DE", "it_IT", "pl_PL",
                 "nl_NL", "tr_TR", "id_ID", "ga_IE", "fr_DZ")
# Common romanised Arabic and Persian names (Faker's lists for them are in Arabic script), from memory.
ARABIC_GIVEN = """ahmed ahmad mohammed muhammad mohamed omar umar ali hassan hussein hussain ibrahim khalid yusuf youssef
mustafa mahmoud karim tariq samir nabil walid faisal hamza bilal amir zaid rami nour noor fatima aisha layla leila
mariam maryam zainab amina rania yasmin yasmine hana salma huda samira dalia reem farah lina sara zahra""".split()
ARABIC_SURNAMES = """al-farsi al-sayed al-masri al-amin al-rashid haddad nasser khoury hassan hussein abdullah ibrahim
mansour saleh khalil aziz rahman hamdan qureshi siddiqui sheikh malik chaudhry farouk bakr nasr awad suleiman""".split()
# Common given names and surnames of large communities in the US, UK, Canada and Australia that
# Faker's lists lack (South Asian, Vietnamese, Chinese pinyin, Filipino, West African, Gaelic),
# written from memory; accents are folded, so the plain spelling covers both.
WORLD_GIVEN = """rajesh ramesh suresh mahesh dinesh ganesh rakesh mukesh anil sunil vijay ajay sanjay arjun rahul rohit
amit sumit vikram venkat venkatesh srinivas krishna gopal prakash deepak naveen praveen kiran ravi ashok manoj
deepika priya priyanka lakshmi lakshmana sunita anita kavita pooja neha shreya ananya divya meera radha sita gita
aarti swati nisha asha usha rekha shanthi padma uma geeta sneha anjali harpreet gurpreet manpreet jaswinder
phuong quynh trang thanh linh minh huong thao hoa lan mai ngoc tuan dung hung duc khanh long hai nam thu hanh
vy nhung hien loan tien bao an huy quang trung thuy yen
wei jun ming li xin hui ying jing yan mei lei hao jie yu fang xiu zhen qiang bo tao chen
obinna chukwuemeka emeka chidi chinedu ngozi chioma adaeze uchenna ifeanyi nnamdi kelechi amaka ebuka
yetunde folake funmilayo adebayo tunde babatunde olumide oluwaseun seun femi kemi bukola temitope tope wale
kwame kofi kwabena ama abena akosua yaw kojo esi efua adjoa
eilidh morag aoife siobhan niamh saoirse ciara caoimhe orla roisin sinead aisling grainne mairead oisin cian
ruairi padraig seamus eoin fionn cormac declan ciaran aodhan iain ewan hamish callum fraser lachlan isla
imogen hermione tamsin jemima araminta
jose juan luis carlos jesus miguel angel alejandro javier rodrigo esperanza guadalupe lupe concepcion
marisol yesenia xiomara dolores consuelo rosario""".split()
WORLD_SURNAMES = """reddy rao iyer iyengar nair menon pillai krishnan subramanian venkatesan natarajan
sharma verma gupta singh kaur patel shah mehta desai joshi kulkarni chopra kapoor malhotra banerjee chatterjee
mukherjee das bose ghosh sen dutta khan ahmed hussain ali qureshi chaudhry rahman islam
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly truong dinh
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo zheng liang xie tang feng
adeyemi adebayo balogun okafor okonkwo okeke nwosu eze obi chukwu nnadi olawale ogunleye oyelaran adeleke
mensah owusu boateng asante osei acheampong
macleod mackenzie macdonald mckenzie mcdonald macgregor campbell fraser murray robertson ferguson
oneill osullivan obrien oconnor odonnell mccarthy murphy kelly byrne ryan walsh doyle
delgado castillo gutierrez diaz ramirez alvarez morales herrera medina vargas castro ortiz rubio mendoza
dela cruz reyes santos bautista garcia mendoza villanueva""".split()
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

    # One word per entry (hyphens allowed): lookups are per word, so "the elder" or "de la" would only mislead.
    lines = sorted({n for n in (normalise_name(v) for v in values) if n and " " not in n})
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {len(lines)}")


def main() -> None:
    from synthgate.privacy.recognizers.kr_name import GIVEN_SYLLABLES, SURNAMES

    given_en, surnames_en = set(), set()
    for locale in ENGLISH_LOCALES + WORLD_LOCALES:
        given_en |= _names(locale, "first_names", "first_names_male", "first_names_female")
        surnames_en |= _names(locale, "last_names")
    # Short English words that are also names somewhere ("An", "Do", "He", "Le"): never listed.
    english_words = {"an", "he", "do", "ho", "ma", "bo", "long", "le", "the", "and", "in", "on", "to", "is", "it", "my"}
    given_en = (given_en | set(ARABIC_GIVEN) | set(WORLD_GIVEN)) - english_words
    surnames_en = (surnames_en | set(ARABIC_SURNAMES) | set(WORLD_SURNAMES)) - english_words
    _write("given_names_en.txt", given_en)
    _write("surnames_en.txt", surnames_en)
    given_ko = _names("ko_KR", "first_names", "first_names_male", "first_names_female") | set(KOREAN_RECENT)
    _write("surnames_ko.txt", _names("ko_KR", "last_names") | set(SURNAMES))
    _write("given_names_ko.txt", given_ko)
    _write("given_syllables_ko.txt", {s for name in given_ko for s in name} | set(GIVEN_SYLLABLES))


if __name__ == "__main__":
    main()
