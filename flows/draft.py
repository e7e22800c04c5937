"""Show column detections: a draft release spec, a table for `scan`, and JSON records; never a value."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import yaml

from synthgate import expectations
from synthgate import generators
from synthgate import privacy
from synthgate.flows.draft_rules import (
    Proposal,
    date_shift_subject,
    evidence_lines,
    propose_columns,
    propose_rules,
    risk_candidates,
    text_language,
)
from synthgate.flows.sources import SourceFacts

__all__ = [
    "REVIEW_MARK",
    "detection_record",
    "detection_table",
    "evidence_lines",
    "relative_source",
    "render_draft",
    "review_marks",
]

REVIEW_MARK = "# REVIEW:"
_MARK = re.compile(r"^\s*#\s*REVIEW\b")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (slug or "dataset")[:64].strip("-") or "dataset"


def _scalar(value) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()


def _rule(rule) -> str:
    params = {k: v for k, v in rule.model_dump(mode="json").items() if k != "rule" and v is not None}
    return _scalar({"rule": rule.rule, **params})


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
        "needs_review": d.needs_review,
        "evidence": list(evidence_lines(d)),
        "signals": {k: float(v) for k, v in d.signals.items()},
    }


def detection_table(detections: list[privacy.ColumnDetection], *, title: str):
    """A rich table of detections, one row per column, then each column's evidence lines; never markup."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    caption = ("conf.: confidence; share: sampled values the entity covers; n: values sampled; "
               "hint: the name's keyword; REVIEW: confirm the action, then set reviewed: true")
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
        action = d.proposed_action.value + (" REVIEW" if d.needs_review else "")
        table.add_row(
            Text(d.column), Text(d.entity or "—"), f"{d.confidence:.2f}", f"{d.evidence_share:.0%}",
            str(d.sampled), Text(action), Text(d.name_hint or "—"),
        )
    # The evidence goes below as whole lines, word for word the `--json` "evidence" lists: a
    # folded table cell would split them.
    lines = [Text("evidence:")] + [Text(f"  {d.column}: {line}", no_wrap=True, overflow="ignore")
                                   for d in detections for line in evidence_lines(d)]
    return Group(table, *lines)


def _column_lines(p: Proposal) -> list[str]:
    lines = [f"  # {note}" for note in p.notes]
    if p.review:
        lines += [f"  {REVIEW_MARK} {line}" for line in p.review]
        lines.append(f"  {REVIEW_MARK} confirm or change the action, then set reviewed: true (check refuses it until then)")
    lines += [f"  {_scalar(p.column)}:", f"    kind: {p.kind}", f"    action: {p.action.value}"]
    if p.rule is not None:
        lines.append(f"    rule: {_rule(p.rule)}")
    if p.review:
        lines.append("    reviewed: false")
    return lines


def render_draft(
    detections: list[privacy.ColumnDetection],
    *,
    source_path: str,
    facts: SourceFacts,
    name: str,
    frame: pd.DataFrame | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
    dedupe_headers: bool = False,
    medical_record_patterns: tuple[str, ...] = (),
    fmt: str = "auto",
) -> str:
    """The YAML text of a draft spec. Comments carry evidence (entity, shares); never a value.

    Args:
        detections: one per column, in column order (``privacy.detect_columns``).
        source_path: the source as the spec names it.
        facts: the source's facts (its row count sizes the sample).
        name: the dataset's title; its slug names the dataset.
        frame: the table detection ran on: ``text_language`` comes from its text values
            (without it, ``en``).
        encoding: the CSV encoding (written when not UTF-8).
        delimiter: the CSV delimiter (written when not a comma).
        dedupe_headers: write ``source.dedupe_headers: true``.
        medical_record_patterns: chart-number regexes from ``--mrn-pattern``.
        fmt: the source format (``--format``; written when not ``auto``).

    Returns:
        The draft's text; every column that needs review carries ``# REVIEW:`` lines and
        ``reviewed: false``.
    """
    proposals = propose_columns(detections)
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
    if fmt != "auto":
        lines.append(f"  format: {_scalar(fmt)}")
    if encoding.replace("-", "").lower() != "utf8":
        lines.append(f"  encoding: {_scalar(encoding)}")
    if delimiter != ",":
        lines.append(f"  delimiter: {_scalar(delimiter)}")
    if dedupe_headers:
        lines.append("  dedupe_headers: true   # later duplicate headers read as name__2, blank ones as column_<position>")
    lines.append("columns:")
    for p in proposals:
        lines += _column_lines(p)
    lines += ["privacy:", "  key_env: SYNTHGATE_PSEUDONYM_KEY   # the key (>= 32 bytes) is read from this variable at run time"]
    lines += _language_lines(detections, frame)
    if medical_record_patterns:
        lines.append(f"  medical_record_patterns: {_scalar(list(medical_record_patterns))}   # from --mrn-pattern")
    lines += _date_shift_lines(proposals, detections)
    lines += _risk_lines(detections, proposals)
    rules = propose_rules(frame, proposals, detections) if frame is not None else []
    lines += _rules_lines(rules)
    if any(rule.get("values") for rule in rules):
        lines[1] = ("# kind and action before running it. Detection ran on a sample of values; no value was copied "
                    "here but the categories a present_when rule names (each held by >= 5 rows).")
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


