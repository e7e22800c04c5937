"""Tests for expectations.validate with real GX: pass, fail, offline Data Docs, and no leaked records."""

import html
import json
import re
import socket
import tempfile
import threading

import numpy as np
import pandas as pd
import pytest

from synthgate.expectations import (
    GATE_COLUMNS,
    ValidationRunError,
    build_privacy_suite,
    build_synthetic_suite,
    privacy_gate_frame,
    profile_training,
    render_failures,
    validate_release,
)

# Every string containing "CANARY" lives only in training data or raw sets, unless a test
# plants it in the synthetic table on purpose; none may ever reach docs or summary.
TRAINING = pd.DataFrame(
    {
        "pid": [f"PSEUDO-CANARY-00{i}" for i in range(1, 5)],
        "income": [1234.5678, 5000.0, 20000.0, 98765.4321],
        "sex": ["F", "M", "F", "M"],
        "visit": pd.to_datetime(["1937-06-15", "1980-01-01", "1999-12-31", "2020-07-04"]),
        "smoker": [True, False, True, False],
    }
)
KINDS = {"pid": "id", "income": "numerical", "sex": "categorical", "visit": "datetime",
         "smoker": "boolean"}
LEARNED = ["income", "sex", "visit", "smoker"]
RAW_IDENTIFIERS = {"RAWID-CANARY-900101", "RAWID-CANARY-900102"}
RAW_VALUES = {"RAWVAL-CANARY-홍길동", "RAWVAL-CANARY-KIM"}
# Four rows cannot meet k=5, so these plumbing tests turn protection off (k=1); the protected
# profile has tests of its own below and in test_expectations_profile.py.
PROFILE = profile_training(TRAINING, KINDS, protection=1)
# Exact training extremes: published only rounded (1200..99000, 1937-06-01..2020-08-01).
EXACT_EXTREMES = ["1234.5678", "98765.4321", "98765.43", "1937-06-15", "2020-07-04"]


def synthetic_table(**overrides):
    frame = pd.DataFrame(
        {
            "pid": ["S-1", "S-2", "S-3", "S-4"],
            "income": [1500.0, 3000.0, 50000.0, 90000.0],
            "sex": ["F", "M", "M", "F"],
            "visit": pd.to_datetime(["1950-01-01", "1990-05-05", "2001-01-01", "2019-09-09"]),
            "smoker": [False, False, True, True],
        }
    )
    return frame.assign(**overrides)


def run(synthetic, docs_dir, expected_rows=4):
    gate_frame = privacy_gate_frame(
        synthetic,
        training=TRAINING,
        learned_columns=LEARNED,
        identifier_columns=["pid"],
        pseudonyms=set(TRAINING["pid"]),
        raw_identifiers=RAW_IDENTIFIERS,
        raw_sensitive_values=RAW_VALUES,
    )
    return validate_release(
        synthetic,
        gate_frame,
        synthetic_suite=build_synthetic_suite(PROFILE, expected_rows=expected_rows),
        privacy_suite=build_privacy_suite(),
        docs_dir=docs_dir,
    )


def failed(summary):
    return {(o.suite, o.expectation, o.column) for o in summary.failures()}


def assert_no_canary(summary, docs_dir):
    texts = {"summary": json.dumps(summary.to_dict(), ensure_ascii=False)}
    texts.update(
        {str(p): p.read_text("utf-8", "replace") for p in docs_dir.rglob("*") if p.is_file()}
    )
    needles = ["CANARY", *EXACT_EXTREMES, *(json.dumps(v)[1:-1] for v in RAW_VALUES)]
    for where, text in texts.items():
        for needle in needles:
            assert needle not in text and needle not in html.unescape(text), (where, needle)


