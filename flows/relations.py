"""Several tables in one spec (tables:): the spec's keys and links as the leaves' plain values, and their checks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from synthgate import privacy
from synthgate import relational
from synthgate.flows.errors import InputError, SourceError, SpecError
from synthgate.flows.spec import TABLE_NAME, LoadedSpec, ReleaseSpec

__all__ = ["MAX_DEPTH", "TablesReport", "check_table_data", "check_tables", "date_shift_subjects", "kinds", "keys",
           "links", "ok_line", "resolve_orphans", "sequences", "table_order"]

MAX_DEPTH = 2  # levels below a root: parent -> child -> grandchild
MAX_CHILDREN = 10_000  # generators.relational.DEFAULT_MAX_CHILDREN: a larger family is refused at fit


def keys(spec: ReleaseSpec) -> dict[str, str | None]:
    """table -> its primary key column (None for a table without one), in spec order."""
    return {name: table.primary_key for name, table in (spec.tables or {}).items()}


def links(spec: ReleaseSpec) -> list[dict[str, str]]:
    """Every ``references:`` as ``{"child", "column", "parent", "parent_column"}``, tables then columns in spec order.

    A child's first link to another table is its generating link (`relational.generating_links`).
    """
    found = []
    for name, table in (spec.tables or {}).items():
        for column, col in table.columns.items():
            if col.references is not None:
                parent, _, parent_column = col.references.partition(".")
                found.append({"child": name, "column": column, "parent": parent, "parent_column": parent_column})
    return found


def sequences(spec: ReleaseSpec) -> dict[str, dict[str, str]]:
    """Child tables whose rows are a sequence per parent: table -> ``{"order_by": column}``."""
    return {name: {"order_by": t.sequence.order_by} for name, t in (spec.tables or {}).items() if t.sequence}


def kinds(spec: ReleaseSpec) -> dict[str, dict[str, str]]:
    """table -> column -> kind, as the spec declares them."""
    return {name: {c: col.kind.value for c, col in t.columns.items()} for name, t in (spec.tables or {}).items()}


def table_order(spec: ReleaseSpec) -> list[str]:
    """Tables, each after its generating parent."""
    return relational.table_order(keys(spec), links(spec))


def date_shift_subjects(spec: ReleaseSpec) -> dict[str, str]:
    """table -> the column naming the subject whose dates move together, for each table with date_shift columns.

    ``privacy.date_shift.subject`` names a primary key as TABLE.COLUMN; in that table the key is the
    subject, in another table the column whose ``references:`` is that key. The offset comes from the
    subject's value and the key (`privacy.subject_offsets`), so one subject's dates move by the same
    days in every table.
    """
    shift = spec.privacy.date_shift
    if shift is None:
        return {}
    root, _, key = shift.subject.partition(".")
    found = {}
    for name, table in (spec.tables or {}).items():
        if any(col.action is privacy.Action.DATE_SHIFT for col in table.columns.values()):
            column = key if name == root else next(
                (c for c, col in table.columns.items() if col.references == shift.subject), None)
            if column is not None:
                found[name] = column
    return found


def check_tables(loaded: LoadedSpec, shown: str) -> None:
    """The tables: block, before anything runs: one SpecError line for the first problem.

    Checked: one form only (source/columns or tables), table names (unique, plain), each column's
    plan, primary keys and references (known table, existing column, the parent's primary key, id
    kind and pseudonymise), cycles and depth, sequences, per-table date shifting, and the blocks
    that do not apply to several tables yet.
    """
    spec = loaded.spec
    assert spec.tables is not None
    if spec.source is not None or spec.columns:
        raise SpecError(shown, "tables", "a spec has source and columns (one table) or tables (several), not both; "
                        "move the single table under tables:")
    if not spec.tables:
        raise SpecError(shown, "tables", "no table; name each table with its source, columns and primary_key")
    if spec.engine.kind.value != "local":
        raise SpecError(shown, "engine.kind", "a tables: spec runs in one process for now (its stages are not "
                        "partitioned); leave engine out or write kind: local")
    _check_names(loaded, shown)
    for name, table in spec.tables.items():
        _check_table(spec, name, table, shown)
    try:
        levels = relational.depth(keys(spec), links(spec))
    except relational.CycleError as exc:
        raise SpecError(shown, "tables", str(exc)) from None
    generating = relational.generating_links(links(spec))
    for name, level in levels.items():
        if level > MAX_DEPTH:
            chain = [name]
            while chain[-1] in generating:
                chain.append(generating[chain[-1]]["parent"])
            raise SpecError(shown, f"tables.{name}", f"{level + 1} levels deep ({' -> '.join(reversed(chain))}); "
                            "at most 3 levels: parent, child, grandchild")
    for name, table in spec.tables.items():
        if table.sequence is not None:
            _check_sequence(name, table, name in generating, shown)
    _check_date_shift(spec, shown)
    _check_single_table_blocks(spec, shown)
    _check_tables_generator(spec, shown)


def _check_names(loaded: LoadedSpec, shown: str) -> None:
    """Table names are plain and given once (YAML would silently keep the last of two equal keys)."""
    for name in loaded.spec.tables:
        if not re.match(TABLE_NAME, name):
            raise SpecError(shown, f"tables.{name}", "a table name is 1-63 letters, digits, '_' or '-', starting "
                            "with a letter or '_' (no '.': references read TABLE.COLUMN)")
    try:
        root = yaml.compose(loaded.path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):  # load_spec read it already
        return
    tables = next((v for k, v in root.value if getattr(k, "value", None) == "tables"), None)
    if isinstance(tables, yaml.MappingNode):
        names = [str(k.value) for k, _ in tables.value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise SpecError(shown, f"tables.{twice[0]}", f"the table {twice[0]!r} is named twice; each table "
                            "needs its own name")


def _keyed(column) -> bool:
    return column.kind.value == "id" and column.action is privacy.Action.PSEUDONYMISE


def _check_table(spec: ReleaseSpec, name: str, table, shown: str) -> None:
    where = f"tables.{name}"
    for column, col in table.columns.items():
        try:
            privacy.ColumnPlan(name=column, kind=col.kind.value, action=col.action, rule=col.rule,
                               surrogate=col.surrogate)
        except privacy.PrivacyError as exc:
            raise SpecError(shown, f"{where}.columns.{column}", str(exc)) from None
    allowed = ", ".join(table.columns)
    if table.primary_key is not None:
        key = table.columns.get(table.primary_key)
        if key is None:
            raise SpecError(shown, f"{where}.primary_key", f"{table.primary_key!r} is not a column of {name}; "
                            f"allowed: {allowed}")
        if not _keyed(key):
            raise SpecError(shown, f"{where}.columns.{table.primary_key}", "a primary key is kind id with action "
                            "pseudonymise, so it gets the same keyed pseudonym in every table that references it")
    for column, col in table.columns.items():
        if col.references is None:
            continue
        at = f"{where}.columns.{column}.references"
        parent, dot, parent_column = col.references.partition(".")
        tables = spec.tables
        if not dot or not parent_column:
            raise SpecError(shown, at, f"{col.references!r} is not TABLE.COLUMN (e.g. patients.id)")
        if parent not in tables:
            raise SpecError(shown, at, f"unknown table {parent!r} (the parent of {name}.{column} is missing); "
                            f"tables: {', '.join(tables)}")
        target = tables[parent]
        if parent_column not in target.columns:
            raise SpecError(shown, at, f"table {parent!r} has no column {parent_column!r}; its primary key is "
                            f"{target.primary_key!r}" if target.primary_key else
                            f"table {parent!r} has no column {parent_column!r} (and no primary_key)")
        if parent_column != target.primary_key:
            why = (f"its primary key is {target.primary_key!r}" if target.primary_key
                   else f"{parent} has no primary_key")
            raise SpecError(shown, at, f"{col.references!r} is not a key: a reference points at its table's "
                            f"primary key; {why}")
        if parent == name and column == parent_column:
            raise SpecError(shown, at, "a column cannot reference itself")
        if not _keyed(col):
            raise SpecError(shown, f"{where}.columns.{column}", "a column with references is kind id with action "
                            "pseudonymise, so its values get the same keyed pseudonyms as the key it points at")


def _check_sequence(name: str, table, has_parent: bool, shown: str) -> None:
    where = f"tables.{name}.sequence.order_by"
    order_by = table.sequence.order_by
    if not has_parent:
        raise SpecError(shown, where, f"{name} has no parent (no column with references: to another table), so its "
                        "rows are no sequence of a parent's; remove sequence: or add the reference")
    col = table.columns.get(order_by)
    if col is None:
        raise SpecError(shown, where, f"{order_by!r} is not a column of {name}; allowed: {', '.join(table.columns)}")
    if col.kind.value not in ("numerical", "datetime") or col.action is privacy.Action.DROP:
        raise SpecError(shown, where, f"{order_by!r} is {col.kind.value} with action {col.action.value}; a sequence "
                        "is ordered by a kept numerical or datetime column (a day number, a date)")


def _check_date_shift(spec: ReleaseSpec, shown: str) -> None:
    shift = spec.privacy.date_shift
    shifted = [(n, c) for n, t in spec.tables.items() for c, col in t.columns.items()
               if col.action is privacy.Action.DATE_SHIFT]
    if shifted and shift is None:
        n, c = shifted[0]
        raise SpecError(shown, f"tables.{n}.columns.{c}", "action 'date_shift' needs privacy.date_shift.subject: "
                        "the primary key naming the person, as TABLE.COLUMN (e.g. patients.id)")
    if shift is None:
        return
    if not shifted:
        raise SpecError(shown, "privacy.date_shift", "no column of any table has action 'date_shift'")
    root, _, key = shift.subject.partition(".")
    if root not in spec.tables or spec.tables[root].primary_key != key:
        keyed = ", ".join(f"{n}.{t.primary_key}" for n, t in spec.tables.items() if t.primary_key) or "none"
        raise SpecError(shown, "privacy.date_shift.subject", f"{shift.subject!r} is not a primary key as "
                        f"TABLE.COLUMN; with tables: the subject is the person's key, allowed: {keyed}")
    subjects = date_shift_subjects(spec)
    for n, c in shifted:
        if n not in subjects:
            raise SpecError(shown, f"tables.{n}.columns.{c}", f"{n} has no column that is or references "
                            f"{shift.subject}, so its dates have no subject to move with")


def _check_single_table_blocks(spec: ReleaseSpec, shown: str) -> None:
    block = spec.evaluation
    named = [("risk", spec.risk is not None), ("rules", bool(spec.rules)),
             ("evaluation.target", block.target is not None), ("evaluation.secrets", block.secrets is not None),
             ("evaluation.linkability", block.linkability is not None),
             ("evaluation.holdout_by", block.holdout_by is not None)]
    for where, given in named:
        if given:
            raise SpecError(shown, where, "names columns of one table; with tables: it is not available yet; "
                            "leave it out")


TABLES_GENERATOR = "autoregressive"  # with tables: one autoregressive model per table, composed by RelationalGenerator


def _check_tables_generator(spec: ReleaseSpec, shown: str) -> None:
    """With tables: the relational generator (an autoregressive model per table), dp per subject, no re-id table."""
    from synthgate import generators
    from synthgate.generators.relational_registry import resolve_relational

    try:  # a kind of several tables (relational, sdv_hma, sdv_par); flows/spec.py checks a peer's limits and params
        resolve_relational(spec.generator.kind)
    except generators.GeneratorError as exc:
        raise SpecError(shown, "generator.kind", str(exc)) from None
    if spec.generator.dp is not None:
        _check_tables_dp(spec, shown)
    if spec.privacy.additional_information is not None:
        raise SpecError(shown, "privacy.additional_information", "the re-identification table is kept for one "
                        "table only; with tables: it is not available yet; leave it out")


def _check_tables_dp(spec: ReleaseSpec, shown: str) -> None:
    """generator.dp with tables: differential privacy per subject (a root row and its descendants), by our
    relational generator only; its params are valid and the links are ones it covers (one root, no secondary)."""
    from synthgate import generators

    gen = spec.generator
    if gen.kind not in (TABLES_GENERATOR, "relational"):
        raise SpecError(shown, "generator.dp", f"differential privacy per subject is trained by the relational "
                        f"generator only, not by {gen.kind!r}; leave generator.kind out or generator.dp out")
    try:
        generators.parse_params(TABLES_GENERATOR, {**gen.params, "dp": gen.dp})
    except generators.GeneratorError as exc:
        raise SpecError(shown, "generator.params/generator.dp", str(exc)) from None
    problem = generators.relational.dp_spec_refusal(links(spec), relational.generating_links(links(spec)),
                                                    list(spec.tables))
    if problem is not None:
        raise SpecError(shown, "generator.dp", problem)
    _check_sequence_domains(spec, shown)


def _check_sequence_domains(spec: ReleaseSpec, shown: str) -> None:
    """Under dp a sequence's first event and gaps (the generator's own columns, no spec can name them) take
    their range from the declared domain of order_by, and a date's first event from the parent's first date
    too (docs/generators.md "Differential privacy per subject"); refused here rather than after training."""
    declared = dict((spec.generator.dp or {}).get("domains") or {})
    generating = relational.generating_links(links(spec))
    for name, table in spec.tables.items():
        if table.sequence is None:
            continue
        order_by = table.sequence.order_by
        needed = [order_by]
        col = table.columns.get(order_by)
        parent = generating.get(name, {}).get("parent")
        if col is not None and col.kind.value == "datetime" and parent in spec.tables:
            needed += [c for c, pc in spec.tables[parent].columns.items()
                       if pc.kind.value == "datetime" and pc.action.value != "drop"][:1]
        missing = [c for c in needed if not {"min", "max"} <= set(dict(declared.get(c) or {}))]
        if missing:
            raise SpecError(shown, "generator.dp.domains",
                            f"table {name!r} is a sequence by {order_by!r}: under dp its first event and the gaps "
                            f"between events take their range from the declared domain of "
                            f"{' and '.join(repr(c) for c in needed)}, which the rows of a few hundred subjects "
                            f"cannot give privately; declare "
                            f"{', '.join(f'dp.domains.{c}: {{min, max}}' for c in missing)}")


def resolve_orphans(spec: ReleaseSpec, frames: dict) -> tuple[dict, dict[str, dict[str, int]]]:
    """Apply each table's ``orphans:`` to the raw tables, parents first, so a dropped row's children follow it.

    ``drop``: rows orphaned on their generating link are removed; a dangling key on a secondary link or a
    self-reference is blanked (the row stays). ``keep``: nothing changes. Empty keys are never orphans.

    Args:
        spec: a spec with tables:.
        frames: table -> raw frame (not modified).

    Returns:
        The tables after the policy, and per link ``"child.column"`` -> ``{"orphan_rows", "dropped_rows",
        "blanked_keys"}`` (counts only).
    """
    tables = dict(frames)
    counts: dict[str, dict[str, int]] = {}
    generating = relational.generating_links(links(spec))
    for name in table_order(spec):
        for link in (found for found in links(spec) if found["child"] == name):
            frame = tables[name]
            mask = relational.orphan_mask(frame[link["column"]], tables[link["parent"]][link["parent_column"]])
            found = {"orphan_rows": int(mask.sum()), "dropped_rows": 0, "blanked_keys": 0}
            if found["orphan_rows"] and spec.tables[name].orphans == "drop":
                if generating.get(name) == link:
                    tables[name] = frame[~mask.to_numpy()].reset_index(drop=True)
                    found["dropped_rows"] = found["orphan_rows"]
                else:
                    frame = frame.copy()
                    frame[link["column"]] = frame[link["column"]].astype(object).where(~mask, None)
                    tables[name] = frame
                    found["blanked_keys"] = found["orphan_rows"]
            counts[f"{name}.{link['column']}"] = found
    return tables, counts


@dataclass(frozen=True)
class TablesReport:
    """What `synthgate check` found in the data of several tables: counts only, never a value."""

    rows: dict[str, int]
    order: list[str]
    key_id: str | None
    key_origin: str | None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    sha256: dict[str, str] = field(default_factory=dict)  # table -> its source's sha256 (run's ingest compares)


def check_table_data(loaded: LoadedSpec) -> TablesReport:
    """Read every table and check its columns, kinds, keys, orphans and sequence ties.

    Raises:
        InputError: a source that cannot be read or has no rows, unplanned or missing columns, values
            that do not fit a kind, repeated or missing primary keys, a reference none of whose rows
            finds a parent, a column still marked for review, no key: one line each (exit 2).
    """
    from synthgate.flows.keys import key_from_environment
    from synthgate.flows.publish import ensure_version_is_new

    spec = loaded.spec
    _check_reviewed(loaded)
    ensure_version_is_new(loaded)
    key_id = origin = None
    if spec.privacy.key_secret_block is None:
        key_id, origin = key_from_environment(spec.privacy).key_id, f"${spec.privacy.key_env}"
    else:
        origin = f"Prefect Secret '{spec.privacy.key_secret_block}' (loaded when the run starts)"
    frames, facts = read_tables(loaded)
    warnings = _check_keys(spec, frames)
    return TablesReport({n: len(f) for n, f in frames.items()}, table_order(spec), key_id, origin, tuple(warnings),
                        {n: f["sha256"] for n, f in facts.items()})


def read_tables(loaded: LoadedSpec) -> tuple[dict, dict[str, dict]]:
    """Read every table of a tables: spec, check its columns against the plan and type them by kind.

    Returns:
        table -> typed frame, and table -> the source's facts (``SourceFacts.to_dict()``: hashes and counts).

    Raises:
        InputError: a source that cannot be read or has no rows, unplanned or missing columns, values that
            do not fit a kind: one line naming the table (exit 2).
    """
    from synthgate.flows.sources import check_columns, read_source
    from synthgate.flows.tables import coerce_kinds
    from synthgate.flows.timezones import align_timezones

    frames, facts = {}, {}
    for name, table in loaded.spec.tables.items():
        source = table.source
        pattern = Path(source.path).expanduser()
        pattern = pattern if pattern.is_absolute() else loaded.base_dir / pattern
        kinds = {c: col.kind.value for c, col in table.columns.items()}
        try:
            frame, found = read_source(str(pattern), fmt=source.format, delimiter=source.delimiter,
                                       encoding=source.encoding, rename=source.rename,
                                       dedupe_headers=source.dedupe_headers)
            check_columns(list(frame.columns), list(table.columns))
        except SourceError as exc:
            raise InputError(f"tables.{name}: {exc}" + ("; a child table needs rows: each parent's count of "
                                                         "children is learned from them" if "no rows" in str(exc)
                                                         else "")) from None
        except InputError as exc:
            raise InputError(f"tables.{name}: {exc}") from None
        try:
            frames[name] = coerce_kinds(align_timezones(frame, kinds, source.timezone), kinds)
        except InputError as exc:
            raise InputError(f"tables.{name}: {exc}") from None
        facts[name] = found.to_dict()
    return frames, facts


def check_keys(spec: ReleaseSpec, frames: dict) -> list[str]:
    """Primary keys, references, family sizes and sequence ties of read tables: warnings, or InputError."""
    return _check_keys(spec, frames)


def ok_line(loaded: LoadedSpec, report: TablesReport) -> str:
    """`check`'s last line for several tables: rows per table, order and key."""
    rows = ", ".join(f"{name} {report.rows[name]:,} rows" for name in report.order)
    key = f"key {report.key_id or 'not needed'}" + (f" from {report.key_origin}" if report.key_origin else "")
    return (f"ok: {len(report.rows)} tables ({rows}), {len(links(loaded.spec))} reference(s), generated in the order "
            f"{' -> '.join(report.order)}; {key}")


