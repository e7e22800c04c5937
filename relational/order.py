"""The order tables are generated in: parents before children, along each child's first (generating) link."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from synthgate.relational.errors import CycleError

__all__ = ["generating_links", "table_order", "depth"]


def generating_links(links: Iterable[Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The generating link of each child table: its first link to another table.

    A self-reference (a column pointing at its own table's key) never generates; nor does a
    second link from the same child (a "secondary" key).

    Args:
        links: ``{"child", "column", "parent", "parent_column"}`` dicts, in spec order.

    Returns:
        child table -> its generating link.
    """
    found: dict[str, dict[str, str]] = {}
    for link in links:
        if link["child"] != link["parent"] and link["child"] not in found:
            found[link["child"]] = dict(link)
    return found


def table_order(keys: Mapping[str, str | None], links: Iterable[Mapping[str, str]]) -> list[str]:
    """Every table, parents before their children; otherwise in the order given.

    Args:
        keys: table -> primary key column (or None); its order is the tie-break.
        links: the links, in spec order; only generating links constrain the order.

    Returns:
        Table names, each after its generating parent.

    Raises:
        CycleError: generating links form a cycle (the error names its tables in order).
    """
    links = list(links)
    tables = list(dict.fromkeys([*keys, *(t for link in links for t in (link["child"], link["parent"]))]))
    parent = {child: link["parent"] for child, link in generating_links(links).items()}
    for start in tables:
        seen: list[str] = []
        table = start
        while table in parent and table not in seen:
            seen.append(table)
            table = parent[table]
        if table in seen:
            cycle = seen[seen.index(table):]
            first = min(range(len(cycle)), key=lambda i: tables.index(cycle[i]))
            raise CycleError(cycle[first:] + cycle[:first])
    placed: list[str] = []
    remaining = list(tables)
    while remaining:
        for table in remaining:
            if parent.get(table) is None or parent[table] in placed:
                placed.append(table)
                remaining.remove(table)
                break
    return placed


def depth(keys: Mapping[str, str | None], links: Iterable[Mapping[str, str]]) -> dict[str, int]:
    """Each table's level along generating links: 0 for a root, 1 for its children, 2 for grandchildren.

    Raises:
        CycleError: as `table_order`.
    """
    links = list(links)
    parent = {child: link["parent"] for child, link in generating_links(links).items()}
    levels: dict[str, int] = {}
    for table in table_order(keys, links):
        levels[table] = levels[parent[table]] + 1 if table in parent else 0
    return levels
