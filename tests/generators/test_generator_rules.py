"""Rules: parsing, checks against the schema, the per-row measure, and keeping them around a stand-in model."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate import generators
from synthgate.generators import rules as R
from synthgate.generators._rules_keep import _STREAM, KeptRules
from synthgate.generators._seeding import derive_seed

SCHEMA = generators.TableSchema.from_mapping({
    "a": "categorical", "b": "categorical", "c": "categorical", "x": "numerical", "y": "numerical",
    "start": "datetime", "end": "datetime", "kind": "categorical", "extra": "numerical",
})


def _days(*days: int | None) -> pd.Series:
    return pd.Series([pd.NaT if d is None else pd.Timestamp(2020, 1, d) for d in days], dtype="datetime64[ns]")


def test_rule_dicts_parse_with_held_and_reason():
    # Run
    parsed = R.parse_rules([
        {"type": "equal", "columns": ["x", "y"]},
        {"type": "determines", "by": ["a"], "column": "b", "held": 0.999, "reason": "detected"},
        {"type": "inequality", "low": "start", "high": "end", "strict": True},
        {"type": "present_when", "column": "extra", "other": "kind", "values": ["joint"]},
    ])

    # Assert
    assert [rule.type for rule in parsed] == ["equal", "determines", "inequality", "present_when"]
    assert [R.describe_rule(rule) for rule in parsed] == [
        "y = x", "a -> b", "start < end", "extra present when kind in 1 value"]


@pytest.mark.parametrize(("rules", "words"), [
    ([{"type": "same", "columns": ["x", "y"]}], "type must be one of"),
    ([{"type": "equal", "columns": ["x"]}], "rule 1 (equal): 'columns'"),
    ([{"type": "determines", "by": ["a"], "colum": "b"}], "'colum': unknown key"),
    ([{"type": "inequality", "low": "x", "high": "y", "held": 2}], "'held'"),
    ({"type": "equal", "columns": ["x", "y"]}, "a list of rule mappings"),
])
def test_malformed_rules_are_one_line_naming_rule_and_key(rules, words):
    # Run
    with pytest.raises(generators.SchemaError) as caught:
        R.parse_rules(rules)

    # Assert
    assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("rules", "column", "words"), [
    ([{"type": "determines", "by": ["a"], "column": "b"}, {"type": "determines", "by": ["b"], "column": "a"}],
     "b", "cycle (b -> a -> b)"),
    ([{"type": "equal", "columns": ["x", "y"]}, {"type": "equal", "columns": ["y", "x"]}], "y", "cycle"),
    ([{"type": "determines", "by": ["a"], "column": "b"}, {"type": "determines", "by": ["c"], "column": "b"}],
     "b", "derived by two rules"),
    ([{"type": "equal", "columns": ["a", "x"]}], "x", "kinds categorical, numerical"),
    ([{"type": "inequality", "low": "a", "high": "b"}], "a", "cannot be constrained"),
    ([{"type": "present_when", "column": "b", "other": "zz"}], "zz", "not a learned column"),
    ([{"type": "equal", "columns": ["x", "y"]}, {"type": "present_when", "column": "y", "other": "a"}],
     "y", "state the presence rule on its source"),
])
def test_rules_that_misfit_the_schema_name_the_column(rules, column, words):
    # Run
    with pytest.raises(generators.SchemaError) as caught:
        R.check_rules(R.parse_rules(rules), SCHEMA)

    # Assert
    assert caught.value.column == column and words in str(caught.value)


def test_a_chain_is_derived_sources_first_and_determines_is_refused_under_dp():
    # Setup
    chain = R.parse_rules([{"type": "determines", "by": ["b"], "column": "c"},
                           {"type": "determines", "by": ["a"], "column": "b"}])

    # Run
    order = R.check_rules(chain, SCHEMA)

    # Assert
    assert order == ["b", "c"]
    with pytest.raises(generators.SchemaError, match="differential-privacy budget"):
        R.check_rules(chain, SCHEMA, dp=True)


def test_holds_on_four_rows_checkable_by_hand():
    # Setup: row 3 breaks every rule; nulls equal nulls and break no inequality
    frame = pd.DataFrame({
        "a": ["p", "p", "q", "p"], "b": ["1", "1", "2", "9"], "x": [1.0, np.nan, 3.0, 4.0],
        "y": pd.array([1, None, 3, 5], dtype="Int64"), "start": _days(1, 2, None, 9), "end": _days(1, 3, 4, 8),
        "kind": ["joint", "single", None, "single"], "extra": [5.0, np.nan, np.nan, 7.0],
    })
    rules = R.parse_rules([
        {"type": "equal", "columns": ["x", "y"]},
        {"type": "determines", "by": ["a"], "column": "b"},
        {"type": "inequality", "low": "start", "high": "end"},
        {"type": "present_when", "column": "extra", "other": "kind", "values": ["joint"]},
        {"type": "present_when", "column": "extra", "other": "kind"},
    ])

    # Run
    kept = [R.holds(rule, frame, SCHEMA).tolist() for rule in rules]

    # Assert
    assert kept == [[True, True, True, False], [True, True, True, False], [True, True, True, False],
                    [True, True, True, False], [True, False, True, True]]
    assert R.kept_shares(rules, frame, SCHEMA)["y = x"] == 0.75


# --- kept around a stand-in model ---------------------------------------------------------------------


def _real(rows: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.choice(["p", "q", "r"], rows)
    kind = rng.choice(["single", "joint"], rows, p=[0.8, 0.2])
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 100, rows), unit="D")
    frame = pd.DataFrame({
        "a": a, "b": pd.Series(a).map({"p": "P", "q": "P", "r": "R"}), "c": a, "x": rng.normal(0, 1, rows),
        "start": start, "end": start + pd.to_timedelta(rng.integers(0, 9, rows), unit="D"), "kind": kind,
        "extra": np.where(kind == "joint", rng.normal(5, 1, rows), np.nan),
    })
    frame["y"] = frame["x"]
    return frame[list(SCHEMA.names)]


def _careless_draw(size: int, seed: int, fixed: pd.DataFrame | None) -> pd.DataFrame:
    """A model that knows every column's marginal and no rule: columns drawn independently."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 100, size), unit="D")
    frame = pd.DataFrame({
        "a": rng.choice(["p", "q", "r"], size), "x": rng.normal(0, 1, size), "start": start,
        "end": start + pd.to_timedelta(rng.integers(-2, 9, size), unit="D"),
        "kind": rng.choice(["single", "joint"], size, p=[0.8, 0.2]),
        "extra": np.where(rng.random(size) < 0.2, rng.normal(5, 1, size), np.nan),
    })
    if fixed is not None:
        for name in fixed.columns:
            frame[name] = fixed[name].to_numpy()
    return frame


