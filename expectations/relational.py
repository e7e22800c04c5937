"""Referential integrity of several synthetic tables: a boolean frame per child table and its GX expectations.

Plain inputs only (frames and key series): the multi-table description stays in the caller. Like the
privacy gates, a True cell marks a failure (a synthetic child key that names no synthetic parent row),
so GX and the Data Docs show how many rows failed, never a key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from synthgate.expectations._normalise import as_text
from synthgate.expectations.errors import ValidationRunError
from synthgate.expectations.suite import build_privacy_suite

if TYPE_CHECKING:
    import great_expectations as gx

__all__ = ["INTEGRITY_PREFIX", "build_integrity_privacy_suite", "integrity_column", "integrity_gate_frame"]

#: Gate columns of referential integrity are named ``points_at_nothing__<foreign key column>``.
INTEGRITY_PREFIX = "points_at_nothing__"


def integrity_column(column: str) -> str:
    """The gate column of one foreign key column."""
    return f"{INTEGRITY_PREFIX}{column}"


def integrity_gate_frame(child: pd.DataFrame, parents: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Per child row and foreign key: True where a non-empty key is not among its parent's keys.

    Keys are compared as stripped text (``1412`` and ``1412.0`` are one key); an empty key points at
    nothing by design (a blanked secondary key) and is not a failure.

    Args:
        child: The synthetic child table.
        parents: Foreign key column of ``child`` -> the parent table's primary key column (synthetic).

    Returns:
        A frame with ``child``'s index and one bool column per foreign key (``integrity_column``).

    Raises:
        ValidationRunError: A foreign key column is missing from ``child``.
    """
    missing = [c for c in parents if c not in child.columns]
    if missing:
        raise ValidationRunError(f"the child table lacks its foreign key column(s) {', '.join(missing)}")
    gates = {}
    for column, parent_keys in parents.items():
        keys = as_text(child[column])
        known = set(as_text(parent_keys).dropna().tolist())
        gates[integrity_column(column)] = (keys.notna() & ~keys.isin(known)).to_numpy(dtype=bool)
    return pd.DataFrame(gates, index=child.index, columns=[integrity_column(c) for c in parents]).astype(bool)


def build_integrity_privacy_suite(references: Sequence[tuple[str, str]], name: str = "privacy_gates"
                                  ) -> gx.ExpectationSuite:
    """The privacy suite plus one expectation per foreign key: no synthetic row's key points at nothing.

    Args:
        references: ``(column, "parent.column")`` per foreign key of the table.
        name: The suite's name.

    Returns:
        An unsaved suite over the privacy gate frame joined with ``integrity_gate_frame``.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    base = build_privacy_suite(name)
    extra: list[Any] = []
    for column, target in references:
        gate = integrity_column(column)
        extra += [
            gxe.ExpectColumnToExist(column=gate, description=f"Referential integrity of {column} was evaluated."),
            gxe.ExpectColumnValuesToBeInSet(
                column=gate, value_set=[False],
                description=f"Referential integrity: every non-empty {column} is a {target} of the synthetic "
                            "release (must hold for 100% of rows)."),
        ]
    return gx.ExpectationSuite(name=name, expectations=[*base.expectations, *extra])