def _language_lines(detections: list[privacy.ColumnDetection], frame: pd.DataFrame | None) -> list[str]:
    texts = [d.column for d in detections if d.inferred_kind == "text"]
    where = "the text of " + ", ".join(texts)
    if frame is not None and not texts:
        # No free text to redact yet: the table's other strings say which language a note added later would be.
        texts = [d.column for d in detections if d.inferred_kind in ("categorical", "id")
                 and pd.api.types.is_object_dtype(frame[d.column])]
        where = "the strings of the table (no free-text column)"
    found = text_language(frame, texts) if frame is not None and texts else None
    if found is None:
        return ["  text_language: en   # en | ko: the language of the free-text columns (no text found)"]
    language, share = found
    return [f"  text_language: {language}   # en | ko, from the values: Hangul share {share:.0%} in {where}"]


def _date_shift_lines(proposals: list[Proposal], detections: list[privacy.ColumnDetection]) -> list[str]:
    if not any(p.action is privacy.Action.DATE_SHIFT for p in proposals):
        return []
    subject = date_shift_subject(detections)
    return [f"  date_shift: {{subject: {_scalar(subject)}, max_days: 180}}   "
            "# every date of one subject moves by the same keyed offset; check the subject column"]


def _risk_lines(detections: list[privacy.ColumnDetection], proposals: list[Proposal]) -> list[str]:
    candidates = risk_candidates(detections, proposals)
    if candidates is None:
        return []
    quasi, why = candidates
    return [
        f"risk:   # {why}: every combination of the quasi-identifiers must hold >= k people",
        "  k: 5",
        f"  quasi_identifiers: {_scalar(quasi)}",
        "  steps:      # applied in order, only until k holds; add generalise steps before them to keep more rows",
        "    - {step: suppress_cells, max_share: 0.02}",
        "    - {step: suppress_rows, max_share: 0.01}",
    ]


def _rules_lines(rules: list[dict]) -> list[str]:
    if not rules:
        return ["rules: []   # init found no rule held in >= 99.9% of rows; add equal, determines, inequality, "
                "present_when or sum rules by hand"]
    lines = ["rules:   # held in >= 99.9% of rows: the generator keeps them, validation checks >= 99% of synthetic "
             "rows do; delete any that is a coincidence"]
    for rule in rules:
        body = {k: v for k, v in rule.items() if k != "reason"}
        lines += [f"  # {expectations.rule_label(rule)}: {rule['reason']}", f"  - {_scalar(body)}"]
    return lines


def review_marks(text: str) -> list[str]:
    """The columns of a spec's text that carry a ``# REVIEW`` comment directly above their key.

    Args:
        text: the spec's YAML text.

    Returns:
        Column names in spec order; empty when the text has no columns mapping.
    """
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    columns = next((v for k, v in root.value if getattr(k, "value", None) == "columns"), None)
    if not isinstance(columns, yaml.MappingNode):
        return []
    source = text.splitlines()
    marked = []
    for key, _ in columns.value:
        line = key.start_mark.line - 1
        # The comment block directly above the key belongs to this column.
        while line >= 0 and source[line].lstrip().startswith("#"):
            if _MARK.match(source[line]):
                marked.append(str(key.value))
                break
            line -= 1
    return marked


def relative_source(data: Path, spec_path: Path) -> str:
    """The data path as the spec should name it: relative to the spec's folder when possible."""
    try:
        return os.path.relpath(data.resolve(), spec_path.resolve().parent)
    except ValueError:
        return str(data.resolve())
