"""Prefect tasks of a multi-table release (tables:): ingest, pseudonymise, split, train, sample, evaluate,
validate, publish, each over every table.

Wiring only, as flows/tasks.py: each table goes through the single-table helpers (flows/convert.py on a
one-table view of the spec, privacy.apply_plan, expectations' suites), the leaves take the relational
contract's plain values (flows/relations.py). Tasks pass paths and small facts, never a frame.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from prefect import get_run_logger, task

from synthgate import evaluation, expectations, generators, privacy
from synthgate.flows import convert, relations
from synthgate.flows.errors import InputError, ReportFailed, ValidationFailed
from synthgate.flows.keys import resolve_key
from synthgate.flows.spec import LoadedSpec, ReleaseSpec
from synthgate.flows.tasks import TASK_OPTIONS, SourceChanged, _distinct_text, stage
from synthgate.flows.workspace import ReleaseLayout, Workspace, read_json, write_json
from synthgate.generators import relational_registry

GENERATOR_KIND = "relational"  # the default kind: RelationalGenerator, one autoregressive model per table
STAGES = ("raw", "pseudonymised", "training", "holdout", "synthetic")


# --- plain helpers (no Prefect): the spec's tables as one-table views and the workspace's files ----------------

def table_view(spec: ReleaseSpec, name: str) -> ReleaseSpec:
    """The spec as if ``name`` were its only table, so the single-table helpers (flows/convert.py) apply.

    The date shift's subject becomes the table's own subject column (``relations.date_shift_subjects``):
    the key in the subject's table, the column referencing it elsewhere; a table without dates to shift
    gets none.
    """
    table = spec.tables[name]
    shift = spec.privacy.date_shift
    block = spec.privacy
    if shift is not None:
        subject = relations.date_shift_subjects(spec).get(name)
        block = block.model_copy(update={"date_shift": shift.model_copy(update={"subject": subject})
                                         if subject else None})
    return spec.model_copy(update={"tables": None, "source": table.source, "columns": dict(table.columns),
                                   "privacy": block, "risk": None, "rules": []})


def table_file(ws: Workspace, name: str, step: str) -> Path:
    """The workspace's Parquet file of one table at one stage (raw, pseudonymised, training, holdout, synthetic)."""
    if step not in STAGES:
        raise ValueError(f"unknown stage {step!r}")
    folder = ws.root / "tables" / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / f"{step}.parquet"


def read_tables(ws: Workspace, spec: ReleaseSpec, step: str, columns: dict[str, list[str]] | None = None) -> dict:
    return {name: pd.read_parquet(table_file(ws, name, step), columns=(columns or {}).get(name))
            for name in relations.table_order(spec)}


def model_columns(spec: ReleaseSpec) -> dict[str, list[str]]:
    """Per table the columns the relational generator takes: its key, its references, its learned columns."""
    found = {}
    for name, table in spec.tables.items():
        keyed = [c for c, col in table.columns.items() if c == table.primary_key or col.references is not None]
        found[name] = [*keyed, *[c for c in convert.learned_kinds(table_view(spec, name)) if c not in keyed]]
    return found


def model_kinds(spec: ReleaseSpec) -> dict[str, dict[str, str]]:
    """table -> column -> kind of ``model_columns`` (keys and references are ``id``; generalised columns their
    output kind)."""
    kinds = {}
    for name, columns in model_columns(spec).items():
        learned = convert.learned_kinds(table_view(spec, name))
        kinds[name] = {c: learned.get(c, "id") for c in columns}
    return kinds


def released_kinds(spec: ReleaseSpec) -> dict[str, dict[str, str]]:
    """table -> column -> kind of the published table (learned columns, keys, references and fresh ids)."""
    return {name: convert.released_kinds(table_view(spec, name)) for name in relations.table_order(spec)}


def metric_name(*parts: str) -> str:
    """A GX metric name (snake_case, at most 64 characters) from a figure and table/column names.

    Names GX cannot take as they are (Hangul, spaces, over 64 characters) end in 8 hex digits of
    their SHA-256, so two Korean key columns of one length stay two gates.
    """
    joined = "_".join(parts)
    plain = re.sub(r"[^a-z0-9_]", "_", joined.lower())
    if plain == joined and len(plain) <= 64:
        return plain
    digest = hashlib.sha256(joined.encode("utf-8")).hexdigest()[:8]
    return f"{plain[:55]}_{digest}"


