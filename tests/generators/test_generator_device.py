"""Device resolution on this machine, plus a CUDA round trip that runs only where CUDA exists."""
from __future__ import annotations

import pandas as pd
import pytest
import torch

from synthgate import generators

CUDA = torch.cuda.is_available()


def test_cpu_resolves_to_cpu():
    assert generators.resolve_device("cpu") == "cpu"


def test_auto_resolves_to_what_is_there():
    assert generators.resolve_device("auto") == ("cuda" if CUDA else "cpu")


@pytest.mark.skipif(CUDA, reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_an_error():
    with pytest.raises(generators.DeviceUnavailableError, match=r"torch.cuda.is_available\(\) is False"):
        generators.resolve_device("cuda")


@pytest.mark.skipif(CUDA, reason="needs a machine without CUDA")
def test_gpu_generator_on_missing_cuda_is_an_error():
    with pytest.raises(generators.DeviceUnavailableError):
        generators.TVAEGenerator(device="cuda")


def test_unknown_device_lists_the_allowed_names():
    with pytest.raises(generators.DeviceUnavailableError, match="allowed: auto, cpu, cuda"):
        generators.resolve_device("tpu")


def test_generator_without_gpu_support_always_runs_on_cpu():
    assert generators.GaussianCopulaGenerator(device="cuda").device == "cpu"
    assert generators.GaussianCopulaGenerator(device="auto").device == "cpu"
    with pytest.raises(generators.DeviceUnavailableError):
        generators.GaussianCopulaGenerator(device="gpu")


@pytest.mark.gpu
@pytest.mark.skipif(not CUDA, reason="needs CUDA")
@pytest.mark.parametrize("kind", ["ctgan", "tvae"])
def test_trained_on_cuda_loads_and_samples_on_cpu(kind, make_generator, mixed_frame, mixed_schema, tmp_path):
    # Setup
    generator = make_generator(kind, device="cuda")

    # Run
    report = generator.fit(mixed_frame, mixed_schema)
    on_cuda = generator.sample(20, seed=4)
    generator.save(tmp_path / "model")
    loaded = generators.Generator.load(tmp_path / "model", device="cpu")
    first, second = loaded.sample(20, seed=4), loaded.sample(20, seed=4)

    # Assert
    assert report.device == "cuda" and loaded.report.device == "cuda" and loaded.device == "cpu"
    assert len(on_cuda) == 20
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == list(mixed_schema.names)
