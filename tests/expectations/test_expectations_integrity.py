"""Referential integrity as GX expectations (expectations/relational.py): one per foreign key, no key shown."""

import pandas as pd
import pytest

from synthgate.expectations import (
    GATE_COLUMNS,
    ValidationRunError,
    build_integrity_privacy_suite,
    build_synthetic_suite,
    integrity_column,
    integrity_gate_frame,
    profile_training,
    validate_release,
)

PARENTS = pd.Series(["p-CANARY-1", "p-CANARY-2"])
CHILD = pd.DataFrame({"visit": ["v1", "v2", "v3", "v4"], "patient": ["p-CANARY-1", "p-CANARY-2", None, "p-CANARY-9"],
                      "day": [1.0, 2.0, 3.0, 4.0]})


def test_a_key_naming_no_parent_is_flagged_and_an_empty_key_is_not():
    # Setup / Run
    frame = integrity_gate_frame(CHILD, {"patient": PARENTS})

    # Assert: booleans only, True marks the one dangling key
    assert list(frame.columns) == [integrity_column("patient")]
    assert frame[integrity_column("patient")].tolist() == [False, False, False, True]
    assert frame.index.equals(CHILD.index)


def test_a_missing_foreign_key_column_is_a_run_error():
    # Setup / Run / Assert
    with pytest.raises(ValidationRunError, match="nurse"):
        integrity_gate_frame(CHILD, {"nurse": PARENTS})


@pytest.mark.parametrize("keys", [["p-CANARY-1", "p-CANARY-2", None, "p-CANARY-2"],
                                  ["p-CANARY-1", "p-CANARY-2", None, "p-CANARY-9"]])
def test_gx_fails_exactly_the_integrity_expectation_without_naming_a_key(tmp_path, keys):
    # Setup: a child table whose last key is (or is not) a parent's
    child = CHILD.assign(patient=keys)
    gates = pd.concat([pd.DataFrame(False, index=child.index, columns=list(GATE_COLUMNS)),
                       integrity_gate_frame(child, {"patient": PARENTS})], axis=1)
    profile = profile_training(child[["visit", "day"]], {"visit": "id", "day": "numerical"})

    # Run
    summary = validate_release(
        child[["visit", "day"]], gates, docs_dir=tmp_path / "docs",
        synthetic_suite=build_synthetic_suite(profile, expected_rows=4, name="visits_synthetic_table"),
        privacy_suite=build_integrity_privacy_suite([("patient", "patients.id")], name="visits_privacy_gates"))

    # Assert: one expectation per foreign key; it alone fails on the dangling key; nothing shows a key
    integrity = [o for o in summary.outcomes if o.column == integrity_column("patient")]
    assert len(integrity) == 2 and "Referential integrity" in integrity[1].description
    dangling = keys[-1] == "p-CANARY-9"
    assert [o.column for o in summary.failures()] == ([integrity_column("patient")] if dangling else [])
    published = (tmp_path / "docs" / "index.html").read_text() + str(summary.to_dict())
    assert "CANARY" not in published
