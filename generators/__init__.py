"""Synthetic-data generators: fit on a pseudonymised table, sample, save and load model directories.

Exceptions (all in :mod:`generators.errors`)::

    GeneratorError
    ├── UnknownGeneratorError
    ├── DeviceUnavailableError
    ├── InvalidParamsError
    ├── ModelDirectoryError
    └── SchemaError

torch and sdv are imported lazily inside the methods that need them, so importing this package
is cheap. This package never imports flows, prefect, privacy or expectations.
"""
from synthgate.generators.autoregressive import AutoregressiveGenerator, AutoregressiveParams
from synthgate.generators.base import LEARNABLE_KINDS, FitReport, Generator, TableSchema
from synthgate.generators.device import resolve_device
from synthgate.generators.errors import (
    DeviceUnavailableError,
    GeneratorError,
    InvalidParamsError,
    ModelDirectoryError,
    SchemaError,
    UnknownGeneratorError,
)
from synthgate.generators.identifiers import fresh_identifiers
from synthgate.generators.relational import RelationalGenerator
from synthgate.generators.registry import DEFAULT_GENERATOR, REGISTRY, available, get_generator, parse_params, register
from synthgate.generators.progress import ProgressCallback, TrainingProgress, console_progress
from synthgate.generators.sampling import CopyFreeSample, sample_without_copies
from synthgate.generators.training_rows import DEFAULT_TRAIN_ROWS, TrainingSample, training_sample
from synthgate.generators.sdv_copula import GaussianCopulaGenerator, GaussianCopulaParams
from synthgate.generators.sdv_ctgan import CTGANGenerator, CTGANParams
from synthgate.generators.sdv_tvae import TVAEGenerator, TVAEParams

__all__ = [
    "AutoregressiveGenerator",
    "AutoregressiveParams",
    "DEFAULT_GENERATOR",
    "LEARNABLE_KINDS",
    "REGISTRY",
    "CTGANGenerator",
    "CTGANParams",
    "DeviceUnavailableError",
    "FitReport",
    "GaussianCopulaGenerator",
    "GaussianCopulaParams",
    "Generator",
    "GeneratorError",
    "InvalidParamsError",
    "ModelDirectoryError",
    "SchemaError",
    "TVAEGenerator",
    "TVAEParams",
    "TableSchema",
    "UnknownGeneratorError",
    "ProgressCallback",
    "TrainingProgress",
    "available",
    "console_progress",
    "fresh_identifiers",
    "get_generator",
    "parse_params",
    "register",
    "RelationalGenerator",
    "resolve_device",
    "CopyFreeSample",
    "sample_without_copies",
    "DEFAULT_TRAIN_ROWS",
    "TrainingSample",
    "training_sample",
]
