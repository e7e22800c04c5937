"""Write a draft release spec for a table: detected kinds and proposed actions, for a person to review."""
from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

import generators
import privacy
from flows.sources import SourceFacts


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


def render_draft(
    detections: list[privacy.ColumnDetection], *, source_path: str, facts: SourceFacts, name: str
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
        "columns:",
    ]
    for d in detections:
        lines.append(f"  # {_evidence(d)}")
        lines.append(f"  {_scalar(d.column)}:")
        lines.append(f"    kind: {d.inferred_kind}")
        lines.append(f"    action: {d.proposed_action.value}")
        if d.proposed_rule is not None:
            lines.append(f"    rule: {_rule(d.proposed_rule)}")
    lines += [
        "privacy:",
        "  key_env: SYNTHGATE_PSEUDONYM_KEY   # the key (>= 32 bytes) is read from this variable at run time",
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
