"""Column codecs and the table encoder of the autoregressive generator, on tiny literal frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.generators import TableSchema
from synthgate.generators._ar_columns import (
    NULL,
    RARE,
    BooleanCodec,
    CategoricalCodec,
    NumericCodec,
    codec_from_state,
)
from synthgate.generators._ar_encoder import EncodingOptions, TableEncoder, grid_edges, needed_releases

RNG = np.random.default_rng(0)


def fit_one(column: pd.Series, kind: str, **options: int) -> object:
    """The codec the exact (non-DP) fitter learns for one column."""
    encoder = TableEncoder.fit(pd.DataFrame({"x": column}), TableSchema((("x", kind),)), EncodingOptions(**options))
    return encoder.codecs[0]


# --- categorical ---------------------------------------------------------------------------------

def test_categorical_tokens_are_null_rare_then_each_category():
    # Setup
    codec = CategoricalCodec("ward", ["a", "b"])
    column = pd.Series(["a", None, "b", "zz"], dtype=object)

    # Run
    tokens = codec.encode(column)
    decoded = codec.decode(tokens, RNG)

    # Assert
    assert codec.cardinalities == (4,)
    assert tokens[:, 0].tolist() == [2, NULL, 3, 1]
    assert decoded.iloc[[0, 2, 3]].tolist() == ["a", "b", RARE] and pd.isna(decoded.iloc[1])


def test_categories_held_by_fewer_rows_than_protection_are_left_out():
    # Setup
    column = pd.Series(["a"] * 5 + ["b"] * 4 + [None] * 3, dtype=object)

    # Run
    protected, open_ = fit_one(column, "categorical", protection=5), fit_one(column, "categorical", protection=1)

    # Assert
    assert protected.categories == ["a"] and open_.categories == ["a", "b"]


# --- boolean -------------------------------------------------------------------------------------

def test_boolean_tokens_round_trip_with_nulls():
    # Setup
    codec = BooleanCodec("smoker")
    column = pd.Series([True, None, False], dtype="boolean")

    # Run
    tokens = codec.encode(column)
    decoded = codec.decode(tokens, RNG)

    # Assert
    assert tokens[:, 0].tolist() == [2, NULL, 1]
    assert decoded.dtype == "boolean" and decoded.tolist()[::2] == [True, False] and pd.isna(decoded.iloc[1])


# --- numeric -------------------------------------------------------------------------------------

def test_discrete_numbers_take_the_nearest_learned_value():
    # Setup
    codec = NumericCodec("kids", "numerical", integer=True, values=[0.0, 1.0, 3.0])
    column = pd.Series([0, np.nan, 1, 2.6, 9], dtype=float)

    # Run
    tokens = codec.encode(column)
    decoded = codec.decode(tokens, RNG)

    # Assert
    assert codec.cardinalities == (4,)
    assert tokens[:, 0].tolist() == [1, NULL, 2, 3, 3]
    assert decoded.iloc[[0, 2, 3, 4]].tolist() == [0.0, 1.0, 3.0, 3.0] and np.isnan(decoded.iloc[1])


def test_binned_numbers_keep_point_masses_and_slices_and_clip_to_the_edges():
    # Setup
    codec = NumericCodec("x", "numerical", integer=False, points=[0.0], edges=[0.0, 10.0, 20.0], fine=4)
    column = pd.Series([0.0, 2.5, 20.0, 25.0, -3.0, np.nan])

    # Run
    tokens = codec.encode(column)
    decoded = codec.decode(tokens, np.random.default_rng(1))

    # Assert
    assert codec.cardinalities == (4, 4)  # null, the point 0, two bins; four slices
    assert tokens.tolist() == [[1, 0], [2, 1], [3, 3], [3, 3], [1, 0], [NULL, 0]]
    assert decoded.iloc[0] == 0.0 and decoded.iloc[4] == 0.0  # the point mass exactly
    assert 2.5 <= decoded.iloc[1] < 5.0  # inside slice 1 of bin [0, 10)
    assert 17.5 <= decoded.iloc[2] <= 20.0 and 17.5 <= decoded.iloc[3] <= 20.0
    assert np.isnan(decoded.iloc[5])


def test_integer_columns_decode_to_whole_numbers():
    # Setup
    codec = NumericCodec("age", "numerical", integer=True, edges=[18.0, 30.5, 90.0], fine=3)
    tokens = np.array([[1, 0], [1, 2], [2, 1], [2, 2]] * 50)

    # Run
    decoded = codec.decode(tokens, np.random.default_rng(2))

    # Assert
    assert (decoded == np.floor(decoded)).all() and decoded.between(18, 90).all()


def test_decimals_are_learned_and_kept():
    # Setup
    money = pd.Series(RNG.lognormal(3, 1, 300).round(2))

    # Run
    codec = fit_one(money, "numerical", bins=8, fine=4)
    decoded = codec.decode(codec.encode(money), np.random.default_rng(3))

    # Assert
    assert codec.binned and codec.lattice.decimals == 2 and codec.lattice.steps == [1]
    assert np.allclose(decoded, decoded.round(2), rtol=0, atol=1e-9)
    assert not np.allclose(decoded, decoded.round(1), rtol=0, atol=1e-9)


@pytest.mark.parametrize(("unit", "step"), [("day", "D"), ("second", "s")])
def test_datetimes_round_trip_at_their_resolution(unit, step):
    # Setup
    column = pd.Series(pd.Timestamp("2021-03-04") + pd.to_timedelta([0, 7, 400, 12_345], unit=step))
    column = pd.concat([column, pd.Series([pd.NaT])], ignore_index=True)
    codec = fit_one(column, "datetime", protection=1)

    # Run
    decoded = codec.decode(codec.encode(column), RNG)

    # Assert
    assert codec.unit == unit and not codec.binned
    assert decoded.dtype == "datetime64[ns]"
    assert decoded.iloc[:4].tolist() == column.iloc[:4].tolist() and pd.isna(decoded.iloc[4])


def test_datetime_bins_decode_to_whole_seconds():
    # Setup
    column = pd.Series(pd.Timestamp("2021-03-04 05:06:07") + pd.to_timedelta(RNG.integers(0, 10**7, 500), unit="s"))
    codec = fit_one(column, "datetime", bins=16, fine=8)

    # Run
    decoded = codec.decode(codec.encode(column), np.random.default_rng(4))

    # Assert
    assert codec.unit == "second" and codec.binned
    assert (decoded.astype("int64") % 10**9 == 0).all()
    assert decoded.min() >= column.min() and decoded.max() <= column.max()


# --- value protection of numbers ------------------------------------------------------------------

def test_extreme_values_are_clipped_to_the_protected_range():
    # Setup
    x = pd.Series(np.concatenate([RNG.normal(50, 5, 400).round(3), [1e6, -1e6]]))
    ordered = np.sort(x)

    # Run
    codec = fit_one(x, "numerical", protection=5)

    # Assert
    assert codec.edges[0] == ordered[4] and codec.edges[-1] == ordered[-5]


def test_few_distinct_values_get_a_token_each_without_rare_ones():
    # Setup: children per family, one family with 9
    x = pd.Series([0] * 40 + [1] * 30 + [2] * 20 + [3] * 9 + [9], dtype="int64")

    # Run
    codec = fit_one(x, "numerical", protection=5)

    # Assert
    assert codec.values == [0.0, 1.0, 2.0, 3.0]
    assert codec.encode(pd.Series([9.0]))[0, 0] == 4  # the rare value takes the nearest kept one


def test_many_rare_values_are_binned_not_collapsed_onto_the_frequent_ones():
    # Setup: ages 18-89 over 200 rows, about 3 rows each
    x = pd.Series(RNG.integers(18, 90, 200))

    # Run
    codec = fit_one(x, "numerical", protection=5)
    decoded = codec.decode(codec.encode(x), np.random.default_rng(5))

    # Assert
    assert codec.binned
    assert decoded.nunique() > 40


def test_a_number_recorded_on_a_finite_set_of_values_keeps_to_it_and_never_to_a_rare_one():
    # Setup: a 0-100 index recorded as k/17 (300 values over 6,000 rows: ratios, no decimal grid),
    # plus 20 values held by 2 rows each
    common = np.repeat(np.arange(300) / 17 * 5.6, 20)
    rare = np.repeat(np.arange(20) / 17 * 5.6 + 0.0123, 2)
    x = pd.Series(np.concatenate([common, rare]))

    # Run
    codec = fit_one(x, "numerical", protection=5)
    decoded = codec.decode(codec.encode(x), np.random.default_rng(1))

    # Assert: decoded values are recorded values held by at least 5 rows each about as often as in
    # the data (6,000 of 6,040 rows), and the support holds no rare value
    assert codec.binned and len(codec.support) == 300 and not set(rare) & set(codec.support)
    assert decoded.isin(common).mean() > 0.97
    assert not decoded.isin(rare).any()
    assert 160 <= decoded.nunique() <= 640  # within 2x of the 320 real values


def test_continuous_numbers_get_no_support():
    # Setup: nearly every value distinct
    x = pd.Series(RNG.normal(50, 10, 2_000))

    # Run
    codec = fit_one(x, "numerical", protection=5)

    # Assert
    assert codec.binned and codec.support == []


def test_point_masses_need_protection_rows():
    # Setup: 60 % zeros, the rest continuous
    x = pd.Series(np.where(RNG.random(500) < 0.6, 0.0, RNG.lognormal(2, 1, 500).round(2)))

    # Run
    codec = fit_one(x, "numerical", protection=5)
    tokens = codec.encode(x)

    # Assert
    assert codec.points == [0.0]
    assert ((tokens[:, 0] == 1) == (x == 0).to_numpy()).all()


def test_a_constant_column_stays_one_value():
    # Setup
    x = pd.Series([7.25] * 3)

    # Run
    codec = fit_one(x, "numerical", protection=5)
    decoded = codec.decode(codec.encode(x), RNG)

    # Assert
    assert codec.values == [7.25] and decoded.tolist() == [7.25] * 3


def test_an_all_null_column_has_only_the_null_token():
    # Setup
    x = pd.Series([np.nan] * 4)

    # Run
    codec = fit_one(x, "numerical")

    # Assert
    assert codec.cardinalities == (1,) and (codec.encode(x) == NULL).all()
    assert codec.decode(np.zeros((4, 1), dtype=np.int64), RNG).isna().all()


# --- state and encoder ---------------------------------------------------------------------------

def test_codec_state_is_plain_data_and_round_trips():
    # Setup
    codecs = [CategoricalCodec("c", ["a", "b"]), BooleanCodec("b"),
              NumericCodec("x", "numerical", False, points=[0.0], edges=[0.0, 1.5, 3.0], fine=4, decimals=1),
              NumericCodec("d", "datetime", True, values=[18000.0, 18001.0], unit="day")]

    # Run
    states = [codec.to_state() for codec in codecs]
    rebuilt = [codec_from_state(state) for state in states]

    # Assert
    assert rebuilt == codecs
    for state in states:
        for value in state.values():
            assert value is None or isinstance(value, (str, bool, int, float, list))


def test_table_encoder_lays_out_sub_columns_by_column():
    # Setup
    frame = pd.DataFrame({"c": ["a"] * 6 + ["b"] * 6, "x": np.linspace(0, 1, 12).round(4)})
    schema = TableSchema((("c", "categorical"), ("x", "numerical")))

    # Run
    encoder = TableEncoder.fit(frame, schema, EncodingOptions(bins=4, fine=2, max_discrete=3, protection=1))
    tokens = encoder.encode(frame)
    decoded = encoder.decode(tokens, RNG)

    # Assert
    assert encoder.groups == [0, 1, 1] and encoder.cardinalities[0] == 4 and len(encoder.cardinalities) == 3
    assert tokens.shape == (12, 3) and tokens.dtype == np.int64
    assert decoded["c"].tolist() == frame["c"].tolist() and decoded["x"].between(0, 1).all()


# --- DP helpers ----------------------------------------------------------------------------------

def test_grid_edges_are_log_spaced_only_over_a_wide_positive_range():
    # Run
    wide, narrow, signed = grid_edges(1.0, 1e4, 4), grid_edges(1.0, 50.0, 4), grid_edges(-10.0, 10.0, 4)

    # Assert
    assert np.allclose(wide, [1, 10, 100, 1000, 1e4])
    assert np.allclose(narrow, np.linspace(1, 50, 5)) and np.allclose(signed, [-10, -5, 0, 5, 10])


def test_needed_releases_skip_declared_columns():
    # Setup
    schema = TableSchema((("c", "categorical"), ("x", "numerical"), ("b", "boolean")))

    # Run
    nothing_declared = needed_releases(schema, {})
    all_declared = needed_releases(schema, {"c": {"values": ["a"]}, "x": {"min": 0, "max": 1}})

    # Assert
    assert nothing_declared == ["categories", "numeric_bounds", "numeric_histograms"]
    assert all_declared == []
