"""Column-name hints (English and Korean) that say what a column probably holds."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CATEGORIES", "QUASI_IDENTIFIERS", "NameHint", "match_name_hint", "match_quasi_identifier", "names_a_measurement", "split_name"]

CATEGORIES = frozenset(
    {"national_id", "payment", "email", "phone", "ip", "vehicle", "address", "birth", "person", "age", "identifier"}
)


@dataclass(frozen=True)
class NameHint:
    """What a column name suggests.

    Attributes:
        keyword: The hint that matched, e.g. ``"email"`` or ``"주민등록번호"``.
        category: One of ``CATEGORIES``.
        entity: The Presidio entity the keyword stands for, or None (ages, keys).
    """

    keyword: str
    category: str
    entity: str | None


# (category, entity, English snake_case keywords, Korean substrings), in priority order:
# "email_address" is an e-mail, "ip_address" an IP, "phone_number" a phone, not an id;
# "외국인등록번호" and "주민등록번호" are national ids before "등록번호" is a chart number.
_TABLE: tuple[tuple[str, str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    ("national_id", "US_SSN", ("ssn", "social_security", "social_security_number"), ()),
    ("national_id", "KR_RRN", ("rrn", "resident_registration_number"), ("주민등록번호", "주민번호")),
    ("national_id", "KR_FRN", ("frn", "foreigner_registration_number", "alien_registration_number"),
     ("외국인등록번호", "외국인번호")),
    ("national_id", "KR_BRN", ("brn", "business_registration_number"), ("사업자등록번호", "사업자번호")),
    ("national_id", "KR_PASSPORT", ("passport", "passport_number", "passport_no"), ("여권번호",)),
    ("national_id", "KR_DRIVER_LICENSE", ("driver_license", "drivers_license", "driving_licence"),
     ("운전면허번호", "면허번호")),
    ("national_id", "KR_HEALTH_INSURANCE_NUMBER", ("health_insurance_number", "insurance_number", "nhis"),
     ("건강보험증번호", "보험증번호", "건강보험번호")),
    ("payment", "CREDIT_CARD", ("credit_card", "card_number", "card_no", "cc_number"), ("카드번호",)),
    ("email", "EMAIL_ADDRESS", ("email", "e_mail", "email_address", "mail"), ("이메일", "전자우편")),
    (
        "phone",
        "PHONE_NUMBER",
        ("phone", "phone_number", "mobile", "tel", "telephone", "cellphone", "fax"),
        ("연락처", "휴대전화", "전화번호", "휴대폰", "핸드폰"),
    ),
    ("ip", "IP_ADDRESS", ("ip", "ip_address"), ()),
    ("vehicle", "KR_VEHICLE_PLATE", ("plate", "license_plate", "licence_plate", "vehicle_number", "car_number"),
     ("차량번호", "번호판", "자동차번호")),
    ("address", "KR_ADDRESS", (), ("주소", "우편번호", "거주지")),
    ("address", "LOCATION", ("address", "addr", "street", "zip", "zipcode", "zip_code", "postcode", "postal_code"), ()),
    (
        "birth",
        "DATE_TIME",
        ("dob", "birth", "birthdate", "birthday", "birth_date", "birth_dt", "date_of_birth", "birth_year"),
        ("생년월일", "생일"),
    ),
    (
        "person",
        "PERSON",
        ("name", "surname", "firstname", "lastname", "fullname", "forename", "givenname"),
        ("이름", "성명", "성함", "환자명"),
    ),
    ("age", None, ("age",), ("나이", "연령")),
    ("identifier", "KR_MILITARY_SERVICE_NUMBER", ("military_number", "service_number"), ("군번",)),
    (
        "identifier",
        "KR_MEDICAL_RECORD_NUMBER",
        ("mrn", "record_number", "medical_record_number", "chart_number", "chart_no", "patient_number"),
        ("환자번호", "등록번호", "차트번호", "병록번호"),
    ),
    ("identifier", None, ("id", "uuid", "guid", "license", "licence"), ("사번", "아이디")),
)

# Too broad as a token ("birth_weight", "file_name"): these match only as the whole name
# (or, for "name", after a person word).
_ALONE = frozenset({"name", "birth"})

# "clinic_name" or "drug_name" is not a person; "first_name" or "patient_name" is.
_PERSON_QUALIFIERS = frozenset(
    "first last given family middle maiden full sur patient person doctor physician nurse "
    "employee staff soldier customer client guardian contact owner".split()
)


def split_name(column: str) -> tuple[str, ...]:
    """Splits a column name into casefolded word tokens: ``"patientID"`` -> ``("patient", "id")``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", column)
    return tuple(token for token in re.split(r"[^0-9a-z]+", spaced.casefold()) if token)


