"""Registry lookups, registration and params parsing."""
from __future__ import annotations

import inspect
from typing import ClassVar

import pytest

from synthgate import generators
from synthgate.generators import registry


class DummyGenerator(generators.GaussianCopulaGenerator):
    kind: ClassVar[str] = "dummy"


@pytest.fixture
def clean_registry(monkeypatch):
    """Registry changes made by a test are undone afterwards."""
    monkeypatch.setattr(registry, "REGISTRY", dict(registry.REGISTRY))
    return registry.REGISTRY


def test_builtin_kinds_are_registered_and_default_is_one_of_them():
    assert generators.available() == ["autoregressive", "ctgan", "gaussian_copula", "tvae"]
    assert generators.DEFAULT_GENERATOR in generators.available()
    assert generators.get_generator("tvae") is generators.TVAEGenerator


def test_unknown_kind_names_the_allowed_kinds():
    with pytest.raises(generators.UnknownGeneratorError) as info:
        generators.get_generator("x")
    assert str(info.value) == "unknown generator 'x'; allowed: autoregressive, ctgan, gaussian_copula, tvae"
    assert info.value.kind == "x" and info.value.allowed == ["autoregressive", "ctgan", "gaussian_copula", "tvae"]


def test_register_twice_fails_and_force_replaces(clean_registry):
    # Run
    registry.register(DummyGenerator)
    with pytest.raises(generators.GeneratorError, match="already registered"):
        registry.register(DummyGenerator)

    class Replacement(DummyGenerator):
        pass

    registry.register(Replacement, force=True)

    # Assert
    assert generators.get_generator("dummy") is Replacement
    assert "dummy" in generators.available()


def test_registry_is_restored_after_the_test():
    assert "dummy" not in generators.available()


@pytest.mark.parametrize("bad", [int, generators.Generator])
def test_register_refuses_classes_that_are_not_concrete_generators(bad, clean_registry):
    with pytest.raises(generators.GeneratorError):
        registry.register(bad)


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("gaussian_copula", {"epochs": 5},
         "generator 'gaussian_copula': unknown parameter 'epochs'; "
         "allowed: default_distribution, enforce_min_max_values, enforce_rounding"),
        ("ctgan", {"epochs": 0}, "generator 'ctgan': parameter 'epochs' must be an integer ≥ 1 and ≤ 10000"),
        ("ctgan", {"epochs": "many"}, "generator 'ctgan': parameter 'epochs' must be an integer ≥ 1 and ≤ 10000"),
        ("ctgan", {"epochs": 2.5}, "generator 'ctgan': parameter 'epochs' must be an integer ≥ 1 and ≤ 10000"),
        ("gaussian_copula", {"default_distribution": "cauchy"},
         "generator 'gaussian_copula': parameter 'default_distribution' must be one of: "
         "norm, beta, truncnorm, uniform, gamma, gaussian_kde"),
        ("tvae", {"enforce_rounding": "yes"}, "generator 'tvae': parameter 'enforce_rounding' must be true or false"),
        ("ctgan", {"generator_dim": [0]},
         "generator 'ctgan': parameter 'generator_dim' must be a list of integers ≥ 1 and ≤ 4096 (1 to 8 items)"),
        ("ctgan", {"batch_size": 500, "pac": 3},
         "generator 'ctgan': parameter 'batch_size' must be even and a multiple of 'pac' (batch_size 500, pac 3)"),
        ("tvae", {"l2scale": -1.0}, "generator 'tvae': parameter 'l2scale' must be a number ≥ 0 and ≤ 1"),
    ],
)
def test_parse_params_names_the_key_and_the_rule(kind, raw, message):
    with pytest.raises(generators.InvalidParamsError) as info:
        generators.parse_params(kind, raw)
    assert str(info.value) == message
    assert info.value.kind == kind


def test_parse_params_accepts_yaml_shapes():
    # Setup: YAML gives lists for layers and, without a dot, exponents as strings
    raw = {"generator_dim": [64, 64], "generator_lr": "2e-4", "epochs": 10}

    # Run
    params = generators.parse_params("ctgan", raw)

    # Assert
    assert params.generator_dim == (64, 64) and params.generator_lr == 2e-4 and params.epochs == 10


@pytest.mark.parametrize("kind", ["gaussian_copula", "ctgan", "tvae"])
def test_defaults_equal_sdv_defaults_and_every_param_exists_in_sdv(kind):
    # Setup
    from sdv import single_table

    sdv_class = {"gaussian_copula": single_table.GaussianCopulaSynthesizer,
                 "ctgan": single_table.CTGANSynthesizer, "tvae": single_table.TVAESynthesizer}[kind]
    sdv_defaults = {name: p.default for name, p in inspect.signature(sdv_class.__init__).parameters.items()}

    # Run
    ours = generators.parse_params(kind, None).model_dump()

    # Assert
    for name, value in ours.items():
        assert name in sdv_defaults, name
        expected = sdv_defaults[name] if sdv_defaults[name] is not None else "beta"  # SDV: None means beta
        assert value == expected, name


def test_params_of_the_wrong_model_are_refused():
    with pytest.raises(generators.InvalidParamsError, match="params must be CTGANParams"):
        generators.CTGANGenerator(generators.TVAEParams())