def _check_reviewed(loaded: LoadedSpec) -> None:
    unresolved = [f"{n}.{c}" for n, t in loaded.spec.tables.items() for c, col in t.columns.items()
                  if "reviewed" in col.model_fields_set and not col.reviewed]
    if unresolved:
        raise SpecError(str(loaded.path), "tables", f"{len(unresolved)} column(s) still marked REVIEW: "
                        f"{', '.join(unresolved)}; read each column's '# REVIEW:' evidence, keep or change its "
                        "action, then set 'reviewed: true' on it")


def _largest_family(keys) -> int:
    """The most rows any one key value has (0 for an empty column)."""
    counts = keys.dropna().value_counts()
    return int(counts.iloc[0]) if len(counts) else 0


def _check_keys(spec: ReleaseSpec, frames: dict) -> list[str]:
    warnings = []
    for name, table in spec.tables.items():
        key = table.primary_key
        if key is None:
            continue
        missing = relational.null_keys(frames[name], key)
        repeated = relational.duplicate_keys(frames[name], key)
        if missing or repeated:
            raise InputError(f"tables.{name}.primary_key: {key!r} is missing in {missing} row(s) and repeats in "
                             f"{repeated} row(s) of {len(frames[name])}; a primary key names each row once")
    generating = relational.generating_links(links(spec))
    counts = relational.orphans(frames, links(spec))
    for link in links(spec):
        found = counts[f"{link['child']}.{link['column']}"]
        where = f"tables.{link['child']}.columns.{link['column']}"
        keyed = found["child_rows"] - found["null_rows"]
        if keyed and found["orphan_rows"] == keyed:
            raise InputError(f"{where}: none of its {keyed} keyed row(s) matches a {link['parent']}."
                             f"{link['parent_column']}; the reference points at nothing (check the column and "
                             "the parent's source)")
        if found["orphan_rows"]:
            policy = spec.tables[link["child"]].orphans
            is_generating = generating.get(link["child"]) == link
            does = ("drops these rows" if is_generating else "blanks these keys and keeps the rows") \
                if policy == "drop" else "keeps them, pointing at no parent"
            warnings.append(f"{where}: {found['orphan_rows']} of {keyed} keyed row(s) ({found['orphan_keys']} "
                            f"distinct key(s)) match no {link['parent']}.{link['parent_column']}; orphans: {policy} "
                            f"{does}")
    for name, link in generating.items():
        most = _largest_family(frames[name][link["column"]])
        if most > MAX_CHILDREN:
            warnings.append(f"tables.{name}: one {link['parent']} row has {most:,} {name} rows (the most); the "
                            f"relational generator refuses more than {MAX_CHILDREN:,} children per parent by default "
                            "(its max_children): split the table or check the key")
    for name, sequence in sequences(spec).items():
        if name not in generating:
            continue
        ties = relational.sequence_ties(frames[name], generating[name]["column"], sequence["order_by"])
        if ties["tied_rows"]:
            warnings.append(f"tables.{name}.sequence.order_by: {ties['groups_with_ties']} parent(s) have rows tied "
                            f"on {sequence['order_by']!r} ({ties['tied_rows']} rows); tied rows keep their file "
                            "order (a stable sort)")
    return warnings

