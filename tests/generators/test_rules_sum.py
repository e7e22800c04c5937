"""Sum rules: parsed, checked, measured on hand-checkable rows, and kept in every synthetic row by every generator."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate import generators
from synthgate.generators import rules as R
from synthgate.generators._rules_keep import KeptRules
from synthgate.generators.rules import kept_shares

KINDS = {"loan_amount": "numerical", "paid_principal": "numerical", "balance": "numerical",
         "paid_interest": "numerical", "paid_late_fees": "numerical", "paid_total": "numerical",
         "grade": "categorical", "fee_a": "numerical", "fee_b": "numerical", "fees": "numerical"}
SCHEMA = generators.TableSchema.from_mapping(KINDS)
RULES = [
    {"type": "sum", "column": "paid_total", "terms": ["paid_principal", "paid_interest", "paid_late_fees"]},
    {"type": "sum", "column": "balance", "terms": ["loan_amount", "paid_principal"], "signs": [1, -1],
     "tolerance": 0.005},
    {"type": "sum", "column": "fees", "terms": ["fee_a", "fee_b"]},
]
FAST = {"autoregressive": {"max_epochs": 3, "hidden": 16}, "gaussian_copula": {}}


def make_loans(rows: int = 1200, seed: int = 0) -> pd.DataFrame:
    """Lending Club's arithmetic: whole-dollar loans, payments in cents, rare late fees, a sum null with its term."""
    rng = np.random.default_rng(seed)
    loan = rng.integers(10, 400, rows) * 100
    principal = (loan * rng.uniform(0.0, 0.6, rows)).round(2)
    interest = (principal * rng.uniform(0.05, 0.3, rows)).round(2)
    late = np.where(rng.random(rows) < 0.03, rng.integers(1500, 5000, rows) / 100, 0.0)
    fee_a = rng.integers(0, 90, rows).astype(float)
    fee_b = np.where(rng.random(rows) < 0.25, np.nan, rng.integers(0, 40, rows).astype(float))
    frame = pd.DataFrame({
        "loan_amount": loan, "paid_principal": principal, "balance": (loan - principal).round(2),
        "paid_interest": interest, "paid_late_fees": late, "paid_total": (principal + interest + late).round(2),
        "grade": rng.choice(list("ABCD"), rows), "fee_a": fee_a, "fee_b": fee_b, "fees": fee_a + fee_b,
    })
    frame.loc[frame.index[-1], "balance"] += 250.0  # one real row breaks a sum (a refinanced loan)
    return frame[list(KINDS)]


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return make_loans()


def test_a_sum_parses_reads_as_arithmetic_and_is_derived_from_its_terms():
    # Run
    parsed = R.parse_rules(RULES)
    order = R.check_rules(parsed, SCHEMA)

    # Assert
    assert [R.describe_rule(rule) for rule in parsed] == [
        "paid_total = paid_principal + paid_interest + paid_late_fees", "balance = loan_amount - paid_principal",
        "fees = fee_a + fee_b"]
    assert sorted(order) == ["balance", "fees", "paid_total"]
    assert R.describe_rule(R.parse_rules([{"type": "sum", "column": "a", "terms": ["b"], "signs": [-1]}])[0]) == (
        "a = -b")
    assert R.check_rules(parsed, SCHEMA, dp=True) == order  # nothing is learned from the data: allowed under DP


@pytest.mark.parametrize(("rule", "words"), [
    ({"type": "sum", "column": "a", "terms": ["b", "c"], "signs": [1]}, "'signs': signs has 1 entries for 2 terms"),
    ({"type": "sum", "column": "a", "terms": ["b"], "signs": [2]}, "'signs'"),
    ({"type": "sum", "column": "a", "terms": []}, "rule 1 (sum): 'terms'"),
    ({"type": "sum", "column": "a", "terms": ["b"], "tolerance": -1}, "'tolerance'"),
])
def test_malformed_sums_are_one_line(rule, words):
    # Run
    with pytest.raises(generators.SchemaError) as caught:
        R.parse_rules([rule])

    # Assert
    assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("rules", "column", "words"), [
    ([{"type": "sum", "column": "fees", "terms": ["fee_a", "grade"]}], "grade", "is categorical, not numerical"),
    ([{"type": "sum", "column": "fees", "terms": ["fee_a", "fees"]}], "fees", "names a column twice"),
    ([{"type": "sum", "column": "fees", "terms": ["fee_a", "fee_b"]},
      {"type": "sum", "column": "fee_a", "terms": ["fees", "fee_b"], "signs": [1, -1]}], "fees", "cycle"),
    ([{"type": "sum", "column": "fees", "terms": ["fee_a", "fee_b"]},
      {"type": "equal", "columns": ["fee_a", "fees"]}], "fees", "derived by two rules"),
    ([{"type": "sum", "column": "fees", "terms": ["fee_a", "fee_b"]},
      {"type": "present_when", "column": "fees", "other": "fee_b"}], "fees", "state the presence rule on its source"),
])
def test_sums_that_misfit_the_schema_name_the_column(rules, column, words):
    # Run
    with pytest.raises(generators.SchemaError) as caught:
        R.check_rules(R.parse_rules(rules), SCHEMA)

    # Assert
    assert caught.value.column == column and words in str(caught.value)