def match_name_hint(column: str) -> NameHint | None:
    """Returns the first hint the column name matches, in priority order, or None.

    English keywords match whole tokens or token runs (``"e_mail"`` in
    ``"contact_e_mail"``), never substrings, so ``"stage"`` is not an age.
    ``"birth"`` counts only alone and ``"name"`` only alone or after a person word
    (``first_name``, ``patient_name``; not ``clinic_name``). Korean keywords match as substrings, since Korean names are
    rarely split by underscores.

    Args:
        column: The column name.

    Returns:
        The hint, or None.
    """
    tokens = split_name(column)
    joined = "_" + "_".join(tokens) + "_"
    folded = column.casefold()
    for category, entity, keywords, korean in _TABLE:
        for keyword in korean:
            if keyword in folded:
                return NameHint(keyword, category, entity)
        for keyword in keywords:
            if _matches(keyword, tokens, joined):
                return NameHint(keyword, category, entity)
    return None


def _matches(keyword: str, tokens: tuple[str, ...], joined: str) -> bool:
    if keyword == "name":
        return tokens == ("name",) or (
            len(tokens) >= 2 and tokens[-1] == "name" and tokens[-2] in _PERSON_QUALIFIERS
        )
    if keyword in _ALONE:
        return tokens == (keyword,)
    return f"_{keyword}_" in joined


# Attributes that single a person out in combination (k-anonymity's quasi-identifiers), as
# (category, English tokens, Korean substrings). They are kept or generalised, never dropped:
# the risk block, not the plan, protects them.
QUASI_IDENTIFIERS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("sex", ("sex", "gender"), ("성별",)),
    ("age", ("age", "age_group", "age_band"), ("나이", "연령")),
    ("birth", ("dob", "birth_date", "birthdate", "birthday", "date_of_birth", "birth_year", "yob"), ("생년월일", "출생")),
    ("region", ("postcode", "postal_code", "zip", "zipcode", "zip_code", "region", "state", "county", "city",
                "district", "neighborhood", "neighbourhood", "province", "residence"),
     ("지역", "시도", "시군구", "거주지", "우편번호", "주소")),
    ("race", ("race", "ethnicity", "ethnic", "hisp", "hispanic", "nationality", "citizenship"), ("국적", "인종", "민족")),
    ("occupation", ("occupation", "job", "job_title", "profession", "employer", "industry", "rank", "grade"),
     ("직업", "직종", "직위", "계급", "직급")),
    ("marital", ("marital", "marital_status", "married"), ("혼인", "결혼")),
    ("education", ("education", "educ", "degree", "school"), ("학력", "교육")),
)


def match_quasi_identifier(column: str) -> str | None:
    """The quasi-identifier category a column name suggests (``"sex"``, ``"region"`` ...), or None.

    English tokens match whole tokens (``"patient_sex"``, not ``"sextant"``); Korean
    substrings match anywhere.
    """
    tokens = split_name(column)
    joined = "_" + "_".join(tokens) + "_"
    folded = column.casefold()
    for category, keywords, korean in QUASI_IDENTIFIERS:
        if any(k in folded for k in korean) or any(f"_{k}_" in joined for k in keywords):
            return category
    return None


# Units and measures: a whole number 0-110 under such a name is a count or a reading, not an age.
_MEASURES = frozenset(
    "day days count counts n num number score rate pulse hr bpm bp sbp dbp weight height kg cm mm min mins "
    "minutes hour hours sec seconds pct percent tat level dose mg ml temp temperature saturation spo2 "
    "glucose visits times month months week weeks since total lines amount balance income prestige".split()
)


def names_a_measurement(column: str) -> bool:
    """True when a token of the name is a unit or measure (``pan_day``, ``heart_rate``, ``weight_kg``)."""
    return any(token in _MEASURES for token in split_name(column))
