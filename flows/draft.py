"""Show column detections: a draft release spec, a table for `scan`, and JSON records; never a value."""
from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from synthgate import generators
from synthgate import privacy
from synthgate.flows.sources import SourceFacts


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (slug or "dataset")[:64].strip("-") or "dataset"


def _scalar(value) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()


def _rule(rule) -> str:
    params = {k: v for k, v in rule.model_dump(mode="json").items() if k != "rule" and v is not None}
    return _scalar({"rule": rule.rule, **params})


def _evidence(d: privacy.ColumnDetection) -> str:
    if d.entity:
        parts = [f"{d.entity} in {d.evidence_share:.0%} of {d.sampled} sampled values (confidence {d.confidence:.2f})"]
    elif d.sampled:
        parts = [f"no personal entity in {d.sampled} sampled values"]
    else:
        parts = []
    if d.name_hint:
        parts.append(f"name suggests '{d.name_hint}'")
    return "; ".join(parts + [d.reason])


def detection_record(d: privacy.ColumnDetection) -> dict:
    """One detection as a JSON-ready dict (the `scan --json` object): facts and shares, no value."""
    rule = d.proposed_rule.model_dump(mode="json", exclude_none=True) if d.proposed_rule is not None else None
    return {
        "column": d.column,
        "entity": d.entity,
        "confidence": d.confidence,
        "evidence_share": d.evidence_share,
        "sampled": d.sampled,
        "name_hint": d.name_hint,
        "inferred_kind": d.inferred_kind,
        "proposed_action": d.proposed_action.value,
        "proposed_rule": rule,
        "reason": d.reason,
    }


def detection_table(detections: list[privacy.ColumnDetection], *, title: str):
    """A rich table of detections, one row per column; cells are plain text, never markup."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    caption = "conf.: confidence; share: sampled values the entity covers; n: values sampled; hint: the name's keyword"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    # Short headers keep the table near 80 columns; names, entities and actions never wrap, so
    # they can be searched for; the hint (often the column name again) folds on a narrow terminal.
    table.add_column("column", no_wrap=True)
    table.add_column("entity", no_wrap=True)
    for header in ("conf.", "share", "n"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("action", no_wrap=True)
    table.add_column("hint", overflow="fold")
    for d in detections:
        table.add_row(
            Text(d.column), Text(d.entity or "—"), f"{d.confidence:.2f}", f"{d.evidence_share:.0%}",
            str(d.sampled), Text(d.proposed_action.value), Text(d.name_hint or "—"),
        )
    return table


def render_draft(
    detections: list[privacy.ColumnDetection],
    *,
    source_path: str,
    facts: SourceFacts,
    name: str,
    encoding: str = "utf-8",
    delimiter: str = ",",
    medical_record_patterns: tuple[str, ...] = (),
) -> str:
    """The YAML text of a draft spec. Comments carry evidence (entity, shares); never a value."""
    lines = [
        "# Draft release spec written by `synthgate init`. It is a PROPOSAL: review every column's",
        "# kind and action before running it. Detection ran on a sample of values; no value was copied here.",
        "dataset:",
        f"  name: {_scalar(_slug(name))}",
        "  version: 0.1.0",
        f"  title: {_scalar(name)}",
        "  description: ''",
        "  licence: ''        # REQUIRED: the release licence, e.g. KOGL-Type1 or CC-BY-4.0",
        "  domain: other      # healthcare | defense | other",
        "source:",
        f"  path: {_scalar(source_path)}",
    ]
    if encoding.replace("-", "").lower() != "utf8":
        lines.append(f"  encoding: {_scalar(encoding)}")
    if delimiter != ",":
        lines.append(f"  delimiter: {_scalar(delimiter)}")
    lines.append("columns:")
    for d in detections:
        lines.append(f"  # {_evidence(d)}")
        lines.append(f"  {_scalar(d.column)}:")
        lines.append(f"    kind: {d.inferred_kind}")
        lines.append(f"    action: {d.proposed_action.value}")
        if d.proposed_rule is not None:
            lines.append(f"    rule: {_rule(d.proposed_rule)}")
    # Korean column names mean Korean notes, most likely; the reviewer confirms it.
    korean = any("\uac00" <= ch <= "\ud7a3" for d in detections for ch in d.column)
    lines += [
        "privacy:",
        "  key_env: SYNTHGATE_PSEUDONYM_KEY   # the key (>= 32 bytes) is read from this variable at run time",
        f"  text_language: {'ko' if korean else 'en'}   # en | ko: the language of the free-text columns",
    ]
    if medical_record_patterns:
        lines.append(f"  medical_record_patterns: {_scalar(list(medical_record_patterns))}   # from --mrn-pattern")
    lines += [
        "generator:",
        f"  kind: {generators.DEFAULT_GENERATOR}",
        "  device: auto",
        "  seed: 0",
        "sample:",
        f"  rows: {facts.rows}",
        "output:",
        "  catalog: catalog       # published releases: CATALOG/<name>/<version>/",
        "  workspace: workspace   # raw and pseudonymised intermediates; keep it private",
        "",
    ]
    return "\n".join(lines)


def relative_source(data: Path, spec_path: Path) -> str:
    """The data path as the spec should name it: relative to the spec's folder when possible."""
    try:
        return os.path.relpath(data.resolve(), spec_path.resolve().parent)
    except ValueError:
        return str(data.resolve())