def test_a_passing_release(tmp_path):
    # Setup
    docs_dir = tmp_path / "docs"

    # Run
    summary = run(synthetic_table(), docs_dir)

    # Assert
    assert summary.success, render_failures(summary)
    assert (summary.evaluated, summary.failed) == (34, 0)
    assert summary.failures() == () and render_failures(summary) == []
    assert summary.docs_index == "index.html"
    index = (docs_dir / "index.html").read_text("utf-8")
    assert index.lstrip().lower().startswith("<!doctype html") and "</html>" in index
    assert [p.name for p in docs_dir.iterdir()] == ["index.html"]  # one self-contained page
    assert 'id="suite-synthetic_table"' in index and 'id="suite-privacy_gates"' in index
    assert index.count("✓ passed") == 34
    assert json.loads(json.dumps(summary.to_dict()))["success"] is True
    assert_no_canary(summary, docs_dir)


def test_a_failing_release_names_expectations_and_columns(tmp_path):
    # Setup: an unseen category, a fifth row, and row 1 copying training row 1
    synthetic = pd.concat([synthetic_table(sex=["F", "M", "X", "F"]), synthetic_table().iloc[:1]])
    synthetic = synthetic.reset_index(drop=True)
    synthetic.loc[1, LEARNED] = TRAINING.loc[1, LEARNED]
    synthetic["pid"] = [f"S-{i}" for i in range(5)]

    # Run
    summary = run(synthetic, tmp_path / "docs")

    # Assert
    assert not summary.success
    assert failed(summary) == {
        ("synthetic_table", "expect_column_values_to_be_in_set", "sex"),
        ("synthetic_table", "expect_table_row_count_to_equal", None),
        ("privacy_gates", "expect_column_values_to_be_in_set", "copies_training_row"),
    }
    assert summary.failed == 3
    observed = {o.column: o.observed for o in summary.failures()}
    assert observed == {
        "sex": "unexpected_percent=20%",
        None: "observed_value=5",
        "copies_training_row": "unexpected_percent=20%",
    }
    lines = render_failures(summary)
    assert (
        "privacy_gates: expect_column_values_to_be_in_set on copies_training_row failed "
        "(unexpected_percent=20%)"
    ) in "\n".join(lines)
    assert any(line.startswith("synthetic_table: expect_table_row_count_to_equal on the table")
               for line in lines)


def test_canaries_never_reach_docs_or_summary_even_when_gates_fail(tmp_path):
    # Setup: a copied row, a pseudonym and a raw identifier as ids, a raw value as a category
    synthetic = synthetic_table(
        pid=["PSEUDO-CANARY-002", "RAWID-CANARY-900101", "S-3", "S-4"],
        sex=["F", "RAWVAL-CANARY-KIM", "M", "F"],
    )
    synthetic.loc[3, LEARNED] = TRAINING.loc[1, LEARNED]
    docs_dir = tmp_path / "docs"

    # Run
    summary = run(synthetic, docs_dir)

    # Assert: every gate failed, yet no canary (planted in the synthetic table or not) shows
    assert {c for s, _, c in failed(summary) if s == "privacy_gates"} == {
        "copies_training_row",
        "identifier_matches_pseudonym",
        "identifier_matches_raw_identifier",
        "contains_raw_value",
    }
    assert ("synthetic_table", "expect_column_values_to_be_in_set", "sex") in failed(summary)
    assert_no_canary(summary, docs_dir)


def test_gx_checks_categorical_tz_aware_string_and_nullable_columns(tmp_path):
    # Setup: dtypes GX 1.24 cannot type-check directly; validate_release gives it a view
    synthetic = synthetic_table(
        pid=pd.array(["S-1", "S-2", "S-3", "S-4"], dtype="string"),
        sex=pd.Categorical(["F", "M", "M", "F"]),
        visit=synthetic_table()["visit"].dt.tz_localize("Asia/Seoul"),
        smoker=pd.array([True, False, True, False], dtype="boolean"),
        income=pd.array([1500, 3000, 50000, 90000], dtype="Int64"),
    )

    # Run
    summary = run(synthetic, tmp_path / "docs")

    # Assert
    assert summary.success, render_failures(summary)