def relational_gates(figures: dict, spec: ReleaseSpec) -> list[dict]:
    """The publish gates of a multi-table release, as the single-table evaluation writes them.

    Referential integrity of every link must be 1.0 (every synthetic key names a synthetic parent row);
    each root's per-subject DCR share (a subject's row joined with its children's aggregates, holdout by
    subject) must stay under the single-table bound ``evaluation.thresholds.dcr_share_max``, and its three
    attacks per subject under ``singling_out_risk_max``, ``linkability_risk_max`` and ``inference_risk_max``,
    judged as the single-table gates judge them (``evaluation.result.verdict_of``, ideal 0) and accepted when
    inconclusive by the same names.
    """
    gates = []

    def gate(metric: str, value, operator: str, bound: float, description: str, low=None, high=None,
             accepted: bool = False, accept_as: str | None = None, ideal: float | None = None) -> None:
        interval = {} if low is None or high is None else {"low": low, "high": high}
        if value is None:
            verdict, passed = "unmeasured", False
        elif ideal is not None:  # the single-table rule: a narrow interval across the bound is decided by the estimate
            verdict = evaluation.result.verdict_of(value, low, high, operator, bound, ideal)
            passed = verdict == "pass" or (verdict == "inconclusive" and accepted)
        elif interval and operator == "<=" and low <= bound < high:
            verdict, passed = "inconclusive", accepted  # the 95% interval straddles the bound
        else:
            passed = value >= bound if operator == ">=" else value <= bound
            verdict = "pass" if passed else "fail"
        gates.append({"metric": metric, "value": value, "operator": operator, "bound": bound, "verdict": verdict,
                      "passed": passed, "accepted": verdict == "inconclusive" and accepted, **interval,
                      "description": description, **({"accept_as": accept_as} if accept_as else {})})

    for entry in figures["integrity"]:
        share = (entry.get("synthetic") or {}).get("share")
        gate(metric_name("referential_integrity", entry["child"], entry["column"]), share, ">=", 1.0,
             f"Share of non-empty synthetic {entry['child']}.{entry['column']} keys found among the synthetic "
             f"{entry['parent']}.{entry['parent_column']}.")
    bound = spec.evaluation.thresholds.dcr_share_max
    if bound is not None:
        for root, result in figures["privacy"].items():
            gate(metric_name("subject_dcr_share", root), result.get("dcr_share"), "<=", float(bound),
                 f"Share of synthetic {root} subjects (their row joined with their children's aggregates) closer "
                 "to a training subject than to a holdout subject; 0.5 is ideal (split by subject).",
                 low=result.get("dcr_share_low"), high=result.get("dcr_share_high"),
                 accepted="dcr_share" in spec.evaluation.accept_inconclusive)
    for root, result in figures["privacy"].items():
        skipped = result.get("attack_not_applicable") or {}
        for attack, words in _SUBJECT_ATTACKS.items():
            name, bound = f"{attack}_risk", getattr(spec.evaluation.thresholds, f"{attack}_risk_max")
            if bound is None or name not in result or attack in skipped:
                continue  # gate off, an evaluation without attacks, or not applicable to these tables
            column = result.get("inference_risk_column") if attack == "inference" else None
            gate(metric_name("subject", name, root), result[name], "<=", float(bound),
                 f"Risk that the synthetic {root} subjects (a row joined with its children's aggregates) let an "
                 f"attacker {words} a real training subject, beyond what holdout subjects allow (split by subject)"
                 + (f"; for {column}, where it is highest." if column else "."),
                 low=result.get(f"{name}_low"), high=result.get(f"{name}_high"),
                 accepted=name in spec.evaluation.accept_inconclusive, accept_as=name, ideal=0.0)
    return gates


#: The attacks gated per subject, and what each lets an attacker do (the single-table gates' words).
_SUBJECT_ATTACKS = {"singling_out": "single out", "linkability": "link two halves of the record of",
                    "inference": "infer a hidden attribute of"}


def blocking_lines(gates: list[dict]) -> list[str]:
    """Gates that block without a GX expectation to fail: unmeasured ones, and inconclusive ones the spec did not
    accept (a per-subject figure is accepted by its single-table name, e.g. ``dcr_share``, ``inference_risk``)."""
    lines = []
    for gate in gates:
        if gate["verdict"] == "unmeasured":
            lines.append(f"release_evaluation: {gate['metric']} could not be measured, and its bound applies")
        elif gate["verdict"] == "inconclusive" and not gate["accepted"]:
            lines.append(f"release_evaluation: {gate['metric']} is inconclusive: its 95% interval [{gate['low']:.3g}, "
                         f"{gate['high']:.3g}] is too wide to tell a pass from a fail against {gate['operator']} "
                         f"{gate['bound']:.3g}; more subjects would narrow it, or accept it with "
                         f"evaluation.accept_inconclusive: [{gate.get('accept_as', 'dcr_share')}]")
    return lines


def _apply_view_plan(view: ReleaseSpec, raw: pd.DataFrame, key) -> privacy.AppliedPlan:
    return privacy.apply_plan(raw, convert.privacy_plan(view), key)


# --- tasks ------------------------------------------------------------------------------------------------------

