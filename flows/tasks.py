"""Prefect tasks: thin wiring from the spec and the workspace to one leaf function each.

Tasks pass paths and small result objects, never DataFrames, so Prefect's results and logs
can never hold a record; results are not persisted at all.
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from synthgate import evaluation
from synthgate import expectations
from synthgate import generators
from synthgate import privacy
from synthgate.flows import convert, engine, failures, partitions, stream, table_shape
from synthgate.flows.errors import (
    InputError,
    SynthgateError,
    ValidationFailed,
)
from synthgate.flows.keys import additional_information_key, resolve_key
from synthgate.flows.publish import publish_release, write_blocked_report
from synthgate.flows.retries import ingest_retry_options
from synthgate.flows.sources import SourceFacts, check_columns, read_source
from synthgate.flows.spec import LoadedSpec
from synthgate.flows.tables import coerce_kinds
from synthgate.flows.timezones import align_timezones
from synthgate.flows.workspace import Workspace, additional_information_file, read_json, steps_applied, write_json

TASK_OPTIONS = {"persist_result": False, "cache_policy": NO_CACHE}


class SourceChanged(InputError):
    """The source's bytes changed between the preflight and the ingest: what was checked is not what was read."""

    def __init__(self, source: str, checked: str, read: str) -> None:
        super().__init__(f"source {source} changed after it was checked (sha256 {checked[:16]}... at the preflight, "
                         f"{read[:16]}... at ingest); nothing was published: let the export finish, then run again")


def stage(name: str):
    """Let synthgate's own errors through; describe any other by what its kind may show (flows/failures.py).

    Value-free leaf errors keep their message, file-system errors show their errno and path, and
    anything else its type alone (its text may hold data).
    """

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except SynthgateError:
                raise
            except Exception as exc:
                loaded = next((a for a in args if isinstance(a, LoadedSpec)), None)
                raise failures.describe(name, exc, loaded) from None

        return run

    return decorate


@task(name="ingest", **TASK_OPTIONS, **ingest_retry_options())  # only I/O is retried (flows/retries.py)
@stage("ingest")
def ingest(loaded: LoadedSpec, ws: Workspace, expected_sha256: str = "") -> SourceFacts:
    """Read the source, check its columns against the plan, type them, keep them in the workspace.

    ``expected_sha256``: the hash the preflight read; a source changed since is refused (SourceChanged).
    """
    spec = loaded.spec
    on_dask = partitions.dask_runner_active()  # engine: dask: one partition per source file on the workers
    if on_dask or stream.should_stream(loaded.source_pattern):  # past SYNTHGATE_STREAM_BYTES: batches
        scan = stream.scan_spec_source(loaded)
        if expected_sha256 and scan.sha256 != expected_sha256:
            raise SourceChanged(loaded.source_pattern, expected_sha256, scan.sha256)
        if on_dask:
            facts, parts = partitions.ingest_partitioned(loaded, scan, ws)
        else:
            facts, parts = stream.ingest_scanned(loaded, scan, ws.raw_table), 0
        write_json(ws.ingest_facts, facts.to_dict())
        get_run_logger().info("ingest: %d rows x %d columns from %d file(s) in batches of %d rows%s, sha256 %s",
                              facts.rows, facts.columns, len(facts.files), stream.BATCH_ROWS,
                              f", {parts} partition(s) on Dask" if parts else "", facts.sha256[:16])
        return facts
    frame, facts = read_source(
        loaded.source_pattern, fmt=spec.source.format,
        delimiter=spec.source.delimiter, encoding=spec.source.encoding,
        rename=spec.source.rename, dedupe_headers=spec.source.dedupe_headers,
    )
    if expected_sha256 and facts.sha256 != expected_sha256:
        raise SourceChanged(loaded.source_pattern, expected_sha256, facts.sha256)
    check_columns(list(frame.columns), list(spec.columns))
    kinds = {name: col.kind.value for name, col in spec.columns.items()}
    typed = coerce_kinds(align_timezones(frame, kinds, spec.source.timezone), kinds)
    table_shape.check_learnable(loaded, typed)  # a scheduled run has had no preflight
    typed.to_parquet(ws.raw_table, index=False)
    write_json(ws.ingest_facts, facts.to_dict())
    get_run_logger().info(
        "ingest: %d rows x %d columns from %d file(s), sha256 %s", facts.rows, facts.columns,
        len(facts.files), facts.sha256[:16],
    )
    return facts


