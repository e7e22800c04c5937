"""Tests for privacy.risk: k, l, uniques and class sizes on frames small enough to check by hand."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate.privacy.errors import ColumnNotFoundError
from synthgate.privacy.risk import class_ids, measure_risk, qi_codes


def _patients() -> pd.DataFrame:
    # Classes over (age, sex): (30,F) x3, (40,M) x2, (50,F) x1
    return pd.DataFrame({
        "age": [30, 30, 30, 40, 40, 50],
        "sex": ["F", "F", "F", "M", "M", "F"],
        "dx": ["flu", "flu", "cold", "flu", "flu", "gout"],
    })


def test_measure_risk_counts_classes_k_l_and_uniques():
    # Run
    risk = measure_risk(_patients(), ["age", "sex"], sensitive="dx")

    # Assert
    assert (risk.rows, risk.classes, risk.k, risk.l) == (6, 3, 1, 1)
    assert (risk.unique_records, risk.unique_share) == (1, pytest.approx(1 / 6))
    assert risk.smallest_class_sizes == (1, 2, 3)
    assert risk.size_histogram == ((1, 1), (2, 1), (3, 1))
    assert risk.quasi_identifiers == ("age", "sex")


@pytest.mark.parametrize(("k", "below"), [(1, 0), (2, 1), (3, 3), (4, 6)])
def test_records_below_counts_records_in_smaller_classes(k, below):
    # Run
    risk = measure_risk(_patients(), ["age", "sex"])

    # Assert
    assert risk.records_below(k) == below


def test_l_is_the_fewest_distinct_sensitive_values_in_a_class():
    # Setup: classes (30) {flu, cold} and (40) {flu}: l = 1; (40) gets a second value: l = 2
    frame = _patients().iloc[:5]

    # Run
    before = measure_risk(frame, ["age"], sensitive="dx")
    after = measure_risk(frame.assign(dx=["flu", "flu", "cold", "flu", "gout"]), ["age"], sensitive="dx")

    # Assert
    assert (before.k, before.l) == (2, 1)
    assert (after.k, after.l) == (2, 2)


def test_a_null_quasi_identifier_is_a_value_of_its_own():
    # Setup: None and NaN are the same null; a null never joins a non-null class
    frame = pd.DataFrame({"region": ["Seoul", None, np.nan, "Seoul", "Busan"]})

    # Run
    risk = measure_risk(frame, ["region"])

    # Assert
    assert risk.smallest_class_sizes == (1, 2, 2)
    assert risk.unique_records == 1


def test_a_null_sensitive_value_counts_as_one_value():
    # Setup
    frame = pd.DataFrame({"sex": ["F", "F", "M", "M"], "dx": ["flu", None, None, np.nan]})

    # Run
    risk = measure_risk(frame, ["sex"], sensitive="dx")

    # Assert: F has {flu, null}, M has {null}
    assert risk.l == 1
    assert measure_risk(frame.iloc[:2], ["sex"], sensitive="dx").l == 2


@pytest.mark.parametrize(
    ("qis", "rows", "classes", "k"),
    [
        ([], 6, 1, 6),  # no quasi-identifiers: every record is alike
        (["age", "sex"], 0, 0, 0),  # empty table: no class at all
    ],
)
def test_edge_cases_without_quasi_identifiers_or_rows(qis, rows, classes, k):
    # Setup
    frame = _patients().iloc[:rows]

    # Run
    risk = measure_risk(frame, qis, sensitive="dx")

    # Assert
    assert (risk.rows, risk.classes, risk.k, risk.unique_share) == (rows, classes, k, 0.0)
    assert risk.l == (0 if rows == 0 else 3)


def test_categorical_and_datetime_quasi_identifiers():
    # Setup
    frame = pd.DataFrame({
        "band": pd.Categorical(["30-39", "30-39", None, "40-49"]),
        "visit": pd.to_datetime(["2024-01-01", "2024-01-01", None, None]),
    })

    # Run
    risk = measure_risk(frame, ["band", "visit"])

    # Assert
    assert risk.smallest_class_sizes == (1, 1, 2)


def test_smallest_limits_the_reported_sizes():
    # Run
    risk = measure_risk(_patients(), ["age"], smallest=2)

    # Assert
    assert risk.smallest_class_sizes == (1, 2)


def test_repeated_quasi_identifiers_count_once():
    # Run
    risk = measure_risk(_patients(), ["age", "age"])

    # Assert
    assert risk.quasi_identifiers == ("age",)


@pytest.mark.parametrize(
    ("qis", "sensitive", "missing"),
    [(["age", "zip"], None, ("zip",)), (["age"], "diagnosis", ("diagnosis",))],
)
def test_missing_columns_are_named(qis, sensitive, missing):
    # Run / Assert
    with pytest.raises(ColumnNotFoundError) as caught:
        measure_risk(_patients(), qis, sensitive=sensitive)
    assert caught.value.columns == missing


def test_one_string_is_not_a_list_of_quasi_identifiers():
    # Run / Assert: "age" would otherwise read as the columns a, g, e
    with pytest.raises(TypeError):
        measure_risk(_patients(), "age")


def test_report_holds_no_value_even_for_a_planted_unique():
    # Setup: a canary in a quasi-identifier and in the sensitive column
    frame = _patients()
    frame.loc[5, "sex"] = "CANARY-QI-7f3a"
    frame.loc[5, "dx"] = "CANARY-DX-91bc"

    # Run
    risk = measure_risk(frame, ["age", "sex"], sensitive="dx")

    # Assert
    text = repr(risk) + json.dumps(risk.to_dict())
    assert "CANARY" not in text
    assert "gout" not in text and "flu" not in text


def test_class_keys_do_not_overflow_with_many_wide_columns():
    # Setup: 10 columns of 200,000 distinct values each would overflow a naive radix key
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"c{i}": rng.permutation(200_000) for i in range(10)})
    frame = pd.concat([frame, frame.iloc[:3]], ignore_index=True)

    # Run
    risk = measure_risk(frame, list(frame.columns))

    # Assert
    assert risk.classes == 200_000
    assert risk.size_histogram == ((1, 199_997), (2, 3))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", None]), st.integers(0, 3), st.sampled_from(["x", "y", "z"])),
        min_size=0,
        max_size=30,
    )
)
def test_measures_agree_with_a_plain_python_count(records):
    # Setup
    frame = pd.DataFrame(records, columns=["q1", "q2", "s"], dtype=object)
    classes: dict[tuple, list] = {}
    for q1, q2, s in records:
        classes.setdefault((q1, q2), []).append(s)

    # Run
    risk = measure_risk(frame, ["q1", "q2"], sensitive="s")

    # Assert
    sizes = sorted(len(v) for v in classes.values())
    assert risk.classes == len(classes)
    assert risk.k == (sizes[0] if sizes else 0)
    assert risk.l == (min(len(set(v)) for v in classes.values()) if classes else 0)
    assert risk.unique_records == sizes.count(1)
    assert list(risk.smallest_class_sizes) == sizes[:5]


def test_class_ids_follow_first_appearance():
    # Setup
    codes, cards = qi_codes(pd.DataFrame({"a": ["y", "x", "y", None]}), ["a"])

    # Run
    ids, n = class_ids(codes, cards)

    # Assert
    assert ids.tolist() == [0, 1, 0, 2]
    assert n == 3
