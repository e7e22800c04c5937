"""Presidio recognizers for Korean and common identifiers, names, dates and addresses, and the list per language.

Importing this package loads no Presidio: the recognizer classes are imported on
first attribute access, and ``kr_address.split_address`` is pure Python.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

# Before any presidio import (see privacy._engines): never fetch the Public Suffix List.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

__all__ = [
    "KOREAN_ENTITIES",
    "build_recognizers",
    "split_address",
    "SIDO",
    "BirthDateRecognizer",
    "EnglishTitleNameRecognizer",
    "KrAddressRecognizer",
    "KrDateRecognizer",
    "KrFrnDateRecognizer",
    "KrHealthInsuranceRecognizer",
    "KrMedicalRecordRecognizer",
    "KrMilitaryServiceNumberRecognizer",
    "KrNameRecognizer",
    "KrPhoneRecognizer",
    "KrRrnDateRecognizer",
    "KrVehiclePlateRecognizer",
    "LabelledSsnRecognizer",
    "MedicalRecordRecognizer",
    "NanpPhoneRecognizer",
    "NonKoreanPhoneRecognizer",
    "UsAddressRecognizer",
]

KOREAN_ENTITIES: tuple[str, ...] = (
    "KR_RRN", "KR_FRN", "KR_BRN", "KR_PASSPORT", "KR_DRIVER_LICENSE", "KR_PHONE_NUMBER",
    "KR_HEALTH_INSURANCE_NUMBER", "KR_MILITARY_SERVICE_NUMBER", "KR_MEDICAL_RECORD_NUMBER",
    "KR_VEHICLE_PLATE", "KR_ADDRESS",
)  # fmt: skip
"""Entity types that only these recognizers produce (PERSON and DATE_TIME are shared)."""

_CLASSES = {
    "BirthDateRecognizer": "birth_date",
    "EnglishTitleNameRecognizer": "en_name",
    "KrAddressRecognizer": "kr_address",
    "KrDateRecognizer": "kr_date",
    "KrFrnDateRecognizer": "kr_rrn",
    "KrHealthInsuranceRecognizer": "kr_health_insurance",
    "KrMedicalRecordRecognizer": "kr_medical_record",
    "KrMilitaryServiceNumberRecognizer": "kr_military",
    "KrNameRecognizer": "kr_name",
    "KrPhoneRecognizer": "kr_phone",
    "KrRrnDateRecognizer": "kr_rrn",
    "KrVehiclePlateRecognizer": "kr_vehicle_plate",
    "LabelledSsnRecognizer": "us_ssn",
    "MedicalRecordRecognizer": "medical_record",
    "NanpPhoneRecognizer": "nanp_phone",
    "NonKoreanPhoneRecognizer": "phone",
    "UsAddressRecognizer": "us_address",
}

# Titles before English names, labelled SSNs and North American phone shapes are written in
# English; left out of Korean text, where they find nothing (or read Korean lot numbers). US street addresses do occur in Korean notes, so that one stays.
_ENGLISH_ONLY = frozenset({"EnglishTitleNameRecognizer", "LabelledSsnRecognizer", "NanpPhoneRecognizer"})

# Presidio's language-neutral pattern recognizers, registered for every language.
_GLOBAL = (
    "CreditCardRecognizer", "CryptoRecognizer", "DateRecognizer", "EmailRecognizer", "IbanRecognizer",
    "IpRecognizer", "MacAddressRecognizer", "MedicalLicenseRecognizer", "UrlRecognizer", "UuidRecognizer",
    "UsBankRecognizer", "UsItinRecognizer", "UsLicenseRecognizer", "UsPassportRecognizer", "UsSsnRecognizer",
)  # fmt: skip
# NhsRecognizer is left out: its checksum passes on many US phone numbers (415-555-2671)
# and, scoring 1.0, it would name those spans UK_NHS.
# Korean words that mark the same entities; Presidio's own context lists are English.
_KOREAN_CONTEXT = {
    "CreditCardRecognizer": ["카드", "신용카드", "카드번호", "체크카드"],
    "EmailRecognizer": ["이메일", "메일", "전자우편"],
    "IpRecognizer": ["아이피", "접속"],
    "UrlRecognizer": ["홈페이지", "링크", "주소"],
    "UsSsnRecognizer": ["사회보장번호"],
    "UsPassportRecognizer": ["여권"],
    "IbanRecognizer": ["계좌", "계좌번호"],
    "KrBrnRecognizer": ["사업자등록번호", "사업자번호", "사업자"],
    "KrPassportRecognizer": ["여권", "여권번호"],
    "KrDriverLicenseRecognizer": ["운전면허", "면허번호", "driver", "license", "licence"],
}


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        return getattr(importlib.import_module(f"{__name__}.{_CLASSES[name]}"), name)
    if name in {"split_address", "SIDO"}:
        return getattr(importlib.import_module(f"{__name__}.kr_address"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_recognizers(language: str, *, medical_record_patterns: tuple[str, ...] = ()) -> list[Any]:
    """Every pattern recognizer for ``language``: Korean, Presidio's global ones, and phones.

    Each recognizer is instantiated for ``language``, so a Korean RRN in English text
    and an e-mail address in Korean text are both found. spaCy's NER recognizer is
    not included; the engine adds it where a model exists.

    Args:
        language: Presidio language code, such as ``"ko"`` or ``"en"``.
        medical_record_patterns: The agency's MRN regular expressions (see
            ``KrMedicalRecordRecognizer``); empty means 8-10 digits near context.

    Returns:
        New recognizer instances.

    Raises:
        ValueError: A medical record pattern does not compile or matches "".
    """
    from presidio_analyzer import predefined_recognizers as presidio

    from synthgate.privacy.recognizers._base import hangul_blind

    mine = [getattr(importlib.import_module(f"{__name__}.{module}"), name) for name, module in _CLASSES.items()]
    recognizers = [
        cls(supported_language=language)
        for cls in mine
        if cls.__name__ != "KrMedicalRecordRecognizer" and (language != "ko" or cls.__name__ not in _ENGLISH_ONLY)
    ]
    recognizers.append(
        __getattr__("KrMedicalRecordRecognizer")(patterns=medical_record_patterns, supported_language=language)
    )
    for name in (*_GLOBAL, "KrBrnRecognizer", "KrPassportRecognizer", "KrDriverLicenseRecognizer"):
        cls = hangul_blind(getattr(presidio, name))
        extra = _KOREAN_CONTEXT.get(name, [])
        context = [*cls.CONTEXT, *extra] if extra else None
        recognizers.append(cls(supported_language=language, context=context) if context else cls(supported_language=language))
    return recognizers
