"""Table order along generating links, cycles named, and integrity counts (orphans, duplicates, ties)."""
from __future__ import annotations

import pandas as pd
import pytest

from synthgate.relational import (
    CycleError,
    depth,
    duplicate_keys,
    generating_links,
    orphan_mask,
    orphans,
    propose_sequence,
    sequence_ties,
    table_order,
)


def _link(child, column, parent, parent_column="id"):
    return {"child": child, "column": column, "parent": parent, "parent_column": parent_column}


def test_parents_come_before_children_and_secondary_links_do_not_generate():
    # Setup: labs -> visits -> patients; visits also points at clinics (secondary); patients at itself
    keys = {"labs": None, "visits": "id", "clinics": "id", "patients": "id"}
    links = [_link("labs", "visit_id", "visits"), _link("visits", "patient_id", "patients"),
             _link("visits", "clinic_id", "clinics"), _link("patients", "case_id", "patients")]

    # Run
    order = table_order(keys, links)
    levels = depth(keys, links)
    generating = generating_links(links)

    # Assert
    assert order.index("patients") < order.index("visits") < order.index("labs")
    assert levels == {"clinics": 0, "patients": 0, "visits": 1, "labs": 2}
    assert set(generating) == {"labs", "visits"} and generating["visits"]["parent"] == "patients"


def test_a_cycle_is_one_error_naming_its_tables_in_order():
    # Setup
    keys = {"a": "id", "b": "id", "c": "id"}
    links = [_link("a", "c_id", "c"), _link("b", "a_id", "a"), _link("c", "b_id", "b")]

    # Run
    with pytest.raises(CycleError) as caught:
        table_order(keys, links)

    # Assert
    assert caught.value.tables == ["a", "c", "b"]
    assert "a -> c -> b -> a" in str(caught.value)


def test_orphans_duplicates_and_ties_are_counted():
    # Setup: keys as integers in the parent and integral floats (with a null) in the child
    parents = pd.DataFrame({"id": [1, 2, 3, 3]})
    child = pd.DataFrame({"pid": [1.0, 1.0, 2.0, 9.0, 9.0, None], "day": [0, 0, 5, 1, 2, 3]})
    tables = {"p": parents, "c": child}

    # Run
    found = orphans(tables, [_link("c", "pid", "p")])
    mask = orphan_mask(child["pid"], parents["id"])

    # Assert: two rows point at a key that is not there (one distinct); the null is not an orphan
    assert found == {"c.pid": {"child_rows": 6, "null_rows": 1, "orphan_rows": 2, "orphan_keys": 1}}
    assert mask.tolist() == [False, False, False, True, True, False]
    assert duplicate_keys(parents, "id") == 1
    # ... and a key read as text, an integer or an integral float is one key, as pseudonymisation reads it
    mixed = pd.DataFrame({"pid": pd.Series(["1", 2, 3.0, " 3 ", "3.5"], dtype=object)})
    assert orphans({"p": parents, "c": mixed}, [_link("c", "pid", "p")])["c.pid"]["orphan_rows"] == 1
    assert orphan_mask(mixed["pid"], parents["id"]).tolist() == [False, False, False, False, True]
    assert sequence_ties(child, "pid", "day") == {"groups_with_ties": 1, "tied_rows": 2}


def test_the_column_that_orders_each_parents_rows_is_proposed():
    # Setup: day orders each patient's visits; futime repeats on every visit; ward is no time
    visits = pd.DataFrame({"pid": [1, 1, 1, 2, 2, 3], "day": [0, 30, 60, 0, 45, 0],
                           "futime": [900, 900, 900, 400, 400, 50], "ward": [1, 2, 1, 2, 1, 2]})

    # Run
    found = propose_sequence(visits, "pid", table="visits", parent="patients")
    tied = propose_sequence(visits.assign(day=[0, 0, 60, 0, 0, 0]), "pid", table="visits", parent="patients")

    # Assert
    assert (found.kind, found.column, found.parent) == ("sequence", "day", "patients")
    assert found.evidence == {"parents_with_several_rows": 2, "distinct_share": 1.0, "rising_in_file_order": 1.0,
                              "tied_rows": 0, "datetime": False}
    assert tied is None  # 4 of 5 rows tied: no order
