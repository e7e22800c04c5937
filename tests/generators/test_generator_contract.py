"""The contract every registered generator keeps: fit → sample → save → load → same sample."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from pandas.api import types as ptypes

from synthgate import generators

MANIFEST_KEYS = {"kind", "params", "device", "seed", "train_seconds", "rows", "columns", "created_at",
                 "libraries", "format_version", "model_sha256"}
LIBRARIES = {"python", "sdv", "rdt", "ctgan", "copulas", "torch", "pandas", "numpy"}


def assert_follows_schema(frame: pd.DataFrame, schema: generators.TableSchema) -> None:
    assert list(frame.columns) == list(schema.names)
    for name, kind in schema.columns:
        column = frame[name]
        if kind == "numerical":
            assert ptypes.is_numeric_dtype(column) and not ptypes.is_bool_dtype(column), name
        elif kind == "categorical":
            assert column.dtype == object and column.dropna().map(type).eq(str).all(), name
        elif kind == "datetime":
            assert ptypes.is_datetime64_dtype(column), name
        else:
            assert str(column.dtype) in ("bool", "boolean"), name


@pytest.mark.parametrize("kind", generators.available())
def test_fit_sample_save_load_gives_the_same_rows(kind, make_generator, mixed_frame, mixed_schema, canary, tmp_path):
    # Setup
    generator = make_generator(kind)
    model_dir = tmp_path / "model"

    # Run
    report = generator.fit(mixed_frame, mixed_schema)
    first = generator.sample(50, seed=7)
    again = generator.sample(50, seed=7)
    other = generator.sample(50, seed=8)
    generator.save(model_dir)
    loaded = generators.Generator.load(model_dir, device="cpu")
    after_load = loaded.sample(50, seed=7)

    # Assert
    assert report.rows == 200 and report.columns == 5 and report.device == "cpu" and report.train_seconds > 0
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, after_load)
    assert not first.equals(other)
    assert type(loaded) is type(generator) and loaded.schema == mixed_schema
    assert_follows_schema(first, mixed_schema)
    assert first["age"].dtype == "int64"  # integer columns stay integer
    assert first.index.equals(pd.RangeIndex(50))

    config_text = (model_dir / "config.json").read_text()
    manifest_text = (model_dir / "manifest.json").read_text()
    config, manifest = json.loads(config_text), json.loads(manifest_text)
    assert set(config) == {"kind", "params", "schema", "dtypes", "seed"}
    assert config["kind"] == kind and config["seed"] == 11
    assert generators.TableSchema.from_dict(config["schema"]) == mixed_schema
    assert MANIFEST_KEYS <= set(manifest) and LIBRARIES <= set(manifest["libraries"])
    assert manifest["format_version"] == 2 and manifest["device"] == "cpu" and manifest["rows"] == 200
    assert canary not in config_text and canary not in manifest_text
    for value in ("north", "south", "50000", "2020-01-0"):
        assert value not in config_text + manifest_text


@pytest.mark.parametrize("kind", generators.available())
def test_fit_with_the_same_seed_learns_the_same_model(kind, make_generator, mixed_frame, mixed_schema):
    # Setup
    first, second = make_generator(kind, seed=5), make_generator(kind, seed=5)

    # Run
    first.fit(mixed_frame, mixed_schema)
    second.fit(mixed_frame, mixed_schema)

    # Assert
    pd.testing.assert_frame_equal(first.sample(30, seed=1), second.sample(30, seed=1))


def test_nullable_columns_keep_nullable_dtypes(mixed_frame):
    # Setup
    frame = mixed_frame.assign(
        visits=pd.array([None if i % 5 == 0 else i % 4 for i in range(len(mixed_frame))], dtype="Int64"),
        insured=pd.Series([None if i % 7 == 0 else i % 2 == 0 for i in range(len(mixed_frame))], dtype=object),
    )
    schema = generators.TableSchema.from_mapping(
        {"visits": "numerical", "insured": "boolean", "ward": "categorical", "age": "numerical"}
    )
    generator = generators.GaussianCopulaGenerator(seed=1)

    # Run
    generator.fit(frame[list(schema.names)], schema)
    sample = generator.sample(200, seed=2)

    # Assert
    assert generator.output_dtypes == {"visits": "Int64", "insured": "boolean", "ward": "object", "age": "int64"}
    assert str(sample["visits"].dtype) == "Int64" and str(sample["insured"].dtype) == "boolean"
    assert sample["visits"].isna().any() and sample["insured"].isna().any()
