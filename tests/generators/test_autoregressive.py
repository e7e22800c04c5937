"""Features of the autoregressive generator: column kinds, value protection, conditions, constraints, I/O, progress."""
from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
import torch

from synthgate import generators
from synthgate.generators.progress import TrainingProgress, console_progress

CUDA = torch.cuda.is_available()
FAST = {"max_epochs": 3, "hidden": 16}
ROWS = 2000
RARE_NAMES = [f"r{i}" for i in range(40)]  # 40 categories of one row each: below value_protection 5
CANARY = "CANARY_ZX81"

KINDS = {"income": "numerical", "age": "numerical", "share": "numerical", "visits": "numerical",
         "score": "numerical", "big": "numerical", "admitted": "datetime", "stamp": "datetime",
         "smoker": "boolean", "ward": "categorical"}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # two shared cores: threads only add contention at these sizes
    yield
    torch.set_num_threads(previous)


def make(params: dict | None = None, *, seed: int = 0, device: str = "cpu") -> generators.AutoregressiveGenerator:
    parsed = generators.parse_params("autoregressive", {**FAST, **(params or {})})
    return generators.AutoregressiveGenerator(parsed, seed=seed, device=device)


def features_frame(rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    """Every feature at once: skew, integers, [0, 1], zeros, nulls, dates, rare categories, an extreme value."""
    rng = np.random.default_rng(seed)
    ward = pd.Series(rng.choice(["north", "south", "east"], rows), dtype=object)
    ward[rng.random(rows) < 0.15] = None
    ward[:40] = RARE_NAMES
    ward[40:50] = CANARY
    smoker = pd.Series(rng.random(rows) < 0.3, dtype=object)
    smoker[rng.random(rows) < 0.1] = None
    admitted = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), unit="D"))
    admitted[rng.random(rows) < 0.1] = pd.NaT
    big = rng.normal(100, 10, rows).round(1)
    big[7] = 1e9  # one record's extreme value
    return pd.DataFrame({
        "income": rng.lognormal(10, 1, rows).round(2),
        "age": rng.integers(18, 91, rows),
        "share": rng.random(rows).round(4),
        "visits": np.where(rng.random(rows) < 0.6, 0, rng.poisson(3, rows) + 1),
        "score": np.where(rng.random(rows) < 0.2, np.nan, rng.normal(0, 1, rows).round(3)),
        "big": big,
        "admitted": admitted,
        "stamp": pd.Timestamp("2021-03-04 05:06:07") + pd.to_timedelta(rng.integers(0, 10**7, rows), unit="s"),
        "smoker": smoker,
        "ward": ward,
    })


@pytest.fixture(scope="module")
def training() -> pd.DataFrame:
    return features_frame()


@pytest.fixture(scope="module")
def fitted(training) -> generators.AutoregressiveGenerator:
    generator = make()
    generator.fit(training, generators.TableSchema.from_mapping(KINDS))
    return generator


@pytest.fixture(scope="module")
def drawn(fitted) -> pd.DataFrame:
    return fitted.sample(ROWS, seed=1)


# --- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["income", "age", "share", "visits", "score", "big"])
def test_numbers_stay_within_the_protected_training_range(training, drawn, name):
    # Setup: value_protection 5 keeps the 5th smallest and the 5th largest value
    ordered = np.sort(training[name].dropna().to_numpy())

    # Assert
    assert drawn[name].min() >= ordered[4] and drawn[name].max() <= ordered[-5]


def test_an_extreme_value_held_by_one_row_is_never_exceeded(training, drawn):
    # Assert
    assert drawn["big"].max() <= np.sort(training["big"])[-5] < 1e9


def test_integers_stay_integers(fitted, drawn):
    # Assert
    assert fitted.output_dtypes["age"] == "int64" and fitted.output_dtypes["visits"] == "int64"
    assert drawn["age"].dtype == "int64" and drawn["visits"].dtype == "int64"


