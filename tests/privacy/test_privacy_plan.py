"""Tests for privacy.plan: plan validation, apply_plan end to end, and a report with counts only."""

import json

import pandas as pd
import pytest

from synthgate.privacy import (
    Action,
    AgeBand,
    ColumnActionError,
    ColumnNotFoundError,
    ColumnPlan,
    DateTruncate,
    InvalidPlanError,
    KeyRequiredError,
    MergeRare,
    PseudonymisationPlan,
    PseudonymKey,
    RuleNotApplicableError,
    UnplannedColumnsError,
    apply_plan,
)

KEY = PseudonymKey(b"plan-test-key-".ljust(32, b"!"))


def patients() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": ["P-0001", "P-0002", "P-0003", "P-0002"],
            "email": ["minjun@example.kr", "sarah@example.com", None, "sarah@example.com"],
            "age": [34, 91, 7.5, None],
            "visit": pd.to_datetime(["2024-05-17", "2024-06-02", "2024-06-30", "2024-07-01"]),
            "ward": ["north", "north", "south", "north"],
            "note": ["Seen by Dr. Maria Garcia.", None, "No complaints.", "Call 415-555-2671 tomorrow."],
            "smoker": [True, False, False, True],
        }
    )


def full_plan() -> PseudonymisationPlan:
    return PseudonymisationPlan(
        columns=(
            ColumnPlan("patient_id", "id", Action.PSEUDONYMISE),
            ColumnPlan("age", "numerical", Action.GENERALISE, AgeBand()),
            ColumnPlan("email", "categorical", Action.DROP),
            ColumnPlan("visit", "datetime", Action.GENERALISE, DateTruncate(unit="month")),
            ColumnPlan("ward", "categorical", Action.GENERALISE, MergeRare(min_count=2, other_label="merged")),
            ColumnPlan("note", "text", Action.REDACT_TEXT),
            ColumnPlan("smoker", "boolean", "keep"),
        )
    )


@pytest.fixture(scope="module")
def applied():
    data = patients()
    out, report = apply_plan(data, full_plan(), KEY)
    return data, out, report


def test_every_action_end_to_end(applied):
    # Setup
    _, out, _ = applied

    # Assert: plan order, email dropped
    assert list(out.columns) == ["patient_id", "age", "visit", "ward", "note", "smoker"]
    assert out["patient_id"].str.match(r"^ps_[0-9a-f]{32}$").all()
    assert out["patient_id"][1] == out["patient_id"][3] != out["patient_id"][0]
    assert out["age"].tolist()[:3] == ["30-39", "90+", "0-9"] and pd.isna(out["age"][3])
    assert out["visit"].tolist() == pd.to_datetime(["2024-05-01", "2024-06-01", "2024-06-01", "2024-07-01"]).tolist()
    assert out["ward"].tolist() == ["north", "north", "merged", "north"]
    assert out["note"].tolist() == [
        "Seen by Dr. <PERSON>.",
        None,
        "No complaints.",
        "Call <PHONE_NUMBER> tomorrow.",  # a relative day is no calendar date: kept
    ]
    assert out["smoker"].tolist() == [True, False, False, True]


def test_report_has_counts_per_column(applied):
    # Setup
    _, _, report = applied
    outcomes = {c.column: c for c in report.columns}

    # Assert
    assert report.rows == 4 and report.key_id == KEY.key_id
    assert [c.column for c in report.columns] == ["patient_id", "age", "email", "visit", "ward", "note", "smoker"]
    assert (outcomes["patient_id"].changed_cells, outcomes["patient_id"].distinct_pseudonyms) == (4, 3)
    assert (outcomes["age"].rule, outcomes["age"].output_kind, outcomes["age"].changed_cells) == ("age_band", "categorical", 3)
    assert (outcomes["email"].output_kind, outcomes["email"].non_null_cells, outcomes["email"].changed_cells) == (None, 3, 3)
    assert outcomes["visit"].changed_cells == 3
    assert outcomes["ward"].changed_cells == 1
    assert outcomes["note"].entities_redacted == {"PERSON": 1, "PHONE_NUMBER": 1}
    assert (outcomes["note"].non_null_cells, outcomes["note"].changed_cells) == (3, 2)
    assert (outcomes["smoker"].action, outcomes["smoker"].changed_cells) == ("keep", 0)