@task(name="ingest-tables", **TASK_OPTIONS)
@stage("ingest")
def ingest(loaded: LoadedSpec, ws: Workspace, expected_sha256: dict[str, str] | None = None) -> dict:
    """Read every table, check keys and references, apply ``orphans:`` (counted), keep them in the workspace.

    ``expected_sha256``: table -> the hash `synthgate run` checked; a source changed since is refused.
    """
    spec, log = loaded.spec, get_run_logger()
    frames, sources = relations.read_tables(loaded)
    for name, digest in (expected_sha256 or {}).items():
        if name in sources and sources[name]["sha256"] != digest:
            raise SourceChanged(f"tables.{name}", digest, sources[name]["sha256"])
    for warning in relations.check_keys(spec, frames):  # a scheduled run has had no check
        log.warning("ingest: %s", warning)
    kept, orphans = relations.resolve_orphans(spec, frames)
    for name in relations.table_order(spec):
        kept[name].to_parquet(table_file(ws, name, "raw"), index=False)
        log.info("ingest: %s %d rows x %d columns from %d file(s), sha256 %s", name, len(kept[name]),
                 kept[name].shape[1], len(sources[name]["files"]), sources[name]["sha256"][:16])
    for link, counts in orphans.items():
        if counts["orphan_rows"]:
            log.warning("ingest: %s: %d orphan row(s), %d dropped, %d key(s) blanked (orphans: %s)", link,
                        counts["orphan_rows"], counts["dropped_rows"], counts["blanked_keys"],
                        spec.tables[link.split(".")[0]].orphans)
    import hashlib

    combined = hashlib.sha256("".join(f"{n}:{sources[n]['sha256']}\n" for n in sorted(sources)).encode()).hexdigest()
    facts = {"sha256": combined, "rows": sum(s["rows"] for s in sources.values()),
             "columns": sum(s["columns"] for s in sources.values()), "files": [f for s in sources.values() for f in s["files"]],
             "tables": sources, "kept_rows": {n: len(f) for n, f in kept.items()}, "orphans": orphans}
    write_json(ws.ingest_facts, facts)
    return {"rows": facts["kept_rows"], "orphans": orphans}


@task(name="pseudonymise-tables", **TASK_OPTIONS)
@stage("pseudonymise")
def pseudonymise(loaded: LoadedSpec, ws: Workspace) -> dict:
    """Each table's privacy plan with one key: a key gets the same pseudonym in every table, a subject's dates
    move by the same days in every table; then whole subjects go to training or holdout."""
    spec, log = loaded.spec, get_run_logger()
    views = {name: table_view(spec, name) for name in relations.table_order(spec)}
    key = resolve_key(spec.privacy) if any(convert.keyed_columns(v) for v in views.values()) else None
    reports, done = {}, {}
    for name, view in views.items():
        applied = _apply_view_plan(view, pd.read_parquet(table_file(ws, name, "raw")), key)
        reports[name] = applied.report.to_dict()
        done[name] = applied.frame[convert.released_columns(view)]
        done[name].to_parquet(table_file(ws, name, "pseudonymised"), index=False)
        changed = sum(o.changed_cells for o in applied.report.columns)
        log.info("pseudonymise: %s: %d column(s), %d cell(s) changed; key id %s", name, len(applied.report.columns),
                 changed, applied.report.key_id)
    keys, links = relations.keys(spec), relations.links(spec)
    training, holdout = evaluation.relational.split_by_subject(done, keys, links, spec.evaluation.holdout,
                                                               seed=spec.generator.seed)
    for name in views:
        training[name].to_parquet(table_file(ws, name, "training"), index=False)
        holdout[name].to_parquet(table_file(ws, name, "holdout"), index=False)
    split = {"by": "subject", "share": spec.evaluation.holdout,
             "tables": {n: {"training": len(training[n]), "holdout": len(holdout[n])} for n in views}}
    write_json(ws.holdout_facts, split)
    write_json(ws.privacy_report, {"key_id": reports[next(iter(reports))].get("key_id") if reports else None,
                                   "tables": reports})
    log.info("pseudonymise: holdout by subject, %s", ", ".join(
        f"{n} {s['training']} training / {s['holdout']} holdout rows" for n, s in split["tables"].items()))
    return split


@dataclass(frozen=True)
class TrainResult:
    kind: str
    device: str
    train_seconds: float
    rows: dict


def learned_tables(spec: ReleaseSpec, tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict]:
    """The training tables the generator learns and the train facts: above ``generator.train_rows`` rows of all
    tables together, a seeded uniform sample of root subjects, each with all its linked rows (docs/spec.md)."""
    from synthgate.generators.relational import training_subjects

    gen = spec.generator
    learned, facts = training_subjects(tables, relations.links(spec), gen.train_rows, seed=gen.seed)
    return learned, {**facts, "limit": gen.train_rows, "unit": "subject"}


#: A range dp could not learn from the rows (generators/_ar_encoder.py), with the dp.domains to declare.
DP_RANGE_REFUSAL = "too few values to learn a private range under dp"


