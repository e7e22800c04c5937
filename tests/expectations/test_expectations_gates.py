"""Tests for expectations.gates: each gate on 4-row frames, dtype robustness, exact matching."""

import time

import numpy as np
import pandas as pd
import pytest

from synthgate.expectations import GATE_COLUMNS, ValidationRunError, privacy_gate_frame

TRAINING = pd.DataFrame(
    {
        "pid": ["PS-1", "PS-2", "PS-3", "PS-4"],
        "age": [30, 41, np.nan, 67],
        "sex": ["F", "M", "F", None],
        "visit": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", None]),
    }
)
LEARNED = ["age", "sex", "visit"]


def gates(synthetic, training=TRAINING, learned=LEARNED, identifiers=("pid",), pseudonyms=(),
          raw_identifiers=(), raw_values=()):
    return privacy_gate_frame(
        synthetic,
        training=training,
        learned_columns=list(learned),
        identifier_columns=list(identifiers),
        pseudonyms=set(pseudonyms),
        raw_identifiers=set(raw_identifiers),
        raw_sensitive_values=set(raw_values),
    )


def synthetic_frame(**overrides):
    frame = pd.DataFrame(
        {
            "pid": ["S-1", "S-2", "S-3", "S-4"],
            "age": [31, 41, 50, 67],
            "sex": ["F", "M", "F", "M"],
            "visit": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-05-01", "2020-06-01"]),
        },
        index=[10, 11, 12, 13],  # a non-default index is kept
    )
    return frame.assign(**overrides)


def test_gate_frame_shape_and_all_clear():
    # Setup
    synthetic = synthetic_frame(age=[31, 42, 50, 67])

    # Run
    frame = gates(synthetic, pseudonyms=TRAINING["pid"], raw_identifiers=["900101-1234567"],
                  raw_values=["Kim Minjun"])

    # Assert
    assert list(frame.columns) == list(GATE_COLUMNS)
    assert frame.index.equals(synthetic.index)
    assert (frame.dtypes == bool).all()
    assert not frame.to_numpy().any()


def test_copies_training_row_flags_only_whole_row_copies():
    # Setup: row 11 copies training row 2 over the learned columns; pid differs (not learned)
    synthetic = synthetic_frame()

    # Run
    flagged = gates(synthetic)["copies_training_row"]

    # Assert: row 10 differs in age only, so it is not a copy
    assert flagged.tolist() == [False, True, False, False]


def test_copies_training_row_treats_null_as_equal_to_null():
    # Setup: training row 3 is (NaN, "F", 2020-03-01); row 4 is (67, None, NaT)
    synthetic = synthetic_frame(
        age=[np.nan, 67.0, np.nan, 1.0],
        sex=["F", None, None, "F"],
        visit=pd.to_datetime(["2020-03-01", None, "2020-03-01", "2020-03-01"]),
    )

    # Run
    flagged = gates(synthetic)["copies_training_row"]

    # Assert
    assert flagged.tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([30.0, 41.0, 1.0, 2.0]),  # float vs training's float-with-NaN
        pd.Series([30, 41, 1, 2], dtype="int64"),  # int vs float: 41 == 41.0
        pd.Series([30, 41, 1, 2], dtype="Int32"),
        pd.Series(["30", "41", "x", "y"], dtype=object),  # numeric text reads as a number
    ],
    ids=["float", "int64", "Int32", "numeric-text"],
)
def test_copies_training_row_is_robust_to_numeric_dtypes(column):
    # Setup
    synthetic = synthetic_frame(age=column.to_numpy())

    # Run
    flagged = gates(synthetic, learned=["age"])["copies_training_row"]

    # Assert
    assert flagged.tolist() == [True, True, False, False]


def test_copies_training_row_is_robust_to_categorical_strings_and_datetime_units():
    # Setup
    synthetic = synthetic_frame(
        age=[30, 41, 5, 6],
        sex=pd.Categorical(["F", "M", "F", "M"]),
        visit=pd.to_datetime(["2020-01-01", "2020-02-01", "2020-01-01", "2020-01-01"])
        .tz_localize("UTC")
        .as_unit("s"),
    )
    training = TRAINING.assign(sex=TRAINING["sex"].astype("string"))

    # Run
    flagged = gates(synthetic, training=training)["copies_training_row"]

    # Assert
    assert flagged.tolist() == [True, True, False, False]