def test_skewed_and_bounded_columns_keep_their_shape(training, drawn):
    # Assert: lognormal median far below its mean; [0, 1] values spread over the interval
    assert drawn["income"].median() < 0.8 * drawn["income"].mean()
    assert drawn["income"].median() == pytest.approx(training["income"].median(), rel=0.25)
    assert drawn["share"].between(0, 1).all() and drawn["share"].std() > 0.2


def test_point_mass_share_is_roughly_kept(training, drawn):
    # Assert
    assert (drawn["visits"] == 0).mean() == pytest.approx((training["visits"] == 0).mean(), abs=0.08)


def test_decimals_are_kept(drawn):
    # Assert: money with 2 decimals, not more, and not all rounded to whole numbers
    cents = drawn["income"] * 100
    assert np.allclose(cents, cents.round(), rtol=0, atol=1e-6)
    assert (drawn["income"] != drawn["income"].round()).mean() > 0.5


# --- dates, booleans, missing values ---------------------------------------------------------------

def test_day_dates_stay_whole_days_and_second_stamps_whole_seconds(training, drawn):
    # Setup
    days, seconds = drawn["admitted"].dropna().astype("int64"), drawn["stamp"].astype("int64")

    # Assert
    assert drawn["admitted"].dtype == "datetime64[ns]" and drawn["stamp"].dtype == "datetime64[ns]"
    assert (days % (86_400 * 10**9) == 0).all() and (seconds % 10**9 == 0).all()
    assert (seconds % (86_400 * 10**9) != 0).mean() > 0.9  # not rounded to days
    assert training["stamp"].min() <= drawn["stamp"].min() and drawn["stamp"].max() <= training["stamp"].max()


def test_booleans_keep_their_share(training, drawn):
    # Assert
    assert drawn["smoker"].dtype == "boolean"
    assert drawn["smoker"].mean() == pytest.approx(training["smoker"].dropna().astype(bool).mean(), abs=0.06)


@pytest.mark.parametrize("name", ["score", "admitted", "smoker", "ward"])
def test_null_share_is_roughly_kept(training, drawn, name):
    # Assert
    assert drawn[name].isna().mean() == pytest.approx(training[name].isna().mean(), abs=0.05)


def test_columns_without_nulls_get_none(drawn):
    # Assert
    assert not drawn[["income", "age", "stamp"]].isna().any().any()


def test_a_large_sample_of_a_tiny_table_keeps_its_non_null_dtypes():
    # Setup: three rows give the missing token a visible smoothed share before training
    frame = pd.DataFrame({"n": [1, 2, 3], "flag": [True, False, True], "c": ["a", "b", "c"]})
    generator = make({"value_protection": 1})
    generator.fit(frame, generators.TableSchema.from_mapping({"n": "numerical", "flag": "boolean", "c": "categorical"}))

    # Run
    sample = generator.sample(5000, seed=1)

    # Assert
    assert sample["n"].dtype == "int64" and sample["flag"].dtype == "bool" and not sample.isna().any().any()


# --- categories --------------------------------------------------------------------------------------

def test_categories_held_by_fewer_rows_than_protection_come_out_as_rare(drawn):
    # Setup
    values = set(drawn["ward"].dropna())

    # Assert
    assert values <= {"north", "south", "east", CANARY, "_RARE_"}
    assert "_RARE_" in values  # the 40 one-row categories (2 % of rows) share one token


def test_thousands_of_categories_fit():
    # Setup: 5,000 categories over 20,000 rows, each at least once
    rng = np.random.default_rng(3)
    names = np.array([f"c{i}" for i in range(5000)])
    frame = pd.DataFrame({"code": np.concatenate([names, rng.choice(names, 15_000)]), "x": rng.random(20_000)})
    generator = make({"max_epochs": 1, "value_protection": 1})

    # Run
    generator.fit(frame, generators.TableSchema.from_mapping({"code": "categorical", "x": "numerical"}))
    sample = generator.sample(1000, seed=2)

    # Assert
    assert set(sample["code"]) <= set(names) and sample["code"].nunique() > 300