@task(name="train-tables", **TASK_OPTIONS)
@stage("train")
def train(loaded: LoadedSpec, ws: Workspace) -> TrainResult:
    """Fit the generator generator.kind names (relational_registry: ours by default, SDV's HMA or PAR)."""
    spec, log = loaded.spec, get_run_logger()
    gen = spec.generator
    kind = relational_registry.resolve_relational(gen.kind)
    tables, learned = learned_tables(spec, read_tables(ws, spec, "training", model_columns(spec)))
    write_json(ws.train_facts, learned)
    if learned["sampled"]:
        log.info("train: learning a uniform sample of %d of %d subjects, %d of %d rows of all tables "
                 "(generator.train_rows)", learned["learned_subjects"], learned["available_subjects"],
                 learned["learned_rows"], learned["available_rows"])
    log.info("train: %s (%s per table) on %s, seed %d", kind, relational_registry.table_model(kind), gen.device,
             gen.seed)
    model = relational_registry.get_relational(kind)()
    params = {**gen.params, **({"dp": gen.dp} if gen.dp is not None else {})}  # dp: one budget, per subject
    try:
        report = model.fit(tables, relations.keys(spec), relations.links(spec), relations.sequences(spec),
                           model_kinds(spec), seed=gen.seed, device=gen.device, params=params)
    except generators.GeneratorError as exc:
        if gen.dp is not None and DP_RANGE_REFUSAL in str(exc):  # the spec's fix: a declared domain (exit 2)
            raise InputError(f"generator.dp: {exc}") from None
        raise
    if report.get("dp"):
        dp = report["dp"]
        log.info("train: differential privacy per subject, epsilon %.3g spent of %.3g (delta %.3g) over %d subjects",
                 dp["epsilon_spent"], dp["epsilon"], dp["delta"], dp["subjects"])
    model.save(ws.model_dir)
    for name, facts in report["tables"].items():
        log.info("train: %s %d rows%s", name, facts["rows"],
                 f" in {facts['seconds']:.1f} s" if "seconds" in facts else "")  # an SDV peer fits all at once
    write_json(ws.model_dir.parent / "model_facts.json", {"kind": kind, "params": dict(gen.params),
                                                          "device": report["device"],
                                                          "train_seconds": report["train_seconds"],
                                                          "tables": report["tables"], "dp": report.get("dp")})
    return TrainResult(kind, report["device"], report["train_seconds"],
                       {n: f["rows"] for n, f in report["tables"].items()})


def finish_synthetic(spec: ReleaseSpec, drawn: dict[str, pd.DataFrame], pseudonymised_nulls: dict[str, dict],
                     seed: int) -> dict[str, pd.DataFrame]:
    """The generator's tables as published: generalisation re-applied, fresh ids for identifier columns that are
    no key (nulls in the source's share), columns in spec order."""
    out = {}
    for t, name in enumerate(relations.table_order(spec)):
        view, frame = table_view(spec, name), drawn[name].reset_index(drop=True)
        for rules in convert.synthetic_coarsening(view):
            frame = privacy.coarsen_synthetic(frame, rules)
        for offset, column in enumerate(convert.identifier_columns(view), start=1):
            if column not in frame.columns:
                frame[column] = generators.fresh_identifiers(
                    len(frame), seed=(seed + 1000 * (t + 1) + offset) % 2**32,
                    null_share=pseudonymised_nulls.get(name, {}).get(column, 0.0))
        out[name] = frame[convert.released_columns(view)]
    return out


def drop_copies(spec: ReleaseSpec, synthetic: dict[str, pd.DataFrame], training: dict[str, pd.DataFrame]
                ) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, int]]]:
    """Remove synthetic rows that equal a training row over the table's learned columns, parents first.

    As the single-table sample discards exact copies (generators.sample_without_copies), a copied row goes;
    its children (and theirs) go with it, so every kept key still names a kept parent; a secondary
    reference to a removed row is blanked. Returns the tables and per table ``{"copies", "with_parent"}``.
    """
    from synthgate.generators.sampling import row_hashes

    out, counts = dict(synthetic), {}
    generating = relations.relational.generating_links(relations.links(spec))
    for name in relations.table_order(spec):
        frame = out[name]
        learned = convert.learned_kinds(table_view(spec, name))
        copies = np.zeros(len(frame), dtype=bool)
        if learned and len(frame):
            schema = generators.TableSchema.from_mapping(learned)
            copies = np.isin(row_hashes(frame, schema), row_hashes(training[name], schema))
        orphaned = np.zeros(len(frame), dtype=bool)
        if name in generating:
            link = generating[name]
            keys = frame[link["column"]]
            orphaned = (keys.notna() & ~keys.isin(set(out[link["parent"]][link["parent_column"]]))).to_numpy()
        frame = frame[~(copies | orphaned)].reset_index(drop=True)
        for link in relations.links(spec):
            if link["child"] == name and generating.get(name) != link and link["parent"] in out:
                known = set(out[link["parent"]][link["parent_column"]]) if link["parent"] != name else \
                    set(frame[link["parent_column"]])
                frame[link["column"]] = frame[link["column"]].where(frame[link["column"]].isin(known), None)
        out[name] = frame
        counts[name] = {"copies": int(copies.sum()), "with_parent": int((orphaned & ~copies).sum())}
    return out, counts