@dataclass(frozen=True)
class PseudonymiseResult:
    key_id: str | None
    actions: dict[str, int]
    training_rows: int
    training_columns: int


@task(name="pseudonymise", **TASK_OPTIONS)
@stage("pseudonymise")
def pseudonymise(loaded: LoadedSpec, ws: Workspace) -> PseudonymiseResult:
    """Apply the pseudonymisation plan, then keep the columns the generator may learn."""
    spec = loaded.spec
    plan = convert.privacy_plan(spec)
    key = resolve_key(spec.privacy) if convert.keyed_columns(spec) else None
    streams, obstacle = stream.workspace_streams(ws, plan)
    on_dask = partitions.dask_runner_active()  # engine: dask (flows/engine.py): partitions on the workers
    not_partitioned = privacy.streaming_obstacle(plan) if on_dask else None
    if not_partitioned:
        get_run_logger().info("pseudonymise: in the flow's process, not on Dask: %s", not_partitioned)
        on_dask = False
    if on_dask:
        streamed = partitions.pseudonymise_partitioned(loaded, ws, plan, key, engine.resolve(spec).partition_rows)
        get_run_logger().info("pseudonymise: %d rows in %s", streamed.rows, streamed.cache)
    else:
        streamed = stream.pseudonymise_workspace(loaded, ws, plan, key) if streams else None
    if streamed is not None:  # applied batch by batch; the holdout split below still reads the table
        applied, result, report = None, pd.read_parquet(ws.pseudonymised_table), streamed.report
    else:
        if obstacle:
            get_run_logger().info("pseudonymise: the whole table is held in memory: %s", obstacle)
        applied = privacy.apply_plan(pd.read_parquet(ws.raw_table), plan, key)
        result, report = applied.frame, applied.report
    kept = None
    if applied is not None and applied.additional_information is not None:
        kept = _keep_additional_information(loaded, ws, applied, report.key_id)
        report = report.with_encryption_key_id(kept["encryption_key_id"])
    facts = {**report.to_dict(), **({"additional_information": kept} if kept else {})}
    log = get_run_logger()
    actions = {a.value: len(plan.by_action(a)) for a in privacy.Action}
    log.info("pseudonymise: %s; key id %s", ", ".join(f"{n} {a}" for a, n in actions.items() if n), report.key_id)
    for outcome in report.columns:
        log.info("  %s: %s%s, %d cell(s) changed", outcome.column, outcome.action,
                 f" ({outcome.rule})" if outcome.rule else "", outcome.changed_cells)
    if spec.risk is not None:
        grouped = stream.risk_facts(loaded, streamed) if streamed is not None else None
        result, facts["risk"] = (result, grouped) if grouped else _reduce_risk(loaded, result)
    result.to_parquet(ws.pseudonymised_table, index=False)
    write_json(ws.privacy_report, facts)
    learned = result[list(convert.learned_kinds(spec, facts.get("risk", {}).get("steps_applied", 0)))]
    # The holdout is drawn before training and never reaches the generator: it is the control
    # of every privacy figure and the test set of the utility model.
    # Whole people go to one side when the spec names whose rows they are (holdout_by, or the
    # date-shift subject): the holdout then stands for people the generator never saw.
    subject = convert.holdout_subject(spec)
    split = evaluation.split_holdout(learned, spec.evaluation.holdout, seed=spec.generator.seed,
                                     groups=result[subject] if subject else None, group_name=subject)
    split.training.to_parquet(ws.training_table, index=False)
    split.holdout.to_parquet(ws.holdout_table, index=False)
    pd.DataFrame({"holdout": split.mask}).to_parquet(ws.holdout_mask, index=False)
    write_json(ws.holdout_facts, split.facts())
    log.info("pseudonymise: %d rows held out (%.0f%%%s) for the evaluation, %d rows for training",
             len(split.holdout), 100 * split.fraction,
             f" of {split.groups} subjects by {subject}" if subject else "", len(split.training))
    return PseudonymiseResult(report.key_id, actions, len(split.training), split.training.shape[1])


