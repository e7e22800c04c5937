"""Numeric lattices of the autoregressive codecs: each kind is kept, and nothing is invented."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.generators import TableSchema
from synthgate.generators._ar_columns import NumericCodec, codec_from_state
from synthgate.generators._ar_encoder import EncodingOptions, PrivateDomains, TableEncoder
from synthgate.generators._lattice import Lattice, _points, learn_lattice

N = 4000


def fit_codec(x: np.ndarray | pd.Series, kind: str = "numerical", **options: int) -> NumericCodec:
    """The codec the exact (non-DP) fitter learns for one column."""
    frame = pd.DataFrame({"x": x})
    return TableEncoder.fit(frame, TableSchema((("x", kind),)), EncodingOptions(**options)).codecs[0]


def round_trip(codec: NumericCodec, x: np.ndarray | pd.Series, seed: int = 1) -> pd.Series:
    """Encode the training column and decode it again: what a perfect model would sample."""
    return codec.decode(codec.encode(pd.Series(x)), np.random.default_rng(seed))


def cut_to(decimal: np.ndarray, bits: int) -> np.ndarray:
    """A decimal stored with its low mantissa bits cut off (as SAS short lengths do)."""
    mantissa, exponent = np.frexp(decimal)
    return np.ldexp(np.trunc(mantissa * 2.0**bits), exponent - bits)


def within_twice(real: pd.Series, synthetic: pd.Series) -> bool:
    return 0.5 <= synthetic.nunique() / real.nunique() <= 2.0


# --- lattices that must be kept ------------------------------------------------------------------

def test_float32_readings_with_one_decimal_decode_to_float32_readings():
    # Setup: 1.1 recorded as float32 reads 1.100000023841858 in float64
    rng = np.random.default_rng(0)
    x = np.float32(np.round(rng.lognormal(2, 0.8, N), 1)).astype(np.float64)

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x)

    # Assert
    lattice = codec.lattice
    assert codec.binned and (lattice.bits, lattice.truncate, lattice.decimals, lattice.steps) == (24, False, 1, [1])
    assert (np.float32(decoded.round(1)).astype(np.float64) == decoded).all()
    assert within_twice(pd.Series(x), decoded)


def test_truncated_short_floats_decode_to_truncated_short_floats():
    # Setup: one-decimal readings kept in 13 significant bits, cut (38.7 reads 38.6953125)
    rng = np.random.default_rng(1)
    x = cut_to(np.round(rng.lognormal(3, 0.6, N), 1), 13)

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x).to_numpy()

    # Assert
    assert (codec.lattice.bits, codec.lattice.truncate) == (13, True)
    tenths = np.floor(decoded * 10)
    on_grid = np.zeros(len(decoded), dtype=bool)
    for offset in (-1, 0, 1, 2):  # the decimal whose cut float is the value lies next to it
        on_grid |= cut_to((tenths + offset) / 10, 13) == decoded
    assert on_grid.all()
    assert within_twice(pd.Series(x), pd.Series(decoded))


def test_truncated_floats_written_out_as_text_decode_as_written():
    # Setup: one-decimal readings cut to 13 bits, then exported with 8 decimals (38.6953125 reads 38.69531250,
    # 22.09765625 reads 22.09765625 and 1.0097656250 reads 1.00976562)
    rng = np.random.default_rng(16)
    x = np.round(cut_to(np.round(rng.lognormal(2, 0.8, N), 1), 13), 8)

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x).to_numpy()

    # Assert
    assert codec.lattice.storage == (13, True, None, 8) and codec.lattice.decimals == 1
    tenths = np.floor(decoded * 10)
    on_grid = np.zeros(len(decoded), dtype=bool)
    for offset in (-1, 0, 1, 2):
        on_grid |= np.abs(np.round(cut_to((tenths + offset) / 10, 13), 8) - decoded) <= 1e-12 * np.abs(decoded)
    assert on_grid.all()
    assert within_twice(pd.Series(x), pd.Series(decoded))


def test_integers_stored_as_float_because_of_nulls_stay_integers():
    # Setup
    rng = np.random.default_rng(2)
    x = pd.Series(np.round(rng.lognormal(6, 1, N)))
    x[rng.random(N) < 0.3] = np.nan

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x)

    # Assert
    assert codec.lattice.steps == [1] and codec.lattice.decimals == 0
    present = decoded.dropna()
    assert (present == present.round()).all()
    assert decoded.isna().to_numpy().tolist() == x.isna().to_numpy().tolist()


@pytest.mark.parametrize(("step", "decimals"), [(5.0, 0), (10.0, 0), (0.5, 1), (0.25, 2)])
def test_multiples_of_a_step_stay_multiples(step, decimals):
    # Setup
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(400 * step, 60 * step, N) / step) * step

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x)

    # Assert
    assert codec.lattice.decimals == decimals and codec.lattice.steps[0] * 10.0**-decimals == step
    assert np.allclose(decoded / step, (decoded / step).round(), rtol=0, atol=1e-9)
    assert within_twice(pd.Series(x), decoded)


def test_a_column_mostly_on_a_coarser_step_keeps_the_mixture():
    # Setup: heart rates, 90 % multiples of 10 and the rest any integer
    rng = np.random.default_rng(4)
    rates = rng.normal(110, 25, N)
    x = np.where(rng.random(N) < 0.9, np.round(rates / 10) * 10, np.round(rates))

    # Run: binned (a token per value would keep the real values exactly, lattice or not)
    codec = fit_codec(x, max_discrete=64)
    decoded = round_trip(codec, x)

    # Assert
    assert codec.binned and codec.lattice.steps == [1, 10]
    assert (decoded == decoded.round()).all()
    assert abs((decoded % 10 == 0).mean() - (x % 10 == 0).mean()) < 0.02
    assert within_twice(pd.Series(x), decoded)


def test_round_incomes_keep_their_share_of_thousands():
    # Setup: whole dollars, 80 % of them whole thousands; too many values for point masses
    rng = np.random.default_rng(5)
    income = rng.lognormal(11, 0.7, N)
    x = np.where(rng.random(N) < 0.8, np.round(income / 1000) * 1000, np.round(income))

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x)

    # Assert
    assert codec.lattice.steps[:2] == [1, 1000]
    assert abs((decoded % 1000 == 0).mean() - (x % 1000 == 0).mean()) < 0.03
    assert within_twice(pd.Series(x), decoded)


def test_levels_the_greedy_choice_jumps_over_are_kept():
    # Setup: incomes in cents; 60 % whole thousands, 15 % whole hundreds, 20 % whole dollars,
    # 5 % with cents. Thousands explain most at once: whole dollars and hundreds must not then
    # decode with cents (a classifier sees the recorded precision).
    rng = np.random.default_rng(6)
    income = rng.lognormal(11, 0.6, N)
    pick = rng.random(N)
    x = np.select([pick < 0.6, pick < 0.75, pick < 0.95],
                  [np.round(income, -3), np.round(income, -2), np.round(income)], np.round(income, 2))

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x)

    # Assert: each level's share within 3 points of the real one
    assert codec.lattice.decimals == 2 and {100, 10_000, 100_000} <= set(codec.lattice.steps)
    for unit in (1, 100, 1000):
        real, synthetic = (x % unit == 0).mean(), (decoded.to_numpy() % unit == 0).mean()
        assert abs(real - synthetic) < 0.03, (unit, real, synthetic)


def test_a_gap_with_no_round_level_in_it_gets_none():
    # Setup: whole dollars, 70 % of them whole thousands; the rest uniform dollars (no step between)
    rng = np.random.default_rng(7)
    income = rng.uniform(10_000, 90_000, N)
    x = np.where(rng.random(N) < 0.7, np.round(income, -3), np.round(income))

    # Run
    lattice = learn_lattice(x, protection=5)

    # Assert: nothing inserted between 1 and 1000 (10 and 100 hold only their chance share)
    assert lattice.steps[:2] == [1, 1000]


def test_datetimes_recorded_to_the_minute_decode_to_whole_minutes():
    # Setup
    rng = np.random.default_rng(6)
    minutes = pd.to_timedelta(rng.integers(0, 10**6, N), unit="m")
    x = pd.Series(pd.Timestamp("2020-01-01") + minutes)

    # Run
    codec = fit_codec(x, "datetime")
    decoded = round_trip(codec, x)

    # Assert
    assert codec.unit == "second" and codec.lattice.steps[0] == 60
    assert (decoded.astype("int64") % (60 * 10**9) == 0).all()


# --- what must not be invented -------------------------------------------------------------------

def test_a_continuous_column_stays_continuous():
    # Setup
    x = np.random.default_rng(7).normal(0, 1, N)

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x)

    # Assert
    assert codec.lattice is None
    assert decoded.nunique() > 0.95 * N


def test_continuous_float32_values_stay_float32_and_many():
    # Setup
    x = np.float32(np.random.default_rng(8).normal(0, 1, N)).astype(np.float64)

    # Run
    codec = fit_codec(x)
    decoded = round_trip(codec, x)

    # Assert
    assert codec.lattice.bits == 24 and codec.lattice.continuous
    assert (np.float32(decoded).astype(np.float64) == decoded).all()
    assert decoded.nunique() > 0.95 * N


def test_a_rare_off_grid_value_is_never_produced_by_snapping():
    # Setup: integers, plus three values held by one row each on finer grids
    rng = np.random.default_rng(9)
    x = np.round(rng.normal(500, 100, N))
    rare = [3.14159, 471.5, 522.25]
    x[:3] = rare

    # Run
    codec = fit_codec(x, protection=5)
    decoded = round_trip(codec, x)

    # Assert
    assert codec.lattice.steps == [10**5] and codec.lattice.decimals == 5  # whole numbers only
    assert not np.isin(rare, decoded).any()
    assert (decoded == decoded.round()).all()


def test_a_coarse_level_held_by_fewer_rows_than_protection_is_not_learned():
    # Setup: whole numbers, four of them whole thousands (far more than chance would put there)
    x = np.concatenate([np.arange(101, 3301, 200, dtype=float), [1000.0, 2000.0, 3000.0, 4000.0]])

    # Run
    few, many = learn_lattice(x, protection=5), learn_lattice(x, protection=3)

    # Assert
    assert few.steps == [1]
    assert many.steps == [1, 1000]


def test_decoded_values_stay_inside_the_protected_range():
    # Setup: one-decimal values with a far extreme on each side
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(50, 5, N), 1)
    x[:2] = [-900.5, 900.5]
    ordered = np.sort(x)

    # Run
    codec = fit_codec(x, protection=5)
    decoded = round_trip(codec, x)

    # Assert
    assert decoded.min() >= ordered[4] and decoded.max() <= ordered[-5]
    assert not np.isin([-900.5, 900.5], decoded).any()


def test_points_of_a_level_exclude_the_coarser_level():
    # Setup: integers in [0, 100) that are not multiples of 10, drawn uniformly
    pick = np.linspace(0, 1, 901, endpoint=False)
    zeros = np.zeros_like(pick)

    # Run
    k, ok = _points(zeros, zeros + 100, np.zeros_like(pick, dtype=bool), 1, 10, pick)
    none, found = _points(np.array([11.0]), np.array([11.5]), np.array([False]), 10, 0, np.array([0.5]))

    # Assert
    assert ok.all() and set(k.tolist()) == {i for i in range(100) if i % 10}
    assert not found[0]


# --- state, older models and DP ------------------------------------------------------------------

def test_lattice_state_is_plain_data_and_round_trips():
    # Setup
    x = np.float32(np.round(np.random.default_rng(12).lognormal(2, 0.5, 800), 1)).astype(np.float64)
    codec = fit_codec(x)

    # Run
    state = codec.to_state()
    rebuilt = codec_from_state(state)

    # Assert
    assert rebuilt == codec
    assert set(state["lattice"]) == {"decimals", "steps", "continuous", "bits", "truncate", "shares", "digits",
                                      "written"}
    assert all(isinstance(s, int) for s in state["lattice"]["steps"])
    assert all(isinstance(v, float) for row in state["lattice"]["shares"] for v in row)


def test_a_codec_saved_before_lattices_loads_and_decodes_as_before():
    # Setup: the state an older model wrote (no "lattice" key)
    old = {"type": "numeric", "name": "x", "kind": "numerical", "integer": False, "values": [], "points": [],
           "edges": [0.0, 10.0, 20.0], "fine": 4, "decimals": 1, "unit": None, "nullable": True}
    tokens = np.array([[1, 0], [1, 3], [2, 2]] * 20)

    # Run
    codec = codec_from_state(old)
    decoded = codec.decode(tokens, np.random.default_rng(13))

    # Assert
    assert codec.lattice is None
    assert np.allclose(decoded, decoded.round(1), rtol=0, atol=1e-9) and decoded.between(0, 20).all()


def test_the_dp_fitter_learns_no_lattice_from_the_data():
    # Setup
    x = np.round(np.random.default_rng(14).normal(100, 20, 2000) / 10) * 10
    frame, schema = pd.DataFrame({"x": x}), TableSchema((("x", "numerical"),))
    private = PrivateDomains({}, release_noise=1.0, threshold_delta=1e-6, rng=np.random.default_rng())

    # Run
    codec = TableEncoder.fit(frame, schema, EncodingOptions(), private).codecs[0]

    # Assert
    assert codec.lattice is None


def test_learn_lattice_of_nothing_or_plain_reals_is_none():
    # Run
    empty = learn_lattice(np.array([]), protection=5)
    reals = learn_lattice(np.random.default_rng(15).normal(0, 1, 500), protection=5)

    # Assert
    assert empty is None and reals is None and Lattice.from_state(None) is None