def test_a_check_that_cannot_run_fails_without_quoting_values(tmp_path):
    # Setup: text where numbers are expected makes GX's range check raise
    synthetic = synthetic_table(income=["RAWVAL-CANARY-KIM", "b", "c", "d"])

    # Run
    summary = run(synthetic, tmp_path / "docs")

    # Assert
    outcome = {(o.expectation, o.column): o for o in summary.outcomes}
    between = outcome[("expect_column_values_to_be_between", "income")]
    assert not between.success
    assert between.observed == "error: the check could not be evaluated"
    assert not outcome[("expect_column_values_to_be_in_type_list", "income")].success
    assert_no_canary(summary, tmp_path / "docs")


def test_an_earlier_docs_build_is_replaced(tmp_path):
    # Setup
    docs_dir = tmp_path / "docs"
    run(synthetic_table(sex=["F", "M", "X", "F"]), docs_dir)
    assert "✗ failed" in (docs_dir / "index.html").read_text("utf-8")
    (docs_dir / "validations").mkdir()  # as a GX site of an earlier synthgate version left it
    (docs_dir / "validations" / "old.html").write_text("<html></html>")

    # Run
    summary = run(synthetic_table(), docs_dir)

    # Assert
    assert summary.success
    assert [p.name for p in docs_dir.iterdir()] == ["index.html"]
    assert "✗ failed" not in (docs_dir / "index.html").read_text("utf-8")


@pytest.mark.parametrize("problem", ["docs_not_empty", "index_mismatch", "same_names"])
def test_bad_inputs_are_a_run_error(tmp_path, problem):
    # Setup
    synthetic = synthetic_table()
    gate_frame = privacy_gate_frame(
        synthetic, training=TRAINING, learned_columns=["income"], identifier_columns=["pid"],
        pseudonyms=set(), raw_identifiers=set(), raw_sensitive_values=set(),
    )
    docs_dir = tmp_path / "docs"
    privacy_suite = build_privacy_suite()
    if problem == "docs_not_empty":
        docs_dir.mkdir()
        (docs_dir / "stale.html").write_text("old")
    elif problem == "index_mismatch":
        gate_frame.index = gate_frame.index + 1
    else:
        privacy_suite = build_privacy_suite(name="synthetic_table")

    # Run / Assert
    with pytest.raises(ValidationRunError):
        validate_release(
            synthetic, gate_frame,
            synthetic_suite=build_synthetic_suite(PROFILE, expected_rows=4),
            privacy_suite=privacy_suite, docs_dir=docs_dir,
        )


def test_only_docs_dir_is_written_and_nothing_goes_on_the_network(tmp_path, monkeypatch):
    # Setup: a private temp dir catches GX's default temp docs site, if it were configured
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)

    # Run
    summary = run(synthetic_table(), tmp_path / "docs")

    # Assert
    assert summary.success
    assert list(system_tmp.iterdir()) == []
    assert attempts == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "system-tmp"]


def test_suites_can_be_reused_and_runs_can_overlap(tmp_path):
    # Setup
    synthetic = synthetic_table()
    gate_frame = pd.DataFrame(False, index=synthetic.index, columns=list(GATE_COLUMNS))
    suites = {
        "synthetic_suite": build_synthetic_suite(PROFILE, expected_rows=4),
        "privacy_suite": build_privacy_suite(),
    }
    results = {}

    def work(i):
        results[i] = validate_release(synthetic, gate_frame, docs_dir=tmp_path / f"d{i}", **suites)

    # Run
    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Assert
    assert [results[i].success for i in range(3)] == [True, True, True]
    assert all((tmp_path / f"d{i}" / "index.html").is_file() for i in range(3))


def test_summary_to_dict_is_json_and_value_free(tmp_path):
    # Run
    summary = run(synthetic_table(sex=["F", "M", "X", np.nan]), tmp_path / "docs")

    # Assert
    data = json.loads(json.dumps(summary.to_dict()))
    assert set(data) == {"success", "evaluated", "failed", "docs_index", "outcomes"}
    assert set(data["outcomes"][0]) == {
        "suite", "expectation", "column", "success", "description", "observed", "bound"
    }
    assert '"X"' not in json.dumps(data)


