"""Checks and dtype conversions between caller frames, the learned canonical form and the output."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from synthgate.generators.errors import GeneratorError, SchemaError

if TYPE_CHECKING:
    from synthgate.generators.base import TableSchema

# Output dtype per kind; numerical and boolean columns pick a nullable variant when nulls were seen.
_NULLABLE = {"int64": "Int64", "bool": "boolean"}


def check_columns(data: pd.DataFrame, schema: TableSchema, *, extra_ok: bool = False) -> None:
    """Raise SchemaError unless ``data`` has every schema column once (and no others unless allowed)."""
    if not isinstance(data, pd.DataFrame):
        raise GeneratorError(f"expected a pandas DataFrame, got {type(data).__name__}")
    names = list(data.columns)  # labels as they are: a column labelled 0 does not match "0"
    repeated = sorted({str(c) for c in names if names.count(c) > 1})
    if repeated:
        raise SchemaError(repeated[0], "appears more than once in the data (repeated: " + ", ".join(repeated) + ")")
    missing = [c for c in schema.names if c not in names]
    if missing:
        listed = ", ".join(missing)
        raise SchemaError(missing[0], f"is in the schema but missing from the data (missing: {listed})")
    extra = [str(c) for c in names if c not in schema.names]
    if extra and not extra_ok:
        raise SchemaError(extra[0], "is in the data but not in the schema (unexpected: " + ", ".join(extra) + ")")


def as_category_strings(column: pd.Series) -> pd.Series:
    """Categories as object strings, missing values kept as NaN (``astype(str)`` would give 'nan')."""
    values = column.astype(object)
    missing = values.isna()
    return values.map(str).where(~missing, np.nan).astype(object)


def to_canonical(column: pd.Series, name: str, kind: str) -> pd.Series:
    """One column in the dtype the generators learn from; raises SchemaError naming kind and dtype."""
    if kind == "categorical":
        return as_category_strings(column)
    if kind == "numerical":
        if ptypes.is_bool_dtype(column) or not ptypes.is_numeric_dtype(column):
            raise SchemaError(name, f"kind 'numerical' needs a numeric dtype, found {column.dtype}")
        if ptypes.is_float_dtype(column) and np.isinf(column.to_numpy(dtype=float, na_value=np.nan)).any():
            raise SchemaError(name, "kind 'numerical' holds infinite values")
        if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and ptypes.is_float_dtype(column):
            return column.astype("float64")  # Float64 → float64: SDV expects NaN, not pd.NA
        return column
    if kind == "datetime":
        if not ptypes.is_datetime64_any_dtype(column):
            raise SchemaError(name, f"kind 'datetime' needs a datetime64 dtype, found {column.dtype}")
        if getattr(column.dtype, "tz", None) is not None:
            raise SchemaError(name, "kind 'datetime' needs naive datetimes; convert to UTC and drop the timezone")
        return column.astype("datetime64[ns]")
    if kind == "boolean":
        if ptypes.is_bool_dtype(column):
            return column
        non_null = column.dropna()
        if not (column.dtype == object and non_null.map(lambda v: isinstance(v, (bool, np.bool_))).all()):
            raise SchemaError(name, f"kind 'boolean' needs True/False values (and nulls), found dtype {column.dtype}")
        return column.astype("boolean")
    raise SchemaError(name, f"kind {kind!r} cannot be learned")


def prepare_training(data: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """A canonical copy of ``data`` in schema order; raises SchemaError/GeneratorError on misfits."""
    check_columns(data, schema)
    if len(data) == 0:
        raise GeneratorError("cannot fit on a table with no rows")
    return pd.DataFrame({name: to_canonical(data[name], name, kind) for name, kind in schema.columns})


def output_dtypes(frame: pd.DataFrame, schema: TableSchema) -> dict[str, str]:
    """The dtype each output column gets, chosen from the kind and the canonical training column."""
    dtypes = {}
    for name, kind in schema.columns:
        column = frame[name]
        if kind == "numerical":
            base = "int64" if ptypes.is_integer_dtype(column) else "float64"
        else:
            base = {"categorical": "object", "datetime": "datetime64[ns]", "boolean": "bool"}[kind]
        dtypes[name] = _NULLABLE.get(base, base) if column.isna().any() else base
    return dtypes


def _cast(column: pd.Series, dtype: str) -> pd.Series:
    # A recorded nullable dtype is kept even when a draw holds no null (dtypes do not depend on the
    # draw); a non-nullable one widens only if a generator produced a null after all.
    if dtype in ("int64", "Int64"):
        values = pd.to_numeric(column).astype("Float64").round()  # enforce_rounding=False leaves fractions
        return values.astype("Int64" if dtype == "Int64" or values.isna().any() else "int64")
    if dtype in ("bool", "boolean"):
        values = column.astype("boolean")
        return values if dtype == "boolean" or values.isna().any() else values.astype(bool)
    if dtype == "object":
        return as_category_strings(column)
    return column.astype(dtype)


def conform_output(frame: pd.DataFrame, schema: TableSchema, dtypes: dict[str, str]) -> pd.DataFrame:
    """Generated rows in schema order with the recorded dtypes and a fresh RangeIndex."""
    check_columns(frame, schema, extra_ok=True)
    out = pd.DataFrame({name: _cast(frame[name], dtypes[name]) for name in schema.names})
    return out.reset_index(drop=True)
