"""Explicit conversion of the release spec into each leaf package's own config."""
from __future__ import annotations

import generators
import privacy
from flows.spec import ColumnKind, ReleaseSpec

A = privacy.Action


def privacy_plan(spec: ReleaseSpec) -> privacy.PseudonymisationPlan:
    """Column → kind → action (→ rule), in spec order."""
    columns = tuple(
        privacy.ColumnPlan(name=name, kind=col.kind.value, action=col.action, rule=col.rule)
        for name, col in spec.columns.items()
    )
    return privacy.PseudonymisationPlan(columns=columns, text_language=spec.privacy.text_language)


def identifier_columns(spec: ReleaseSpec) -> list[str]:
    """Columns never learned that get fresh identifiers: kind id, or any pseudonymised column."""
    return [
        name for name, col in spec.columns.items()
        if col.action is not A.DROP and (col.kind is ColumnKind.ID or col.action is A.PSEUDONYMISE)
    ]


def text_columns(spec: ReleaseSpec) -> list[str]:
    """Free-text columns: kept (redacted) in the workspace, left out of the synthetic table for now."""
    identifiers = set(identifier_columns(spec))
    return [
        name for name, col in spec.columns.items()
        if col.kind is ColumnKind.TEXT and col.action is not A.DROP and name not in identifiers
    ]


def learned_kinds(spec: ReleaseSpec) -> dict[str, str]:
    """The columns the generator learns, with their kind after generalisation."""
    skip = set(identifier_columns(spec)) | set(text_columns(spec))
    kinds = {}
    for name, col in spec.columns.items():
        if col.action is A.DROP or name in skip:
            continue
        kind = col.kind.value
        kinds[name] = col.rule.output_kind(kind) if col.action is A.GENERALISE and col.rule else kind
    return kinds


def released_columns(spec: ReleaseSpec) -> list[str]:
    """Columns of the published table, in spec order."""
    keep = set(learned_kinds(spec)) | set(identifier_columns(spec))
    return [name for name in spec.columns if name in keep]


def released_kinds(spec: ReleaseSpec) -> dict[str, str]:
    learned = learned_kinds(spec)
    return {name: learned.get(name, "id") for name in released_columns(spec)}


def sensitive_columns(spec: ReleaseSpec) -> list[str]:
    """Columns whose raw values must never appear in the output."""
    return [
        name for name, col in spec.columns.items()
        if col.action in (A.DROP, A.PSEUDONYMISE, A.REDACT_TEXT)
        or col.kind in (ColumnKind.ID, ColumnKind.TEXT)
    ]


def generator_schema(spec: ReleaseSpec) -> generators.TableSchema:
    return generators.TableSchema.from_mapping(learned_kinds(spec))
