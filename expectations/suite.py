"""Build the GX expectation suites, in code, from a training profile and the gate names."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from synthgate.expectations.gates import GATE_COLUMNS, GATE_DESCRIPTIONS
from synthgate.expectations.profile import ColumnKind, ColumnProfile, TrainingProfile

if TYPE_CHECKING:  # great_expectations is imported lazily: `import expectations` stays fast
    import great_expectations as gx

__all__ = ["Tolerances", "build_privacy_suite", "build_synthetic_suite"]

# Type names GX 1.24 resolves for pandas (checked against int64, float64, object, bool,
# boolean, datetime64[ns], string and Int64 columns). Object columns are checked value by
# value, where "str", "int", "float" and "bool" match Python values. GX cannot match category
# or tz-aware columns at all; validate_release hands GX a view where those are object / naive
# UTC (see expectations._normalise.gx_view).
_NUMERIC_TYPES = [
    *(f"int{b}" for b in (8, 16, 32, 64)),
    *(f"uint{b}" for b in (8, 16, 32, 64)),
    *(f"float{b}" for b in (16, 32, 64)),
    *(f"Int{b}Dtype" for b in (8, 16, 32, 64)),
    *(f"UInt{b}Dtype" for b in (8, 16, 32, 64)),
    "Float32Dtype",
    "Float64Dtype",
    "int",
    "float",
]
_TEXT_TYPES = ["str", "StringDtype"]
_BOOLEAN_TYPES = ["bool", "BooleanDtype"]
_DATETIME_TYPES = [f"datetime64[{unit}]" for unit in ("ns", "us", "ms", "s")]
_INTEGER_TEXT = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Tolerances:
    """How far the synthetic table may drift from the training profile and still pass.

    Attributes:
        null_rate: Absolute tolerance on a column's null rate (0.05: 10% nulls in training
            allows 5%-15% in the synthetic table).
        category_mostly: Fraction of a categorical column's non-null values that must lie in
            the training domain (1.0: all of them).
    """

    null_rate: float = 0.05
    category_mostly: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.null_rate <= 1.0:
            raise ValueError("Tolerances.null_rate must lie in [0, 1]")
        if not 0.0 < self.category_mostly <= 1.0:
            raise ValueError("Tolerances.category_mostly must lie in (0, 1]")


def build_synthetic_suite(
    profile: TrainingProfile,
    *,
    expected_rows: int,
    name: str = "synthetic_table",
    tolerances: Tolerances = Tolerances(),
) -> gx.ExpectationSuite:
    """Build the suite a synthetic table must pass to look like its training table.

    Checks: the exact column set, the row count, and per column its existence, a type family
    fitting its kind, categories within the published domain (the categories held by at least
    k training rows, the generator's placeholder, or a declared DP domain), values within the
    protected range, a null rate close to training (not under DP), and unique identifiers.
    Where training itself holds values outside the published set or range (rare categories
    of a generator without a placeholder, values beyond the k-th), ``mostly`` allows that
    share plus sampling noise. Each expectation carries a ``description`` that says why its
    bound is what it is (an auditor sees why a value may lie slightly outside).

    Args:
        profile: The training table's profile.
        expected_rows: Rows the synthetic table must have.
        name: The suite's name (shown in Data Docs and in outcomes).
        tolerances: Allowed drift from the profile.

    Returns:
        An unsaved ``gx.ExpectationSuite`` (not bound to any data context).
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    names = [c.name for c in profile.columns]
    expectations: list[Any] = [
        gxe.ExpectTableColumnsToMatchSet(
            column_set=names,
            exact_match=True,
            description=f"The table has exactly the {len(names)} training columns.",
        ),
        gxe.ExpectTableRowCountToEqual(
            value=expected_rows, description=f"The table has exactly {expected_rows} rows."
        ),
    ]
    for column in profile.columns:
        expectations.extend(
            _column_expectations(gxe, column, tolerances, expected_rows, profile.protection)
        )
    return gx.ExpectationSuite(name=name, expectations=expectations)


def build_privacy_suite(name: str = "privacy_gates") -> gx.ExpectationSuite:
    """Build the suite over the gate frame: every gate column exists and is False in every row.

    The gate frame holds booleans only, so a failure shows the gate's name and how many (and
    which) synthetic rows failed it, never a matched value.

    Args:
        name: The suite's name.

    Returns:
        An unsaved ``gx.ExpectationSuite``.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    expectations: list[Any] = []
    for gate in GATE_COLUMNS:
        rule = GATE_DESCRIPTIONS[gate]
        expectations += [
            gxe.ExpectColumnToExist(column=gate, description=f"Gate {gate} was evaluated."),
            gxe.ExpectColumnValuesToNotBeNull(
                column=gate, description=f"Gate {gate} has a verdict for every synthetic row."
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column=gate, value_set=[False], description=f"Privacy gate {gate}: {rule}"
            ),
        ]
    return gx.ExpectationSuite(name=name, expectations=expectations)


def _column_expectations(
    gxe: Any, column: ColumnProfile, tolerances: Tolerances, rows: int, k: int
) -> list[Any]:
    col = column.name
    kind = ColumnKind(column.kind)
    found = [
        gxe.ExpectColumnToExist(column=col, description=f"Column {col} exists."),
        gxe.ExpectColumnValuesToBeInTypeList(
            column=col,
            type_list=_type_list(column),
            description=f"Column {col} has a dtype allowed for {kind.value} columns.",
        ),
    ]
    if column.null_rate is not None:  # None under DP: the null rate was not read from the data
        found.append(_null_rate_expectation(gxe, column, tolerances, rows))
    if column.categories is not None:
        found.append(_category_expectation(gxe, column, tolerances, rows, k))
    if kind in (ColumnKind.NUMERICAL, ColumnKind.DATETIME) and column.minimum is not None:
        found.append(_range_expectation(gxe, column, kind, rows, k))
    if kind is ColumnKind.ID:
        found.append(
            gxe.ExpectColumnValuesToBeUnique(
                column=col, description=f"Identifiers in {col} are unique."
            )
        )
    return found


def _mostly(outside_share: float, rows: int, ceiling: float) -> float:
    """The share of synthetic values that must lie inside a protected set or range.

    A faithful generator that does not clip (the SDV ones) reproduces the training share left
    outside (rare categories, values beyond the k-th) up to binomial noise: allow that share
    plus three standard errors for ``rows`` rows, rounded down to 0.001. Nothing outside
    training means nothing outside allowed.
    """
    if outside_share <= 0.0:
        return ceiling
    noise = 3.0 * math.sqrt(outside_share * (1.0 - outside_share) / max(rows, 1))
    allowed = math.floor(round((1.0 - outside_share - noise) * 1000, 6)) / 1000
    return max(0.0, min(ceiling, allowed))


def _category_expectation(
    gxe: Any, column: ColumnProfile, tolerances: Tolerances, rows: int, k: int
) -> Any:
    col, categories = column.name, column.categories or ()
    kind = ColumnKind(column.kind)
    # Rare categories are not named: the set holds the >= k ones (and the placeholder), so a
    # synthetic rare category fails this check as "unexpected", counted but never listed.
    mostly = _mostly(0.0 if column.placeholder else column.outside_share, rows,
                     tolerances.category_mostly)
    if kind is ColumnKind.BOOLEAN:
        why = "a boolean's public domain"
    elif column.declared:
        why = "the declared public domain (differential privacy: no category is read from the data)"
    elif column.placeholder is not None:
        why = (f"the categories held by at least {k} training rows, and "
               f"{column.placeholder} for rarer ones, which are not named")
    else:
        why = f"the categories held by at least {k} training rows; rarer ones are not named"
    if mostly >= 1.0:
        said = f"Every non-null value of {col} is one of {len(categories)} values"
    else:
        said = f"At least {mostly:.1%} of the non-null values of {col} are among {len(categories)} values"
    return gxe.ExpectColumnValuesToBeInSet(
        column=col,
        value_set=_category_values(categories),
        mostly=mostly,
        description=f"{said}: {why}.",
    )


def _type_list(column: ColumnProfile) -> list[str]:
    kind = ColumnKind(column.kind)
    if kind is ColumnKind.NUMERICAL:
        return list(_NUMERIC_TYPES)
    if kind is ColumnKind.DATETIME:
        return list(_DATETIME_TYPES)
    if kind is ColumnKind.ID:
        return _TEXT_TYPES + _NUMERIC_TYPES
    # Categorical and boolean: text always (a boolean may be coded "yes"/"no"); numbers only
    # if every training category is a number; booleans for boolean columns, or for categorical
    # ones whose categories are all "True"/"False".
    categories = tuple(c for c in column.categories or () if c != column.placeholder)
    types = list(_TEXT_TYPES)
    if categories and all(_as_number(c) is not None for c in categories):
        types += _NUMERIC_TYPES
    if kind is ColumnKind.BOOLEAN or (categories and set(categories) <= {"True", "False"}):
        types += _BOOLEAN_TYPES
    return types


def _as_number(text: str) -> int | float | None:
    if _INTEGER_TEXT.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _category_values(categories: tuple[str, ...]) -> list[Any]:
    """The categories as strings plus their typed readings, so int/bool columns match too.

    The profile stores categories as strings (JSON-able), but a synthetic categorical column
    may hold 1 rather than "1", or True rather than "True"; GX's set check compares values.
    """
    values: list[Any] = list(categories)
    for text in categories:
        if text in ("True", "False"):
            values.append(text == "True")
        elif (number := _as_number(text)) is not None:
            values.append(number)
    return values


def _null_rate_expectation(gxe: Any, column: ColumnProfile, tolerances: Tolerances, rows: int) -> Any:
    present = 1.0 - column.null_rate
    # A sample of `rows` rows drawn with the training share of non-null values still varies by
    # binomial noise; allow three standard errors on top of the tolerance, so a small sample of a
    # faithful model passes and a model that loses or invents missing values does not.
    noise = 3.0 * math.sqrt(present * (1.0 - present) / max(rows, 1))
    margin = tolerances.null_rate + noise
    low = max(0.0, math.floor(round((present - margin) * 1000, 6)) / 1000)
    high = min(1.0, math.ceil(round((present + margin) * 1000, 6)) / 1000)
    return gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
        column=column.name,
        min_value=low,
        max_value=high,
        description=(
            f"Between {low:.1%} and {high:.1%} of {column.name} is non-null "
            f"(training null rate ± {tolerances.null_rate:.1%}, plus {noise:.1%} sampling noise "
            f"for {rows} rows)."
        ),
    )


def _range_expectation(gxe: Any, column: ColumnProfile, kind: ColumnKind, rows: int, k: int) -> Any:
    low: Any
    high: Any
    if kind is ColumnKind.DATETIME:
        low = datetime.fromisoformat(str(column.minimum))
        high = datetime.fromisoformat(str(column.maximum))
        shown = (column.minimum, column.maximum)
        rounded = "widened to whole months"
    else:
        low = _plain(float(column.minimum))  # type: ignore[arg-type]
        high = _plain(float(column.maximum))  # type: ignore[arg-type]
        shown = (low, high)
        rounded = "rounded outward to 2 significant figures"
    mostly = 1.0 if column.declared else _mostly(column.outside_share, rows, 1.0)
    if column.declared:
        why = "the declared public domain (differential privacy: no bound is read from the data)"
    elif k > 1:
        why = (f"protected bounds: the {_ordinal(k)} smallest and largest training values, "
               f"{rounded} and past any value held by fewer than {k} rows, so no record's "
               "extreme is disclosed")
    else:
        why = f"training range {rounded}"
    spill = "" if mostly >= 1.0 else (
        f"; up to {1.0 - mostly:.1%} may lie outside, the training share beyond the bounds "
        "plus sampling noise"
    )
    return gxe.ExpectColumnValuesToBeBetween(
        column=column.name,
        min_value=low,
        max_value=high,
        mostly=mostly,
        description=f"Values of {column.name} lie between {shown[0]} and {shown[1]} ({why}{spill}).",
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plain(number: float) -> int | float:
    return int(number) if number.is_integer() else number
