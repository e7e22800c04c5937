"""Simple constraints on generated rows (an inequality between two columns, a value range), kept by rejection."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from synthgate.generators import _frames
from synthgate.generators._seeding import check_seed, derive_seed
from synthgate.generators.base import TableSchema
from synthgate.generators.errors import GeneratorError, SchemaError

ALLOWED_KINDS = ("numerical", "datetime")
_BOUND_RULES = {"numerical": "a number", "datetime": "a naive ISO date such as 2020-01-31"}
# Later rounds' seed path, apart from the (seed, round) seeds a caller such as the copy filter derives.
_STREAM = 0xC0


class Inequality(BaseModel):
    """``low <= high`` (``low < high`` when strict) between two numerical or two datetime columns."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    type: Literal["inequality"] = "inequality"
    low: str
    high: str
    strict: bool = False


class ValueRange(BaseModel):
    """``min <= column <= max`` with either bound optional; datetime columns take ISO date strings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["range"] = "range"
    column: str = Field(strict=True)
    min: float | str | None = None
    max: float | str | None = None

    @field_validator("min", "max", mode="before")
    @classmethod
    def _lax_bound(cls, value: Any) -> Any:
        # Lax like _params.LaxFloat (PyYAML reads 1e3 as a string) and YAML's own dates as ISO strings.
        if isinstance(value, dt.date):  # a datetime is a date too
            return value.isoformat()
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return value.strip()
        if isinstance(value, bool) or (isinstance(value, (int, float)) and not math.isfinite(value)):
            raise ValueError("a bound must be a finite number or an ISO date")
        return value

    @model_validator(mode="after")
    def _bounds_in_order(self) -> ValueRange:
        if self.min is None and self.max is None:
            raise ValueError(f"range of {self.column!r} needs min, max or both")
        low, high = _as_bound(self.min), _as_bound(self.max)
        if low is not None and high is not None and type(low) is type(high) and low > high:
            raise ValueError(f"range of {self.column!r} has min greater than max")
        return self


Constraint = Annotated[Inequality | ValueRange, Field(discriminator="type")]
# For a generator's Params: YAML lists become tuples (frozen, hashable params).
Constraints = Annotated[tuple[Constraint, ...], Field(strict=False, max_length=64)]


def _as_bound(value: float | str | None) -> float | np.datetime64 | None:
    """A number as it is; a naive ISO date or date-time as datetime64[ns]; None for any other string."""
    if not isinstance(value, str):
        return value
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if parsed.tzinfo is not None else np.datetime64(parsed, "ns")


def describe(constraint: Inequality | ValueRange) -> str:
    """A short readable form, e.g. ``admitted <= discharged`` or ``age in [0, 120]``."""
    if isinstance(constraint, Inequality):
        return f"{constraint.low} {'<' if constraint.strict else '<='} {constraint.high}"
    lo, hi = ("" if b is None else f"{b:.15g}" if isinstance(b, float) else b for b in (constraint.min, constraint.max))
    name = constraint.column
    return f"{name} in [{lo}, {hi}]" if lo and hi else f"{name} >= {lo}" if lo else f"{name} <= {hi}"


def _kind(schema: TableSchema, column: str, constraint: Inequality | ValueRange) -> str:
    kind = schema.kind_of(column)  # SchemaError naming a column that is not in the schema
    if kind not in ALLOWED_KINDS:
        raise SchemaError(column, f"kind {kind!r} cannot be constrained ({describe(constraint)}); "
                                  f"allowed kinds: {', '.join(ALLOWED_KINDS)}")
    return kind


def check_constraints(constraints: Sequence[Inequality | ValueRange], schema: TableSchema) -> None:
    """Check that every constraint fits the generator's schema.

    Raises:
        SchemaError: A column is missing or not numerical/datetime, or an inequality or a bound misfits.
    """
    for constraint in constraints:
        if isinstance(constraint, Inequality):
            if constraint.low == constraint.high:
                raise SchemaError(constraint.low, "an inequality needs two different columns")
            low, high = _kind(schema, constraint.low, constraint), _kind(schema, constraint.high, constraint)
            if low != high:
                raise SchemaError(constraint.low, f"kind {low!r} differs from kind {high!r} of {constraint.high!r}; "
                                                  "an inequality needs two numerical or two datetime columns")
            continue
        kind = _kind(schema, constraint.column, constraint)
        for name in ("min", "max"):
            given = getattr(constraint, name)
            if given is not None and not isinstance(_as_bound(given), np.datetime64 if kind == "datetime" else float):
                raise SchemaError(constraint.column, f"kind {kind!r} needs {name} as {_BOUND_RULES[kind]}")


def _values(frame: pd.DataFrame, column: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The column as float64 or datetime64[ns] and its null mask (NaN and NaT compare False)."""
    if column not in frame.columns:
        raise SchemaError(column, "is constrained but missing from the data")
    canonical = _frames.to_canonical(frame[column], column, kind)  # SchemaError for a dtype that misfits
    values = canonical.to_numpy() if kind == "datetime" else canonical.astype("float64").to_numpy()
    return values, pd.isna(values)