# A training table with a single-row extreme (68; the rest lie in 1-40) and a category held by
# 3 rows: with k=5 neither may appear in the suite, the summary or the Data Docs.
RARE_TRAINING = pd.DataFrame(
    {
        "stay": [*np.repeat(np.arange(1, 41), 5), 68],
        "clinic": ["Northclinic"] * 100 + ["Southclinic"] * 98 + ["Canaryclinic Xq"] * 3,
    }
)
RARE_KINDS = {"stay": "numerical", "clinic": "categorical"}


def protected_run(synthetic, docs_dir):
    profile = profile_training(RARE_TRAINING, RARE_KINDS, protection=5, rare_placeholder="_RARE_")
    return validate_release(
        synthetic,
        pd.DataFrame(False, index=synthetic.index, columns=list(GATE_COLUMNS)),
        synthetic_suite=build_synthetic_suite(profile, expected_rows=len(synthetic)),
        privacy_suite=build_privacy_suite(),
        docs_dir=docs_dir,
    )


def published_text(summary, docs_dir):
    return json.dumps(summary.to_dict(), ensure_ascii=False) + "".join(
        html.unescape(p.read_text("utf-8")) for p in docs_dir.rglob("*") if p.is_file()
    )


def test_protected_bounds_and_categories_pass_an_honest_release_and_name_no_rare_value(tmp_path):
    # Setup: what a generator with value protection samples: values of >= 5 rows, _RARE_
    synthetic = pd.DataFrame({"stay": [1, 12, 40, 33] * 25, "clinic": ["Northclinic", "Southclinic",
                                                                          "_RARE_", "Northclinic"] * 25})

    # Run
    summary = protected_run(synthetic, tmp_path / "docs")

    # Assert
    assert summary.success, render_failures(summary)
    text = published_text(summary, tmp_path / "docs")
    assert re.search(r"(?<![\w.])68(?![\w]|\.\d)", text) is None
    assert "Canaryclinic" not in text
    bounds = {o.column: o.bound for o in summary.outcomes if o.expectation ==
              "expect_column_values_to_be_between"}
    assert bounds == {"stay": "between 1 and 40, mostly 97.3%"}  # 1 of 201 rows beyond, plus noise
    assert "protected bounds: the 5th smallest and largest" in text


def test_a_rare_category_in_the_synthetic_table_fails_without_being_named(tmp_path):
    # Setup: a generator that reproduced the 3-row category (and the 68) in a quarter of its rows
    synthetic = pd.DataFrame({"stay": [1, 12, 68, 33] * 25, "clinic": ["Northclinic", "Southclinic",
                                                                          "Canaryclinic Xq", "Northclinic"] * 25})

    # Run
    summary = protected_run(synthetic, tmp_path / "docs")

    # Assert: both checks fail with a share, and neither value is published
    failures = {o.column: o.observed for o in summary.failures()}
    assert failures == {"stay": "unexpected_percent=25%", "clinic": "unexpected_percent=25%"}
    text = published_text(summary, tmp_path / "docs")
    assert "Canaryclinic" not in text
    assert re.search(r"(?<![\w.])68(?![\w]|\.\d)", text) is None
    assert "✗ failed" in (tmp_path / "docs" / "index.html").read_text("utf-8")


def test_data_docs_are_one_offline_page_with_no_url_and_no_script(tmp_path):
    # Run
    summary = run(synthetic_table(sex=["F", "M", "X", "F"]), tmp_path / "docs")

    # Assert: no address to fetch, no script to run, and a policy that forbids fetching anyway
    page = (tmp_path / "docs" / "index.html").read_text("utf-8")
    assert re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|<script|<link|@import|url\(", page, re.I) is None
    assert "default-src 'none'" in page
    sex = next(o for o in summary.failures() if o.column == "sex")
    assert sex.bound == "one of 2 values: F, M"  # the published categories, no synthetic value
    assert html.escape(sex.description) in page and ">unexpected percent=25%<" in page