def test_network_size_grows_linearly_with_the_cardinality():
    # Setup
    def parameters(categories: int) -> int:
        names = [f"c{i}" for i in range(categories)]
        frame = pd.DataFrame({"code": names * 2, "x": np.linspace(0, 1, 2 * categories)})
        generator = make({"max_epochs": 1, "value_protection": 1})
        generator.fit(frame, generators.TableSchema.from_mapping({"code": "categorical", "x": "numerical"}))
        return sum(p.numel() for p in generator._network.parameters())

    # Run
    small, large = parameters(1000), parameters(4000)

    # Assert: 4x the categories, < 5x the parameters (a quadratic layer would give ~16x)
    assert 3 < large / small < 5


# --- conditional sampling -------------------------------------------------------------------------------

def test_a_fixed_value_holds_in_every_row_and_the_rest_is_drawn(fitted):
    # Run
    sample = fitted.sample(300, seed=3, fixed={"ward": "north", "admitted": "2020-06-01"})

    # Assert
    assert (sample["ward"] == "north").all()
    assert (sample["admitted"] == pd.Timestamp("2020-06-01")).all()
    assert sample["income"].nunique() > 100 and sample["smoker"].nunique() == 2


def test_a_frame_of_fixed_values_holds_row_by_row(fitted):
    # Setup
    fixed = pd.DataFrame({"age": [20, 50, 80] * 10, "ward": ["east", None, "south"] * 10})

    # Run
    sample = fitted.sample(30, seed=4, fixed=fixed)

    # Assert
    assert sample["age"].tolist() == fixed["age"].tolist()
    assert sample["ward"].iloc[::3].eq("east").all() and sample["ward"].iloc[1::3].isna().all()
    assert sample["ward"].iloc[2::3].eq("south").all()


@pytest.fixture(scope="module")
def dependent() -> generators.AutoregressiveGenerator:
    """y = f(x) for 8 keys, plus noise; trained with half the batches in a random column order."""
    rng = np.random.default_rng(5)
    x = rng.choice([f"k{i}" for i in range(8)], 1000)
    frame = pd.DataFrame({"noise": rng.normal(0, 1, 1000).round(2), "x": x, "y": [f"v{k[1:]}" for k in x]})
    generator = make({"max_epochs": 30, "random_order_share": 0.5})
    generator.fit(frame, generators.TableSchema.from_mapping(
        {"noise": "numerical", "x": "categorical", "y": "categorical"}))
    return generator


def test_fixing_a_column_draws_the_others_conditionally(dependent):
    # Run
    by_x = dependent.sample(400, seed=6, fixed={"x": "k3"})
    by_y = dependent.sample(400, seed=6, fixed={"y": "v5"})  # y comes after x: needs random orders
    free = dependent.sample(400, seed=6)

    # Assert
    assert (by_x["y"] == "v3").mean() > 0.8 and (by_y["x"] == "k5").mean() > 0.7
    assert (free["x"] == "k5").mean() < 0.3  # unconditioned, k5 is one key in eight


def test_fixing_an_unknown_column_is_a_schema_error(fitted):
    # Run / Assert
    with pytest.raises(generators.SchemaError, match="column 'nope': is not a learned column"):
        fitted.sample(5, seed=1, fixed={"nope": 1})


def test_a_fixed_frame_of_the_wrong_length_is_an_error(fitted):
    # Run / Assert
    with pytest.raises(generators.GeneratorError, match="fixed has 3 rows; it must have n = 5 rows"):
        fitted.sample(5, seed=1, fixed=pd.DataFrame({"age": [1, 2, 3]}))


def test_a_generator_without_conditions_refuses_fixed(fitted_copula):
    # Run / Assert
    with pytest.raises(generators.GeneratorError, match="does not support conditional sampling"):
        fitted_copula.sample(5, seed=1, fixed={"ward": "north"})


