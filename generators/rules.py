"""The data's rules (equal, determines, inequality, present_when, sum): parsed, checked against a schema, measured."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from synthgate.generators import _frames
from synthgate.generators.errors import SchemaError

if TYPE_CHECKING:
    from synthgate.generators.base import TableSchema

Name = Annotated[str, Field(min_length=1, max_length=500)]
RuleValue = Annotated[str | bool | int | float, Field(union_mode="left_to_right")]


class _Rule(BaseModel):
    """Fields every rule may carry: the share of real rows keeping it and why it was proposed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    held: float | None = Field(None, ge=0, le=1, description="Share of real rows that keep it (detection).")
    reason: str | None = Field(None, max_length=2000, description="Why it was proposed (never persisted).")


class Equal(_Rule):
    """Every later column equals the first in every row (nulls equal nulls)."""

    type: Literal["equal"] = "equal"
    columns: tuple[Name, ...] = Field(min_length=2, max_length=64)


class Determines(_Rule):
    """``column`` is a function of the ``by`` columns (a functional dependency)."""

    type: Literal["determines"] = "determines"
    by: tuple[Name, ...] = Field(min_length=1, max_length=8)
    column: Name


class InequalityRule(_Rule):
    """``low <= high`` (``<`` when strict) wherever both are present; numerical or datetime."""

    type: Literal["inequality"] = "inequality"
    low: Name
    high: Name
    strict: bool = False


class PresentWhen(_Rule):
    """``column`` is non-null exactly when ``other`` is non-null (or takes one of ``values``)."""

    type: Literal["present_when"] = "present_when"
    column: Name
    other: Name
    values: tuple[RuleValue, ...] | None = Field(None, min_length=1, max_length=10_000)


