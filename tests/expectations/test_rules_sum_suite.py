"""A sum rule as a GX expectation: kept sums pass, a table that breaks one fails it, and GX counts as the share does."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.expectations import (
    build_privacy_suite,
    build_synthetic_suite,
    check_rules,
    privacy_gate_frame,
    profile_training,
    render_failures,
    validate_release,
)

N = 400
RULES = [
    {"type": "sum", "column": "paid_total", "terms": ["paid_principal", "paid_interest"], "tolerance": 0.005},
    {"type": "sum", "column": "balance", "terms": ["loan_amount", "paid_principal"], "signs": [1, -1]},
]
KINDS = {"loan_amount": "numerical", "paid_principal": "numerical", "paid_interest": "numerical",
         "paid_total": "numerical", "balance": "numerical"}


def _table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    loan = rng.integers(10, 300, N) * 100
    principal = (loan * rng.uniform(0, 0.6, N)).round(2)
    interest = (principal * rng.uniform(0.05, 0.3, N)).round(2)
    frame = pd.DataFrame({"loan_amount": loan, "paid_principal": principal, "paid_interest": interest,
                          "paid_total": (principal + interest).round(2), "balance": (loan - principal).round(2)})
    frame["paid_interest"] = frame["paid_interest"].mask(rng.random(N) < 0.1)  # no sum to check there
    frame.loc[frame["paid_interest"].isna(), "paid_total"] = np.nan
    return frame


REAL = _table(0)


def _validate(synthetic: pd.DataFrame, docs_dir):
    profile = profile_training(REAL, KINDS, protection=5)
    gates = privacy_gate_frame(synthetic, training=REAL, learned_columns=[], identifier_columns=[],
                               pseudonyms=set(), raw_identifiers=set(), raw_sensitive_values=set())
    check = check_rules(synthetic, REAL, RULES, protection=5)
    summary = validate_release(synthetic, gates, docs_dir=docs_dir, rules=check,
                               synthetic_suite=build_synthetic_suite(profile, expected_rows=len(synthetic)),
                               privacy_suite=build_privacy_suite())
    return check, summary


def test_a_table_that_keeps_every_sum_passes_with_both_shares(tmp_path):
    # Run
    check, summary = _validate(_table(1), tmp_path / "docs")

    # Assert
    records = summary.to_dict()["rules"]
    assert [r["passed"] for r in records] == [True, True]
    assert [r["real_share"] for r in records] == [1.0, 1.0] and [r["synthetic_share"] for r in records] == [1.0, 1.0]
    assert records[1]["rule"] == {"type": "sum", "column": "balance", "terms": ["loan_amount", "paid_principal"],
                                  "signs": [1, -1]}
    assert records[0]["rule"]["tolerance"] == 0.005


@pytest.mark.parametrize("share", [0.05, 0.0125])
def test_a_table_that_breaks_a_sum_fails_it_and_the_share_counts_only_complete_rows(tmp_path, share):
    # Setup: paid_total a cent off in `share` of the rows where the rule applies
    synthetic = _table(1)
    applies = synthetic.index[synthetic["paid_total"].notna()]
    broken = applies[: int(round(share * len(applies)))]
    synthetic.loc[broken, "paid_total"] += 0.01

    # Run
    check, summary = _validate(synthetic, tmp_path / "docs")

    # Assert: GX's verdict agrees with the share over the complete rows (nulls left out on both sides)
    records = summary.to_dict()["rules"]
    assert [r["passed"] for r in records] == [False, True]
    assert records[0]["synthetic_share"] == pytest.approx(1 - len(broken) / len(applies))
    outcome = [o for o in summary.outcomes if o.suite == "data_rules" and not o.success]
    assert len(outcome) == 1
    lines = [line for line in render_failures(summary) if line.startswith("data_rules")]
    assert len(lines) == 1 and "paid_total = paid_principal + paid_interest" in lines[0]
    assert not summary.success


def test_rows_missing_a_value_are_left_out_by_gx_as_by_the_share(tmp_path):
    # Setup: 1% of the complete rows broken (passes at 99%); counted over all rows, a tenth are null
    synthetic = _table(1)
    applies = synthetic.index[synthetic["paid_total"].notna()]
    broken = applies[: len(applies) // 100]
    synthetic.loc[broken, "paid_total"] -= 0.02

    # Run
    check, summary = _validate(synthetic, tmp_path / "docs")

    # Assert
    assert synthetic["paid_total"].isna().mean() > 0.05
    assert check.frame["__rule_0_sum"].isna().sum() == synthetic["paid_total"].isna().sum()
    assert summary.rules[0]["synthetic_share"] == pytest.approx(1 - len(broken) / len(applies))
    assert summary.rules[0]["synthetic_share"] >= 0.99 and summary.rules[0]["passed"]