RULES = R.parse_rules([
    {"type": "equal", "columns": ["x", "y"]},
    {"type": "determines", "by": ["a"], "column": "b"},
    {"type": "inequality", "low": "start", "high": "end"},
    {"type": "present_when", "column": "extra", "other": "kind", "values": ["joint"]},
])


def _fitted() -> KeptRules:
    schema = generators.TableSchema(tuple(c for c in SCHEMA.columns if c[0] != "c"))
    kept = KeptRules.plan(RULES, schema)
    kept.learn(_real().drop(columns="c"), protection=5)
    return kept


def test_careless_model_keeps_every_rule_and_the_condition_share():
    # Setup
    kept = _fitted()
    careless = kept.complete(_careless_draw(4000, 1, None))

    # Run
    rows, outcome = kept.keep(_careless_draw, 4000, seed=1)

    # Assert: the careless model breaks rules; kept, every rule holds and 'joint' keeps its share
    assert R.holds(RULES[2], careless, kept.schema).mean() < 0.9
    assert set(outcome.kept.values()) == {1.0} and outcome.redrawn > 0
    assert all(R.holds(rule, rows, kept.schema).all() for rule in RULES)
    assert abs((rows["kind"] == "joint").mean() - 0.2) < 0.025
    assert kept.model_schema.names == ("a", "x", "start", "end", "kind", "extra")


def test_keeping_is_reproducible_and_fixed_rows_keep_their_values():
    # Setup
    kept = _fitted()
    fixed = pd.DataFrame({"kind": ["joint"] * 50 + ["single"] * 50})

    # Run
    first, _ = kept.keep(_careless_draw, 300, seed=4)
    again, _ = kept.keep(_careless_draw, 300, seed=4)
    conditioned, outcome = kept.keep(_careless_draw, 100, seed=5, fixed=fixed)

    # Assert
    pd.testing.assert_frame_equal(first, again)
    assert conditioned["kind"].tolist() == fixed["kind"].tolist()
    assert conditioned["extra"].notna().tolist() == [True] * 50 + [False] * 50
    assert set(outcome.kept.values()) == {1.0}


def test_unreachable_rule_is_reported_not_faked():
    # Setup: the model never draws a value for 'extra', so 'joint' rows cannot be mended
    kept = _fitted()

    def never_extra(size: int, seed: int, fixed: pd.DataFrame | None) -> pd.DataFrame:
        return _careless_draw(size, seed, fixed).assign(extra=np.nan)

    # Run
    rows, outcome = kept.keep(never_extra, 500, seed=2, max_rounds=3)

    # Assert: the broken rows stay as drawn (no made-up value) and the share says so
    share = outcome.kept["extra present when kind in 1 value"]
    assert 0.7 < share < 0.9 and 1 <= outcome.rounds <= 3 and outcome.drawn <= 20_000  # the default budget
    assert outcome.donated == 0
    assert rows["extra"].isna().all()