@task(name="sample-tables", **TASK_OPTIONS)
@stage("sample")
def sample(loaded: LoadedSpec, ws: Workspace) -> dict:
    """Draw ``sample.rows`` rows of each root table and their children; keys are fresh and link by construction."""
    spec, log = loaded.spec, get_run_logger()
    model = relational_registry.get_relational(spec.generator.kind).load(ws.model_dir, device="cpu")
    drawn = model.sample(n_parents=spec.sample.rows, seed=spec.generator.seed)
    pseudonymised = read_tables(ws, spec, "pseudonymised")
    nulls = {n: {c: float(f[c].isna().mean()) for c in f.columns} for n, f in pseudonymised.items()}
    training = read_tables(ws, spec, "training")
    drawn, discarded = drop_copies(spec, drawn, training)
    synthetic = finish_synthetic(spec, drawn, nulls, spec.generator.seed)
    for name, frame in synthetic.items():
        frame.to_parquet(table_file(ws, name, "synthetic"), index=False)
    facts = {"rows": {n: len(f) for n, f in synthetic.items()}, "seed": spec.generator.seed, "discarded": discarded,
             "excluded_text_columns": {n: convert.text_columns(table_view(spec, n)) for n in synthetic}}
    if getattr(model, "last_sample", None):  # an SDV peer: rows without a sampled parent, references blanked;
        # ours: per sequence table, the events redrawn or placed to keep its observation window (_rel_window)
        facts["generator"] = model.last_sample
    write_json(ws.sample_report, facts)
    log.info("sample: %s", ", ".join(f"{n} {r} rows ({discarded[n]['copies']} exact copies of training rows and "
                                     f"{discarded[n]['with_parent']} with a removed parent discarded)"
                                     for n, r in facts["rows"].items()))
    return facts