def test_report_serialises_without_any_input_value(applied):
    # Setup
    data, _, report = applied

    # Run
    dumped = json.dumps(report.to_dict())

    # Assert: no string cell of the input, and no word of one, appears in the report
    cells = {str(v) for col in data.columns for v in data[col].dropna() if isinstance(v, str)}
    words = {w.strip(".,") for cell in cells for w in cell.split() if len(w.strip(".,")) >= 5}
    assert [v for v in cells | words if v in dumped] == []
    assert "P-000" not in dumped and "example" not in dumped


def test_input_frame_is_unchanged(applied):
    # Setup
    data, _, _ = applied

    # Assert
    pd.testing.assert_frame_equal(data, patients())


def test_the_input_index_is_not_carried_over():
    # Setup: an index is not a column, so no plan covers it
    data = pd.DataFrame({"ward": ["a", "b"]}, index=pd.Index(["P-0001", "P-0002"], name="patient_id"))
    plan = PseudonymisationPlan((ColumnPlan("ward", "categorical", Action.KEEP),))

    # Run
    out, _ = apply_plan(data, plan, None)

    # Assert
    assert out.index.equals(pd.RangeIndex(2)) and out.index.name is None


def test_key_is_optional_without_pseudonymised_columns():
    # Setup
    plan = PseudonymisationPlan((ColumnPlan("ward", "categorical", Action.KEEP),))

    # Run
    out, report = apply_plan(pd.DataFrame({"ward": ["a", "b"]}), plan, None)

    # Assert
    assert out["ward"].tolist() == ["a", "b"]
    assert report.key_id is None


def test_key_is_required_when_a_column_is_pseudonymised():
    # Run / Assert
    with pytest.raises(KeyRequiredError, match="'patient_id' are pseudonymised"):
        apply_plan(patients(), full_plan(), None)


def test_missing_and_unplanned_columns_are_named():
    # Setup
    data = patients()
    plan = full_plan()

    # Run / Assert
    with pytest.raises(ColumnNotFoundError) as missing:
        apply_plan(data.drop(columns=["age", "ward"]), plan, KEY)
    with pytest.raises(UnplannedColumnsError) as unplanned:
        apply_plan(data.assign(extra=1, other=2), plan, KEY)
    assert missing.value.columns == ("age", "ward")
    assert unplanned.value.columns == ("extra", "other")


def test_unexpected_failures_name_column_and_action_but_no_value():
    # Setup: lists cannot be hashed, so pseudonymising them fails inside pandas
    data = pd.DataFrame({"patient_id": [["SECRET-123"], ["SECRET-456"]]})
    plan = PseudonymisationPlan((ColumnPlan("patient_id", "id", Action.PSEUDONYMISE),))

    # Run
    with pytest.raises(ColumnActionError) as caught:
        apply_plan(data, plan, KEY)

    # Assert
    assert str(caught.value) == "action 'pseudonymise' failed on column 'patient_id': TypeError"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_rule_failures_keep_their_own_error():
    # Setup
    data = pd.DataFrame({"dob": ["1990-01-02", "Kim Min-jun"]})
    plan = PseudonymisationPlan((ColumnPlan("dob", "datetime", Action.GENERALISE, DateTruncate(unit="year")),))

    # Run / Assert
    with pytest.raises(RuleNotApplicableError, match="1 non-null cell cannot be read as datetime"):
        apply_plan(data, plan, None)


@pytest.mark.parametrize(
    ("column", "error", "message"),
    [
        (dict(kind="categorical", action=Action.GENERALISE, rule=AgeBand()), RuleNotApplicableError, "its kind is 'categorical'"),
        (dict(kind="numerical", action=Action.GENERALISE), InvalidPlanError, "needs a rule"),
        (dict(kind="numerical", action=Action.KEEP, rule=AgeBand()), InvalidPlanError, "takes no rule"),
        (dict(kind="categorical", action=Action.REDACT_TEXT), InvalidPlanError, "needs kind 'text'"),
        (dict(kind="boolean", action=Action.PSEUDONYMISE), InvalidPlanError, "pseudonymise' takes kinds"),
        (dict(kind="datetime", action=Action.PSEUDONYMISE), InvalidPlanError, "pseudonymise' takes kinds"),
        (dict(kind="number", action=Action.KEEP), InvalidPlanError, "unknown kind 'number'"),
        (dict(kind="id", action="hash"), InvalidPlanError, "unknown action 'hash'"),
    ],
)
def test_column_plan_validation(column, error, message):
    # Run / Assert
    with pytest.raises(error, match=message):
        ColumnPlan("c", **column)


