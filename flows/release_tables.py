"""The multi-table release flow (tables:): ingest → pseudonymise (split by subject) → train → sample → evaluate →
validate → publish, every stage over all tables (flows/tasks_tables.py); with review.required it suspends after
validate and publishes all tables on the committee's approval (flows/review_steps.py, as one table does)."""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from synthgate.flows import audit, catalog_site, gc, review_steps, runlock, tasks_tables, versions
from synthgate.flows.errors import InputError, SynthgateError
from synthgate.flows.spec import LoadedSpec, load_spec
from synthgate.flows.workspace import Workspace, new_run_id, read_json, write_json


def _run_name() -> str:
    params = flow_run.parameters
    return f"{params.get('dataset', 'release')}-{params.get('version', '')}".rstrip("-")


@flow(name="synthgate-release-tables", flow_run_name=_run_name, persist_result=False, validate_parameters=True)
def release_tables(spec_path: str, dataset: str = "", version: str = "", run_id: str = "", site: bool = True,
                   source_sha256: dict[str, str] | None = None) -> dict:
    """Release the linked synthetic tables of the spec at ``spec_path`` (a spec with tables:).

    ``dataset`` and ``version`` only name the flow run. ``source_sha256``: table -> the source's hash
    `synthgate run` checked; ingest refuses another (exit 2). Returns the published paths and the facts
    each stage recorded (counts, never values).
    """
    try:
        loaded = load_spec(spec_path)
        if loaded.spec.tables is None:
            raise InputError(f"{spec_path}: has no tables: block; the single-table release flow releases it")
    except SynthgateError as exc:
        runlock.announce("failed", dataset or "unknown", version, str(flow_run.id) if flow_run.id else "", exc)
        raise
    # One run per dataset: a run suspended for review keeps holding it (flows/runlock.py).
    with runlock.one_run_per_dataset(loaded.catalog_dir, loaded.spec.dataset.name, loaded.spec.dataset.version,
                                     str(flow_run.id) if flow_run.id else None):
        result = _stages(loaded, run_id, version, source_sha256 or {})
    if site and result.get("published"):  # also after the committee's approval; not after a rejection
        result["site"] = catalog_site.after_publish(
            loaded.catalog_dir, dataset=loaded.spec.dataset.name,
            version=Path(result["published"]["release_dir"]).name, flow_run_id=str(flow_run.id) if flow_run.id else None)
    return result


def _stages(loaded: LoadedSpec, run_id: str, requested_version: str, source_sha256: dict[str, str]) -> dict:
    flow_run_id = str(flow_run.id) if flow_run.id else None
    resumed = review_steps.resume_point(loaded)  # resumed after review: the stages ran before it suspended
    if resumed is not None:
        return review_steps.decide(resumed, resumed=True)
    loaded, resolved = versions.resolve_for_run(loaded, requested=requested_version, flow_run_id=flow_run_id,
                                                scheduled=flow_run.scheduled_start_time)
    spec = loaded.spec
    ws = Workspace.for_run(loaded.workspace_dir, spec.dataset.name, spec.dataset.version,
                           run_id or new_run_id()).create()
    write_json(ws.run_record, {"spec": str(loaded.path), "spec_sha256": loaded.sha256, "tables": True,
                               "prefect_flow_run_id": flow_run_id, **resolved.facts()})
    for path in gc.at_run_start(loaded, current=ws.root).paths:
        get_run_logger().info("gc: removed %s", path)
    with audit.release_events(loaded, ws, resolved) as events:
        versions.ensure_new(loaded)
        tasks_tables.ingest(loaded, ws, source_sha256)
        events.started()
        tasks_tables.pseudonymise(loaded, ws)
        trained = tasks_tables.train(loaded, ws)
        tasks_tables.sample(loaded, ws)
        tasks_tables.evaluate(loaded, ws)
        tasks_tables.validate(loaded, ws)
        events.gates(passed=True)
        if spec.review.required:  # the committee decides on all tables: suspend, then publish them all or none
            return review_steps.decide(review_steps.hold(loaded, ws), resumed=False)
        published = tasks_tables.publish(loaded, ws, flow_run_id)
        events.published(published)
    return {"workspace": str(ws.root), "published": published, "train_seconds": trained.train_seconds,
            "training_sample": read_json(ws.train_facts) if ws.train_facts.exists() else None,  # counts only
            "evaluation": {k: v for k, v in read_json(ws.evaluation).items() if k in ("passed", "gates")}}
