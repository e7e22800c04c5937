"""A plan applied as partitions (privacy.PlanStream fitted_state/use_fitted, partial/absorb): the values and the
report of the whole table, whatever the partitions, as flows/partitions.py runs them on Dask workers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate import privacy

KEY = privacy.PseudonymKey(b"partition-test-key-0123456789abcdef-01")


def _table(rows: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    return pd.DataFrame({
        "patient": [f"P{i % 70:04d}" for i in range(rows)],
        "age": rng.integers(0, 99, rows),
        "income": rng.normal(50_000, 9_000, rows).round(2),
        "admitted": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D"),
        "ward": rng.choice(["A", "B", "C", "rare1", "rare2"], rows, p=[.4, .3, .26, .02, .02]),
        "note": [f"seen {i}, called back" if i % 3 else None for i in range(rows)],
    })


def _plan() -> privacy.PseudonymisationPlan:
    spec = [("patient", "id", "pseudonymise", None),
            ("age", "numerical", "generalise", {"rule": "age_band", "width": 10, "top": 80}),
            ("income", "numerical", "generalise", {"rule": "top_bottom_code", "upper_quantile": 0.95}),
            ("admitted", "datetime", "date_shift", None),
            ("ward", "categorical", "generalise", {"rule": "merge_rare", "min_count": 10, "other_label": "other"}),
            ("note", "text", "redact_text", None)]
    columns = tuple(privacy.ColumnPlan(c, k, a, rule=privacy.parse_rule(r) if r else None) for c, k, a, r in spec)
    return privacy.PseudonymisationPlan(columns, date_shift=privacy.DateShift(subject="patient", max_days=30))


def _partitioned(table: pd.DataFrame, bounds: list[int]) -> tuple[pd.DataFrame, privacy.PseudonymisationReport]:
    driver = privacy.PlanStream(_plan(), KEY)
    for name in driver.columns_to_fit():
        driver.fit(name, [table[name]])
    state, pieces = driver.fitted_state(), []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        worker = privacy.PlanStream(_plan(), KEY)  # another process would build its own
        worker.use_fitted(state)
        pieces.append(worker.apply(table.iloc[start:stop]))
        driver.absorb(worker.partial())
    return pd.concat(pieces, ignore_index=True), driver.report()


@pytest.mark.parametrize("bounds", [[0, 300], [0, 1, 150, 299, 300], [0, 37, 74, 111, 148, 185, 222, 259, 300]])
def test_partitions_give_the_whole_tables_values_and_report(bounds):
    # Setup
    table = _table()
    whole = privacy.apply_plan(table, _plan(), KEY)

    # Run
    frame, report = _partitioned(table, bounds)

    # Assert: every cell, the fitted dtypes, and every count (distinct pseudonyms and shifted subjects too)
    pd.testing.assert_frame_equal(frame, whole.frame)
    assert report.to_dict() == whole.report.to_dict()
    assert report.rows == 300


def test_a_partition_without_the_fitted_rules_is_refused_and_a_foreign_state_too():
    # Setup
    table = _table()
    worker = privacy.PlanStream(_plan(), KEY)

    # Run / Assert: applying before the whole-column rules are known would band or merge from one partition alone
    with pytest.raises(ValueError, match="fit column"):
        worker.apply(table.iloc[:50])
    with pytest.raises(ValueError, match="not in this plan"):
        worker.use_fitted({"salary": None})


def test_absorbing_a_partition_twice_counts_it_twice():
    # Setup: the report adds what it absorbs, so a partition lost or repeated shows in its row count
    table = _table()
    driver = privacy.PlanStream(_plan(), KEY)
    for name in driver.columns_to_fit():
        driver.fit(name, [table[name]])
    worker = privacy.PlanStream(_plan(), KEY)
    worker.use_fitted(driver.fitted_state())
    worker.apply(table.iloc[:100])

    # Run
    driver.absorb(worker.partial())
    driver.absorb(worker.partial())

    # Assert: rows and cells doubled; distinct pseudonyms are a set and stay
    report = driver.report().to_dict()
    once = worker.report().to_dict()
    assert report["rows"] == 200 == 2 * once["rows"]
    patient = next(c for c in report["columns"] if c["column"] == "patient")
    assert patient["distinct_pseudonyms"] == next(c for c in once["columns"] if c["column"] == "patient")[
        "distinct_pseudonyms"]