def test_mapping_keeps_only_pairs_of_at_least_k_rows():
    # Setup: 'r' maps to R in 3 rows only (under k=5); 'p' has a noise row with a unique value
    frame = pd.DataFrame({"a": ["p"] * 10 + ["q"] * 6 + ["r"] * 3, "b": ["P"] * 9 + ["NOISE"] + ["Q"] * 6 + ["R"] * 3})
    schema = generators.TableSchema.from_mapping({"a": "categorical", "b": "categorical"})
    kept = KeptRules.plan(R.parse_rules([{"type": "determines", "by": ["a"], "column": "b"}]), schema)

    # Run
    kept.learn(frame, protection=5)
    state = kept.to_state()

    # Assert
    assert state["mappings"]["0"] == {"keys": [["p"], ["q"]], "values": ["P", "Q"], "fallback": "P"}
    assert kept.mapped == {"a -> b": 16 / 19}  # the 3 'r' rows take the fallback
    assert kept.complete(pd.DataFrame({"a": ["r", "q", "_RARE_"]}))["b"].tolist() == ["P", "Q", "P"]


def test_a_number_the_model_draws_off_the_stored_keys_reads_between_them_not_the_fallback():
    # Setup: y = log(x) on 40 incomes held by 5 rows each; one rare income (2 rows) is not stored
    incomes = np.repeat(np.arange(1_000.0, 41_000.0, 1_000.0), 5)
    frame = pd.DataFrame({"x": np.append(incomes, [123_456.0] * 2)})
    frame["y"] = np.log(frame["x"])
    frame["band"] = np.where(frame["x"] < 20_500, "low", "high")
    schema = generators.TableSchema.from_mapping({"x": "numerical", "y": "numerical", "band": "categorical"})
    kept = KeptRules.plan(R.parse_rules([{"type": "determines", "by": ["x"], "column": "y"},
                                         {"type": "determines", "by": ["x"], "column": "band"}]), schema)
    kept.learn(frame, protection=5)

    # Run: drawn numbers between stored keys, beyond both ends, a stored key and a null
    drawn = pd.DataFrame({"x": [1_500.0, 20_250.0, 20_750.0, 500.0, 99_999.0, 3_000.0, np.nan]})
    rows = kept.complete(drawn)

    # Assert: a steady transform is interpolated (clamped at the ends), a category takes the nearest key's
    expected = [np.log(1_000) + 0.5 * (np.log(2_000) - np.log(1_000)),
                np.log(20_000) + 0.25 * (np.log(21_000) - np.log(20_000)),
                np.log(20_000) + 0.75 * (np.log(21_000) - np.log(20_000)),
                np.log(1_000), np.log(40_000), np.log(3_000)]
    assert rows["y"].iloc[:6].to_numpy() == pytest.approx(expected)
    assert rows["y"].iloc[6] == kept.to_state()["mappings"]["0"]["fallback"]  # a null key takes the fallback, as before
    assert rows["band"].iloc[:6].tolist() == ["low", "low", "high", "low", "high", "low"]
    assert 123_456.0 not in kept.to_state()["mappings"]["0"]["keys"][0]  # the rare key never entered the model
    assert not np.isclose(rows["y"], np.log(123_456.0)).any()


def test_a_target_that_does_not_rise_or_fall_steadily_takes_the_nearest_stored_keys_value():
    # Setup: z is a zig-zag of x (not a transform), each pair held by 5 rows
    frame = pd.DataFrame({"x": np.repeat([1.0, 2.0, 3.0, 4.0], 5), "z": np.repeat([10.0, 30.0, 20.0, 40.0], 5)})
    schema = generators.TableSchema.from_mapping({"x": "numerical", "z": "numerical"})
    kept = KeptRules.plan(R.parse_rules([{"type": "determines", "by": ["x"], "column": "z"}]), schema)
    kept.learn(frame, protection=5)

    # Run
    rows = kept.complete(pd.DataFrame({"x": [1.2, 2.6, 3.4, 9.0]}))

    # Assert: only stored values come out
    assert rows["z"].tolist() == [10.0, 20.0, 20.0, 40.0]


def test_when_redrawing_runs_out_the_column_comes_from_a_drawn_row_of_the_same_condition():
    # Setup: 'extra' is drawn independently of 'kind', and a budget of one round leaves many joint rows without it
    kept = _fitted()

    # Run
    rows, outcome = kept.keep(_careless_draw, 2000, seed=3, max_rounds=1, budget=2000 + 200)

    # Assert: every presence rule holds, the values come from the model's own draws, and 'joint' keeps its share
    assert outcome.donated > 0 and outcome.kept["extra present when kind in 1 value"] == 1.0
    first_round = derive_seed(3, _STREAM, 1)
    drawn = pd.concat([_careless_draw(2000, 3, None), _careless_draw(outcome.drawn - 2000, first_round, None)])
    assert rows["extra"].dropna().isin(drawn["extra"].dropna()).all()
    assert abs((rows["kind"] == "joint").mean() - 0.2) < 0.03
