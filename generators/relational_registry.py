"""The generators of several tables: a readable dict from kind to class, plus lookup, params and limits.

Every entry keeps RelationalGenerator's protocol: ``fit(tables, keys, links, sequences, kinds, *,
seed, device, params)`` → report, ``sample(scale, *, n_parents, seed)`` → ``{table: frame}`` with
fresh keys, ``save(directory)``, ``load(directory, device=)``. ``relational`` (ours) is the
default; ``sdv_hma`` and ``sdv_par`` are SDV's peers, with the limits their modules state.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from synthgate.generators.errors import UnknownGeneratorError
from synthgate.generators.relational import RelationalGenerator
from synthgate.generators.sdv_hma import HMAGenerator
from synthgate.generators.sdv_par import PARGenerator

DEFAULT_RELATIONAL = "relational"
# generator.kind's default is the single-table default, autoregressive: with tables it means ours, whose
# model of each table is that autoregressive model (specs written before the peers say so).
ALIASES = {"autoregressive": DEFAULT_RELATIONAL}

RELATIONAL_REGISTRY: dict[str, type] = {
    RelationalGenerator.kind: RelationalGenerator,
    HMAGenerator.kind: HMAGenerator,
    PARGenerator.kind: PARGenerator,
}


def available_relational() -> list[str]:
    """The kinds a tables: spec accepts, sorted (the alias ``autoregressive`` aside)."""
    return sorted(RELATIONAL_REGISTRY)


def resolve_relational(kind: str) -> str:
    """The registered kind ``kind`` names (``autoregressive`` → ``relational``).

    Raises:
        UnknownGeneratorError: a single-table kind (one line saying so) or an unknown one; both list
            the allowed kinds.
    """
    kind = ALIASES.get(kind, kind) if isinstance(kind, str) else kind
    if kind in RELATIONAL_REGISTRY:
        return kind
    from synthgate.generators.registry import REGISTRY

    error = UnknownGeneratorError(str(kind), available_relational())
    if kind in REGISTRY:
        others = [k for k in available_relational() if k != DEFAULT_RELATIONAL]
        error.args = (f"generator {kind!r} models one table; with tables: allowed: {DEFAULT_RELATIONAL} (the "
                      f"relational generator, the default), {', '.join(others)}",)
    raise error


def get_relational(kind: str) -> type:
    """The class of a (resolved) relational kind."""
    return RELATIONAL_REGISTRY[resolve_relational(kind)]


def parse_relational_params(kind: str, raw: Mapping[str, Any] | None) -> BaseModel:
    """``generator.params`` for ``kind``: ours takes the autoregressive params (for every table), a peer its own.

    Raises:
        UnknownGeneratorError: see ``resolve_relational``.
        InvalidParamsError: names each bad key with the allowed keys or the rule it breaks.
    """
    kind = resolve_relational(kind)
    if kind == DEFAULT_RELATIONAL:
        from synthgate.generators.registry import parse_params

        return parse_params("autoregressive", raw)
    return RELATIONAL_REGISTRY[kind].parse_params(raw)


def check_relational(kind: str, keys: Mapping[str, str | None], links: Sequence[Mapping[str, str]],
                     sequences: Mapping[str, Any], *, dp: Any = None) -> None:
    """Refuse, before any data is read, what ``kind`` cannot model: one GeneratorError line.

    ``keys`` names every table (None for one without a primary key). Ours is not checked here: its
    depth and its dp rules go with the tables (flows/relations.py) and its fit; the peers refuse dp
    and their own limits.
    """
    kind = resolve_relational(kind)
    if kind == DEFAULT_RELATIONAL:
        return
    RELATIONAL_REGISTRY[kind].check(keys, links, sequences, dp=dp)


def rare_placeholder(kind: str) -> str | None:
    """What categories too rare to learn come out as (ours: the autoregressive placeholder; SDV: none)."""
    kind = resolve_relational(kind)
    if kind == DEFAULT_RELATIONAL:
        from synthgate.generators.autoregressive import AutoregressiveGenerator

        return AutoregressiveGenerator.rare_placeholder
    return RELATIONAL_REGISTRY[kind].rare_placeholder


def table_model(kind: str) -> str:
    """What models each table, for the manifest: autoregressive (ours), gaussian_copula (HMA), par (PAR)."""
    kind = resolve_relational(kind)
    return "autoregressive" if kind == DEFAULT_RELATIONAL else RELATIONAL_REGISTRY[kind].table_model