def _mask(frame: pd.DataFrame, constraint: Inequality | ValueRange, schema: TableSchema) -> np.ndarray:
    if isinstance(constraint, Inequality):
        kind = schema.kind_of(constraint.low)
        (low, low_null), (high, high_null) = (_values(frame, name, kind) for name in (constraint.low, constraint.high))
        return (low < high if constraint.strict else low <= high) | low_null | high_null  # nulls break nothing
    values, null = _values(frame, constraint.column, schema.kind_of(constraint.column))
    lo, hi = _as_bound(constraint.min), _as_bound(constraint.max)
    return null | ((True if lo is None else values >= lo) & (True if hi is None else values <= hi))


def holds(frame: pd.DataFrame, constraint: Inequality | ValueRange, schema: TableSchema) -> np.ndarray:
    """Which rows of ``frame`` keep one constraint (bool per row); a null breaks no constraint.

    Raises:
        SchemaError: The constraint does not fit the schema, or a column is missing or not comparable.
    """
    check_constraints([constraint], schema)
    return _mask(frame, constraint, schema)


def satisfied(frame: pd.DataFrame, constraints: Sequence[Inequality | ValueRange], schema: TableSchema) -> np.ndarray:
    """Which rows of ``frame`` keep every constraint (bool per row); a null breaks no constraint.

    Raises:
        SchemaError: A constraint does not fit the schema, or a column is missing or not comparable.
    """
    check_constraints(constraints, schema)
    return np.logical_and.reduce([np.ones(len(frame), dtype=bool), *(_mask(frame, c, schema) for c in constraints)])


def sample_satisfying(draw: Callable[[int, int], pd.DataFrame], n: int, *, seed: int,
                      constraints: Sequence[Inequality | ValueRange], schema: TableSchema,
                      max_rounds: int = 20) -> pd.DataFrame:
    """Draw ``n`` rows that keep every constraint: the model's distribution conditioned on them.

    Round 0 draws ``n`` rows with ``seed`` (if all pass, the result is ``draw(n, seed)``); later
    rounds top up with derived seeds, drawing what is missing divided by the acceptance rate so far.

    Args:
        draw: ``draw(size, seed)`` returns ``size`` rows with the constrained columns.
        n: Rows wanted, at least 1; the same ``seed`` gives the same rows.
        constraints: Parsed constraints; with none, ``draw(n, seed)`` is returned unchanged.

    Returns:
        ``n`` rows (RangeIndex), the satisfying rows in the order drawn.

    Raises:
        SchemaError: A constraint does not fit the schema.
        GeneratorError: Bad arguments, a draw of the wrong size, or fewer than ``n`` rows in
            ``max_rounds`` draws (names the constraints rejecting most rows and the acceptance rate).
    """
    seed = check_seed(seed)
    for name, value in (("n", n), ("max_rounds", max_rounds)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise GeneratorError(f"{name} must be an integer ≥ 1")
    if not constraints:
        return draw(n, seed)
    check_constraints(constraints, schema)
    kept: list[pd.DataFrame] = []
    rejected, have, drawn = np.zeros(len(constraints), dtype=np.int64), 0, 0
    for round_ in range(max_rounds):
        size = n if round_ == 0 else math.ceil((n - have) / max(have / drawn, 0.05) * 1.1) + 1
        batch = draw(size, seed if round_ == 0 else derive_seed(seed, _STREAM, round_))
        if len(batch) != size:
            raise GeneratorError(f"draw returned {len(batch)} rows instead of {size}")
        masks = np.array([_mask(batch, constraint, schema) for constraint in constraints])
        ok = masks.all(axis=0)
        rejected += (~masks).sum(axis=1)
        kept.append(batch[ok])
        have, drawn = have + int(ok.sum()), drawn + size
        if have >= n:
            return pd.concat(kept, ignore_index=True).iloc[:n].reset_index(drop=True)
    worst = [describe(c) for c, count in zip(constraints, rejected) if count == rejected.max()]
    raise GeneratorError(f"could collect only {have} of {n} rows satisfying the constraints in {max_rounds} rounds "
                         f"(acceptance rate {have / drawn:.2%} of {drawn} drawn rows); rejecting most rows: "
                         f"{', '.join(worst)} ({int(rejected.max())} rows)")
