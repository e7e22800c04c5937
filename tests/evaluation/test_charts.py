"""Chart data: binned shares that never show a small group, an extreme value or a rare category."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation.charts import MISSING, OTHER, association_matrices, distribution_charts

OUTLIER = 987654.321
RARE = "CANARY-rare-category"


def _real(n: int = 500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10, 0.5, n)
    income[min(7, n - 1)] = OUTLIER  # one record far above the others
    return pd.DataFrame({
        "income": income,
        "age": rng.integers(18, 90, n).astype(float),
        "visit": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n), unit="D"),
        "city": pd.Series(rng.choice(["Seoul", "Busan", "Daegu"], n, p=[0.6, 0.3, 0.1]), dtype=object),
    })


def _by_column(charts: list[dict]) -> dict[str, dict]:
    return {chart["column"]: chart for chart in charts}


def _numbers(labels: list[str]) -> list[float]:
    return [float(token) for label in labels for token in re.findall(r"-?\d+(?:\.\d+)?", label)]


KINDS = {"income": "numerical", "age": "numerical", "visit": "datetime", "city": "categorical"}


def test_every_bin_holds_at_least_min_count_real_rows():
    # Setup
    real = _real()

    # Run
    charts = distribution_charts(real, _real(seed=1), KINDS, min_count=25)

    # Assert: shares times rows give the real counts back
    for chart in charts:
        assert chart["bins"], chart["column"]
        counts = [round(share * len(real)) for share in chart["real"]]
        assert min(counts) >= 25, chart["column"]
        assert sum(chart["real"]) == pytest.approx(1.0, abs=1e-3)


def test_no_extreme_real_value_reaches_the_output():
    # Setup
    real = _real()
    low, high = np.sort(real["income"])[[9, -10]]  # the 10th smallest and largest incomes

    # Run
    charts = distribution_charts(real, real, KINDS, min_count=10)
    text = json.dumps(charts)

    # Assert: not the outlier in any rounding, and every edge inside the inner real values
    assert "987" not in text and "988" not in text and "9.9e" not in text
    income = _by_column(charts)["income"]
    assert income["bins"][0].startswith("< ") and income["bins"][-1].startswith(">= ")
    assert all(low < edge < high for edge in _numbers(income["bins"]))
    ages = _numbers(_by_column(charts)["age"]["bins"])
    assert real["age"].min() not in ages and real["age"].max() not in ages


def test_dates_are_cut_at_rounded_months_inside_the_real_range():
    # Setup: five years of daily visits
    real = _real()

    # Run
    visit = _by_column(distribution_charts(real, real, KINDS))["visit"]

    # Assert
    edges = [token for label in visit["bins"] for token in re.findall(r"\d{4}-\d{2}(?:-\d{2})?", label)]
    assert edges and all(re.fullmatch(r"\d{4}-\d{2}", edge) for edge in edges)
    first, last = real["visit"].min().strftime("%Y-%m"), real["visit"].max().strftime("%Y-%m")
    assert first not in edges and last not in edges


def test_rare_categories_are_pooled_and_never_named():
    # Setup: three rows of a rare category, twenty of another that is still too small
    real = _real()
    real.loc[:2, "city"] = RARE
    real.loc[3:22, "city"] = "Ulsan"

    # Run
    city = _by_column(distribution_charts(real, real, KINDS, min_count=25))["city"]

    # Assert: both go to "(other)", which has 23 rows < 25 and joins the smallest named city
    assert RARE not in json.dumps(city) and not any("Ulsan" in label for label in city["bins"])
    assert city["other_categories"] == 2
    assert city["merged_bins"] == 1
    assert [label for label in city["bins"] if OTHER in label] == [f"Daegu + {OTHER}"]


def test_an_other_bin_big_enough_stands_alone():
    # Setup
    real = _real()
    real.loc[:29, "city"] = [f"town{i}" for i in range(30)]

    # Run
    city = _by_column(distribution_charts(real, real, KINDS, min_count=10))["city"]

    # Assert
    assert city["bins"][-1] == OTHER and city["other_categories"] == 30
    assert city["real"][-1] == pytest.approx(30 / 500)


def test_a_chart_with_no_category_big_enough_is_skipped_with_a_reason():
    # Setup
    real = pd.DataFrame({"code": pd.Series([f"c{i}" for i in range(40)], dtype=object)})

    # Run
    (chart,) = distribution_charts(real, real, {"code": "categorical"}, min_count=10)

    # Assert
    assert chart["bins"] == [] and "no category holds 10 real rows" in chart["skipped"]
    assert "c1" not in json.dumps(chart)


def test_a_column_with_too_few_known_real_values_gets_no_chart():
    # Setup: 19 known values, 2 x min_count = 20 needed
    real = pd.DataFrame({"x": [float(i) for i in range(19)] + [np.nan] * 30})

    # Run
    (chart,) = distribution_charts(real, real, {"x": "numerical"}, min_count=10)

    # Assert
    assert chart["bins"] == [] and chart["skipped"].startswith("fewer than 20 known real values")


def test_missing_values_are_a_bin_only_when_min_count_real_rows_are_missing():
    # Setup
    many, few = _real(), _real()
    many.loc[:39, "income"] = np.nan
    few.loc[:2, "income"] = np.nan
    synthetic = _real(seed=1)
    synthetic.loc[:99, "income"] = np.nan

    # Run
    shown = _by_column(distribution_charts(many, synthetic, KINDS))["income"]
    hidden = _by_column(distribution_charts(few, synthetic, KINDS))["income"]

    # Assert
    assert shown["bins"][-1] == MISSING
    assert shown["real"][-1] == pytest.approx(40 / 500) and shown["synthetic"][-1] == pytest.approx(100 / 500)
    assert MISSING not in hidden["bins"]
    assert "20.0% of the synthetic rows are missing" in hidden["notes"][0]


def test_the_synthetic_rows_are_binned_on_the_real_bins():
    # Setup: every synthetic income far above the real ones
    real = _real()
    synthetic = real.assign(income=real["income"] + 10**7)

    # Run
    charts = _by_column(distribution_charts(real, synthetic, KINDS))
    same = _by_column(distribution_charts(real, real, KINDS))

    # Assert
    assert charts["income"]["bins"] == same["income"]["bins"]
    assert charts["income"]["synthetic"][-1] == 1.0 and sum(charts["income"]["synthetic"][:-1]) == 0.0
    assert same["age"]["synthetic"] == same["age"]["real"]


def test_small_bins_are_merged_with_a_neighbour():
    # Setup: 200 evenly spread values; each of the 10 decile bins holds 20 rows, fewer than 30
    real = pd.DataFrame({"n": np.arange(200, dtype=float)})

    # Run
    (chart,) = distribution_charts(real, real, {"n": "numerical"}, min_count=30)

    # Assert
    counts = [round(share * 200) for share in chart["real"]]
    assert min(counts) >= 30 and sum(counts) == 200
    assert chart["merged_bins"] == 10 - len(chart["bins"]) and len(chart["bins"]) <= 6


def test_charts_are_deterministic_and_ignore_row_order():
    # Setup
    real, synthetic = _real(), _real(seed=1)
    shuffled = real.sample(frac=1, random_state=3).reset_index(drop=True)

    # Run
    first = distribution_charts(real, synthetic, KINDS)
    again = distribution_charts(shuffled, synthetic, KINDS)

    # Assert
    assert first == again


def test_columns_choose_and_order_the_charts_and_max_columns_caps_them():
    # Run
    chosen = distribution_charts(_real(), _real(), KINDS, columns=["city", "nope", "age"])
    capped = distribution_charts(_real(), _real(), KINDS, max_columns=2)

    # Assert
    assert [chart["column"] for chart in chosen] == ["city", "age"]
    assert [chart["column"] for chart in capped] == ["income", "age"]


def test_association_spearman_for_numbers_cramers_v_with_a_category():
    # Setup
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    real = pd.DataFrame({
        "x": x, "up": x * 2 + 1, "down": -np.exp(x), "noise": rng.normal(size=400),
        "half": pd.Series(np.where(x > np.median(x), "pos", "neg"), dtype=object),  # cut on a decile edge
        "flat": pd.Series(["same"] * 400, dtype=object),
    })
    kinds = {"x": "numerical", "up": "numerical", "down": "numerical", "noise": "numerical",
             "half": "categorical", "flat": "categorical"}

    # Run
    result = association_matrices(real, real.assign(half=real["half"].sample(frac=1, random_state=1).to_numpy()),
                                  kinds)

    # Assert
    cols = result["columns"]
    real_m = {(a, b): result["real"][i][j] for i, a in enumerate(cols) for j, b in enumerate(cols)}
    fake_m = {(a, b): result["synthetic"][i][j] for i, a in enumerate(cols) for j, b in enumerate(cols)}
    assert real_m[("x", "up")] == 1.0 and real_m[("x", "down")] == -1.0
    assert abs(real_m[("x", "noise")]) < 0.15
    assert real_m[("x", "half")] == 1.0 and fake_m[("x", "half")] < 0.25
    assert real_m[("x", "flat")] is None
    assert all(result["real"][i][i] == 1.0 for i in range(len(cols)))
    assert result["real"] == [list(row) for row in zip(*result["real"])]  # symmetric
    assert result["method"]["numerical"] == "spearman" and result["method"]["mixed"] == "cramers_v"
    json.dumps(result, allow_nan=False)


def test_association_caps_the_columns():
    # Run
    result = association_matrices(_real(), _real(seed=1), KINDS, max_columns=3)

    # Assert
    assert result["columns"] == ["income", "age", "visit"]
    assert len(result["real"]) == 3 and all(len(row) == 3 for row in result["synthetic"])


@pytest.mark.parametrize("rows", [1, 5])
def test_tiny_tables_get_no_chart_and_no_coefficient(rows):
    # Setup
    real, synthetic = _real(rows), _real(rows, seed=1)

    # Run
    charts = distribution_charts(real, synthetic, KINDS)
    result = association_matrices(real, synthetic, KINDS)

    # Assert: every chart skipped with a reason; only the diagonal is filled
    assert all(chart["bins"] == [] and chart["skipped"] for chart in charts)
    size = len(result["columns"])
    expected = [[1.0 if i == j else None for j in range(size)] for i in range(size)]
    assert result["real"] == expected and result["synthetic"] == expected
    json.dumps([charts, result], allow_nan=False)


def test_a_constant_or_empty_synthetic_column_still_charts_on_the_real_bins():
    # Setup
    real = _real()
    synthetic = real.assign(age=40.0, city=None)

    # Run
    charts = _by_column(distribution_charts(real, synthetic, KINDS))
    result = association_matrices(real, synthetic, KINDS)

    # Assert
    assert sum(share > 0 for share in charts["age"]["synthetic"]) == 1
    assert charts["city"]["bins"] == ["Seoul", "Busan", f"Daegu + {OTHER}"]
    assert charts["city"]["synthetic"] == [0.0, 0.0, 1.0]
    age = result["columns"].index("age")
    assert all(value is None for j, value in enumerate(result["synthetic"][age]) if j != age)


# --- zero-heavy columns -------------------------------------------------------------------------

def _visits(n: int = 1000, zero_share: float = 0.9, seed: int = 0) -> pd.DataFrame:
    """A count column that is mostly 0 (visits per person), with one record far above the others."""
    rng = np.random.default_rng(seed)
    counts = np.where(rng.random(n) < zero_share, 0, rng.poisson(4, n) + 1).astype(float)
    counts[np.flatnonzero(counts)[0]] = 97.0  # the one extreme count
    return pd.DataFrame({"visits": counts})


def test_a_mostly_zero_count_column_charts_zero_as_its_own_bar_and_bins_the_rest():
    # Setup: 90% zeros (quantile bins alone would give one bar, "all values", of 100%)
    real, synthetic = _visits(), _visits(zero_share=0.8, seed=1)

    # Run
    (chart,) = distribution_charts(real, synthetic, {"visits": "numerical"}, min_count=10)

    # Assert: 0 first with its real and synthetic shares, then several bins of the other values
    assert chart["bins"][0] == "0"
    assert chart["real"][0] == pytest.approx((real["visits"] == 0).mean(), abs=1e-4)
    assert chart["synthetic"][0] == pytest.approx((synthetic["visits"] == 0).mean(), abs=1e-4)
    assert len(chart["bins"]) >= 4 and chart["bins"][1].startswith("> 0 to < ")
    assert any("0 is drawn as its own bar" in note for note in chart["notes"])
    # every bar still holds min_count real rows; shares add up
    assert min(round(share * len(real)) for share in chart["real"]) >= 10
    assert sum(chart["real"]) == pytest.approx(1.0, abs=1e-3)


def test_the_zero_split_shows_no_real_minimum_or_maximum_of_the_other_values():
    # Setup
    real = _visits()
    rest = real["visits"][real["visits"] != 0]

    # Run
    (chart,) = distribution_charts(real, real, {"visits": "numerical"}, min_count=10)

    # Assert: every edge lies strictly inside the non-zero values; the extreme 97 appears nowhere
    edges = _numbers(chart["bins"][1:])
    assert all(rest.min() < edge < rest.max() for edge in edges if edge != 0)
    assert "97" not in json.dumps(chart)


def test_zeros_below_min_count_get_no_bar_of_their_own():
    # Setup: 5 zeros among 500 spread values: a bar of them would show fewer than min_count rows
    values = np.linspace(1, 100, 500)
    values[:5] = 0.0
    real = pd.DataFrame({"x": values})

    # Run
    (chart,) = distribution_charts(real, real, {"x": "numerical"}, min_count=10)

    # Assert
    assert "0" not in chart["bins"] and not chart["notes"]


def test_a_column_of_zeros_with_too_few_other_values_is_not_split():
    # Setup: 995 zeros and 5 other values: a bar of the 5 would show fewer than min_count rows
    real = pd.DataFrame({"x": [0.0] * 995 + [3.0, 4.0, 5.0, 6.0, 7.0]})

    # Run
    (chart,) = distribution_charts(real, real, {"x": "numerical"}, min_count=10)

    # Assert: one bar, and no label that would name a value of the five
    assert chart["bins"] == ["all values"] and chart["real"] == [1.0]
