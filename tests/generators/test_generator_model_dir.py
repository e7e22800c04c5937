"""Model directories: refused targets, tampering, missing files, format and kind checks."""
from __future__ import annotations

import json

import pytest

from synthgate import generators


@pytest.fixture
def saved(fitted_copula, tmp_path):
    directory = tmp_path / "model"
    fitted_copula.save(directory)
    return directory


def test_tampered_model_file_is_refused_before_unpickling(saved):
    # Setup
    with (saved / "model.pkl").open("ab") as handle:
        handle.write(b"\0")

    # Run / Assert
    with pytest.raises(generators.ModelDirectoryError, match="does not match the sha256"):
        generators.Generator.load(saved)


@pytest.mark.parametrize("name", ["model.pkl", "config.json", "manifest.json"])
def test_missing_file_is_refused(saved, name):
    (saved / name).unlink()
    with pytest.raises(generators.ModelDirectoryError, match=f"{name} is missing"):
        generators.Generator.load(saved)


def test_unknown_format_version_is_refused(saved):
    manifest = json.loads((saved / "manifest.json").read_text())
    manifest["format_version"] = 1
    (saved / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(generators.ModelDirectoryError, match="unsupported format_version"):
        generators.Generator.load(saved)


def test_loading_through_another_class_is_refused(saved):
    with pytest.raises(generators.ModelDirectoryError, match="holds a 'gaussian_copula' model, not 'tvae'"):
        generators.TVAEGenerator.load(saved)
    assert isinstance(generators.GaussianCopulaGenerator.load(saved), generators.GaussianCopulaGenerator)


def test_saving_into_a_non_empty_directory_is_refused(fitted_copula, saved):
    with pytest.raises(generators.ModelDirectoryError, match="not an empty directory"):
        fitted_copula.save(saved)


def test_saving_into_an_empty_directory_works_and_leaves_no_staging(fitted_copula, tmp_path):
    # Setup
    directory = tmp_path / "empty"
    directory.mkdir()

    # Run
    fitted_copula.save(directory)

    # Assert
    assert sorted(p.name for p in directory.iterdir()) == ["config.json", "manifest.json", "model.pkl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_loaded_model_keeps_the_training_facts(fitted_copula, saved):
    loaded = generators.Generator.load(saved)
    assert loaded.report == fitted_copula.report
    assert loaded.output_dtypes == fitted_copula.output_dtypes
    assert loaded.seed == fitted_copula.seed


def test_unfitted_generator_cannot_be_saved(tmp_path):
    with pytest.raises(generators.GeneratorError, match="not fitted"):
        generators.GaussianCopulaGenerator().save(tmp_path / "model")
    assert not (tmp_path / "model").exists()
