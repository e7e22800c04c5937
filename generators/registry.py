"""The generator registry: a readable dict from kind to class, plus register/lookup/params parsing."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from synthgate.generators._params import describe_errors
from synthgate.generators.autoregressive import AutoregressiveGenerator
from synthgate.generators.base import Generator
from synthgate.generators.errors import GeneratorError, InvalidParamsError, UnknownGeneratorError
from synthgate.generators.sdv_copula import GaussianCopulaGenerator
from synthgate.generators.sdv_ctgan import CTGANGenerator
from synthgate.generators.sdv_tvae import TVAEGenerator

DEFAULT_GENERATOR = "autoregressive"

REGISTRY: dict[str, type[Generator]] = {
    AutoregressiveGenerator.kind: AutoregressiveGenerator,
    GaussianCopulaGenerator.kind: GaussianCopulaGenerator,
    CTGANGenerator.kind: CTGANGenerator,
    TVAEGenerator.kind: TVAEGenerator,
}


def register(cls: type[Generator], *, force: bool = False) -> type[Generator]:
    """Add a generator class under its ``kind``; usable as a decorator.

    Args:
        cls: A concrete Generator subclass with ``kind`` and ``Params`` set.
        force: Replace a class already registered under the same kind.

    Returns:
        ``cls`` unchanged.

    Raises:
        GeneratorError: ``cls`` is not a Generator, lacks ``kind``/``Params``, or the kind is taken.
    """
    if not (isinstance(cls, type) and issubclass(cls, Generator)):
        raise GeneratorError(f"only Generator subclasses can be registered, got {cls!r}")
    kind = getattr(cls, "kind", None)
    if not isinstance(kind, str) or not kind:
        raise GeneratorError(f"{cls.__name__} has no 'kind'")
    if not (isinstance(getattr(cls, "Params", None), type) and issubclass(cls.Params, BaseModel)):
        raise GeneratorError(f"{cls.__name__} has no pydantic 'Params' model")
    if kind in REGISTRY and not force:
        raise GeneratorError(
            f"generator {kind!r} is already registered ({REGISTRY[kind].__name__}); pass force=True to replace it"
        )
    REGISTRY[kind] = cls
    return cls


def available() -> list[str]:
    """The registered kinds, sorted."""
    return sorted(REGISTRY)


def get_generator(kind: str) -> type[Generator]:
    """The class registered under ``kind``.

    Raises:
        UnknownGeneratorError: No such kind; the message lists the allowed kinds.
    """
    try:
        return REGISTRY[kind]
    except (KeyError, TypeError):
        raise UnknownGeneratorError(str(kind), available()) from None


def parse_params(kind: str, raw: Mapping[str, Any] | None) -> BaseModel:
    """Validate raw params (e.g. from the release spec) against the generator's ``Params``.

    Args:
        kind: A registered generator kind.
        raw: Param names to values; None or empty gives the defaults.

    Returns:
        The validated, frozen params model.

    Raises:
        UnknownGeneratorError: ``kind`` is not registered.
        InvalidParamsError: Names each bad key with the allowed keys or the rule it breaks.
    """
    params_model = get_generator(kind).Params
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidParamsError(kind, f"params must be a mapping of names to values, got {type(raw).__name__}")
    try:
        return params_model.model_validate(dict(raw))
    except ValidationError as exc:
        raise InvalidParamsError(kind, describe_errors(params_model, exc)) from None
