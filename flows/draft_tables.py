"""A draft spec for several tables (`synthgate init A.csv B.csv` or `init DIR`): columns as for one table, plus keys."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd

from synthgate import privacy
from synthgate import relational
from synthgate.flows.draft import _column_lines, _language_lines, _scalar, _slug, relative_source
from synthgate.flows.draft_rules import Proposal, propose_columns
from synthgate.flows.errors import InputError

__all__ = ["TABLE_SUFFIXES", "table_files", "render_tables_draft"]

TABLE_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".tsv")


def _table_name(path: Path) -> str:
    stem = path.name
    for suffix in TABLE_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")[:60] or "table"
    return name if re.match(r"^[A-Za-z_]", name) else f"t_{name}"


def table_files(paths: list[Path]) -> dict[str, Path]:
    """table name (from the file name) -> file, for the files given or the data files of one folder.

    Raises:
        InputError: a path that does not exist, a folder with no CSV or Parquet file, or a folder
            given beside other paths.
    """
    if len(paths) == 1 and paths[0].is_dir():
        folder = paths[0]
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                       and p.name.lower().endswith(TABLE_SUFFIXES))
        if not files:
            raise InputError(f"{folder}: no CSV or Parquet file in this folder (looked for "
                             f"{', '.join(TABLE_SUFFIXES)}); name the files instead")
    else:
        for path in paths:
            if path.is_dir():
                raise InputError(f"{path} is a folder; give one folder alone or several files")
            if not path.exists():
                raise InputError(f"{path}: file not found")
        files = list(paths)
    names: dict[str, Path] = {}
    for path in files:
        name = _table_name(path)
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name}_{n}", n + 1
        names[unique] = path
    return names


def _percent(share: float) -> str:
    return f"{share:.1%}" if share < 1 else "100%"


def _pk_note(p: relational.Proposal) -> str:
    e = p.evidence
    why = "an id-like name" if e["id_like_name"] else "text values"
    return (f"primary key proposed from the values: unique and never empty in {e['rows']:,} of {e['rows']:,} rows, "
            f"{why}; {e['other_candidates']} other unique column(s)")


def _fk_note(p: relational.Proposal) -> str:
    e = p.evidence
    keyed = e["child_rows"] - e["null_rows"]
    kind = "self-reference" if p.parent == p.table else "reference"
    name = "the name matches" if e["name_match"] else "the name does not match (the values decide)"
    sampled = ", measured on a sample of distinct values" if e["sampled"] else ""
    return (f"{kind} proposed from the values: {_percent(e['inclusion'])} of {keyed:,} keyed rows "
            f"({e['distinct_children']:,} distinct) hold a {p.parent}.{p.parent_column}; {e['orphan_rows']:,} orphan "
            f"row(s), {e['null_rows']:,} empty; it names {_percent(e['parents_referenced'])} of the parents; "
            f"{name}{sampled}")


def _as_key(p: Proposal, note: str, reference: str | None) -> tuple[Proposal, str | None]:
    """The column as a key: kind id, pseudonymised (the same keyed pseudonym in every table)."""
    notes = (*p.notes, note)
    if p.kind != "id" or p.action is not privacy.Action.PSEUDONYMISE:
        notes += (f"a key column: kind id, action pseudonymise (alone it would be {p.kind}, {p.action.value})",)
    return dataclasses.replace(p, kind="id", action=privacy.Action.PSEUDONYMISE, rule=None, notes=notes), reference


def _source_lines(path: str, encoding: str, delimiter: str, fmt: str, dedupe_headers: bool) -> list[str]:
    lines = ["    source:", f"      path: {_scalar(path)}"]
    if encoding.replace("-", "").lower() != "utf8":
        lines.append(f"      encoding: {_scalar(encoding)}")
    if delimiter != ",":
        lines.append(f"      delimiter: {_scalar(delimiter)}")
    if fmt != "auto":
        lines.append(f"      format: {_scalar(fmt)}")
    if dedupe_headers:
        lines.append("      dedupe_headers: true")
    return lines


def render_tables_draft(
    parts: dict[str, tuple[Path, list[privacy.ColumnDetection], pd.DataFrame]],
    *,
    output: Path,
    name: str,
    encoding: str = "utf-8",
    delimiter: str = ",",
    fmt: str = "auto",
    dedupe_headers: bool = False,
    seed: int = 0,
    medical_record_patterns: tuple[str, ...] = (),
) -> tuple[str, list[relational.Proposal]]:
    """The YAML text of a draft spec with a tables: block. Comments carry evidence; never a value.

    Args:
        parts: table -> (its file, its detections, its frame); the frames never leave the process.
        output: where the draft goes (sources are written relative to it).
        name: the dataset's title; its slug names the dataset.

    Returns:
        The draft's text and the key proposals it wrote.
    """
    frames = {table: frame for table, (_, _, frame) in parts.items()}
    proposals = relational.propose_keys(frames, seed=seed)
    primary = {p.table: p for p in proposals if p.kind == "primary_key"}
    foreign = {(p.table, p.column): p for p in proposals if p.kind == "foreign_key"}
    keys = {table: (primary[table].column if table in primary else None) for table in parts}
    links = [p.link for p in foreign.values()]
    order = relational.table_order(keys, links)
    levels = relational.depth(keys, links)
    roots = [t for t in order if levels[t] == 0]
    generating = relational.generating_links(links)
    lines = [
        "# Draft release spec for several tables, written by `synthgate init`. It is a PROPOSAL: review every",
        "# table's columns, primary_key and references before running it. Detection and key proposals ran on the",
        "# values; no value was copied here. Keys and references are id columns pseudonymised with one key, so a",
        "# patient's pseudonym is the same in every table.",
        "dataset:",
        f"  name: {_scalar(_slug(name))}",
        "  version: 0.1.0",
        f"  title: {_scalar(name)}",
        "  description: ''",
        "  licence: ''        # REQUIRED: the release licence, e.g. KOGL-Type1 or CC-BY-4.0",
        "  domain: other      # healthcare | defense | other",
        f"tables:   # generated in the order {' -> '.join(order)} (parents first)",
    ]
    subject = _date_shift_subject(parts, primary, foreign, roots)
    for table in order:
        path, detections, frame = parts[table]
        lines.append(f"  {_scalar(table)}:   # {len(frame):,} rows")
        lines += _source_lines(relative_source(path, output), encoding, delimiter, fmt, dedupe_headers)
        if table in primary:
            lines.append(f"    # {_pk_note(primary[table])}")
            lines.append(f"    primary_key: {_scalar(primary[table].column)}")
        else:
            lines.append("    # no primary key proposed: no column is unique, never empty and id-like or text")
        drafted = propose_columns(detections)
        lines += _sequence_lines(table, frame, drafted, generating.get(table))
        lines.append("    columns:")
        for p in drafted:
            reference = None
            if table in primary and p.column == primary[table].column:
                p, _ = _as_key(p, _pk_note(primary[table]).split(":")[0], None)
            elif (table, p.column) in foreign:
                link = foreign[(table, p.column)]
                p, reference = _as_key(p, _fk_note(link), f"{link.parent}.{link.parent_column}")
            p = _shifted(p, table, subject)
            block = [("    " + line) for line in _column_lines(p)]
            if reference is not None:
                block.append(f"        references: {_scalar(reference)}")
            lines += block
        if levels[table] > 0:
            lines.append("    orphans: drop   # drop | keep: rows whose key matches no parent row (counted by check)")
    first = parts[order[0]]
    lines += ["privacy:", "  key_env: SYNTHGATE_PSEUDONYM_KEY   # the key (>= 32 bytes) is read from this variable at "
              "run time"]
    lines += _language_lines(first[1], first[2])
    if medical_record_patterns:
        lines.append(f"  medical_record_patterns: {_scalar(list(medical_record_patterns))}   # from --mrn-pattern")
    if subject is not None and subject[0]:
        lines.append(f"  date_shift: {{subject: {_scalar(subject[0])}, max_days: 180}}   # one keyed offset per "
                     "person, the same in every table")
    lines += [
        "generator:",
        "  device: auto",
        "  seed: 0",
        "sample:",
        f"  rows: {len(parts[roots[0]][2])}   # rows of each root table ({', '.join(roots)}); children follow "
        "their parents",
        "output:",
        "  catalog: catalog       # published releases: CATALOG/<name>/<version>/",
        "  workspace: workspace   # raw and pseudonymised intermediates; keep it private",
        "",
    ]
    return "\n".join(lines), proposals


def _sequence_lines(table: str, frame: pd.DataFrame, drafted: list[Proposal], link: dict | None) -> list[str]:
    """``sequence: {order_by: COL}`` when a kept time-like column orders each parent's rows, with its evidence."""
    if link is None:
        return []
    kept = [p for p in drafted if p.kind in ("numerical", "datetime") and p.column != link["column"]
            and p.action in (privacy.Action.KEEP, privacy.Action.DATE_SHIFT)]
    if not kept:
        return []
    candidates = frame[[link["column"], *(p.column for p in kept)]].copy()
    for p in kept:
        if p.kind == "datetime" and not pd.api.types.is_datetime64_any_dtype(candidates[p.column]):
            # dates read from CSV are text: compare them as dates (the draft already called them dates)
            candidates[p.column] = pd.to_datetime(candidates[p.column], errors="coerce", format="mixed")
    found = relational.propose_sequence(candidates, link["column"], table=table, parent=link["parent"])
    if found is None:
        return []
    e = found.evidence
    return [f"    # sequence proposed from the values: {_percent(e['distinct_share'])} of the rows of the "
            f"{e['parents_with_several_rows']:,} {link['parent']} rows with several {table} rows hold a value no "
            f"sibling shares; it rises in file order for {_percent(e['rising_in_file_order'])} of them",
            f"    sequence: {{order_by: {_scalar(found.column)}}}"]


def _date_shift_subject(parts, primary, foreign, roots) -> tuple[str, dict[str, str]] | None:
    """The root key dates move with, and per table the column naming that subject (None: no date_shift proposed)."""
    shifting = [t for t, (_, detections, _) in parts.items()
                if any(p.action is privacy.Action.DATE_SHIFT for p in propose_columns(detections))]
    root = next((t for t in roots if t in primary), None)
    if not shifting or root is None:
        return None if not shifting else ("", {})
    key = f"{root}.{primary[root].column}"
    columns = {root: primary[root].column}
    for (table, column), link in foreign.items():
        if f"{link.parent}.{link.parent_column}" == key and table not in columns:
            columns[table] = column
    return key, columns


def _shifted(p: Proposal, table: str, subject) -> Proposal:
    """A date_shift column of a table with no subject column is dropped, marked for review."""
    if p.action is not privacy.Action.DATE_SHIFT or (subject is not None and subject[0] and table in subject[1]):
        return p
    return dataclasses.replace(p, action=privacy.Action.DROP, rule=None, review=(
        *p.review, "date_shift needs the person's key in this table (a column referencing the root table's "
        "primary key); none was found, so the draft drops the dates"))