def _keep_additional_information(loaded: LoadedSpec, ws: Workspace, applied, key_id: str | None) -> dict:
    """Encrypt the pseudonym -> identifier pairs into their own folder, apart from workspace and catalog."""
    folder = loaded.additional_information_dir
    privacy.ensure_apart(folder, loaded.workspace_dir, loaded.catalog_dir)  # checked at load; links may move
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = additional_information_file(folder, loaded.spec.dataset.name, loaded.spec.dataset.version, ws.root.name)
    header = privacy.write_additional_information(
        path, applied.additional_information, additional_information_key(loaded.spec.privacy), key_id=key_id or "",
    )
    get_run_logger().info("pseudonymise: re-identification table encrypted (key %s) into %s",
                          header.get("encryption_key_id"), folder)
    # The manifest names the key and the counts, not the folder: where it lives is the agency's business.
    return {"encryption_key_id": header.get("encryption_key_id"), "columns": header.get("columns"),
            "file": path.name}


def _reduce_risk(loaded: LoadedSpec, table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Measure k, l and uniques over the quasi-identifiers; run the spec's steps until the threshold holds."""
    risk, log = loaded.spec.risk, get_run_logger()
    reduced, report = privacy.enforce_threshold(table, risk.quasi_identifiers, convert.risk_threshold(loaded.spec),
                                                risk.steps)
    for label, measured in [("before", report.initial), *((f"after {o.step}", o.risk) for o in report.steps)]:
        log.info("risk %s: k=%d%s, %d classes, %.2f%% unique records, %d rows", label, measured.k,
                 f", l={measured.l}" if measured.l is not None else "", measured.classes,
                 100 * measured.unique_share, measured.rows)
    facts = {"quasi_identifiers": list(risk.quasi_identifiers), "steps_applied": len(report.steps),
             **report.to_dict()}
    return reduced.reset_index(drop=True), facts



@dataclass(frozen=True)
class TrainResult:
    kind: str
    device: str
    train_seconds: float
    rows: int
    available_rows: int = 0


@task(name="train", **TASK_OPTIONS)
@stage("train")
def train(loaded: LoadedSpec, ws: Workspace) -> TrainResult:
    """Fit the spec's generator on the training table and save it as a model directory."""
    table_shape.check_width(loaded)  # a scheduled run has had no preflight
    gen_spec = loaded.spec.generator
    cls = generators.get_generator(gen_spec.kind)
    params = generators.parse_params(gen_spec.kind, convert.generator_params(loaded.spec))
    device = generators.resolve_device(gen_spec.device) if cls.supports_gpu else "cpu"
    log = get_run_logger()
    dp = f", differential privacy ε={gen_spec.dp['epsilon']}, δ={gen_spec.dp['delta']}" if gen_spec.dp else ""
    log.info("train: %s on %s, seed %d%s", gen_spec.kind, device, gen_spec.seed, dp)
    model = cls(params, device=device, seed=gen_spec.seed, **convert.generator_rules(loaded.spec))
    table, schema = pd.read_parquet(ws.training_table), convert.generator_schema(loaded.spec, steps_applied(ws))
    ids = pd.read_parquet(ws.pseudonymised_table, columns=convert.identifier_columns(loaded.spec))
    flags = _presence_flags(ids, ws, len(table))
    table = table.assign(**flags)
    schema = generators.TableSchema.from_mapping({**dict(schema.columns), **dict.fromkeys(flags, "boolean")})
    # Above generator.train_rows the model learns a seeded uniform sample (generators/training_rows.py says why).
    learned = generators.training_sample(table, gen_spec.train_rows, seed=gen_spec.seed)
    write_json(ws.train_facts, {**learned.to_dict(), "limit": gen_spec.train_rows})
    if learned.sampled:
        log.info("train: learning a uniform sample of %d of %d training rows (generator.train_rows)",
                 learned.learned, learned.available)
    table = learned.rows
    with generators.console_progress(f"train {gen_spec.kind}") as bar:

        def progress(facts: generators.TrainingProgress) -> None:
            bar(facts)
            log.info("train: %s", facts.line())  # counts and losses only, never a value

        report = model.fit(table, schema, progress=progress)
    model.save(ws.model_dir)
    log.info("train: %d rows x %d columns in %.1f s", report.rows, report.columns, report.train_seconds)
    return TrainResult(gen_spec.kind, report.device, report.train_seconds, report.rows, learned.available)


def _presence_flag(column: str) -> str:
    return f"{column}__present"


def _presence_flags(ids: pd.DataFrame, ws: Workspace, rows: int) -> dict[str, np.ndarray]:
    """One present/absent flag per identifier column that is sometimes null, lined up with the training rows.

    Identifiers are never learned, but whether a row has one is part of the row (a case number
    present exactly when a charge is): the flag is learned with the other columns, and sampling
    nulls the fresh identifier where the drawn flag is false. Columns never or always null teach
    nothing; the holdout mask picks the training rows out of the pseudonymised ones.
    """
    kept = ~pd.read_parquet(ws.holdout_mask)["holdout"].to_numpy(dtype=bool)
    if ids.empty or int(kept.sum()) != rows:
        return {}
    return {_presence_flag(n): ids[n].notna().to_numpy()[kept] for n in ids.columns if 0 < ids[n].isna().mean() < 1}


@task(name="sample", **TASK_OPTIONS)
@stage("sample")
def sample(loaded: LoadedSpec, ws: Workspace) -> dict:
    """Draw the requested rows, reproducibly for the seed, and give them fresh identifiers."""
    spec = loaded.spec
    model = generators.get_generator(spec.generator.kind).load(ws.model_dir, device="cpu")
    training = pd.read_parquet(ws.training_table)
    rounds = convert.synthetic_coarsening(spec, steps_applied(ws))

    def coarsen(frame: pd.DataFrame) -> pd.DataFrame:
        for rules in rounds:
            frame = privacy.coarsen_synthetic(frame, rules)
        return frame

    pseudonymised = pd.read_parquet(ws.pseudonymised_table, columns=convert.identifier_columns(spec))
    flags = {f: v for f, v in _presence_flags(pseudonymised, ws, len(training)).items() if f in model.schema.names}
    synthetic, discarded, drawn = generators.sample_without_copies(
        model, spec.sample.rows, seed=spec.generator.seed, training=training.assign(**flags), transform=coarsen,
        common=convert.common_rows_k(spec),
    )
    for offset, name in enumerate(convert.identifier_columns(spec), start=1):
        flag = _presence_flag(name)
        ids = generators.fresh_identifiers(
            spec.sample.rows, seed=spec.generator.seed + offset,
            null_share=0.0 if flag in flags else float(pseudonymised[name].isna().mean()),
        )
        if flag in flags:  # the learned flag says which rows have this id: its nulls go with the rest of the row
            ids = ids.where(synthetic[flag].fillna(False).astype(bool).to_numpy(), None)
        synthetic[name] = ids
    synthetic = synthetic[convert.released_columns(spec)]
    synthetic.to_parquet(ws.synthetic_table, index=False)
    facts = {"rows": len(synthetic), "seed": spec.generator.seed, "discarded_copies": discarded, "drawn_rows": drawn,
             "excluded_text_columns": convert.text_columns(spec)}
    write_json(ws.sample_report, facts)
    get_run_logger().info("sample: %d rows (%d of %d drawn rows were exact copies of training rows, discarded)",
                          len(synthetic), discarded, drawn)
    return facts


@task(name="validate", **TASK_OPTIONS)
@stage("validate")
def validate(loaded: LoadedSpec, ws: Workspace) -> dict:
    """Run the quality suite and the privacy gates; Data Docs go to the workspace."""
    spec = loaded.spec
    ids, sensitive = convert.identifier_columns(spec), convert.sensitive_columns(spec)
    judged = read_json(ws.evaluation)["gates"]
    figures = _metric_gates(judged)
    synthetic = pd.read_parquet(ws.synthetic_table)
    training = pd.read_parquet(ws.training_table)
    pseudonymised = pd.read_parquet(ws.pseudonymised_table, columns=ids)
    raw = pd.read_parquet(ws.raw_table, columns=sensitive)
    held_out = pd.read_parquet(ws.holdout_mask)["holdout"].to_numpy()
    training_ids = pseudonymised[ids][~held_out].reset_index(drop=True)  # the identifiers of the training rows
    reference = pd.concat([training, training_ids], axis=1)[convert.released_columns(spec)]
    gen_spec = spec.generator
    # Bounds and categories obey the same protection as the data (k-th values, categories of >= k
    # rows, the generator's placeholder); under differential privacy only the declared domains.
    profile = expectations.profile_training(
        reference, convert.released_kinds(spec, steps_applied(ws)),
        protection=convert.value_protection(spec),
        rare_placeholder=generators.get_generator(gen_spec.kind).rare_placeholder,
        dp_domains=dict(gen_spec.dp.get("domains") or {}) if gen_spec.dp is not None else None,
    )
    write_json(ws.profile, profile.to_dict())
    gates = expectations.privacy_gate_frame(
        synthetic, training=training, learned_columns=list(training.columns), identifier_columns=ids,
        pseudonyms=_distinct_text(pseudonymised[ids]), raw_identifiers=_distinct_text(raw[[c for c in ids if c in raw]]),
        raw_sensitive_values=_distinct_text(raw), common=convert.common_rows_k(spec),
    )
    # Each data rule with its real and synthetic share; under DP no share is read from real rows.
    rule_check = expectations.check_rules(
        synthetic, training if gen_spec.dp is None else None, convert.rule_dicts(spec),
        protection=convert.value_protection(spec),
    ) if spec.rules else None
    summary = expectations.validate_release(
        synthetic, gates, docs_dir=ws.data_docs_dir, rules=rule_check,
        synthetic_suite=expectations.build_synthetic_suite(
            profile, expected_rows=spec.sample.rows,
            tolerances=expectations.Tolerances(null_rate=spec.validation.null_rate_tolerance),
        ),
        privacy_suite=expectations.build_privacy_suite(),
        evaluation_suite=expectations.build_evaluation_suite(figures),
        evaluation_frame=expectations.evaluation_frame(figures),
    )
    write_json(ws.validation_summary, summary.to_dict())
    log = get_run_logger()
    log.info("validate: %d of %d expectations passed", summary.evaluated - summary.failed, summary.evaluated)
    # An unmeasured or inconclusive figure has no GX expectation to fail; it blocks all the same.
    blocking = _blocking_lines(judged)
    if not summary.success or blocking:
        lines = expectations.render_failures(summary) + blocking
        for line in lines:
            log.error("validate: %s", line)
        report = write_blocked_report(loaded, ws)
        log.error("validate: nothing published; the report for reviewers is %s", report)
        raise ValidationFailed(lines, str(ws.data_docs_dir))
    return {"evaluated": summary.evaluated, "failed": summary.failed}


def _metric_gates(gates: list[dict]) -> list:
    """The evaluation's gates as GX metric gates: every measured figure becomes an expectation.

    GX checks the estimate against the bound, which agrees with the evaluation's pass and fail.
    An inconclusive figure's interval straddles the bound: GX checks the end of the interval on
    the bound's good side (it holds), and `validate` blocks the release unless the spec accepted
    the figure, with a line of its own.
    """
    metric_gates = []
    for gate in gates:
        value, description = gate["value"], gate["description"]
        if gate["verdict"] == "inconclusive":
            value = gate["low"] if gate["operator"] == "<=" else gate["high"]
            description += (f" Inconclusive: the 95% interval [{gate['low']:.3g}, {gate['high']:.3g}] is too wide "
                            "to decide; its end nearest the bound is checked here"
                            + ("; the spec accepted it." if gate["accepted"] else "; it blocks publishing."))
        bound = {"max_value": gate["bound"]} if gate["operator"] == "<=" else {"min_value": gate["bound"]}
        metric_gates.append(expectations.MetricGate(metric=gate["metric"], value=value, description=description,
                                                    **bound))
    return metric_gates


def _blocking_lines(gates: list[dict]) -> list[str]:
    """Gates that block without a GX expectation to fail: unmeasured, and inconclusive ones not accepted."""
    lines = []
    for gate in gates:
        if gate["verdict"] == "unmeasured":
            lines.append(f"release_evaluation: {gate['metric']} could not be measured, and its bound applies")
        elif gate["verdict"] == "inconclusive" and not gate["accepted"]:
            needed = gate.get("holdout_rows_needed")
            more = f"; about {needed} holdout rows would make it conclusive" if needed else ""
            lines.append(f"release_evaluation: {gate['metric']} is inconclusive: its 95% interval "
                         f"[{gate['low']:.3g}, {gate['high']:.3g}] is too wide to tell a pass from a fail against "
                         f"{gate['operator']} {gate['bound']:.3g}{more}, or accept it with "
                         f"evaluation.accept_inconclusive: [{gate['metric']}]")
    return lines


@task(name="evaluate", **TASK_OPTIONS)
@stage("evaluate")
def evaluate(loaded: LoadedSpec, ws: Workspace) -> dict:
    """Measure fidelity, utility and privacy risk of the synthetic rows against training and holdout rows."""
    spec = loaded.spec
    kinds = convert.learned_kinds(spec, steps_applied(ws))
    training, holdout = pd.read_parquet(ws.training_table), pd.read_parquet(ws.holdout_table)
    synthetic = pd.read_parquet(ws.synthetic_table, columns=list(kinds))
    log = get_run_logger()
    sampled = read_json(ws.sample_report)
    search = partitions.DaskSearch(ws.root / partitions.ENGINE_FOLDER, engine.resolve(spec).partition_rows) \
        if partitions.dask_runner_active() else None
    result = evaluation.evaluate(
        training, synthetic, holdout, convert.evaluation_config(spec), kinds=kinds,
        progress=lambda step, seconds: log.info("evaluate: %s %.1f s", step, seconds),
        generator_copies=(sampled["discarded_copies"], sampled["drawn_rows"]), search=search,
    )
    if search is not None:
        log.info("evaluate: %d neighbour search(es) in %d partition(s) on Dask", search.calls, search.partitions)
    privacy_facts = read_json(ws.privacy_report)
    write_json(ws.evaluation, {**result.to_dict(), "holdout": read_json(ws.holdout_facts),
                               "k_anonymity": privacy_facts.get("risk")})
    for name, reason in result.not_applicable.items():
        log.info("evaluate: %s not applicable: %s", name, reason)
    for gate in result.gates:
        (log.info if gate.passed else log.error)("evaluate: %s", gate.line())
    return {"passed": result.passed, "gates": len(result.gates), "failed": len(result.failures())}


def _distinct_text(frame: pd.DataFrame) -> set[str]:
    values: set[str] = set()
    for name in frame.columns:
        column = frame[name].dropna()
        values.update(column.astype(str).str.strip().unique().tolist())
    return values


@task(name="publish", **TASK_OPTIONS)
@stage("publish")
def publish(loaded: LoadedSpec, ws: Workspace, flow_run_id: str | None) -> dict:
    """Write the release atomically into the catalog; an existing version is never touched."""
    published = publish_release(loaded, ws, flow_run_id=flow_run_id)
    get_run_logger().info("publish: %s", published.release_dir)
    return asdict(published)


def read_stage_facts(ws: Workspace) -> dict:
    """The small JSON facts each stage left in the workspace (for the summary and the manifest)."""
    return {
        "ingest": read_json(ws.ingest_facts),
        "privacy": read_json(ws.privacy_report),
        "model": read_json(ws.model_dir / "manifest.json"),
        "train": read_json(ws.train_facts) if ws.train_facts.exists() else None,
        "sample": read_json(ws.sample_report),
        "evaluation": _evaluation_facts(ws),
        "validation": read_json(ws.validation_summary),
    }


def _evaluation_facts(ws: Workspace) -> dict:
    figures = read_json(ws.evaluation)
    facts = {key: figures.get(key) for key in (*evaluation.FIGURES, "passed", "verdict", "not_applicable")}
    facts["accept_inconclusive"] = list(figures.get("config", {}).get("accept_inconclusive", []))
    return facts
