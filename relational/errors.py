"""Errors of the relational leaf: facts as attributes, messages that name tables and columns, never a value.

Exception tree::

    RelationalError        root
    └── CycleError         the generating links of some tables form a cycle
"""
from __future__ import annotations

from collections.abc import Sequence


class RelationalError(Exception):
    """Root of every error the relational leaf raises on purpose."""


class CycleError(RelationalError):
    """Tables whose generating links form a cycle: none of them can be generated first."""

    def __init__(self, tables: Sequence[str]) -> None:
        self.tables = list(tables)
        path = " -> ".join([*self.tables, self.tables[0]])
        super().__init__(f"the tables {path} reference each other in a cycle (each is the parent of the next); "
                         "a table's first references: column names its parent, so one of them must go")