def test_identifier_gates_match_pseudonyms_and_raw_identifiers_as_text():
    # Setup: integral floats read as the integer's text; whitespace is stripped
    synthetic = synthetic_frame(
        pid=["PS-2", " 12345 ", "S-3", None], alt=[12345.0, 1.5, 7.0, np.nan]
    )

    # Run
    frame = gates(synthetic, identifiers=("pid", "alt"), pseudonyms=["PS-1", "PS-2"],
                  raw_identifiers=[12345, "7"])

    # Assert
    assert frame["identifier_matches_pseudonym"].tolist() == [True, False, False, False]
    assert frame["identifier_matches_raw_identifier"].tolist() == [True, True, True, False]


def test_contains_raw_value_is_an_exact_cell_match_over_text_columns():
    # Setup
    synthetic = synthetic_frame(
        # exact, substring, padded, null
        note=["Kim Minjun", "Dr Kim Minjun said hi", " Kim Minjun ", None],
        ward=pd.Categorical(["north", "south", "Lee", "north"]),
        code=pd.array(["a", "b", "c", ""], dtype="string"),
        age=[1, 2, 3, 4],  # numeric columns are not text cells
    )

    # Run
    raw_values = ["Kim Minjun", "Lee", "4", "", "  "]
    flagged = gates(synthetic, raw_values=raw_values)["contains_raw_value"]

    # Assert: the substring (row 11), the number 4 and the empty cell do not count
    assert flagged.tolist() == [True, False, True, False]


def test_contains_raw_value_also_checks_identifier_columns():
    # Setup
    synthetic = synthetic_frame(pid=["S-1", "900101-1234567", "S-3", "S-4"])

    # Run
    flagged = gates(synthetic, raw_values=["900101-1234567"])["contains_raw_value"]

    # Assert
    assert flagged.tolist() == [False, True, False, False]


@pytest.mark.parametrize(
    ("learned", "identifiers", "message"),
    [
        (["age", "height"], ("pid",), "learned columns missing from the synthetic table"),
        (["age", "ward"], ("pid",), "learned columns missing from the training table"),
        (["age"], ("pid", "nid"), "identifier columns missing from the synthetic table"),
    ],
)
def test_missing_columns_are_an_error(learned, identifiers, message):
    # Setup
    synthetic = synthetic_frame(ward=["a", "b", "c", "d"])

    # Run / Assert
    with pytest.raises(ValidationRunError, match=message):
        gates(synthetic, learned=learned, identifiers=identifiers)


def test_empty_inputs_give_no_flags():
    # Setup
    synthetic = synthetic_frame()

    # Run
    frame = gates(synthetic, learned=[], identifiers=())
    empty = gates(synthetic.iloc[:0])

    # Assert
    assert not frame.to_numpy().any()
    assert empty.shape == (0, len(GATE_COLUMNS))


def test_gate_frame_is_fast_on_50k_rows():
    # Setup
    rng = np.random.default_rng(0)
    rows = 50_000

    def table(prefix):
        return pd.DataFrame(
            {
                "pid": [f"{prefix}-{i}" for i in range(rows)],
                "age": rng.integers(0, 100, rows),
                "income": rng.normal(5e4, 1e4, rows),
                "ward": rng.choice(["north", "south", "east", "west"], rows),
                "visit": pd.Timestamp("2020-01-01")
                + pd.to_timedelta(rng.integers(0, 999, rows), "D"),
            }
        )

    training, synthetic = table("T"), table("S")
    synthetic.iloc[:7, 1:] = training.iloc[:7, 1:].to_numpy()

    # Run
    started = time.perf_counter()
    frame = gates(synthetic, training=training, learned=["age", "income", "ward", "visit"],
                  pseudonyms=training["pid"], raw_values=[f"name-{i}" for i in range(rows)])
    elapsed = time.perf_counter() - started

    # Assert
    assert frame["copies_training_row"].sum() == 7
    assert elapsed < 10


def test_null_is_not_equal_to_empty_text_or_the_text_nan():
    # Setup
    training = pd.DataFrame({"sex": ["", "nan", "None"]})
    synthetic = pd.DataFrame({"sex": [None, "", "nan", "NaN"]})

    # Run
    flagged = gates(synthetic, training=training, learned=["sex"], identifiers=())

    # Assert
    assert flagged["copies_training_row"].tolist() == [False, True, True, False]