def test_plan_helpers_and_duplicate_columns():
    # Setup
    plan = full_plan()

    # Run / Assert
    assert plan.by_action(Action.GENERALISE) == ("age", "visit", "ward")
    assert plan.by_action("drop") == ("email",)
    assert plan.rules() == {"age": AgeBand(), "visit": DateTruncate(unit="month"), "ward": MergeRare(min_count=2, other_label="merged")}
    assert ColumnPlan("x", "numerical", "keep").action is Action.KEEP
    with pytest.raises(InvalidPlanError, match="appears twice"):
        PseudonymisationPlan((ColumnPlan("x", "id", "keep"), ColumnPlan("x", "id", "drop")))


def test_output_kinds():
    # Run / Assert
    assert ColumnPlan("a", "id", "pseudonymise").output_kind == "id"
    assert ColumnPlan("a", "categorical", "pseudonymise").output_kind == "id"
    assert ColumnPlan("a", "numerical", "generalise", AgeBand()).output_kind == "categorical"
    assert ColumnPlan("a", "text", "drop").output_kind is None


# --- surrogates, date shifting, address levels and the re-identification table -----------

from synthgate.privacy.dateshift import DateShift  # noqa: E402
from synthgate.privacy.generalise import AddressLevel  # noqa: E402
from synthgate.privacy.plan import AppliedPlan  # noqa: E402
from synthgate.privacy.surrogate import DigitsSurrogate, RrnSurrogate, is_valid_rrn  # noqa: E402
from synthgate.privacy.vault import read_additional_information, write_additional_information  # noqa: E402


def visits() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": ["P-1", "P-2", "P-1", None],
            "rrn": ["900101-1234568", "9001011234567", "９００１０１－１２３４５６８", None],
            "phone": ["010-1234-5678", "010-9876-5432", "01012345678", "010-1111-2222"],
            "admitted": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-10", "2024-03-01"]),
            "discharged": ["2024-01-05", "2024-02-03", None, "2024-03-02"],
            "address": ["서울 강남구 테헤란로 152", "경기도 성남시 분당구 판교역로 235", "Somewhere 1", None],
        }
    )


def visits_plan(**options) -> PseudonymisationPlan:
    return PseudonymisationPlan(
        columns=(
            ColumnPlan("patient_id", "id", Action.PSEUDONYMISE),
            ColumnPlan("rrn", "id", Action.SURROGATE, surrogate=RrnSurrogate(birth="year")),
            ColumnPlan("phone", "id", "surrogate", surrogate=DigitsSurrogate()),
            ColumnPlan("admitted", "datetime", Action.DATE_SHIFT),
            ColumnPlan("discharged", "datetime", "date_shift"),
            ColumnPlan("address", "text", Action.GENERALISE, AddressLevel(level="sigungu")),
        ),
        date_shift=DateShift(subject="patient_id", max_days=60),
        **options,
    )


def test_new_operators_end_to_end():
    # Setup
    data = visits()

    # Run
    applied = apply_plan(data, visits_plan(), KEY)
    out, report = applied

    # Assert: surrogates valid and consistent per person, stays shifted together, addresses coarse
    assert isinstance(applied, AppliedPlan) and applied.frame is out and applied.additional_information is None
    assert out["rrn"][0] == out["rrn"][2] and is_valid_rrn(out["rrn"][1].replace("-", "")) and out["rrn"][3] is None
    assert out["phone"][0] == out["phone"][2] and out["phone"][1] != data["phone"][1]
    stay = (out["discharged"] - out["admitted"]).dt.days.tolist()
    assert stay[:2] == [4, 2] and pd.isna(stay[2]) and pd.isna(stay[3])  # row 3 has no subject: dates nulled
    assert (out["admitted"][2] - out["admitted"][0]).days == 9  # one subject, one offset
    assert out["address"].tolist() == ["서울특별시 강남구", "경기도 성남시 분당구", "미상", None]
    outcomes = {c.column: c for c in report.columns}
    assert (outcomes["rrn"].malformed_cells, outcomes["rrn"].output_kind, outcomes["rrn"].distinct_pseudonyms) == (1, "id", 2)
    assert (outcomes["admitted"].changed_cells, outcomes["admitted"].nulled_cells, outcomes["admitted"].subjects_shifted) == (4, 1, 2)
    assert outcomes["address"].malformed_cells == 1 and outcomes["address"].output_kind == "categorical"
    assert report.key_id == KEY.key_id and (report.date_shift_subject, report.date_shift_max_days) == ("patient_id", 60)
    assert report.reidentification_table is False


