"""split_holdout: seeded, disjoint, complete, and refused when a side would be empty."""
from __future__ import annotations

import pandas as pd
import pytest

from synthgate.evaluation import EmptyTableError, split_holdout, table_sha256


def test_the_split_is_seeded_disjoint_and_complete():
    # Setup
    frame = pd.DataFrame({"x": range(100)})

    # Run
    first, again, other = (split_holdout(frame, 0.2, seed=s) for s in (7, 7, 8))

    # Assert
    assert len(first.holdout) == 20 and len(first.training) == 80
    assert sorted([*first.holdout["x"], *first.training["x"]]) == list(range(100))
    assert first.holdout["x"].tolist() == again.holdout["x"].tolist()
    assert first.holdout["x"].tolist() != other.holdout["x"].tolist()
    assert first.mask.sum() == 20 and frame["x"][first.mask].tolist() == first.holdout["x"].tolist()


def test_facts_hold_counts_and_a_hash_but_no_value():
    split = split_holdout(pd.DataFrame({"x": range(10)}), 0.3, seed=0)
    facts = split.facts()
    assert facts == {"fraction": 0.3, "seed": 0, "rows": 3, "training_rows": 7, "sha256": table_sha256(split.holdout),
                     "grouped_by": None, "groups": None}


def test_a_grouped_split_keeps_each_subjects_rows_on_one_side():
    # Setup: 40 patients with 1-4 tests each, 5 rows without a patient key
    patients = [f"p{i}" for i in range(40) for _ in range(1 + i % 4)] + [None] * 5
    frame = pd.DataFrame({"patient": patients, "x": range(len(patients))})

    # Run
    split = split_holdout(frame, 0.25, seed=3, groups=frame["patient"], group_name="patient")

    # Assert: 11 of 45 subjects (40 patients, 5 keyless rows), none on both sides
    held = set(split.holdout["patient"].dropna())
    assert held and not held & set(split.training["patient"].dropna())
    assert split.groups == 45 and split.facts()["grouped_by"] == "patient"
    assert len(split.holdout) + len(split.training) == len(frame)
    subjects = split.holdout["patient"].nunique() + split.holdout["patient"].isna().sum()
    assert subjects == round(0.25 * 45)


def test_a_grouped_split_refuses_keys_of_another_length():
    with pytest.raises(ValueError, match="one subject key per row"):
        split_holdout(pd.DataFrame({"x": range(4)}), 0.5, groups=pd.Series(["a", "b"]))


def test_the_hash_changes_with_any_cell_and_not_with_the_index():
    frame = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", None]})
    assert table_sha256(frame) == table_sha256(frame.set_axis([7, 8, 9]))
    assert table_sha256(frame) != table_sha256(frame.assign(y=["a", "b", "c"]))
    assert len(table_sha256(frame)) == 64


@pytest.mark.parametrize("rows, fraction, side", [(2, 0.2, "holdout"), (4, 0.9, "training")])
def test_a_split_that_leaves_a_side_empty_is_refused(rows, fraction, side):
    with pytest.raises(EmptyTableError, match=rf"^{side} table would have no rows: {rows} row\(s\)"):
        split_holdout(pd.DataFrame({"x": range(rows)}), fraction)