def test_holds_on_four_rows_checkable_by_hand():
    # Setup: cents; row 2 is off by a cent, row 3 misses a term (a sum breaks only where all are present)
    frame = pd.DataFrame({"total": [10.50, 7.25, 3.00, 9.99], "a": [10.00, 5.00, 1.00, 9.99],
                          "b": [0.50, 2.24, np.nan, 0.0]})
    rule, loose = R.parse_rules([{"type": "sum", "column": "total", "terms": ["a", "b"]},
                                 {"type": "sum", "column": "total", "terms": ["a", "b"], "tolerance": 0.01}])
    schema = generators.TableSchema.from_mapping({"total": "numerical", "a": "numerical", "b": "numerical"})

    # Run / Assert: half a cent allowed by default (the unit recorded), a cent when stated
    assert R.holds(rule, frame, schema).tolist() == [True, False, True, True]
    assert R.holds(loose, frame, schema).tolist() == [True, True, True, True]
    assert R.finest_unit(np.array([1.0, 20.0, np.nan])) == 1.0 and R.finest_unit(np.array([0.5, 1.25])) == 0.01


def test_derived_sums_add_rounded_integer_terms_and_are_null_where_a_term_is():
    # Setup
    schema = generators.TableSchema.from_mapping({"total": "numerical", "a": "numerical", "b": "numerical"})
    kept = KeptRules.plan(R.parse_rules([{"type": "sum", "column": "total", "terms": ["a", "b"], "signs": [1, -1]}]),
                          schema)
    kept.learn(pd.DataFrame({"total": [1.5, 2.5, np.nan], "a": [2, 3, 4], "b": [0.5, 0.5, np.nan]}), protection=5)

    # Run: a model that draws fractions for an integer column
    rows = kept.complete(pd.DataFrame({"a": [2.4, 3.6, 7.0], "b": [0.25, np.nan, 1.5]}))

    # Assert
    assert kept.model_schema.names == ("a", "b")
    assert rows["a"].tolist() == [2.0, 4.0, 7.0]
    assert rows["total"].iloc[[0, 2]].tolist() == [1.75, 5.5] and np.isnan(rows["total"].iloc[1])
    assert kept.sum_nulls == {"total = a - b": {"column_missing_terms_present": 0.0,
                                                "column_present_term_missing": 0.0}}
    assert KeptRules.from_state(kept.to_state(), schema).integral == frozenset({"a"})


def test_a_whole_number_column_cannot_be_the_sum_of_fractions(loans):
    # Setup: loan_amount = balance + paid_principal holds, but derived loan amounts would be rounded
    rules = [{"type": "sum", "column": "loan_amount", "terms": ["balance", "paid_principal"]}]
    generator = generators.get_generator("gaussian_copula")(seed=1, rules=rules)

    # Run
    with pytest.raises(generators.SchemaError) as caught:
        generator.fit(loans, SCHEMA)

    # Assert
    assert caught.value.column == "loan_amount" and "solve the rule for a column with fractions" in str(caught.value)


@pytest.mark.parametrize("kind", ["autoregressive", "gaussian_copula"])
def test_every_synthetic_row_keeps_every_sum(kind, loans, tmp_path):
    # Setup
    real = kept_shares(RULES, loans, SCHEMA)
    generator = generators.get_generator(kind)(generators.parse_params(kind, FAST[kind]), seed=3, rules=RULES)
    generator.fit(loans, SCHEMA)

    # Run
    rows = generator.sample(1000, seed=5)
    generator.save(tmp_path / "model")
    again = generators.Generator.load(tmp_path / "model").sample(1000, seed=5)

    # Assert: the real rows break one sum once; every synthetic row keeps every sum
    assert real["balance = loan_amount - paid_principal"] == pytest.approx(1 - 1 / len(loans))
    assert kept_shares(RULES, rows, SCHEMA) == {R.describe_rule(rule): 1.0 for rule in R.parse_rules(RULES)}
    assert set(generator.rules_kept.kept.values()) == {1.0}
    complete = rows[list(KINDS)].drop(columns="grade").notna().all(axis=1)
    assert complete.mean() > 0.5  # the rule is tested on rows, not vacuously on nulls
    assert (rows["fees"].isna() == rows["fee_b"].isna()).all()  # null exactly where its term is, as in real rows
    assert str(rows["loan_amount"].dtype) == "int64"
    pd.testing.assert_frame_equal(rows, again)
    assert generator._kept.model_schema.names == (
        "loan_amount", "paid_principal", "paid_interest", "paid_late_fees", "grade", "fee_a", "fee_b")
    manifest = generator._kept.manifest()
    assert [entry["kept_by"] for entry in manifest] == ["construction"] * 3
    assert manifest[2]["nulls_in_training"] == {"column_missing_terms_present": 0.0,
                                                "column_present_term_missing": 0.0}


def test_whole_number_terms_with_nulls_add_up_to_a_whole_number_column_and_dp_measures_nothing():
    # Setup: fees is int64; fee_b holds whole numbers as floats (it has nulls); under dp
    schema = generators.TableSchema.from_mapping({"fees": "numerical", "fee_a": "numerical", "fee_b": "numerical"})
    frame = pd.DataFrame({"fee_a": [1, 2, 3, 4], "fee_b": [5.0, np.nan, 7.0, 8.0]})
    frame["fees"] = (frame["fee_a"] + frame["fee_b"].fillna(0)).astype("int64")
    kept = KeptRules.plan(R.parse_rules([{"type": "sum", "column": "fees", "terms": ["fee_a", "fee_b"]}]), schema,
                          dp=True)

    # Run
    kept.learn(frame[["fees", "fee_a", "fee_b"]], protection=5)
    rows = kept.complete(pd.DataFrame({"fee_a": [1.2, 2.0], "fee_b": [6.6, np.nan]}))

    # Assert: terms rounded to their grain, the sum whole; no training share is recorded under dp
    assert kept.integral == frozenset({"fees", "fee_a", "fee_b"})
    assert rows["fees"].iloc[0] == 8.0 and np.isnan(rows["fees"].iloc[1])
    assert kept.held == {} and kept.sum_nulls == {}