# --- constraints ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def constrained() -> generators.AutoregressiveGenerator:
    rng = np.random.default_rng(7)
    low = rng.uniform(0, 20, 600).round(2)
    frame = pd.DataFrame({"a": low, "b": (low + rng.uniform(-1, 5, 600)).round(2), "age": rng.integers(-5, 130, 600)})
    generator = make({"constraints": [{"type": "inequality", "low": "a", "high": "b"},
                                      {"type": "range", "column": "age", "min": 0, "max": 120}]})
    generator.fit(frame, generators.TableSchema.from_mapping({"a": "numerical", "b": "numerical", "age": "numerical"}))
    return generator


def test_every_sampled_row_keeps_the_constraints(constrained):
    # Run
    sample = constrained.sample(500, seed=8)

    # Assert
    assert (sample["a"] <= sample["b"]).all() and sample["age"].between(0, 120).all()


def test_constraints_also_hold_with_fixed_values(constrained):
    # Run
    sample = constrained.sample(200, seed=9, fixed={"a": 10.0})

    # Assert
    assert (sample["a"] == 10.0).all() and (sample["b"] >= 10.0).all() and sample["age"].between(0, 120).all()


def test_fixed_values_that_break_a_constraint_stop_with_the_constraint_named(constrained):
    # Run
    with pytest.raises(generators.GeneratorError) as error:
        constrained.sample(20, seed=10, fixed={"age": 130})

    # Assert
    assert "still break the constraints" in str(error.value) and "age in [0, 120]" in str(error.value)
    assert "130" not in str(error.value)


def test_a_model_trained_in_schema_order_only_fixes_leading_columns():
    # Setup
    frame, schema = small_frame()
    generator = make({"random_order_share": 0})
    generator.fit(frame, schema)

    # Run
    leading = generator.sample(10, seed=1, fixed={"x": 0.5})
    with pytest.raises(generators.GeneratorError, match="random_order_share 0"):
        generator.sample(10, seed=1, fixed={"c": "a"})

    # Assert
    assert (leading["x"] == 0.5).all()


# --- reproducibility, save and load ------------------------------------------------------------------------

def test_different_seeds_differ(training):
    # Setup
    schema = generators.TableSchema.from_mapping(KINDS)
    first, second = make(seed=1), make(seed=2)

    # Run
    first.fit(training, schema)
    second.fit(training, schema)

    # Assert: another fit seed, another model; another sample seed, other rows
    assert not first.sample(50, seed=0).equals(second.sample(50, seed=0))
    assert not first.sample(50, seed=0).equals(first.sample(50, seed=1))


def test_save_and_load_give_the_same_samples(fitted, tmp_path):
    # Run
    fitted.save(tmp_path / "model")
    loaded = generators.Generator.load(tmp_path / "model")

    # Assert
    pd.testing.assert_frame_equal(loaded.sample(100, seed=5), fitted.sample(100, seed=5))
    pd.testing.assert_frame_equal(loaded.sample(100, seed=5, fixed={"ward": "east"}),
                                  fitted.sample(100, seed=5, fixed={"ward": "east"}))
    assert loaded.training == fitted.training and loaded.privacy_record is None


def test_the_model_file_is_model_pt_and_loads_without_running_code(fitted, tmp_path):
    # Run
    fitted.save(tmp_path / "model")
    stored = torch.load(tmp_path / "model" / "model.pt", weights_only=True)

    # Assert
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["config.json", "manifest.json", "model.pt"]
    assert set(stored) == {"network", "encoder", "column_order"}
    assert all(isinstance(tensor, torch.Tensor) for tensor in stored["network"].values())


def test_model_pt_is_sensitive_it_holds_category_values_that_the_json_files_never_do(fitted, tmp_path):
    # Run
    fitted.save(tmp_path / "model")
    config = (tmp_path / "model" / "config.json").read_text()
    manifest = (tmp_path / "model" / "manifest.json").read_text()
    stored = torch.load(tmp_path / "model" / "model.pt", weights_only=True)

    # Assert: config and manifest are publishable facts; model.pt is as sensitive as the table
    assert CANARY not in config and CANARY not in manifest and "north" not in config + manifest
    assert CANARY in next(codec for codec in stored["encoder"] if codec["name"] == "ward")["categories"]
    assert json.loads(manifest)["training"]["stopped"] == "max_epochs"