class Sum(_Rule):
    """``column = Σ sign_i · term_i`` within ``tolerance`` wherever all of them are present; numerical.

    Without a tolerance, half the finest unit recorded in the columns (0.005 for cents, 0.5 for
    whole numbers) is allowed, read from the table being measured.
    """

    type: Literal["sum"] = "sum"
    column: Name
    terms: tuple[Name, ...] = Field(min_length=1, max_length=32)
    signs: tuple[Literal[1, -1], ...] | None = Field(None, description="+1 or -1 per term; all +1 when left out.")
    tolerance: float | None = Field(None, ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_sign_per_term(self) -> Sum:
        if self.signs is not None and len(self.signs) != len(self.terms):
            raise ValueError(f"signs has {len(self.signs)} entries for {len(self.terms)} terms; give one per term")
        return self

    @property
    def weights(self) -> tuple[int, ...]:
        """The sign of each term (+1 where ``signs`` is left out)."""
        return self.signs if self.signs is not None else (1,) * len(self.terms)


Rule = Annotated[Equal | Determines | InequalityRule | PresentWhen | Sum, Field(discriminator="type")]
_RULES = TypeAdapter(tuple[Rule, ...])
MAX_RULES = 512


def parse_rules(rules: Sequence[Mapping[str, Any] | BaseModel] | None) -> tuple[Rule, ...]:
    """The shared rule dicts (or rule models) as frozen rule models.

    Raises:
        SchemaError: A rule has an unknown type or key or a field of the wrong form (names the
            rule's position, its type and the key, never a value).
    """
    if not rules:
        return ()
    if isinstance(rules, (str, bytes, Mapping)) or not isinstance(rules, Sequence):
        raise SchemaError(None, "rules must be a list of rule mappings")
    if len(rules) > MAX_RULES:
        raise SchemaError(None, f"at most {MAX_RULES} rules are allowed")
    items = [rule.model_dump() if isinstance(rule, BaseModel) else rule for rule in rules]
    try:
        return _RULES.validate_python(items)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            index = int(loc[0]) + 1 if loc and loc[0].isdigit() else None
            kind = items[index - 1].get("type") if index and isinstance(items[index - 1], Mapping) else None
            key = ".".join(part for part in loc[2:] if not part.isdigit()) or "type"
            detail = "unknown key" if error["type"] == "extra_forbidden" else str(error["msg"])
            if error["type"] == "value_error":  # a model validator's own sentence
                key, detail = ("signs" if "signs" in detail else key), detail.removeprefix("Value error, ")
            if error["type"].startswith("union_tag") or error["type"] == "model_attributes_type":
                detail = "type must be one of: " + ", ".join(_TYPES)
                key = "type"
            kind_word = f" ({kind})" if isinstance(kind, str) and kind in _TYPES else ""
            problems.append(f"rule {index}{kind_word}: {key!r}: {detail}")
        raise SchemaError(None, "; ".join(dict.fromkeys(problems))) from None


_TYPES = ("equal", "determines", "inequality", "present_when", "sum")


def rule_columns(rule: Rule) -> tuple[str, ...]:
    """Every column a rule names, in its own order."""
    if isinstance(rule, Equal):
        return rule.columns
    if isinstance(rule, Determines):
        return (*rule.by, rule.column)
    if isinstance(rule, InequalityRule):
        return rule.low, rule.high
    if isinstance(rule, Sum):
        return (rule.column, *rule.terms)
    return rule.column, rule.other


def describe_rule(rule: Rule) -> str:
    """A short value-free form, e.g. ``b = a``, ``a -> b``, ``a <= b``, ``b present when a in 2 values``."""
    if isinstance(rule, Equal):
        return " = ".join(reversed(rule.columns))
    if isinstance(rule, Determines):
        return f"{', '.join(rule.by)} -> {rule.column}"
    if isinstance(rule, InequalityRule):
        return f"{rule.low} {'<' if rule.strict else '<='} {rule.high}"
    if isinstance(rule, Sum):
        return f"{rule.column} = {sum_expression(rule.terms, rule.weights)}"
    given = "present" if rule.values is None else f"in {len(rule.values)} value{'s' * (len(rule.values) > 1)}"
    return f"{rule.column} present when {rule.other} {given}"


def sum_expression(terms: Sequence[str], signs: Sequence[int]) -> str:
    """``b + c - d``; a single term keeps its sign (``+b``) so a sum never reads as an equal rule."""
    if len(terms) == 1:
        return f"{'+' if signs[0] > 0 else '-'}{terms[0]}"
    words = [f"-{terms[0]}" if signs[0] < 0 else terms[0]]
    words += [f"{'+' if sign > 0 else '-'} {term}" for term, sign in zip(terms[1:], signs[1:])]
    return " ".join(words)


def derivations(rules: Sequence[Rule]) -> dict[str, tuple[Rule, tuple[str, ...]]]:
    """Each column kept by construction → (its rule, the columns it is computed from)."""
    derived: dict[str, tuple[Rule, tuple[str, ...]]] = {}
    for rule in rules:
        pairs = ([(target, (rule.columns[0],)) for target in rule.columns[1:]] if isinstance(rule, Equal)
                 else [(rule.column, rule.by)] if isinstance(rule, Determines)
                 else [(rule.column, rule.terms)] if isinstance(rule, Sum) else [])
        for target, sources in pairs:
            if target in derived:
                raise SchemaError(target, f"is derived by two rules ({describe_rule(derived[target][0])}; "
                                          f"{describe_rule(rule)}); state one")
            derived[target] = (rule, sources)
    return derived


def derivation_order(rules: Sequence[Rule]) -> list[str]:
    """Derived columns in an order where every source is ready first; SchemaError on a cycle."""
    derived = derivations(rules)
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(column: str, path: list[str]) -> None:
        if state.get(column) == 2 or column not in derived:
            return
        if state.get(column) == 1:
            cycle = [*path[path.index(column):], column][::-1]  # arrows read "determines"
            raise SchemaError(column, "rules form a cycle (" + " -> ".join(cycle) + "); a column cannot be "
                                      "derived from itself: drop one of these rules")
        state[column] = 1
        for source in derived[column][1]:
            visit(source, [*path, column])
        state[column] = 2
        order.append(column)

    for column in derived:
        visit(column, [])
    return order


def check_rules(rules: Sequence[Rule], schema: TableSchema, *, dp: bool = False) -> list[str]:
    """Check the rules against the generator's schema and return the derivation order.

    Raises:
        SchemaError: A column is not learned, a rule pairs unsuitable kinds, a column is derived
            twice or in a cycle (a sum's column is derived from its terms), a sum names a column
            that is not numerical, a presence rule targets a derived column, or (under differential
            privacy) a determines rule, whose mapping would be learned outside the privacy budget.
    """
    from synthgate.generators.constraints import Inequality, check_constraints

    for number, rule in enumerate(rules, start=1):
        columns = rule_columns(rule)
        for name in columns:
            if name not in schema.names:
                raise SchemaError(name, f"is named by rule {number} ({describe_rule(rule)}) but is not a learned "
                                        "column")
        if len(set(columns)) != len(columns):
            raise SchemaError(columns[0], f"rule {number} ({rule.type}) names a column twice")
        if isinstance(rule, Equal):
            kinds = {schema.kind_of(name) for name in columns}
            if len(kinds) > 1:
                raise SchemaError(columns[1], f"rule {number} (equal) joins columns of kinds "
                                              f"{', '.join(sorted(kinds))}; equal columns need one kind")
        elif isinstance(rule, Determines) and dp:
            raise SchemaError(rule.column, f"rule {number} ({describe_rule(rule)}) would learn a mapping from the "
                                           "data outside the differential-privacy budget; leave it out under dp")
        elif isinstance(rule, Sum):
            other = [name for name in columns if schema.kind_of(name) != "numerical"]
            if other:
                raise SchemaError(other[0], f"rule {number} ({describe_rule(rule)}) adds numbers; "
                                            f"{other[0]!r} is {schema.kind_of(other[0])}, not numerical")
        elif isinstance(rule, InequalityRule):
            check_constraints([Inequality(low=rule.low, high=rule.high, strict=rule.strict)], schema)
        elif isinstance(rule, PresentWhen) and rule.values is not None:
            if schema.kind_of(rule.other) == "datetime":
                raise SchemaError(rule.other, f"rule {number} (present_when) lists values of a datetime column; "
                                              "values are allowed for categorical, boolean and numerical columns")
    order = derivation_order(rules)
    for rule in rules:
        if isinstance(rule, PresentWhen) and rule.column in order:
            raise SchemaError(rule.column, f"is derived by a rule and cannot also follow "
                                           f"'{describe_rule(rule)}'; state the presence rule on its source")
    return order


# --- measuring ------------------------------------------------------------------------------------


def key_values(column: pd.Series, name: str, kind: str) -> np.ndarray:
    """A column as plain python values that compare equal across dtypes (None for a null).

    Categories become strings, numbers floats, booleans bools and datetimes integer nanoseconds,
    so 3 == 3.0 and a value keeps its identity through the model file (lists of plain values).
    """
    canonical = _frames.to_canonical(column, name, kind).reset_index(drop=True)
    null = canonical.isna().to_numpy()
    if kind == "datetime":
        values = canonical.to_numpy(dtype="datetime64[ns]").view("int64").astype(object)
    elif kind == "categorical":
        values = canonical.to_numpy(dtype=object)
    elif kind == "boolean":
        values = np.array([bool(v) if not n else None for v, n in zip(canonical.astype(object), null)], dtype=object)
    else:
        values = canonical.astype("Float64").astype("float64").to_numpy().astype(object)
    values[null] = None
    return values


def group_codes(frame: pd.DataFrame, columns: Sequence[str], schema: TableSchema) -> np.ndarray:
    """One integer per row naming its combination of values in ``columns`` (nulls form a value)."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for name in columns:
        values = pd.Series(key_values(frame[name], name, schema.kind_of(name)), dtype=object)
        column_codes, uniques = pd.factorize(values, use_na_sentinel=False)
        codes = codes * (len(uniques) + 1) + column_codes
        codes = pd.factorize(codes)[0].astype(np.int64)  # keep the product small
    return codes


def _modal_pairs(key: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Whether each row's target is the most frequent target of its key (the first on ties)."""
    pairs = pd.DataFrame({"key": key, "target": target})
    counts = pairs.value_counts(sort=False).rename("n").reset_index()
    best = counts.sort_values(["key", "n", "target"], ascending=[True, False, True]).drop_duplicates("key")
    modal = dict(zip(best["key"], best["target"]))
    return target == np.array([modal[k] for k in key], dtype=np.int64) if len(key) else np.zeros(0, dtype=bool)


def condition(frame: pd.DataFrame, rule: PresentWhen, schema: TableSchema) -> np.ndarray:
    """Where a presence rule's condition is true: ``other`` non-null, or one of ``values``."""
    kind = schema.kind_of(rule.other)
    values = key_values(frame[rule.other], rule.other, kind)
    present = np.array([v is not None for v in values], dtype=bool)
    if rule.values is None:
        return present
    wanted = {normalise_value(v, kind) for v in rule.values}
    return present & np.array([v in wanted for v in values], dtype=bool)


def normalise_value(value: Any, kind: str) -> Any:
    """A listed rule value in the form :func:`key_values` gives the column's values."""
    if kind == "categorical":
        return str(value)
    if kind == "boolean":
        return bool(value)
    return float(value)


def holds(rule: Rule, frame: pd.DataFrame, schema: TableSchema) -> np.ndarray:
    """Which rows keep ``rule`` (bool per row).

    A determines rule is judged within ``frame``: a row keeps it when its value is the most
    frequent one among rows with the same ``by`` values (so the share is the largest share of
    rows that any single mapping keeps). Nulls break no inequality.
    """
    if isinstance(rule, Equal):
        first = key_values(frame[rule.columns[0]], rule.columns[0], schema.kind_of(rule.columns[0]))
        kept = np.ones(len(frame), dtype=bool)
        for name in rule.columns[1:]:
            other = key_values(frame[name], name, schema.kind_of(name))
            kept &= np.array([a == b for a, b in zip(first, other)], dtype=bool)
        return kept
    if isinstance(rule, Determines):
        return _modal_pairs(group_codes(frame, rule.by, schema), group_codes(frame, [rule.column], schema))
    if isinstance(rule, Sum):
        return sum_holds(frame, rule)
    if isinstance(rule, InequalityRule):
        from synthgate.generators.constraints import Inequality, holds as inequality_holds

        return inequality_holds(frame, Inequality(low=rule.low, high=rule.high, strict=rule.strict), schema)
    present = frame[rule.column].notna().to_numpy()
    return present == condition(frame, rule, schema)


def floats(column: pd.Series) -> np.ndarray:
    """A numerical column as float64, NaN where missing (nullable integers included)."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def finest_unit(values: np.ndarray, max_decimals: int = 6) -> float:
    """The finest decimal unit the present values are recorded in: 1 for whole numbers, 0.01 for cents.

    The unit that 90% of the present non-zero values are recorded in (Lending Club's paid_total
    holds 4% of values like 10660.97766433 among cents: its unit is still the cent);
    ``10**-max_decimals`` at the finest.
    """
    present = values[~np.isnan(values) & (values != 0)]
    for decimals in range(max_decimals + 1):
        scaled = present * 10.0 ** decimals
        on_grid = np.abs(scaled - np.rint(scaled)) <= np.maximum(1e-6, 1e-12 * np.abs(scaled))
        if not len(present) or on_grid.mean() >= 0.9:
            return 10.0 ** -decimals
    return 10.0 ** -max_decimals


def sum_tolerance(rule: Sum, values: Sequence[np.ndarray]) -> float:
    """The rule's tolerance, or half the finest unit recorded in ``values`` (its columns)."""
    if rule.tolerance is not None:
        return rule.tolerance
    return min(finest_unit(v) for v in values) / 2


def sum_holds(frame: pd.DataFrame, rule: Sum) -> np.ndarray:
    """Rows keeping a sum rule: a value missing, or ``|column - Σ sign·term| <= tolerance``.

    A relative 1e-9 is allowed on top of the tolerance for floating-point rounding of the sum.
    """
    values = [floats(frame[name]) for name in (rule.column, *rule.terms)]
    target, total = values[0], np.zeros(len(frame))
    for sign, term in zip(rule.weights, values[1:]):
        total = total + sign * term
    slack = sum_tolerance(rule, values) + 1e-9 * np.maximum(1.0, np.abs(target))
    with np.errstate(invalid="ignore"):
        return np.isnan(total) | np.isnan(target) | (np.abs(target - total) <= slack)


def kept_shares(rules: Sequence[Mapping[str, Any] | Rule], frame: pd.DataFrame,
                schema: TableSchema) -> dict[str, float]:
    """The share of rows of ``frame`` keeping each rule, by :func:`describe_rule` (value-free keys).

    Raises:
        SchemaError: A rule is malformed or does not fit the schema or the frame.
    """
    parsed = parse_rules(rules)
    for rule in parsed:
        missing = [name for name in rule_columns(rule) if name not in frame.columns]
        if missing:
            raise SchemaError(missing[0], f"is named by rule '{describe_rule(rule)}' but missing from the data")
    if len(frame) == 0:
        return {describe_rule(rule): 1.0 for rule in parsed}
    return {describe_rule(rule): float(holds(rule, frame, schema).mean()) for rule in parsed}