def test_report_of_new_operators_holds_no_value_or_offset():
    # Setup
    data = visits()
    out, report = apply_plan(data, visits_plan(), KEY)

    # Run
    dumped = json.dumps(report.to_dict(), ensure_ascii=False)

    # Assert
    for cell in ("P-1", "900101", "010-", "테헤란로", "2024-0", "강남구", "ps_"):
        assert cell not in dumped
    offset = (out["admitted"][0] - data["admitted"][0]).days
    assert f'"offset' not in dumped and report.to_dict()["date_shift"] == {"subject": "patient_id", "max_days": 60}
    assert offset != 0


def test_reversible_plan_collects_pairs_that_round_trip_through_the_vault(tmp_path):
    # Setup
    encryption_key = b"plan-encryption-key".ljust(32, b"*")

    # Run
    applied = apply_plan(visits(), visits_plan(reversible=True), KEY)
    header = write_additional_information(tmp_path / "ai.sgai", applied.additional_information, encryption_key, key_id=applied.report.key_id)
    report = applied.report.with_encryption_key_id(header["encryption_key_id"])
    table = read_additional_information(tmp_path / "ai.sgai", encryption_key)

    # Assert: pseudonym and surrogate columns only, every original behind its pseudonym
    out = applied.frame
    assert set(table) == {"patient_id", "rrn", "phone"}
    assert table.originals("patient_id", out["patient_id"][0]) == ["P-1"]
    assert sorted(table.originals("rrn", out["rrn"][0])) == sorted(["900101-1234568", "９００１０１－１２３４５６８"])
    assert report.reidentification_table and report.encryption_key_id == header["encryption_key_id"]
    assert header["columns"] == {"patient_id": 2, "rrn": 3, "phone": 4}


def test_keyed_actions_need_a_key():
    # Run / Assert
    with pytest.raises(KeyRequiredError) as caught:
        apply_plan(visits(), visits_plan(), None)
    assert caught.value.columns == ("patient_id", "rrn", "phone", "admitted", "discharged")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ColumnPlan("c", "id", Action.SURROGATE), "needs a surrogate format"),
        (lambda: ColumnPlan("c", "id", Action.KEEP, surrogate=DigitsSurrogate()), "takes no surrogate"),
        (lambda: ColumnPlan("c", "boolean", Action.SURROGATE, surrogate=DigitsSurrogate()), "'surrogate' takes kinds"),
        (lambda: ColumnPlan("c", "categorical", Action.DATE_SHIFT), "needs kind 'datetime'"),
        (lambda: PseudonymisationPlan((ColumnPlan("d", "datetime", "date_shift"),)), "needs date_shift=DateShift"),
        (
            lambda: PseudonymisationPlan((ColumnPlan("d", "datetime", "date_shift"),), date_shift=DateShift(subject="who")),
            "subject column is not in the plan",
        ),
        (
            lambda: PseudonymisationPlan((ColumnPlan("d", "datetime", "date_shift"),), date_shift=DateShift(subject="d")),
            "cannot itself be date-shifted",
        ),
    ],
)
def test_new_plan_validation(build, message):
    # Run / Assert
    with pytest.raises(InvalidPlanError, match=message):
        build()


def test_new_output_kinds():
    # Run / Assert
    assert ColumnPlan("a", "numerical", "surrogate", surrogate=DigitsSurrogate()).output_kind == "id"
    assert ColumnPlan("a", "datetime", "date_shift").output_kind == "datetime"
    assert ColumnPlan("a", "text", "generalise", AddressLevel(level="sido")).output_kind == "categorical"


def test_the_plans_medical_record_patterns_reach_the_text_redactor():
    # Setup
    frame = pd.DataFrame({"note": ["차트 H12345678 확인", "no chart number here"]})
    column = (ColumnPlan(name="note", kind="text", action="redact_text"),)
    with_pattern = PseudonymisationPlan(columns=column, text_language="ko", medical_record_patterns=[r"H\d{8}"])

    # Run
    redacted, report = apply_plan(frame, with_pattern, None)
    plain, _ = apply_plan(frame, PseudonymisationPlan(columns=column, text_language="ko"), None)

    # Assert
    assert redacted["note"].tolist() == ["차트 <KR_MEDICAL_RECORD_NUMBER> 확인", "no chart number here"]
    assert report.columns[0].entities_redacted == {"KR_MEDICAL_RECORD_NUMBER": 1}
    # Without the agency's format, the default record-number recogniser still finds a number after 차트.
    assert plain["note"].iloc[0] == "차트 <MEDICAL_RECORD_NUMBER> 확인"