# --- progress, time budget, early stopping -----------------------------------------------------------------

def small_frame(rows: int = 300, seed: int = 9) -> tuple[pd.DataFrame, generators.TableSchema]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x": rng.normal(0, 1, rows).round(2), "c": rng.choice(["a", "b", "c"], rows)})
    return frame, generators.TableSchema.from_mapping({"x": "numerical", "c": "categorical"})


def test_progress_is_called_once_per_epoch_with_the_facts():
    # Setup
    frame, schema = small_frame()
    calls: list[TrainingProgress] = []
    generator = make()

    # Run
    generator.fit(frame, schema, progress=calls.append)

    # Assert
    assert [p.epoch for p in calls] == [1, 2, 3] and {p.max_epochs for p in calls} == {3}
    assert all(p.train_loss > 0 and p.val_loss > 0 and p.elapsed_s >= 0 and p.eta_s >= 0 for p in calls)
    assert calls[-1].eta_s == 0 and calls[0].elapsed_s <= calls[-1].elapsed_s
    assert generator.training["curve"] == [p.to_dict() for p in calls]


def test_console_progress_when_disabled_is_a_no_op():
    # Setup
    frame, schema = small_frame()

    # Run
    with console_progress(enabled=False) as progress:
        returned = progress(TrainingProgress(1, 3, 1.0, 1.0, 0.1, 0.2))
        make().fit(frame, schema, progress=progress)

    # Assert
    assert returned is None


def test_the_time_budget_stops_after_the_first_epoch():
    # Setup: the callback makes the first epoch outlast the 0.06 s budget whatever the machine
    frame, schema = small_frame()
    generator = make({"max_epochs": 50, "max_minutes": 0.001})

    # Run
    generator.fit(frame, schema, progress=lambda progress: time.sleep(0.1))

    # Assert
    assert generator.training["stopped"] == "time_budget" and generator.training["epochs"] == 1


def test_training_stops_when_validation_stops_improving():
    # Setup: independent noise columns, nothing to learn beyond the marginals
    frame, schema = small_frame()
    generator = make({"max_epochs": 200, "patience": 1})

    # Run
    generator.fit(frame, schema)

    # Assert
    assert generator.training["stopped"] == "converged" and generator.training["epochs"] < 200
    assert generator.training["best_val_loss"] == min(p["val_loss"] for p in generator.training["curve"])


# --- devices ----------------------------------------------------------------------------------------------

@pytest.mark.skipif(CUDA, reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_a_device_error():
    # Run / Assert
    with pytest.raises(generators.DeviceUnavailableError, match="cuda"):
        make(device="cuda")


@pytest.mark.gpu
@pytest.mark.skipif(not CUDA, reason="needs CUDA")
def test_trained_on_cuda_loads_and_samples_on_cpu(tmp_path):
    # Setup
    frame = features_frame(rows=1000)
    generator = make(device="cuda")

    # Run
    report = generator.fit(frame, generators.TableSchema.from_mapping(KINDS))
    on_cuda = generator.sample(200, seed=4)
    conditioned = generator.sample(50, seed=4, fixed={"ward": "north"})
    generator.save(tmp_path / "model")
    loaded = generators.Generator.load(tmp_path / "model", device="cpu")
    first, second = loaded.sample(200, seed=4), loaded.sample(200, seed=4)

    # Assert
    assert report.device == "cuda" and loaded.device == "cpu" and loaded.report.device == "cuda"
    assert list(on_cuda.columns) == list(KINDS) and (conditioned["ward"] == "north").all()
    pd.testing.assert_frame_equal(first, second)
    assert first.dtypes.equals(on_cuda.dtypes)
