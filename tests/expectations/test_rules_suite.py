"""Data rules as GX expectations: kept rules pass, broken ones fail, and validation records both shares."""

import json

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
    rule_mostly,
    validate_release,
)

N = 400
RULES = [
    {"type": "equal", "columns": ["amount", "amount_copy"]},
    {"type": "determines", "by": ["sub_grade"], "column": "grade"},
    {"type": "inequality", "low": "start", "high": "end"},
    {"type": "present_when", "column": "joint_income", "other": "application", "values": ["joint", "CANARY-RARE"]},
    {"type": "present_when", "column": "joint_ratio", "other": "joint_income", "reason": "held in every row"},
]


def _table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sub = rng.integers(0, 8, N)
    amount = rng.gamma(2.0, 100.0, N).round(2)
    start = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 300, N), unit="D")
    joint = rng.random(N) < 0.4
    income = np.where(joint, rng.integers(20, 90, N) * 1000.0, np.nan)
    application = np.where(joint, "joint", "individual").astype(object)
    application[:2] = "CANARY-RARE"  # 2 rows: fewer than k, never published
    income[:2] = np.nan
    return pd.DataFrame({
        "sub_grade": [f"S{v}" for v in sub], "grade": np.array(list("ABCD"))[sub // 2],
        "amount": amount, "amount_copy": amount,
        "start": start, "end": start + pd.to_timedelta(rng.integers(0, 60, N), unit="D"),
        "application": application, "joint_income": income,
        "joint_ratio": np.where(~np.isnan(income), rng.random(N).round(2), np.nan),
    })


REAL = _table(0)
KINDS = {"sub_grade": "categorical", "grade": "categorical", "amount": "numerical", "amount_copy": "numerical",
         "start": "datetime", "end": "datetime", "application": "categorical", "joint_income": "numerical",
         "joint_ratio": "numerical"}


def _break(frame: pd.DataFrame, rule: int, share: float = 0.05) -> pd.DataFrame:
    """Break one rule in ``share`` of the rows (the first ones that rule applies to)."""
    out = frame.copy()
    count = int(share * len(out))
    if rule == 0:
        out.loc[: count - 1, "amount_copy"] += 1.0
    elif rule == 1:
        first = out.index[out["sub_grade"] == "S0"][:count]
        out.loc[first, "grade"] = "D"
        # one S0 row with D among As: every such row breaks the modal mapping
    elif rule == 2:
        out.loc[: count - 1, "end"] = out.loc[: count - 1, "start"] - pd.Timedelta(days=1)
    elif rule == 3:
        rows = out.index[out["application"] == "individual"][:count]
        out.loc[rows, "joint_income"] = 1000.0
        out.loc[rows, "joint_ratio"] = 0.5
    else:
        rows = out.index[out["joint_income"].notna()][:count]
        out.loc[rows, "joint_ratio"] = np.nan
    return out


def _validate(synthetic: pd.DataFrame, docs_dir, real=REAL):
    profile = profile_training(REAL, KINDS, protection=5)
    gates = privacy_gate_frame(synthetic, training=REAL, learned_columns=[], identifier_columns=[],
                               pseudonyms=set(), raw_identifiers=set(), raw_sensitive_values=set())
    check = check_rules(synthetic, real, RULES, protection=5)
    summary = validate_release(synthetic, gates, docs_dir=docs_dir, rules=check,
                               synthetic_suite=build_synthetic_suite(profile, expected_rows=len(synthetic)),
                               privacy_suite=build_privacy_suite())
    return check, summary


def test_a_synthetic_table_that_keeps_every_rule_passes_and_records_both_shares(tmp_path):
    # Setup
    synthetic = _table(1)

    # Run
    _, summary = _validate(synthetic, tmp_path / "docs")

    # Assert
    records = summary.to_dict()["rules"]
    assert [r["passed"] for r in records] == [True] * 5
    assert [r["synthetic_share"] for r in records] == pytest.approx([1.0, 1.0, 1.0, 1 - 2 / N, 1.0])
    assert [r["real_share"] for r in records] == pytest.approx([1.0, 1.0, 1.0, 1 - 2 / N, 1.0])
    assert not [o for o in summary.outcomes if o.suite == "data_rules" and not o.success]
    assert records[0]["rule"] == {"type": "equal", "columns": ["amount", "amount_copy"]}


@pytest.mark.parametrize("broken", range(5))
def test_a_synthetic_table_that_breaks_a_rule_in_5_percent_of_rows_fails_that_rule(tmp_path, broken):
    # Setup
    synthetic = _break(_table(1), broken)

    # Run
    check, summary = _validate(synthetic, tmp_path / "docs")

    # Assert
    records = summary.to_dict()["rules"]
    assert [r["passed"] for r in records] == [i != broken for i in range(5)]
    assert records[broken]["synthetic_share"] < 0.99
    assert not summary.success
    lines = [line for line in render_failures(summary) if line.startswith("data_rules")]
    assert len(lines) == 1 and "Data rule:" in lines[0]


def test_the_gx_outcome_agrees_with_the_measured_share(tmp_path):
    # Setup: the inequality broken in exactly 1% of rows (4 of 400) passes at 99%, in 1.25% fails
    kept = _break(_table(1), 2, share=0.01)
    lost = _break(_table(1), 2, share=0.0125)

    # Run
    _, passing = _validate(kept, tmp_path / "a")
    _, failing = _validate(lost, tmp_path / "b")

    # Assert
    assert passing.rules[2]["synthetic_share"] == pytest.approx(0.99) and passing.rules[2]["passed"]
    assert failing.rules[2]["synthetic_share"] == pytest.approx(0.9875) and not failing.rules[2]["passed"]


def test_no_rare_value_reaches_the_summary_or_the_docs(tmp_path):
    # Setup
    synthetic = _table(1)

    # Run
    check, summary = _validate(synthetic, tmp_path / "docs")

    # Assert
    text = json.dumps(summary.to_dict()) + (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "CANARY" not in text
    assert check.rules[3]["values"] == ["joint"] and check.rules[3]["values_not_shown"] == 1
    assert "reason" not in check.rules[4]


def test_under_dp_no_real_share_is_read_and_the_target_applies(tmp_path):
    # Run
    check, summary = _validate(_break(_table(1), 0, share=0.02), tmp_path / "docs", real=None)

    # Assert
    assert check.real_shares == (None,) * 5
    assert [r["passed"] for r in summary.rules] == [False, True, True, True, True]


def test_rule_mostly_asks_less_where_real_rows_keep_a_rule_less():
    # Run / Assert
    assert rule_mostly(1.0, 1000) == 0.99
    assert rule_mostly(0.9995, 10_000) == 0.99
    assert rule_mostly(0.97, 10_000) == pytest.approx(0.964)
    assert rule_mostly(0.97, 10_000) < 0.97