def table_fidelity(spec: ReleaseSpec, training: dict[str, pd.DataFrame], synthetic: dict[str, pd.DataFrame],
                   holdout: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """The single-table fidelity figures of each table on its own (SDMetrics column shapes and pair trends over
    its learned columns), beside the multi-table ones; a table with nothing to compare says why."""
    from synthgate.evaluation.errors import EvaluationError
    from synthgate.evaluation.fidelity import measure_fidelity

    found = {}
    for name, kinds in model_kinds(spec).items():
        learned = {c: k for c, k in kinds.items() if k != "id"}
        if not learned:
            found[name] = {"not_applicable": "no learned column (keys only)"}
            continue
        try:
            aligned = evaluation.align_tables(training[name][list(learned)], synthetic[name][list(learned)],
                                              holdout[name][list(learned)], kinds=learned)
            if not aligned.kinds:
                raise evaluation.errors.NotApplicable("every learned column was left out: "
                                                      + "; ".join(f"{c}: {w}" for c, w in aligned.skipped.items()))
            result = measure_fidelity(aligned.train, aligned.synthetic, aligned.kinds, seed=spec.generator.seed)
        except EvaluationError as exc:
            found[name] = {"not_applicable": getattr(exc, "reason", None) or str(exc)}
            continue
        figures = result.to_dict()
        found[name] = {"quality_score": figures["quality_score"], "column_shapes": figures["column_shapes"],
                       "column_pair_trends": figures["column_pair_trends"], "columns": figures["columns"],
                       "skipped": dict(aligned.skipped)}
    return found


@task(name="evaluate-tables", **TASK_OPTIONS)
@stage("evaluate")
def evaluate(loaded: LoadedSpec, ws: Workspace) -> dict:
    """The multi-table figures (integrity, cardinality, sequences, SDMetrics, C2ST-Agg, per-subject privacy)."""
    spec, log = loaded.spec, get_run_logger()
    columns = model_columns(spec)
    training, holdout = read_tables(ws, spec, "training", columns), read_tables(ws, spec, "holdout", columns)
    synthetic = read_tables(ws, spec, "synthetic", columns)
    empty = [name for name, frame in synthetic.items() if frame.empty]
    if empty:  # the evaluation needs rows on both sides: a table drawn empty fails the release, in one line each
        lines = [f"{name}: the synthetic table has no rows ({len(training[name])} training rows); its parents were "
                 "drawn without children: more training rows or epochs, or a larger sample.rows" for name in empty]
        for line in lines:
            log.error("evaluate: %s", line)
        raise ValidationFailed(lines, None)
    figures = evaluation.relational.evaluate_relational(
        training, synthetic, keys=relations.keys(spec), links=relations.links(spec),
        sequences=relations.sequences(spec), kinds=model_kinds(spec), holdout=holdout, seed=spec.generator.seed,
        progress=lambda step, seconds: log.info("evaluate: %s %.1f s", step, seconds)).to_dict()
    gates = relational_gates(figures, spec)
    passed = all(g["passed"] for g in gates)
    per_table = table_fidelity(spec, training, synthetic, holdout)
    for name, found in per_table.items():
        log.info("evaluate: %s fidelity %s", name, found.get("quality_score", found.get("not_applicable")))
    write_json(ws.evaluation, {"kind": "tables", "passed": passed, "verdict": "pass" if passed else "fail",
                               "gates": gates, "relational": figures, "tables": per_table,
                               "holdout": read_json(ws.holdout_facts)})
    for gate in gates:
        (log.info if gate["passed"] else log.error)("evaluate: %s %s %s %s: %s", gate["metric"], gate["value"],
                                                    gate["operator"], gate["bound"], gate["verdict"])
    return {"passed": passed, "gates": len(gates), "failed": sum(not g["passed"] for g in gates)}


@task(name="validate-tables", **TASK_OPTIONS)
@stage("validate")
def validate(loaded: LoadedSpec, ws: Workspace) -> dict:
    """Per table: the synthetic suite (profile of its training rows), the privacy gates plus one referential
    integrity expectation per foreign key; the evaluation's gates once. One Data Docs page for all tables."""
    spec, log = loaded.spec, get_run_logger()
    links = relations.links(spec)
    synthetic = read_tables(ws, spec, "synthetic")
    judged = read_json(ws.evaluation)["gates"]
    from synthgate.flows.tasks import _metric_gates

    outcomes, summaries, profiles, lines = [], {}, {}, []
    for i, name in enumerate(relations.table_order(spec)):
        view, frame = table_view(spec, name), synthetic[name]
        ids = convert.identifier_columns(view)
        learned = list(convert.learned_kinds(view))
        training = pd.read_parquet(table_file(ws, name, "training"))
        pseudonymised = pd.read_parquet(table_file(ws, name, "pseudonymised"), columns=ids)
        raw = pd.read_parquet(table_file(ws, name, "raw"), columns=convert.sensitive_columns(view))
        references = {link["column"]: link for link in links if link["child"] == name}
        kinds = convert.released_kinds(view)
        # Foreign keys repeat by nature (a parent's children share its key): the synthetic suite checks the
        # other columns; each foreign key has its integrity expectation in the privacy suite instead.
        profiled = [c for c in kinds if c not in references]
        # As on one table: under dp per subject bounds and categories come from the declared domains alone
        # (dp.domains names columns of any table), and no null rate or k-th value is read from the rows.
        dp = spec.generator.dp
        profile = expectations.profile_training(
            training[profiled], {c: kinds[c] for c in profiled}, protection=convert.value_protection(view),
            rare_placeholder=relational_registry.rare_placeholder(spec.generator.kind),
            dp_domains=None if dp is None else {c: d for c, d in dict(dp.get("domains") or {}).items()
                                                if c in profiled})
        profiles[name] = profile.to_dict()
        gates = expectations.privacy_gate_frame(
            frame, training=training, learned_columns=learned, identifier_columns=ids,
            pseudonyms=_distinct_text(pseudonymised), raw_identifiers=_distinct_text(raw[[c for c in ids if c in raw]]),
            raw_sensitive_values=_distinct_text(raw))
        integrity = expectations.integrity_gate_frame(
            frame, {c: synthetic[link["parent"]][link["parent_column"]] for c, link in references.items()})
        gates = pd.concat([gates, integrity], axis=1)
        first = i == 0  # the evaluation's gates run once, with the first table
        figures = _metric_gates(judged) if first else None
        summary = expectations.validate_release(
            frame[profiled], gates, docs_dir=ws.root / "validation" / "tables" / name,
            synthetic_suite=expectations.build_synthetic_suite(
                profile, expected_rows=len(frame), name=f"{name}_synthetic_table",
                tolerances=expectations.Tolerances(null_rate=spec.validation.null_rate_tolerance)),
            privacy_suite=expectations.build_integrity_privacy_suite(
                [(c, f"{link['parent']}.{link['parent_column']}") for c, link in references.items()],
                name=f"{name}_privacy_gates"),
            evaluation_suite=expectations.build_evaluation_suite(figures) if first else None,
            evaluation_frame=expectations.evaluation_frame(figures) if first else None)
        summaries[name] = summary.to_dict()
        outcomes.extend(summary.outcomes)
        lines += [f"{name}: {line}" for line in expectations.render_failures(summary)]
    expectations.write_data_docs(ws.data_docs_dir, outcomes, title=f"Validation results: {len(summaries)} tables")
    total = {"success": not lines, "evaluated": sum(s["evaluated"] for s in summaries.values()),
             "failed": sum(s["failed"] for s in summaries.values()), "docs_index": "index.html",
             "outcomes": [o for s in summaries.values() for o in s["outcomes"]], "tables": {
                 n: {k: s[k] for k in ("success", "evaluated", "failed")} for n, s in summaries.items()}}
    write_json(ws.validation_summary, total)
    write_json(ws.profile, profiles)
    log.info("validate: %d of %d expectations passed", total["evaluated"] - total["failed"], total["evaluated"])
    blocking = blocking_lines(judged)
    if lines or blocking:
        for line in lines + blocking:
            log.error("validate: %s", line)
        report = write_blocked_report(loaded, ws)
        log.error("validate: nothing published; the report for reviewers is %s", report)
        raise ValidationFailed(lines + blocking, str(ws.data_docs_dir))
    return {"evaluated": total["evaluated"], "failed": total["failed"]}


# --- publish ----------------------------------------------------------------------------------------------------

def manifest(loaded: LoadedSpec, ws: Workspace, flow_run_id: str | None) -> dict:
    """The release's manifest: tables, keys, links, row counts, facts of every stage (counts, never a value)."""
    from synthgate.flows.publish import FORMAT_VERSION, _card_facts, _version_facts, library_versions

    spec = loaded.spec
    ingest, privacy_report = read_json(ws.ingest_facts), read_json(ws.privacy_report)
    split, sampled = read_json(ws.holdout_facts), read_json(ws.sample_report)
    model, figures = read_json(ws.model_dir.parent / "model_facts.json"), read_json(ws.evaluation)
    validation = read_json(ws.validation_summary)
    generating = relations.relational.generating_links(relations.links(spec))
    kinds = released_kinds(spec)
    return {
        "format_version": FORMAT_VERSION, "kind": "tables",
        "dataset": {"name": spec.dataset.name, "version": spec.dataset.version, "title": spec.dataset.title,
                    "description": spec.dataset.description, "licence": spec.dataset.licence,
                    "domain": spec.dataset.domain.value, "access": spec.dataset.access,
                    "retention": spec.dataset.retention.model_dump(mode="json") if spec.dataset.retention else None,
                    "card": _card_facts(loaded)},
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "run": {"workspace_run_id": ws.root.name, "prefect_flow_run_id": flow_run_id, **_version_facts(ws)},
        "spec_sha256": loaded.sha256,
        "source": {"sha256": ingest["sha256"], "rows": ingest["rows"], "columns": ingest["columns"],
                   "files": len(ingest["files"]),
                   "tables": {n: {"sha256": s["sha256"], "rows": s["rows"], "columns": s["columns"],
                                  "files": len(s["files"])} for n, s in ingest["tables"].items()}},
        "tables": {name: {"file": f"{name}.parquet", "primary_key": spec.tables[name].primary_key,
                          "parent": generating[name]["parent"] if name in generating else None,
                          "sequence": relations.sequences(spec).get(name), "columns": kinds[name]}
                   for name in relations.table_order(spec)},
        "links": relations.links(spec),
        "orphans": ingest["orphans"],
        "privacy": {"key_id": privacy_report.get("key_id"),
                    "plan": {n: {c: {"kind": col.kind.value, "action": col.action.value,
                                     "rule": col.rule.model_dump(mode="json") if col.rule else None}
                                 for c, col in t.columns.items()} for n, t in spec.tables.items()},
                    "tables": {n: {"columns": r.get("columns"), "date_shift": r.get("date_shift")}
                               for n, r in privacy_report["tables"].items()},
                    "excluded_text_columns": sampled["excluded_text_columns"]},
        "generator": {"kind": model["kind"], "table_model": relational_registry.table_model(model["kind"]),
                      "params": model["params"],
                      "device": model["device"], "seed": spec.generator.seed, "train_seconds": model["train_seconds"],
                      "model_sha256": _model_sha(ws.model_dir), "differential_privacy": model.get("dp"),
                      "training_sample": read_json(ws.train_facts) if ws.train_facts.exists() else None},
        "rows": {n: {"source": ingest["tables"][n]["rows"], "after_orphans": ingest["kept_rows"][n],
                     "training": split["tables"][n]["training"], "holdout": split["tables"][n]["holdout"],
                     "synthetic": sampled["rows"][n], "discarded_copies": sampled["discarded"][n]["copies"],
                     "discarded_with_parent": sampled["discarded"][n]["with_parent"]}
                 for n in relations.table_order(spec)},
        "holdout": split,
        "evaluation": {"passed": figures["passed"], "verdict": figures["verdict"], "gates": len(figures["gates"]),
                       "failed": sum(not g["passed"] for g in figures["gates"]), "file": ReleaseLayout.EVALUATION},
        "validation": {"success": validation["success"], "evaluated": validation["evaluated"],
                       "failed": validation["failed"]},
        "libraries": library_versions(),
    }


def _model_sha(directory: Path) -> str | None:
    path = directory / "manifest.json"
    if not path.is_file():
        return None
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _card(loaded: LoadedSpec, facts: dict) -> str:
    spec = loaded.spec
    lines = [f"# {spec.dataset.title}", "", f"`{spec.dataset.name}` version {spec.dataset.version} · licence "
             f"{spec.dataset.licence}", "", spec.dataset.description.strip(), "",
             "**This is synthetic data** in several linked tables. No row describes a real person; keys are fresh "
             "and every reference names a row of this release.", "", "## Load it", "", "```python",
             "import pandas as pd"]
    lines += [f'{name} = pd.read_parquet("{t["file"]}")' for name, t in facts["tables"].items()]
    lines += ["```", "", "## Tables", "", "| table | rows | primary key | parent |", "| --- | --- | --- | --- |"]
    lines += [f"| {n} | {facts['rows'][n]['synthetic']} | {t['primary_key'] or '—'} | {t['parent'] or '—'} |"
              for n, t in facts["tables"].items()]
    lines += ["", "Integrity: `manifest.json` lists the sha256 of every file.", ""]
    return "\n".join(lines)


def write_tables_release(folder: Path, loaded: LoadedSpec, ws: Workspace, flow_run_id: str | None,
                         review: dict | None = None) -> dict:
    """Every file of a multi-table release into ``folder``: one Parquet per table, Data Docs, validation and
    evaluation JSON, README.md, report.html, manifest.json (written last, with every other file's sha256).
    ``review``: the committee's block (a pending review's folder), into the manifest and the report."""
    from synthgate import report as report_leaf
    from synthgate.flows.publish import _copy_data_docs, _file_hashes, _write_parquet

    facts = manifest(loaded, ws, flow_run_id)
    if review is not None:
        facts["review"] = review
    for name, table in facts["tables"].items():
        _write_parquet(pd.read_parquet(table_file(ws, name, "synthetic")), folder / table["file"], loaded, ws,
                       kinds=table["columns"])
    _copy_data_docs(ws.data_docs_dir, folder / ReleaseLayout.DATA_DOCS)
    shutil.copyfile(ws.validation_summary, folder / ReleaseLayout.VALIDATION)
    shutil.copyfile(ws.evaluation, folder / ReleaseLayout.EVALUATION)
    (folder / ReleaseLayout.CARD).write_text(_card(loaded, facts), encoding="utf-8")
    facts["files"] = _file_hashes(folder)
    _write_report(folder, facts, ws, f"{ReleaseLayout.DATA_DOCS}/index.html", report_leaf)
    facts["files"] = _file_hashes(folder)
    write_json(folder / ReleaseLayout.MANIFEST, facts)
    return facts


def _write_report(folder: Path, facts: dict, ws: Workspace, href: str, report_leaf) -> None:
    import json

    facts = json.loads(json.dumps(facts, sort_keys=True, default=str))
    try:
        report_leaf.write_tables_report(folder, manifest=facts, evaluation=read_json(ws.evaluation),
                                        validation=read_json(ws.validation_summary), data_docs_href=href)
    except report_leaf.ReportInputError as exc:
        raise InputError(str(exc)) from None
    except report_leaf.ReportError as exc:
        raise ReportFailed(str(exc)) from None


def rewrite_reviewed_report(folder: Path, facts: dict) -> None:
    """The report of a reviewed release from its own files (publish.publish_reviewed_files' rewrite_report)."""
    import json

    from synthgate import report as report_leaf

    facts = json.loads(json.dumps(facts, sort_keys=True, default=str))
    try:
        report_leaf.write_tables_report(folder, manifest=facts, evaluation=read_json(folder / ReleaseLayout.EVALUATION),
                                        validation=read_json(folder / ReleaseLayout.VALIDATION),
                                        data_docs_href=f"{ReleaseLayout.DATA_DOCS}/index.html")
    except report_leaf.ReportInputError as exc:
        raise InputError(str(exc)) from None
    except report_leaf.ReportError as exc:
        raise ReportFailed(str(exc)) from None


def published_paths(final: Path, facts: dict) -> dict:
    """What a published multi-table release returns: its paths and row counts (no value)."""
    return {"release_dir": str(final), "manifest": str(final / ReleaseLayout.MANIFEST),
            "data_files": {n: str(final / t["file"]) for n, t in facts["tables"].items()},
            "data_docs": str(final / ReleaseLayout.DATA_DOCS / "index.html"),
            "report": str(final / ReleaseLayout.REPORT),
            "rows": sum(r["synthetic"] for r in facts["rows"].values()),
            "table_rows": {n: r["synthetic"] for n, r in facts["rows"].items()}}


def write_blocked_report(loaded: LoadedSpec, ws: Workspace) -> Path:
    """A blocked run's report in the workspace, so reviewers see why nothing was published."""
    from synthgate import report as report_leaf
    import os

    ws.report_dir.mkdir(exist_ok=True, mode=0o700)
    facts = manifest(loaded, ws, None)
    facts["tables"] = {n: {**t, "file": "(not published)"} for n, t in facts["tables"].items()}
    _write_report(ws.report_dir, facts, ws, os.path.relpath(ws.data_docs_dir / "index.html", ws.report_dir),
                  report_leaf)
    return ws.report_dir / ReleaseLayout.REPORT


@task(name="publish-tables", **TASK_OPTIONS)
@stage("publish")
def publish(loaded: LoadedSpec, ws: Workspace, flow_run_id: str | None) -> dict:
    """Stage every file beside the final folder, hash it, then rename the folder into place (flows/publish.py)."""
    from synthgate.flows.publish import ensure_version_is_new, layout_for

    layout = layout_for(loaded)
    ensure_version_is_new(loaded)
    layout.dataset_dir.mkdir(parents=True, exist_ok=True)
    staging = layout.staging_dir(secrets.token_hex(6))
    staging.mkdir()
    try:
        facts = write_tables_release(staging, loaded, ws, flow_run_id)
        ensure_version_is_new(loaded)
        staging.rename(layout.release_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    final = layout.release_dir
    get_run_logger().info("publish: %s", final)
    return published_paths(final, facts)
